"""The coachee's working tools between sessions: decision records (with their
predictions and reflections) and the priority board (items, weekly reviews).
Each is the coachee's own, private unless they share it with their coach; never
the sponsor's. Free text is encrypted at rest.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from bearing.engagements.models import Action, CoachingSession, Engagement
from bearing.lib.fields import EncryptedJSONField, EncryptedTextField


class DecisionKind(models.TextChoices):
    PEOPLE = "people", "People and the team"
    STRATEGY = "strategy", "Strategy and direction"
    OPERATIONS = "operations", "Operations and delivery"
    MONEY = "money", "Money and resources"
    CAREER = "career", "My own role and career"
    OTHER = "other", "Something else"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Thinking it through"
    DECIDED = "decided", "Decided, review ahead"
    REVIEWED = "reviewed", "Reviewed"


class Quality(models.IntegerChoices):
    """How good an outcome, or a process, was: two separate judgements."""

    BAD = 1, "Bad"
    RATHER_BAD = 2, "Rather bad"
    RATHER_GOOD = 3, "Rather good"
    GOOD = 4, "Good"


GOOD_FROM = 3  # a judgement of 3 or 4 counts as good on the 2x2


class Decision(models.Model):
    """A decision record: the framework's answers while the coachee thinks it
    through; once decided, a frozen, dated snapshot of the reasoning; at the
    review date, what happened and two judgements (outcome, process)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="decisions")
    title = EncryptedTextField()  # 200 characters
    kind = models.CharField(max_length=16, choices=DecisionKind.choices, default=DecisionKind.OTHER)
    status = models.CharField(
        max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    # The framework's answers, step by step (see framework.STEPS); editable while a draft.
    framework = EncryptedJSONField()
    # The reasoning as it stood when decided; never changed afterwards.
    snapshot = EncryptedJSONField()
    review_on = models.DateField(null=True, blank=True)
    what_happened = EncryptedTextField()
    lessons = EncryptedTextField()
    outcome_quality = models.PositiveSmallIntegerField(
        choices=Quality.choices, null=True, blank=True
    )
    process_quality = models.PositiveSmallIntegerField(
        choices=Quality.choices, null=True, blank=True
    )
    shared_with_coach_at = models.DateTimeField(null=True, blank=True)
    # "Bring this to my next session": the coaching session it was brought to (shared).
    brought_to = models.ForeignKey(
        CoachingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DecisionKind.values), name="decision_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(decided_at__isnull=False, review_on__isnull=False),
                name="decision_decided_has_date_and_review",
            ),
            models.CheckConstraint(
                condition=~Q(status="reviewed")
                | Q(
                    reviewed_at__isnull=False,
                    outcome_quality__isnull=False,
                    process_quality__isnull=False,
                ),
                name="decision_reviewed_has_judgements",
            ),
            models.CheckConstraint(
                condition=(
                    Q(outcome_quality__isnull=True)
                    | Q(outcome_quality__gte=1, outcome_quality__lte=4)
                )
                & (
                    Q(process_quality__isnull=True)
                    | Q(process_quality__gte=1, process_quality__lte=4)
                ),
                name="decision_judgements_1_to_4",
            ),
        ]
        indexes = [
            models.Index(fields=["engagement", "status"], name="decision_eng_status_idx"),
            models.Index(fields=["status", "review_on"], name="decision_review_idx"),
        ]

    def __str__(self):
        return f"Decision {self.code}"

    @property
    def is_draft(self) -> bool:
        return self.status == DecisionStatus.DRAFT

    @property
    def review_due(self) -> bool:
        return (
            self.status == DecisionStatus.DECIDED
            and self.review_on is not None
            and self.review_on <= timezone.localdate()
        )

    @property
    def quadrant(self) -> str:
        """Where the review puts it on the outcome/process 2x2 ("" before review)."""
        if self.outcome_quality is None or self.process_quality is None:
            return ""
        return quadrant_of(self.outcome_quality, self.process_quality)


QUADRANTS = {
    # (good outcome, good process): (key, name, what it means)
    (True, True): ("earned", "Earned success", "a sound process, and it paid off"),
    (False, True): ("bad_break", "Bad break", "a sound process; the dice fell badly"),
    (True, False): ("lucky", "Lucky break", "it turned out well despite the process"),
    (False, False): ("lesson", "Lesson", "a weak process, and a bad outcome"),
}


def quadrant_of(outcome: int, process: int) -> str:
    return QUADRANTS[(outcome >= GOOD_FROM, process >= GOOD_FROM)][0]


