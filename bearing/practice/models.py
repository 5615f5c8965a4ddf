"""The coachee's working tools between sessions: decision records (with their
predictions and reflections). Each is the coachee's own, private unless they
share it with their coach; never the sponsor's. Free text is encrypted at rest.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from bearing.engagements.models import Engagement
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
