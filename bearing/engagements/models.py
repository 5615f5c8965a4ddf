import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from bearing.accounts.models import Invitation, Organization, Practice
from bearing.lib.fields import EncryptedTextField


class EngagementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended_early", "Ended early"


# Which status may follow which. Enforced in services; the database enforces the
# shape of each state (dates present, coachee known).
ENGAGEMENT_TRANSITIONS = {
    EngagementStatus.PROPOSED: {EngagementStatus.ACTIVE, EngagementStatus.ENDED_EARLY},
    EngagementStatus.ACTIVE: {
        EngagementStatus.PAUSED,
        EngagementStatus.COMPLETED,
        EngagementStatus.ENDED_EARLY,
    },
    EngagementStatus.PAUSED: {EngagementStatus.ACTIVE, EngagementStatus.ENDED_EARLY},
    EngagementStatus.COMPLETED: set(),
    EngagementStatus.ENDED_EARLY: set(),
}


# Closing an engagement (completed, ended early) can be undone this long after.
REOPEN_WINDOW = timedelta(minutes=15)


class Engagement(models.Model):
    """One coach and one coachee over months, sponsored by an organization."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="engagements")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="engagements"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_engagements"
    )
    coachee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coachee_engagements",
    )
    # While the coachee has not yet accepted their invitation.
    invited_email = models.EmailField(blank=True)
    invited_name = models.CharField(max_length=150, blank=True)
    # The invitation that asks the coachee to join this engagement; accepting it
    # attaches them to this engagement and no other.
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="engagement"
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_engagements",
    )
    title = EncryptedTextField(blank=False)  # the coach's words for it; 200 characters
    status = models.CharField(
        max_length=16, choices=EngagementStatus.choices, default=EngagementStatus.PROPOSED
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # When its confidential records were disposed of, at the end of the period its
    # agreement keeps them (the engagement itself stays, for status and attendance).
    records_disposed_at = models.DateTimeField(null=True, blank=True)
    # When the status last changed (a pause shows "Paused since" this, not the start).
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Why the coach ended it early: for the coach and the coachee, never the sponsor.
    end_reason = EncryptedTextField()  # 1,000 characters
    # The status it was closed from, so closing can be undone for a short while.
    closed_from = models.CharField(max_length=16, blank=True, choices=EngagementStatus.choices)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EngagementStatus.values), name="engagement_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(coach=F("coachee")), name="engagement_coach_is_not_coachee"
            ),
            models.CheckConstraint(
                condition=Q(coachee__isnull=False) | ~Q(invited_email=""),
                name="engagement_has_coachee_or_invitation",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(coachee__isnull=False),
                name="engagement_beyond_proposed_has_coachee",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "ended_early"]) | Q(started_at__isnull=False),
                name="engagement_started_when_active",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=["completed", "ended_early"], ended_at__isnull=False)
                    | (~Q(status__in=["completed", "ended_early"]) & Q(ended_at__isnull=True))
                ),
                name="engagement_ended_at_iff_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["coach", "status"], name="engagement_coach_status_idx"),
            models.Index(fields=["organization", "status"], name="engagement_org_status_idx"),
            # The staff page's most recent engagements, newest first, ties broken by id.
            models.Index(fields=["-created_at", "-id"], name="engagement_recent_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def coachee_display(self) -> str:
        return str(self.coachee) if self.coachee_id else (self.invited_name or self.invited_email)

    def reopenable_until(self) -> datetime | None:
        """Until when the coach may undo closing it (None: not, or no longer)."""
        closed = {EngagementStatus.COMPLETED, EngagementStatus.ENDED_EARLY}
        if self.status not in closed or self.ended_at is None or not self.closed_from:
            return None
        until = self.ended_at + REOPEN_WINDOW
        return until if timezone.now() < until else None

    @property
    def is_open(self) -> bool:
        return self.status in {
            EngagementStatus.PROPOSED,
            EngagementStatus.ACTIVE,
            EngagementStatus.PAUSED,
        }


class SponsorSignal(models.TextChoices):
    """The fixed list of signals a sponsor may be allowed to see."""

    STATUS = "status", "Engagement status"
    ATTENDANCE = "attendance", "Session attendance"
    GOAL_PROGRESS = "goal_progress", "Progress on goals the coachee marks as shared"
    SUMMARIES = "summaries", "Progress summaries the coachee has approved"
    CHANGE_360 = (
        "change_360",
        "360 change, only as a program average over three or more coachees",
    )


DEFAULT_CONFIDENTIALITY_LIMITS = (
    "What you say in coaching stays between you and your coach, with these exceptions: "
    "a serious risk of harm to you or to others; a legal obligation to disclose "
    "(for example a court order); and a serious breach of law or of your organization's "
    "code of conduct that your coach is obliged to report. Your coach will tell you "
    "first whenever they can."
)


class Agreement(models.Model):
    """One version of an engagement's coaching agreement.

    The in-force agreement is the newest version the coachee has accepted. A new
    version takes effect only once the coachee accepts it.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveIntegerField()
    objectives = EncryptedTextField()
    cadence = EncryptedTextField(default="Every two weeks")  # 100 characters
    session_minutes = models.PositiveSmallIntegerField(default=60)
    session_count = models.PositiveSmallIntegerField(default=12)
    confidentiality_limits = EncryptedTextField(default=DEFAULT_CONFIDENTIALITY_LIMITS)
    sponsor_sees_status = models.BooleanField(default=True)
    sponsor_sees_attendance = models.BooleanField(default=True)
    sponsor_sees_goal_progress = models.BooleanField(default=False)
    sponsor_sees_summaries = models.BooleanField(default=False)
    # Whether the change between the before and after 360 campaigns (others' average
    # ratings per focus area) may count toward the program's average, shown to the
    # sponsor only over three or more coachees; never this coachee's own figures.
    sponsor_sees_360_change = models.BooleanField(default=False)
    # Whether the Socratic companion is offered to the coachee between sessions.
    companion_offered = models.BooleanField(default=True)
    # How long after the engagement ends its confidential records are kept, then
    # disposed of (ICF Code of Ethics: secure storage and disposal of records).
    records_kept_months = models.PositiveSmallIntegerField(default=24)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sponsor_acknowledged_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["engagement", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "version"], name="agreement_version_unique"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="agreement_version_positive"),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=15, session_minutes__lte=480),
                name="agreement_session_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
                name="agreement_accepted_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(records_kept_months__gte=1, records_kept_months__lte=120),
                name="agreement_records_kept_range",
            ),
        ]

    def __str__(self):
        return f"Agreement v{self.version} for {self.engagement}"

    @property
    def sponsor_signals(self) -> set[str]:
        signals: set[str] = set()
        if self.sponsor_sees_status:
            signals.add(SponsorSignal.STATUS)
        if self.sponsor_sees_attendance:
            signals.add(SponsorSignal.ATTENDANCE)
        if self.sponsor_sees_goal_progress:
            signals.add(SponsorSignal.GOAL_PROGRESS)
        if self.sponsor_sees_summaries:
            signals.add(SponsorSignal.SUMMARIES)
        if self.sponsor_sees_360_change:
            signals.add(SponsorSignal.CHANGE_360)
        return signals


