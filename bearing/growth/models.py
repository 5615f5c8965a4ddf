"""The development plan: goals with key results and milestones, check-ins, wins.

The coachee owns the plan. The coach may suggest a goal; it becomes part of the
plan only when the coachee accepts it. Free text is encrypted at rest.
"""

import uuid
from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bearing.engagements.models import Engagement
from bearing.lib.fields import EncryptedConstraintsMixin, EncryptedTextField


class FocusArea(models.TextChoices):
    SELF_AWARENESS = "self_awareness", "Self-awareness"
    DECISION_MAKING = "decision_making", "Decision-making"
    DELEGATION = "delegation", "Delegation"
    CONFLICT = "conflict", "Conflict resolution"
    COMMUNICATION = "communication", "Communication and public speaking"
    PRIORITIES = "priorities", "Managing priorities"
    CHANGE = "change", "Leading through change and transitions"
    PRESENCE = "presence", "Executive presence"
    CUSTOM = "custom", "Something else"


class GoalKind(models.TextChoices):
    MEASURABLE = "measurable", "Measurable (key results)"
    QUALITATIVE = "qualitative", "Qualitative (a 1–10 self-rating)"


class GoalStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested by your coach"
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Set aside"


class Goal(EncryptedConstraintsMixin, models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="goals")
    title = EncryptedTextField()
    focus_area = models.CharField(max_length=32, choices=FocusArea.choices)
    custom_focus = EncryptedTextField()  # the coachee's own name for it; 100 characters
    kind = models.CharField(max_length=16, choices=GoalKind.choices, default=GoalKind.MEASURABLE)
    status = models.CharField(max_length=16, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    # Qualitative goals: the coachee's own 1–10 rating.
    baseline_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    target_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    current_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    share_with_sponsor = models.BooleanField(default=False)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    achieved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focus_area__in=FocusArea.values), name="goal_focus_area_valid"
            ),
            models.CheckConstraint(
                condition=~Q(focus_area="custom") | ~Q(custom_focus=""),
                name="goal_custom_focus_named",
            ),
            models.CheckConstraint(
                condition=(
                    Q(baseline_rating__isnull=True)
                    | Q(baseline_rating__gte=1, baseline_rating__lte=10)
                )
                & (Q(target_rating__isnull=True) | Q(target_rating__gte=1, target_rating__lte=10))
                & (
                    Q(current_rating__isnull=True)
                    | Q(current_rating__gte=1, current_rating__lte=10)
                ),
                name="goal_ratings_1_to_10",
            ),
            models.CheckConstraint(
                condition=~Q(kind="qualitative")
                | Q(baseline_rating__isnull=False, target_rating__isnull=False),
                name="goal_qualitative_has_ratings",
            ),
            models.CheckConstraint(
                condition=~Q(status="suggested") | Q(share_with_sponsor=False),
                name="goal_suggestion_not_shared",
            ),
        ]
        indexes = [models.Index(fields=["engagement", "status"], name="goal_eng_status_idx")]

    def __str__(self):
        return f"Goal {self.code}"

    def clean(self):
        # goal_custom_focus_named, in Python (the database checks the ciphertext).
        if self.focus_area == FocusArea.CUSTOM and not self.custom_focus:
            raise ValidationError({"custom_focus": "Name the focus area."})

    @property
    def focus_label(self) -> str:
        return (
            self.custom_focus
            if self.focus_area == FocusArea.CUSTOM
            else self.get_focus_area_display()
        )


class Direction(models.TextChoices):
    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"


class Measure(models.TextChoices):
    """What kind of number a key result is, and so the values it can take."""

    COUNT = "count", "A count (a whole number, 0 or more)"
    AMOUNT = "amount", "An amount such as hours, minutes or money (0 or more)"
    PERCENT = "percent", "A percentage (0 to 100)"
    NUMBER = "number", "Another number (may be below 0)"


# (lowest, highest, whole numbers only, how the range reads beside a field)
MEASURE_RANGES: dict[str, tuple[Decimal | None, Decimal | None, bool, str]] = {
    Measure.COUNT: (Decimal(0), None, True, "A count: a whole number, 0 or more."),
    Measure.AMOUNT: (Decimal(0), None, False, "An amount: 0 or more."),
    Measure.PERCENT: (Decimal(0), Decimal(100), False, "A percentage: from 0 to 100."),
    Measure.NUMBER: (None, None, False, ""),
}


