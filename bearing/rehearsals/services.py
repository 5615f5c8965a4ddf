"""Writes for presentation practice. Only the coachee writes; the coach reads a talk and
its rehearsals once the coachee shares it."""

from __future__ import annotations

import base64

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bearing.accounts.models import User
from bearing.engagements.models import CoachingSession, Engagement, SessionStatus
from bearing.growth.models import Goal

from . import timed as timed_text
from .models import QuestionRound, Rehearsal, Source, Status, Talk
from .questions import draft
from .tasks import rehearsal_transcribe
from .timed import Timed

MAX_TEXT = 20_000  # characters of slide text or key messages


def _coachee_only(engagement: Engagement, by: User) -> None:
    if by.id != engagement.coachee_id:
        raise ValidationError("Only the coachee rehearses their talks.")


def _clean_band(low: int, high: int) -> None:
    if not 40 <= low < high <= 300:
        raise ValidationError(
            {"pace_high": "The band runs from a lower to a higher pace, between 40 and 300."}
        )


@transaction.atomic
def talk_create(
    *,
    engagement: Engagement,
    by: User,
    title: str,
    minutes_allowed: int,
    audience: str = "",
    key_messages: str = "",
    slides_text: str = "",
) -> Talk:
    _coachee_only(engagement, by)
    talk = Talk(
        engagement=engagement,
        title=title.strip(),
        audience=audience.strip(),
        minutes_allowed=minutes_allowed,
        key_messages=key_messages.strip(),
        slides_text=slides_text.strip(),
    )
    talk.full_clean()
    talk.save()
    return talk


@transaction.atomic
def talk_update(
    *,
    talk: Talk,
    by: User,
    title: str,
    minutes_allowed: int,
    audience: str,
    key_messages: str,
    slides_text: str,
    pace_low: int,
    pace_high: int,
    goal: Goal | None = None,
) -> Talk:
    _coachee_only(talk.engagement, by)
    _clean_band(pace_low, pace_high)
    if goal is not None and goal.engagement_id != talk.engagement_id:
        raise ValidationError({"goal": "Choose one of the goals in this engagement's plan."})
    talk.goal = goal
    talk.title = title.strip()
    talk.audience = audience.strip()
    talk.minutes_allowed = minutes_allowed
    talk.key_messages = key_messages.strip()
    talk.slides_text = slides_text.strip()
    talk.pace_low, talk.pace_high = pace_low, pace_high
    talk.updated_at = timezone.now()
    talk.full_clean()
    talk.save()
    return talk


def talk_share(*, talk: Talk, by: User, share: bool) -> Talk:
    _coachee_only(talk.engagement, by)
    talk.shared_with_coach_at = timezone.now() if share else None
    if not share:
        talk.brought_to = None  # nothing is brought to a session unshared
    talk.save(update_fields=["shared_with_coach_at", "brought_to"])
    return talk


@transaction.atomic
def talk_bring(*, talk: Talk, by: User) -> CoachingSession:
    """Share the talk with the coach and bring it to the next scheduled coaching session."""
    _coachee_only(talk.engagement, by)
    session = (
        talk.engagement.sessions.filter(
            status=SessionStatus.SCHEDULED, scheduled_for__gt=timezone.now()
        )
        .order_by("scheduled_for")
        .first()
    )
    if session is None:
        raise ValidationError("No coaching session is scheduled yet.")
    talk.shared_with_coach_at = talk.shared_with_coach_at or timezone.now()
    talk.brought_to = session
    talk.save(update_fields=["shared_with_coach_at", "brought_to"])
    return session


@transaction.atomic
def talk_delete(*, talk: Talk, by: User) -> None:
    _coachee_only(talk.engagement, by)
    talk.delete()


@transaction.atomic
def rehearsal_paste(*, talk: Talk, by: User, text: str) -> Rehearsal:
    """A rehearsal from a pasted timed transcript; ready at once."""
    _coachee_only(talk.engagement, by)
    try:
        parsed = timed_text.parse(text)
    except timed_text.TimedTranscriptError as exc:
        raise ValidationError({"transcript": str(exc)}) from exc
    now = timezone.now()
    rehearsal = Rehearsal(
        talk=talk,
        source=Source.PASTED,
        status=Status.READY,
        progress=100,
        duration_seconds=round(parsed.duration, 2),
        created_at=now,
        transcribed_at=now,
    )
    rehearsal.transcript = parsed.to_json()  # an encrypted JSON field takes the dict
    rehearsal.full_clean()
    rehearsal.save()
    Talk.objects.filter(pk=talk.pk).update(updated_at=now)
    return rehearsal


