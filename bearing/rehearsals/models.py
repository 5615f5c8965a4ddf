"""Presentation practice: a talk the leader prepares, and each rehearsal of it.

A talk holds what the leader wants to say (title, audience, the time they have, the key
messages); each rehearsal is one run-through: a pasted timed transcript, an uploaded audio
file or a recording made in the browser. Audio waits encrypted until the task worker has
turned it into timed words, then it is deleted unless the leader chose to keep it. The
words are confidential text: the leader's own, read by the coach only once the leader
shares the talk.
"""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from bearing.engagements.models import CoachingSession, Engagement
from bearing.lib.fields import EncryptedJSONField, EncryptedTextField

# The guide band for pace, in words per minute; the leader may change it per talk.
PACE_LOW = 100
PACE_HIGH = 165


class Talk(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="talks")
    title = EncryptedTextField()
    audience = EncryptedTextField(blank=True)
    # Key messages or the outline, one a line.
    key_messages = EncryptedTextField(blank=True)
    slides_text = EncryptedTextField(blank=True)
    minutes_allowed = models.PositiveSmallIntegerField()
    pace_low = models.PositiveSmallIntegerField(default=PACE_LOW)
    pace_high = models.PositiveSmallIntegerField(default=PACE_HIGH)
    shared_with_coach_at = models.DateTimeField(null=True, blank=True)
    # The development-plan goal this talk works towards ("fillers from 6 to 2 per 100").
    goal = models.ForeignKey(
        "growth.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The coaching session the coachee brings it to (shared with the coach then).
    brought_to = models.ForeignKey(
        CoachingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_allowed__gte=1) & Q(minutes_allowed__lte=180),
                name="talk_minutes_allowed_range",
            ),
            models.CheckConstraint(
                condition=Q(pace_low__gte=40)
                & Q(pace_high__lte=300)
                & Q(pace_low__lt=F("pace_high")),
                name="talk_pace_band_valid",
            ),
        ]

    def __str__(self):
        return f"Talk {self.code}"

    def key_message_list(self) -> list[str]:
        lines = (line.strip(" -*•\t") for line in self.key_messages.splitlines())
        return [line for line in lines if line]


class Source(models.TextChoices):
    PASTED = "pasted", "Pasted transcript"
    UPLOADED = "uploaded", "Uploaded audio"
    RECORDED = "recorded", "Recorded in the browser"


class Status(models.TextChoices):
    WAITING = "waiting", "Waiting for the transcriber"
    TRANSCRIBING = "transcribing", "Transcribing"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be transcribed"


class Failure(models.TextChoices):
    """Why a recording could not be transcribed, in words the leader can act on."""

    UNREADABLE = "unreadable", "The file could not be read as audio. It may be damaged."
    SILENCE = "silence", "We heard no speech in this recording. Check the microphone and try again."
    TOO_LONG = "too_long", "The recording is longer than Bearing transcribes."
    UNAVAILABLE = "unavailable", "Speech recognition is not installed on this server."
    ERROR = "error", "The transcriber stopped with an error. Please try again."


class Rehearsal(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="rehearsals")
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    failure = models.CharField(max_length=12, choices=Failure.choices, blank=True, default="")
    progress = models.PositiveSmallIntegerField(default=0)  # percent, while transcribing
    # The audio, base64, encrypted at rest bound to this row; emptied once transcribed
    # unless ``keep_audio``.
    audio = EncryptedTextField(blank=True)
    audio_type = models.CharField(max_length=40, blank=True)  # a MIME type from a fixed list
    audio_bytes = models.PositiveIntegerField(default=0)  # the size of the audio held; 0: none
    keep_audio = models.BooleanField(default=False)
    # The leader chose to let their coach listen to this rehearsal's kept audio (the talk
    # must be shared too); None: the coach never gets the audio.
    audio_shared_at = models.DateTimeField(null=True, blank=True)
    # The timed words: {"words": [[start, end, text], ...], "pauses": [[start, end], ...]}.
    transcript = EncryptedJSONField(blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    transcribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["pasted", "uploaded", "recorded"]),
                name="rehearsal_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["waiting", "transcribing", "ready", "failed"]),
                name="rehearsal_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="rehearsal_progress_percent"
            ),
            models.CheckConstraint(
                condition=Q(status="failed") | Q(failure=""),
                name="rehearsal_failure_only_when_failed",
            ),
        ]

    def __str__(self):
        return f"Rehearsal {self.code}"

    @property
    def is_ready(self) -> bool:
        return self.status == Status.READY

    @property
    def is_pending(self) -> bool:
        return self.status in (Status.WAITING, Status.TRANSCRIBING)

    @property
    def has_audio(self) -> bool:
        return self.audio_bytes > 0


class QuestionRound(models.Model):
    """The leader answers the questions Bearing drafted from the talk, one at a time, as
    if the room were asking them; a debrief follows the last answer."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="question_rounds")
    # [{"listener": ..., "text": ..., "about": ...}]: drafted from the leader's own words.
    questions = EncryptedJSONField()
    answers = EncryptedJSONField(blank=True)  # the leader's answers, in order
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Question round {self.code}"