def measure_problem(measure: str, value: Decimal) -> str | None:
    """Why ``value`` cannot be a reading of this kind of measure, or None."""
    lowest, highest, whole, _ = MEASURE_RANGES[measure]
    names: dict[str, str] = {
        Measure.COUNT: "A count",
        Measure.AMOUNT: "An amount",
        Measure.PERCENT: "A percentage",
    }
    name = names.get(measure, "It")
    if lowest is not None and value < lowest:
        return f"{name} cannot be below {lowest}."
    if highest is not None and value > highest:
        return f"{name} cannot be above {highest}."
    if whole and value != value.to_integral_value():
        return f"{name} is a whole number."
    return None


def measure_help(measure: str) -> str:
    return MEASURE_RANGES[measure][3]


class KeyResult(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="key_results")
    metric = EncryptedTextField()
    unit = EncryptedTextField()  # free text (per week, %, hours); 40 characters
    baseline = models.DecimalField(max_digits=12, decimal_places=2)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    current = models.DecimalField(max_digits=12, decimal_places=2)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    measure = models.CharField(max_length=8, choices=Measure.choices, default=Measure.COUNT)
    created_at = models.DateTimeField(default=timezone.now)
    target_hit_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(direction="up") & Q(target__gt=models.F("baseline")))
                | (Q(direction="down") & Q(target__lt=models.F("baseline"))),
                name="key_result_target_beyond_baseline",
            ),
            models.CheckConstraint(
                condition=Q(measure__in=Measure.values), name="key_result_measure_valid"
            ),
            models.CheckConstraint(
                condition=Q(measure=Measure.NUMBER)
                | (
                    Q(measure__in=[Measure.COUNT, Measure.AMOUNT])
                    & Q(baseline__gte=0, target__gte=0, current__gte=0)
                )
                | (
                    Q(measure=Measure.PERCENT)
                    & Q(baseline__gte=0, target__gte=0, current__gte=0)
                    & Q(baseline__lte=100, target__lte=100, current__lte=100)
                ),
                name="key_result_within_measure_range",
            ),
        ]

    def __str__(self):
        return f"Key result {self.code}"

    @property
    def progress(self) -> int:
        return progress_percent(self.baseline, self.target, self.current)

    @property
    def target_reached(self) -> bool:
        return self.reaches(self.current)

    def reaches(self, value) -> bool:
        if self.direction == Direction.UP:
            return value >= self.target
        return value <= self.target

    @property
    def range_help(self) -> str:
        return measure_help(self.measure)


def progress_percent(baseline, target, current) -> int:
    """How far from baseline to target, 0–100, whichever way is better."""
    span = float(target) - float(baseline)
    if span == 0:
        return 100
    done = (float(current) - float(baseline)) / span
    return max(0, min(100, round(done * 100)))


class Milestone(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = EncryptedTextField()
    due_on = models.DateField()
    reached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self):
        return f"Milestone {self.code}"


class CheckIn(models.Model):
    """The coachee's periodic progress update."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="check_ins")
    submitted_at = models.DateTimeField(default=timezone.now)
    # 1–10, or None: the coachee may leave either unanswered.
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    energy = models.PositiveSmallIntegerField(null=True, blank=True)
    wins = EncryptedTextField()
    obstacles = EncryptedTextField()
    support_needed = EncryptedTextField()
    next_commitment = EncryptedTextField()
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(confidence__isnull=True) | Q(confidence__gte=1, confidence__lte=10))
                & (Q(energy__isnull=True) | Q(energy__gte=1, energy__lte=10)),
                name="check_in_scales_1_to_10",
            ),
        ]
        indexes = [
            models.Index(fields=["engagement", "-submitted_at"], name="check_in_eng_when_idx")
        ]

    def __str__(self):
        return f"Check-in {self.submitted_at:%Y-%m-%d}"


class Reading(models.Model):
    """One value recorded in a check-in: a key result's value or a goal's rating."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="readings")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="readings")
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="readings"
    )
    value = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["check_in", "key_result"],
                name="reading_one_per_key_result",
                condition=Q(key_result__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["check_in", "goal"],
                name="reading_one_rating_per_goal",
                condition=Q(key_result__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["key_result", "check_in"], name="reading_kr_idx")]

    def __str__(self):
        return f"Reading {self.value}"