class Prediction(models.Model):
    """A prediction made when deciding: "X by date, p%". Resolved at review."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="predictions")
    statement = EncryptedTextField()  # 300 characters
    by_date = models.DateField()
    probability = models.PositiveSmallIntegerField()  # per cent, 0–100
    came_true = models.BooleanField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=100),
                name="prediction_probability_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(came_true__isnull=True, resolved_at__isnull=True)
                | Q(came_true__isnull=False, resolved_at__isnull=False),
                name="prediction_resolved_has_time",
            ),
        ]

    def __str__(self):
        return f"Prediction {self.code}"


class Reflection(models.Model):
    """A later thought on a decided decision: appended, never edited in."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="reflections")
    text = EncryptedTextField()  # 2,000 characters
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Reflection {self.created_at:%Y-%m-%d}"


# --- Priority board ------------------------------------------------------------------


class Quadrant(models.TextChoices):
    """Urgent/important: do it, schedule it, delegate it, drop it (or not placed yet)."""

    INBOX = "inbox", "Not placed yet"
    DO = "do", "Do: urgent and important"
    SCHEDULE = "schedule", "Schedule: important, not urgent"
    DELEGATE = "delegate", "Delegate: urgent, not important for you"
    DROP = "drop", "Drop: neither"


class DelegationLevel(models.TextChoices):
    """How much of the decision goes with the task (Management 3.0's seven levels)."""

    TELL = "tell", "Tell: I decide and tell them"
    SELL = "sell", "Sell: I decide and win them over"
    CONSULT = "consult", "Consult: I ask them, then decide"
    AGREE = "agree", "Agree: we decide together"
    ADVISE = "advise", "Advise: I advise, they decide"
    INQUIRE = "inquire", "Inquire: they decide, then tell me"
    DELEGATE = "delegate", "Delegate: it is theirs entirely"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class PriorityBoard(models.Model):
    """The coachee's urgent/important board for one engagement, with the rhythm of
    their weekly review. Shared with the coach as a whole, or not at all."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.OneToOneField(
        Engagement, on_delete=models.CASCADE, related_name="priority_board"
    )
    review_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.FRIDAY
    )
    review_every_weeks = models.PositiveSmallIntegerField(default=1)
    shared_with_coach_at = models.DateTimeField(null=True, blank=True)
    # "Bring this to my next session": the coaching session it was brought to (shared).
    brought_to = models.ForeignKey(
        CoachingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(review_every_weeks__gte=1, review_every_weeks__lte=4),
                name="board_review_every_1_to_4_weeks",
            ),
            models.CheckConstraint(
                condition=Q(review_weekday__gte=0, review_weekday__lte=6),
                name="board_review_weekday_valid",
            ),
        ]

    def __str__(self):
        return f"Priority board {self.code}"


class BoardItem(models.Model):
    """One task on the board: one of the coachee's actions, or a task of its own."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board = models.ForeignKey(PriorityBoard, on_delete=models.CASCADE, related_name="items")
    # An action from the engagement (its title is the action's); None for a task of its own.
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="board_items"
    )
    title = EncryptedTextField()  # a task of its own: 200 characters
    quadrant = models.CharField(max_length=10, choices=Quadrant.choices, default=Quadrant.INBOX)
    # Delegated: to whom (a name: confidential), how much, and when to follow up.
    delegate_to = EncryptedTextField()
    delegation_level = models.CharField(max_length=10, choices=DelegationLevel.choices, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    follow_up_action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    moved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["moved_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quadrant__in=Quadrant.values), name="board_item_quadrant_valid"
            ),
            models.CheckConstraint(
                condition=Q(delegation_level="") | Q(delegation_level__in=DelegationLevel.values),
                name="board_item_delegation_level_valid",
            ),
            models.UniqueConstraint(
                fields=["board", "action"],
                condition=Q(action__isnull=False),
                name="board_item_action_once",
            ),
        ]

    def __str__(self):
        return f"Board item {self.code}"

    @property
    def label(self) -> str:
        return self.action.title if self.action is not None else self.title