@transaction.atomic
def rehearsal_upload(
    *, talk: Talk, by: User, data: bytes, mime: str, recorded: bool, keep_audio: bool
) -> Rehearsal:
    """A rehearsal from audio (already checked by the form), transcribed in the task
    worker once this transaction commits. Only the rehearsal's code goes to the queue."""
    _coachee_only(talk.engagement, by)
    if not data or len(data) > settings.REHEARSAL_MAX_AUDIO_BYTES:
        raise ValidationError({"audio": "The file is empty or too large."})
    rehearsal = Rehearsal(
        talk=talk,
        source=Source.RECORDED if recorded else Source.UPLOADED,
        audio=base64.b64encode(data).decode(),
        audio_type=mime,
        audio_bytes=len(data),
        keep_audio=keep_audio,
    )
    rehearsal.full_clean(exclude=["audio", "transcript"])
    rehearsal.save()
    Talk.objects.filter(pk=talk.pk).update(updated_at=timezone.now())
    code = str(rehearsal.code)
    transaction.on_commit(lambda: rehearsal_transcribe.enqueue(code=code))
    return rehearsal


@transaction.atomic
def rehearsal_retry(*, rehearsal: Rehearsal, by: User) -> Rehearsal:
    """Transcribe again a rehearsal whose audio is still held (after a failure)."""
    _coachee_only(rehearsal.talk.engagement, by)
    if rehearsal.status != Status.FAILED or not rehearsal.has_audio:
        raise ValidationError("Only a recording that could not be transcribed is tried again.")
    Rehearsal.objects.filter(pk=rehearsal.pk).update(status=Status.WAITING, failure="", progress=0)
    code = str(rehearsal.code)
    transaction.on_commit(lambda: rehearsal_transcribe.enqueue(code=code))
    rehearsal.refresh_from_db()
    return rehearsal


def rehearsal_audio_discard(*, rehearsal: Rehearsal, by: User) -> Rehearsal:
    _coachee_only(rehearsal.talk.engagement, by)
    if rehearsal.is_pending:
        raise ValidationError("Wait until the recording is transcribed.")
    rehearsal.audio, rehearsal.audio_type, rehearsal.audio_bytes = "", "", 0
    rehearsal.keep_audio = False
    rehearsal.audio_shared_at = None
    rehearsal.save(
        update_fields=["audio", "audio_type", "audio_bytes", "keep_audio", "audio_shared_at"]
    )
    return rehearsal


@transaction.atomic
def rehearsal_audio_share(*, rehearsal: Rehearsal, by: User, share: bool) -> Rehearsal:
    """The leader lets their coach listen to the kept audio of this rehearsal (the coach
    hears it only while the talk is shared too), or takes that back."""
    _coachee_only(rehearsal.talk.engagement, by)
    if share and not rehearsal.has_audio:
        raise ValidationError("There is no audio kept to share.")
    rehearsal.audio_shared_at = timezone.now() if share else None
    rehearsal.save(update_fields=["audio_shared_at"])
    return rehearsal


@transaction.atomic
def rehearsal_delete(*, rehearsal: Rehearsal, by: User) -> None:
    _coachee_only(rehearsal.talk.engagement, by)
    rehearsal.delete()


MAX_ANSWER = 3000


@transaction.atomic
def questions_start(*, talk: Talk, by: User) -> QuestionRound:
    """A round of the questions drafted from the talk (and its latest rehearsal)."""
    _coachee_only(talk.engagement, by)
    latest = talk.rehearsals.filter(status=Status.READY).order_by("-created_at").first()
    spoken = " ".join(w for _, _, w in Timed.from_json(latest.transcript).words) if latest else ""
    drafted = draft(talk.key_message_list(), talk.slides_text, spoken)
    if not drafted:
        raise ValidationError("Name your key messages first: the questions are drafted from them.")
    round_ = QuestionRound(talk=talk)
    round_.questions = [{"listener": q.listener, "text": q.text, "about": q.about} for q in drafted]
    round_.answers = []
    round_.save()
    return round_


@transaction.atomic
def question_answer(*, round_: QuestionRound, by: User, text: str) -> QuestionRound:
    """The leader's answer to the round's next question."""
    _coachee_only(round_.talk.engagement, by)
    locked = QuestionRound.objects.select_for_update().get(pk=round_.pk)
    answers = list(locked.answers or [])
    if len(answers) >= len(locked.questions):
        raise ValidationError("Every question has its answer already.")
    text = text.strip()
    if not text:
        raise ValidationError({"answer": "Write your answer first, as you would say it."})
    if len(text) > MAX_ANSWER:
        raise ValidationError({"answer": f"Up to {MAX_ANSWER:,} characters."})
    answers.append(text)
    locked.answers = answers
    if len(answers) == len(locked.questions):
        locked.finished_at = timezone.now()
    locked.save(update_fields=["answers", "finished_at"])
    return locked
