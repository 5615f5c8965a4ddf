"""Self-awareness: instruments, self-assessments, 360° campaigns and the journal.

Instruments are data: versioned files in ``data/instruments`` loaded into the
tables below (``instruments.py``), so a new one needs no code.

A 360's rater and their answers are kept apart. ``RaterInvitation`` knows who was
asked and whether they finished; ``RaterAnswers`` holds one set of answers and
its group, and nothing that leads back to a person: no foreign key, no time, no
order (every set is created blank, all at once and shuffled, when the campaign
opens), and the only way to reach one is a digest of the rater's link token,
which Bearing never keeps and which is cleared when the answers are handed in.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from bearing.engagements.models import Engagement
from bearing.lib.fields import EncryptedJSONField, EncryptedTextField

MIN_GROUP = 3  # no group's figures with fewer raters than this, ever


class Instrument(models.Model):
    """One version of a questionnaire, loaded from its data file."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(max_length=64)
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    for_raters = models.BooleanField(default=False)  # may be used in a 360 campaign
    # [{"value": 1, "label": "Never"}, ...], lowest first
    scale = models.JSONField()
    not_observed_self = models.CharField(max_length=60)
    not_observed_rater = models.CharField(max_length=60)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="instrument_key_version_once"),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def scale_min(self) -> int:
        return min(int(p["value"]) for p in self.scale)

    @property
    def scale_max(self) -> int:
        return max(int(p["value"]) for p in self.scale)


class Competency(models.Model):
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="competencies"
    )
    key = models.SlugField(max_length=64)
    title = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "key"], name="competency_key_once_per_instrument"
            ),
        ]

    def __str__(self):
        return self.title


class Item(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=64)
    position = models.PositiveSmallIntegerField()
    self_text = models.CharField(max_length=300)  # "I ask…"
    rater_text = models.CharField(max_length=300)  # "They ask…"
    reverse_keyed = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "key"], name="item_key_once_per_instrument"
            ),
        ]

    def __str__(self):
        return self.key


class Assessment(models.Model):
    """The coachee's own answers to one instrument, saved as they go."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    # {item key: scale value, or 0 for "not observed"}
    answers = EncryptedJSONField()
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Assessment {self.code}"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Being set up"
    OPEN = "open", "Open to raters"
    CLOSED = "closed", "Closed"


class SingleManager(models.TextChoices):
    POOL = "pool", "Pooled into 'others' (the manager is not shown apart)"
    OWN_VIEW = "own_view", "Shown as the manager's own view (the manager is told before answering)"


class Release(models.TextChoices):
    AFTER_DEBRIEF = "after_debrief", "After the coach marks the debrief done"
    AT_ONCE = "at_once", "As soon as the campaign closes"


class RaterGroup(models.TextChoices):
    MANAGER = "manager", "Manager"
    PEER = "peer", "Peers"
    REPORT = "report", "Direct reports"
    OTHER = "other", "Others"


class Campaign(models.Model):
    """One 360 round. Figures exist only once it is closed, frozen in ``report``:
    nothing is computed while raters are still answering, so no two reports
    differ by one rater."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="campaigns")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    # The round this one repeats (a re-run at the end of the engagement), if any.
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rerun"
    )
    status = models.CharField(
        max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    min_per_group = models.PositiveSmallIntegerField(default=MIN_GROUP)
    deadline = models.DateField()
    single_manager = models.CharField(
        max_length=10, choices=SingleManager.choices, default=SingleManager.POOL
    )
    release = models.CharField(
        max_length=14, choices=Release.choices, default=Release.AFTER_DEBRIEF
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    debriefed_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    # The figures, computed once at closing under the anonymity rules.
    report = EncryptedJSONField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_per_group__gte=MIN_GROUP), name="campaign_min_group_at_least_3"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values), name="campaign_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(opened_at__isnull=False),
                name="campaign_opened_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="campaign_closed_has_time",
            ),
        ]

    def __str__(self):
        return f"Campaign {self.code}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class InvitationStatus(models.TextChoices):
    NOMINATED = "nominated", "Nominated"
    INVITED = "invited", "Invited"
    ANSWERED = "answered", "Answered"
    DECLINED = "declined", "Declined"


class RaterInvitation(models.Model):
    """Who was asked, in which group, and whether they finished; never what they said."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    group = models.CharField(max_length=8, choices=RaterGroup.choices)
    name = EncryptedTextField()
    email = EncryptedTextField()
    # SHA-256 of the link's token ("" before the campaign opens and once used).
    token_hash = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.NOMINATED
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)  # answered or declined
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="rater_token_hash_unique"
            ),
            models.CheckConstraint(
                condition=Q(group__in=RaterGroup.values), name="rater_group_valid"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="rater_campaign_status_idx")]

    def __str__(self):
        return f"Rater invitation {self.code}"


class RaterAnswers(models.Model):
    """One rater's answers, with nothing that leads back to them (see the module)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="answer_sets")
    group = models.CharField(max_length=8, choices=RaterGroup.choices)
    # SHA-256 of "answers:" + the link's token while the rater may still answer; "" after.
    resume_hash = models.CharField(max_length=64, blank=True)
    answers = EncryptedJSONField()  # {item key: value, or 0 for "not observed"}
    # {competency key: {"start": ..., "stop": ..., "continue": ...}} until the campaign
    # closes; then moved, shuffled, to RaterComment and emptied here.
    comments = EncryptedJSONField()
    submitted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resume_hash"],
                condition=~Q(resume_hash=""),
                name="rater_answers_resume_unique",
            ),
        ]

    def __str__(self):
        return f"Answers {self.code}"


class CommentKind(models.TextChoices):
    START = "start", "Start"
    STOP = "stop", "Stop"
    CONTINUE = "continue", "Continue"


class RaterComment(models.Model):
    """A comment from a closed campaign: pooled, with no group and no rater."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="comments")
    competency_key = models.SlugField(max_length=64)
    kind = models.CharField(max_length=8, choices=CommentKind.choices)
    text = EncryptedTextField()
    # A stable order that says nothing about who or when: a keyed digest of the text.
    order_key = models.CharField(max_length=64)
    held_back = models.BooleanField(default=False)  # by the coach: it identifies its author

    class Meta:
        ordering = ["competency_key", "kind", "order_key"]

    def __str__(self):
        return f"Comment {self.code}"


class JournalEntry(models.Model):
    """A private reflection; the coach reads it only while the coachee shares it."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="journal_entries"
    )
    prompt = EncryptedTextField()  # the prompt it answers, if any (it may quote the leader)
    body = EncryptedTextField(blank=False)
    tags = EncryptedJSONField(default=list)  # the coachee's own words
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Journal entry {self.code}"
