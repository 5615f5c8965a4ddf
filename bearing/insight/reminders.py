"""Reminders to raters who have not answered, in the manner of the growth
reminders (``bearing.growth.reminders``): safe from any number of workers at
once (a conditional update is the claim: exactly one claimant wins), capped,
and never carrying confidential text.

Raters have no account, so their caps live on the invitation: at most
``RATER_REMINDERS_MAX`` reminders, ``RATER_REMINDER_GAP`` apart, the first no
sooner than that after the invitation, none once the deadline has passed, and
none at night in the coachee's time zone (quiet hours 21:00–08:00). A reminder
names the leader and the deadline and points to the link in the invitation
email: Bearing keeps only the link's digest, so it cannot send the link again.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import F, Q
from django.utils import timezone

from bearing.lib.mail import send_after_commit

from .models import CampaignStatus, InvitationStatus, RaterInvitation

RATER_REMINDERS_MAX = 2
RATER_REMINDER_GAP = timedelta(days=3)
QUIET_START, QUIET_END = time(21), time(8)


def _quiet(moment: datetime, tz) -> bool:
    t = moment.astimezone(tz).time()
    return t >= QUIET_START or t < QUIET_END


def rater_reminders_send(now: datetime | None = None) -> int:
    """Remind raters who have neither answered nor declined. Returns how many were sent."""
    now = now or timezone.now()
    due = (
        RaterInvitation.objects.filter(
            status=InvitationStatus.INVITED,
            campaign__status=CampaignStatus.OPEN,
            campaign__deadline__gte=timezone.localdate(now),
            reminders_sent__lt=RATER_REMINDERS_MAX,
            invited_at__lte=now - RATER_REMINDER_GAP,
        )
        .filter(
            Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - RATER_REMINDER_GAP)
        )
        .select_related("campaign__engagement__coachee")
    )
    sent = 0
    for invitation in due:
        engagement = invitation.campaign.engagement
        if engagement.coachee is not None and _quiet(now, engagement.coachee.tz):
            continue
        # The claim: only the worker whose update changes the row sends.
        won = RaterInvitation.objects.filter(
            pk=invitation.pk,
            status=InvitationStatus.INVITED,
            reminders_sent=invitation.reminders_sent,
        ).update(reminders_sent=F("reminders_sent") + 1, last_reminded_at=now)
        if not won:
            continue
        send_after_commit(
            direct=True,  # the rater's name and address never rest in the task table
            to=[invitation.email],
            template="rater_reminder",
            context={
                "rater_name": invitation.name,
                "leader": engagement.coachee_display,
                "deadline": invitation.campaign.deadline,
            },
        )
        sent += 1
    return sent