# A cancelled coaching session can be restored this long after it was cancelled.
SESSION_RESTORE_WINDOW = timedelta(minutes=15)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"


class CoachingSession(models.Model):
    """One meeting between coach and coachee. Agenda and shared notes are
    readable by both; the coach's private notes live in PrivateNote."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="sessions")
    scheduled_for = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = EncryptedTextField()  # a room or a video-call link; 300 characters
    status = models.CharField(
        max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    # iCalendar SEQUENCE: bumped on every reschedule or cancellation.
    sequence = models.PositiveIntegerField(default=0)
    agenda_outcome = EncryptedTextField()
    agenda_measure = EncryptedTextField()
    agenda_why = EncryptedTextField()
    agenda_updated_at = models.DateTimeField(null=True, blank=True)
    shared_notes = EncryptedTextField()
    shared_notes_updated_at = models.DateTimeField(null=True, blank=True)
    shared_notes_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Bumped on every save of the shared notes; an edit carries the version it started
    # from, so a save over someone else's newer text is refused instead of wiping it.
    shared_notes_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = EncryptedTextField()  # for the coach and the coachee; 1,000 characters

    class Meta:
        ordering = ["scheduled_for"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="session_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="session_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="session_cancelled_at_iff_cancelled",
            ),
        ]
        indexes = [
            models.Index(fields=["engagement", "scheduled_for"], name="session_eng_when_idx"),
            # The attention list: last held coaching session per engagement.
            models.Index(
                fields=["engagement", "status", "scheduled_for"], name="session_eng_status_idx"
            ),
            models.Index(fields=["status", "scheduled_for"], name="session_status_when_idx"),
        ]

    def __str__(self):
        return f"Coaching session {self.scheduled_for:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.scheduled_for + timedelta(minutes=self.duration_minutes)

    @property
    def has_agenda(self) -> bool:
        return self.agenda_updated_at is not None

    @property
    def is_upcoming(self) -> bool:
        return self.status == SessionStatus.SCHEDULED and self.scheduled_for >= timezone.now()

    def restorable_until(self) -> datetime | None:
        """Until when whoever cancelled this coaching session may undo it (None: not now)."""
        if self.status != SessionStatus.CANCELLED or self.cancelled_at is None:
            return None
        if self.engagement.status not in {EngagementStatus.PROPOSED, EngagementStatus.ACTIVE}:
            return None
        until = self.cancelled_at + SESSION_RESTORE_WINDOW
        now = timezone.now()
        return until if now < until and self.scheduled_for > now else None


class SharedNotesVersion(models.Model):
    """One saved text of a coaching session's shared notes, kept so that an earlier
    version can be read again (by the coach and the coachee only, like the notes)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        CoachingSession, on_delete=models.CASCADE, related_name="shared_notes_versions"
    )
    version = models.PositiveIntegerField()
    body = EncryptedTextField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "version"], name="shared_notes_version_unique"
            ),
        ]

    def __str__(self):
        return f"Shared notes v{self.version} of {self.session}"


class PrivateNote(models.Model):
    """The coach's private notes on a coaching session. Only that coach, ever."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.OneToOneField(
        CoachingSession, on_delete=models.CASCADE, related_name="private_note"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_notes"
    )
    body = EncryptedTextField()
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Private note on {self.session}"


class Action(models.Model):
    """A commitment with an owner and a due date."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="actions")
    session = models.ForeignKey(
        CoachingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="actions"
    )
    title = EncryptedTextField()
    due_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [
            models.Index(fields=["engagement", "completed_at", "due_on"], name="action_open_idx"),
            models.Index(fields=["owner", "completed_at", "due_on"], name="action_owner_idx"),
        ]

    def __str__(self):
        return f"Action due {self.due_on}"

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.completed_at is None and self.due_on < today