class WinSource(models.TextChoices):
    CHECK_IN = "check_in", "From a check-in"
    MILESTONE = "milestone", "Milestone reached"
    TARGET = "target", "Target hit"
    ACTION = "action", "Action completed"
    GOAL = "goal", "Goal achieved"


class Win(models.Model):
    """A recorded success, celebrated to the coachee and shown to the coach."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="wins")
    source = models.CharField(max_length=16, choices=WinSource.choices)
    text = EncryptedTextField()
    occurred_at = models.DateTimeField(default=timezone.now)
    # The check-in it came from: a withdrawn check-in takes its wins with it.
    check_in = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.CASCADE, related_name="wins_recorded"
    )
    # The key result whose target a "Target hit" win celebrates.
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self):
        return f"Win {self.occurred_at:%Y-%m-%d}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class CheckInRhythm(models.Model):
    """When the coachee wants to check in: weekly by default, in their time zone."""

    engagement = models.OneToOneField(
        Engagement, on_delete=models.CASCADE, related_name="check_in_rhythm"
    )
    every_weeks = models.PositiveSmallIntegerField(default=1)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.FRIDAY)
    time_of_day = models.TimeField(default=time(16))
    time_zone = models.CharField(max_length=64, default="UTC")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(every_weeks__gte=1, every_weeks__lte=4),
                name="rhythm_every_1_to_4_weeks",
            ),
        ]

    def __str__(self):
        return f"Check-in rhythm for {self.engagement_id}"


class ReminderKind(models.TextChoices):
    CHECK_IN_DUE = "check_in_due", "Check-in due"
    ACTION_DUE = "action_due", "Action due"
    SESSION_TOMORROW = "session_tomorrow", "Coaching session tomorrow"
    AGENDA_MISSING = "agenda_missing", "Agenda not yet written"
    DECISION_REVIEW = "decision_review", "Decision due for review"
    WEEKLY_REVIEW = "weekly_review", "Weekly review of priorities"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"


class Reminder(models.Model):
    """One planned reminder. The unique key means it is planned once; the claim
    (claimed_by, claimed_until) means one worker sends it; a claim that runs out
    (a worker killed mid-batch) lets the next run send it."""

    kind = models.CharField(max_length=24, choices=ReminderKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    subject_key = models.CharField(max_length=120)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skip_reason = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user", "subject_key"], name="reminder_planned_once"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="reminder_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="reminder_due_idx")]

    def __str__(self):
        return f"{self.kind} for {self.user_id} at {self.due_at:%Y-%m-%d %H:%M}"


class NotificationPreference(models.Model):
    """How a person wants to be reminded: quiet hours in their time zone, a daily
    cap, and an opt-out per kind."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    quiet_start = models.TimeField(default=time(21))
    quiet_end = models.TimeField(default=time(8))
    daily_cap = models.PositiveSmallIntegerField(default=3)
    opted_out = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(daily_cap__gte=1, daily_cap__lte=20), name="preference_cap_1_to_20"
            ),
        ]

    def __str__(self):
        return f"Notification preference of {self.user_id}"


class SummaryStatus(models.TextChoices):
    DRAFT = "draft", "Draft, with the coachee for approval"
    APPROVED = "approved", "Approved by the coachee"
    RETURNED = "returned", "Returned by the coachee"


class ProgressSummary(models.Model):
    """A progress summary the coach drafts for the sponsor. The sponsor sees it only
    after the coachee approves it, and only if the agreement shares summaries. Its
    figures come only from goals the coachee shares."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="summaries")
    body = EncryptedTextField()
    status = models.CharField(
        max_length=10, choices=SummaryStatus.choices, default=SummaryStatus.DRAFT
    )
    coachee_comment = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="summary_approved_has_time",
            ),
        ]

    def __str__(self):
        return f"Progress summary {self.created_at:%Y-%m-%d}"