class WeeklyReview(models.Model):
    """Fifteen minutes in three steps (get clear, get current, get creative) that
    ends with one commitment."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board = models.ForeignKey(PriorityBoard, on_delete=models.CASCADE, related_name="reviews")
    cleared = EncryptedTextField()  # what came out of their head (get clear)
    time_went = EncryptedTextField()  # where the time went
    time_should = EncryptedTextField()  # where it should go
    commitment = EncryptedTextField()  # the one commitment (also an action)
    commitment_action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Weekly review {self.created_at:%Y-%m-%d}"


# --- Transition plans ----------------------------------------------------------------


class TransitionKind(models.TextChoices):
    PROMOTION = "promotion", "A promotion into a bigger role"
    NEW_ORGANIZATION = "new_organization", "A new role in a new organization"
    CHANGE = "change", "Leading an organizational change"


class Stance(models.TextChoices):
    """Where a stakeholder stands on what the coachee is doing."""

    OPPOSED = "opposed", "Opposed"
    SCEPTICAL = "sceptical", "Sceptical"
    NEUTRAL = "neutral", "Neutral"
    SUPPORTIVE = "supportive", "Supportive"
    CHAMPION = "champion", "Champion"
    UNKNOWN = "unknown", "Not known yet"


class TransitionPlan(models.Model):
    """A first-90-days plan from a template. The situation is a mix of the five
    business situations (start-up, turnaround, accelerated growth, realignment,
    sustaining success), in per cent; the sections and the five conversations with
    the new manager are the coachee's words, encrypted."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="transition_plans"
    )
    kind = models.CharField(max_length=20, choices=TransitionKind.choices)
    title = EncryptedTextField()  # 200 characters
    starts_on = models.DateField()  # day 1 in the new role
    situation_startup = models.PositiveSmallIntegerField(default=0)
    situation_turnaround = models.PositiveSmallIntegerField(default=0)
    situation_growth = models.PositiveSmallIntegerField(default=0)
    situation_realignment = models.PositiveSmallIntegerField(default=0)
    situation_sustaining = models.PositiveSmallIntegerField(default=0)
    # learning, listening_questions, early_wins, team, risks, stop_doing: text
    sections = EncryptedJSONField()
    # the five conversations with the new manager: {key: {"done": bool, "notes": str}}
    conversations = EncryptedJSONField()
    goal = models.ForeignKey(
        "growth.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_with_coach_at = models.DateTimeField(null=True, blank=True)
    # "Bring this to my next session": the coaching session it was brought to (shared).
    brought_to = models.ForeignKey(
        CoachingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TransitionKind.values), name="transition_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    situation_startup__lte=100,
                    situation_turnaround__lte=100,
                    situation_growth__lte=100,
                    situation_realignment__lte=100,
                    situation_sustaining__lte=100,
                ),
                name="transition_situation_percentages",
            ),
        ]

    def __str__(self):
        return f"Transition plan {self.code}"


class Checkpoint(models.Model):
    """A checkpoint of the plan (day 1, week 1, days 30, 60, 90) as a dated action."""

    plan = models.ForeignKey(TransitionPlan, on_delete=models.CASCADE, related_name="checkpoints")
    day = models.PositiveSmallIntegerField()
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "day"], name="checkpoint_once_per_day"),
        ]

    def __str__(self):
        return f"Checkpoint day {self.day}"


class Stakeholder(models.Model):
    """One person on the stakeholder map: power and interest (1–5), stance now and
    wanted, the next conversation. The name and notes are confidential text."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(TransitionPlan, on_delete=models.CASCADE, related_name="stakeholders")
    name = EncryptedTextField()  # 120 characters
    role = EncryptedTextField()  # 120 characters
    power = models.PositiveSmallIntegerField()
    interest = models.PositiveSmallIntegerField()
    stance_now = models.CharField(max_length=12, choices=Stance.choices, default=Stance.UNKNOWN)
    stance_wanted = models.CharField(
        max_length=12, choices=Stance.choices, default=Stance.SUPPORTIVE
    )
    next_conversation = EncryptedTextField()  # 300 characters
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-power", "-interest", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(power__gte=1, power__lte=5, interest__gte=1, interest__lte=5),
                name="stakeholder_power_interest_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(stance_now__in=Stance.values) & Q(stance_wanted__in=Stance.values),
                name="stakeholder_stances_valid",
            ),
        ]

    def __str__(self):
        return f"Stakeholder {self.code}"

    @property
    def quadrant(self) -> str:
        return stakeholder_quadrant(self.power, self.interest)


HIGH_FROM = 3  # on the 1–5 scales, 3 and above is high


STAKEHOLDER_QUADRANTS = {
    "manage_closely": "Manage closely",
    "keep_satisfied": "Keep satisfied",
    "keep_informed": "Keep informed",
    "monitor": "Monitor",
}


def stakeholder_quadrant(power: int, interest: int) -> str:
    """The grid's rule: high power and interest, manage closely; high power only,
    keep satisfied; high interest only, keep informed; neither, monitor."""
    if not (1 <= power <= 5 and 1 <= interest <= 5):
        raise ValueError("power and interest are 1–5")
    high_power, high_interest = power >= HIGH_FROM, interest >= HIGH_FROM
    if high_power and high_interest:
        return "manage_closely"
    if high_power:
        return "keep_satisfied"
    if high_interest:
        return "keep_informed"
    return "monitor"
