"""Reminders that respect the leader.

Two steps, both safe to run from any number of workers at once:

- ``reminders_plan(now)`` finds what is due soon and records one Reminder per
  (kind, person, subject). A unique constraint means a second planner changes
  nothing.
- ``reminders_send(now, worker)`` claims due reminders for a short lease, sends
  each (respecting opt-outs, quiet hours in the recipient's time zone and a daily
  cap), and marks it sent. Claims are taken one row at a time in their own
  transaction, so two workers never hold the same reminder; a worker killed
  mid-batch leaves claims that run out, and the next run sends what it left.

No reminder carries confidential text: only names, times and links.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bearing.accounts.models import User
from bearing.engagements.models import Action, CoachingSession, EngagementStatus, SessionStatus
from bearing.lib.mail import build_message
from bearing.lib.reminder_subjects import reminder_subjects, subject_for

from .models import (
    CheckIn,
    CheckInRhythm,
    GoalStatus,
    NotificationPreference,
    Reminder,
    ReminderKind,
    ReminderStatus,
)


def _lease() -> timedelta:
    return timedelta(seconds=settings.REMINDER_LEASE_SECONDS)


UNSUBSCRIBE_SALT = "bearing.reminders.unsubscribe"


def _tz(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _plan(kind: str, user_id: int, key: str, due_at: datetime) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(kind=kind, user_id=user_id, subject_key=key, due_at=due_at)
        return True
    except IntegrityError:
        return False  # planned already


def next_check_in_due(rhythm: CheckInRhythm, after: datetime) -> datetime:
    """The first rhythm slot after ``after``, as an aware datetime (DST-correct)."""
    tz = _tz(rhythm.time_zone)
    local = after.astimezone(tz)
    days = (rhythm.weekday - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days), rhythm.time_of_day, tzinfo=tz)
    if candidate <= after:
        candidate = datetime.combine(
            local.date() + timedelta(days=days + 7 * rhythm.every_weeks),
            rhythm.time_of_day,
            tzinfo=tz,
        )
    return candidate


def reminders_plan(now: datetime | None = None) -> int:
    """Plan reminders for the next day. Idempotent."""
    now = now or timezone.now()
    horizon = now + timedelta(days=1)
    planned = 0
    # Coaching session tomorrow, for both; agenda not yet written, for the coachee.
    sessions = (
        CoachingSession.objects.filter(
            status=SessionStatus.SCHEDULED,
            scheduled_for__gt=now,
            scheduled_for__lte=now + timedelta(days=2),
        )
        .select_related("engagement")
        .only(
            "code",
            "scheduled_for",
            "agenda_updated_at",
            "engagement__coach_id",
            "engagement__coachee_id",
        )
    )
    for s in sessions:
        stamp = s.scheduled_for.isoformat()
        when = s.scheduled_for - timedelta(days=1)
        if when <= horizon:
            for uid in (s.engagement.coach_id, s.engagement.coachee_id):
                if uid:
                    planned += _plan(
                        ReminderKind.SESSION_TOMORROW,
                        uid,
                        f"session:{s.code}:{stamp}",
                        max(when, now),
                    )
        if s.agenda_updated_at is None and s.engagement.coachee_id:
            planned += _plan(
                ReminderKind.AGENDA_MISSING,
                s.engagement.coachee_id,
                f"agenda:{s.code}:{stamp}",
                max(s.scheduled_for - timedelta(days=2), now),
            )
    # Actions due tomorrow (or today), for their owner, at nine in the morning their time.
    today = timezone.localdate(now)
    actions = (
        Action.objects.filter(
            completed_at__isnull=True, due_on__gte=today, due_on__lte=today + timedelta(days=1)
        )
        .select_related("owner")
        .only("code", "due_on", "owner__id", "owner__time_zone")
    )
    for a in actions:
        tz = _tz(a.owner.time_zone)
        when = datetime.combine(a.due_on - timedelta(days=1), time(9), tzinfo=tz)
        planned += _plan(
            ReminderKind.ACTION_DUE,
            a.owner_id,
            f"action:{a.code}:{a.due_on}",
            max(when, now - timedelta(hours=12)),
        )
    # Check-ins due on the coachee's own rhythm (weekly by default).
    engagements = CheckInRhythm.objects.filter(
        engagement__status=EngagementStatus.ACTIVE
    ).select_related("engagement")
    for rhythm in engagements:
        e = rhythm.engagement
        if not e.coachee_id or not e.goals.filter(status=GoalStatus.ACTIVE).exists():
            continue
        due = next_check_in_due(rhythm, now - timedelta(days=1))
        if due <= horizon:
            planned += _plan(
                ReminderKind.CHECK_IN_DUE, e.coachee_id, f"checkin:{e.code}:{due.date()}", due
            )
    # Other areas' reminders planned on a rhythm (the weekly review of the priority board).
    for subject in reminder_subjects():
        if subject.plan is not None:
            for user_id, key, due_at in subject.plan(now, horizon):
                planned += _plan(subject.kind, user_id, key, due_at)
    return planned


# --- Sending ------------------------------------------------------------------------


def preference_for(user: User) -> NotificationPreference:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref or NotificationPreference(user=user)


def in_quiet_hours(pref: NotificationPreference, moment: datetime, tz) -> datetime | None:
    """If ``moment`` falls in the quiet hours (in ``tz``), when they end; else None."""
    local = moment.astimezone(tz)
    start, end, t = pref.quiet_start, pref.quiet_end, local.time()
    if start == end:
        return None
    if start < end:
        quiet = start <= t < end
        end_day = local.date()
    else:  # spans midnight
        quiet = t >= start or t < end
        end_day = local.date() + timedelta(days=1) if t >= start else local.date()
    if not quiet:
        return None
    return datetime.combine(end_day, end, tzinfo=tz)


def sent_today(user: User, moment: datetime, tz) -> int:
    local = moment.astimezone(tz)
    day_start = datetime.combine(local.date(), time(0), tzinfo=tz)
    return Reminder.objects.filter(
        user=user,
        status=ReminderStatus.SENT,
        sent_at__gte=day_start,
        sent_at__lt=day_start + timedelta(days=1),
    ).count()


def unsubscribe_token(user: User, kind: str) -> str:
    return signing.dumps({"u": str(user.code), "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=timedelta(days=90))
    except signing.BadSignature:
        return None
    user = User.objects.filter(code=data.get("u")).first()
    if user is None or data.get("k") not in ReminderKind.values:
        return None
    return user, data["k"]


def _still_relevant(reminder: Reminder) -> bool:
    kind, key = reminder.kind, reminder.subject_key
    code = key.split(":")[1]
    if (subject := subject_for(kind)) is not None:  # another area's kind (a decision review)
        return subject.still_relevant(code, reminder.due_at)
    if kind in (ReminderKind.SESSION_TOMORROW, ReminderKind.AGENDA_MISSING):
        s = CoachingSession.objects.filter(code=code, status=SessionStatus.SCHEDULED).first()
        if s is None or s.scheduled_for.isoformat() != key.split(":", 2)[2]:
            return False
        return kind == ReminderKind.SESSION_TOMORROW or s.agenda_updated_at is None
    if kind == ReminderKind.ACTION_DUE:
        return Action.objects.filter(code=code, completed_at__isnull=True).exists()
    if kind == ReminderKind.CHECK_IN_DUE:
        return not CheckIn.objects.filter(
            engagement__code=code, submitted_at__gte=reminder.due_at - timedelta(days=2)
        ).exists()
    return False


def _context(reminder: Reminder) -> dict:
    kind, key = reminder.kind, reminder.subject_key
    code = key.split(":")[1]
    ctx: dict = {"kind": kind, "recipient": reminder.user}
    if kind in (ReminderKind.SESSION_TOMORROW, ReminderKind.AGENDA_MISSING):
        s = CoachingSession.objects.select_related("engagement__coach", "engagement__coachee").get(
            code=code
        )
        ctx["session"] = s
        other = (
            s.engagement.coachee_display
            if reminder.user_id == s.engagement.coach_id
            else s.engagement.coach.name
        )
        ctx["other"] = other
        ctx["path"] = reverse("engagements:session_detail", args=[s.code])
    elif kind == ReminderKind.ACTION_DUE:
        a = Action.objects.select_related("engagement").get(code=code)
        ctx["due_on"] = a.due_on
        ctx["path"] = reverse("engagements:detail", args=[a.engagement.code])
    elif (subject := subject_for(kind)) is not None:
        ctx["path"] = subject.path(code)
    else:
        ctx["path"] = reverse("growth:check_in", args=[code])
    return ctx


def _claim_one(worker: str, now: datetime) -> Reminder | None:
    """Claim one due reminder for this worker, in its own short transaction."""
    with transaction.atomic():
        candidate = (
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status=ReminderStatus.PENDING, due_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("due_at", "id")
            .first()
        )
        if candidate is None:
            return None
        # Conditional update: only one claimant can win, whatever the database.
        won = (
            Reminder.objects.filter(pk=candidate.pk, status=ReminderStatus.PENDING)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_by=worker, claimed_until=now + _lease())
        )
    if not won:
        return None
    return Reminder.objects.select_related("user").get(pk=candidate.pk)


def _release(reminder: Reminder, **changes) -> None:
    Reminder.objects.filter(pk=reminder.pk, claimed_by=reminder.claimed_by).update(
        claimed_by="", claimed_until=None, **changes
    )


def reminders_send(
    now: datetime | None = None,
    worker: str = "worker",
    limit: int = 500,
    stop_after: int | None = None,
) -> int:
    """Send due reminders. Returns how many were sent. ``stop_after`` stops the
    run abruptly after that many sends (tests use it to play a killed worker)."""
    now = now or timezone.now()
    sent = 0
    for _ in range(limit):
        reminder = _claim_one(worker, now)
        if reminder is None:
            break
        user = reminder.user
        pref = preference_for(user)
        tz = user.tz
        if reminder.kind in pref.opted_out or not user.is_active:
            _release(reminder, status=ReminderStatus.SKIPPED, skip_reason="opted out")
            continue
        if not _still_relevant(reminder):
            _release(reminder, status=ReminderStatus.SKIPPED, skip_reason="no longer relevant")
            continue
        quiet_end = in_quiet_hours(pref, now, tz)
        if quiet_end is not None:
            _release(reminder, due_at=quiet_end)
            continue
        if sent_today(user, now, tz) >= pref.daily_cap:
            tomorrow = datetime.combine(
                now.astimezone(tz).date() + timedelta(days=1), pref.quiet_end, tzinfo=tz
            )
            _release(reminder, due_at=tomorrow)
            continue
        ctx = _context(reminder)
        token = unsubscribe_token(user, reminder.kind)
        unsubscribe = f"{settings.SITE_URL}{reverse('growth:unsubscribe', args=[token])}"
        ctx.update(
            {
                "url": f"{settings.SITE_URL}{ctx['path']}",
                "unsubscribe_url": unsubscribe,
                "kind_label": ReminderKind(reminder.kind).label,
            }
        )
        msg = build_message(to=[user.email], template="reminder", context=ctx)
        msg.extra_headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg.send()
        Reminder.objects.filter(pk=reminder.pk, claimed_by=worker).update(
            status=ReminderStatus.SENT, sent_at=now, claimed_by="", claimed_until=None
        )
        sent += 1
        if stop_after is not None and sent >= stop_after:
            raise SystemExit("stopped mid-batch")
    return sent


@transaction.atomic
def opt_out(*, user: User, kind: str) -> NotificationPreference:
    pref, _ = NotificationPreference.objects.get_or_create(user=user)
    if kind not in pref.opted_out:
        pref.opted_out = [*pref.opted_out, kind]
        pref.save(update_fields=["opted_out"])
    Reminder.objects.filter(user=user, kind=kind, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SKIPPED, skip_reason="opted out"
    )
    return pref
