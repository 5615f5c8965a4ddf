"""Transcribing a rehearsal's audio, in the background task worker. The task carries only
the rehearsal's code: no audio and no words rest in the task table.

The audio is decoded and transcribed outside any transaction (a three-minute talk takes
about half a minute on two cores); progress is written as it goes, a plain percentage;
the words are saved, and the audio emptied unless the leader keeps it, in one short
transaction at the end. Any failure is recorded on the rehearsal in words the leader can
act on, and the worker goes on to its next task."""

from __future__ import annotations

import base64
import binascii
import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from . import speech
from .models import Failure, Rehearsal, Status

log = logging.getLogger(__name__)


def _fail(pk: int, failure: Failure, keep: bool) -> str:
    """Record why; the audio stays only for an error worth trying again."""
    fields: dict = {"status": Status.FAILED, "failure": failure, "progress": 0}
    if not keep:
        fields.update(audio_bytes=0, audio_type="")
    with transaction.atomic():
        row = Rehearsal.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            return failure
        for name, value in fields.items():
            setattr(row, name, value)
        if not keep:
            row.audio = ""
        row.save(update_fields=[*fields, *([] if keep else ["audio"])])
    return str(failure)


@task()
def rehearsal_transcribe(*, code: str) -> str:
    """Turn the rehearsal ``code``'s audio into timed words. Safe to run twice: a
    rehearsal no longer waiting is left as it is. Returns its status (or failure)."""
    claimed = Rehearsal.objects.filter(
        code=code, status__in=[Status.WAITING, Status.TRANSCRIBING]
    ).update(status=Status.TRANSCRIBING, progress=1)
    if not claimed:
        return "skipped"
    rehearsal = Rehearsal.objects.get(code=code)
    pk = rehearsal.pk
    try:
        data = base64.b64decode(rehearsal.audio, validate=True)
    except (binascii.Error, ValueError):
        return _fail(pk, Failure.UNREADABLE, keep=False)
    del rehearsal
    try:
        pcm = speech.decode(data, max_seconds=settings.REHEARSAL_MAX_AUDIO_SECONDS)
        del data

        def progress(percent: int) -> None:
            Rehearsal.objects.filter(pk=pk, status=Status.TRANSCRIBING).update(progress=percent)

        result = speech.transcribe(pcm, progress=progress)
    except speech.UnreadableAudio:
        return _fail(pk, Failure.UNREADABLE, keep=False)
    except OverflowError:
        return _fail(pk, Failure.TOO_LONG, keep=False)
    except speech.SpeechUnavailable:
        return _fail(pk, Failure.UNAVAILABLE, keep=True)
    except Exception:
        log.exception("rehearsal transcription failed")
        return _fail(pk, Failure.ERROR, keep=True)
    if not result.words:
        return _fail(pk, Failure.SILENCE, keep=False)
    with transaction.atomic():
        row = Rehearsal.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.status != Status.TRANSCRIBING:
            return "skipped"  # deleted meanwhile
        row.transcript = result.to_json()
        row.duration_seconds = round(result.duration, 2)
        row.status, row.progress, row.transcribed_at = Status.READY, 100, timezone.now()
        fields = ["transcript", "duration_seconds", "status", "progress", "transcribed_at"]
        if not row.keep_audio:
            row.audio, row.audio_type, row.audio_bytes = "", "", 0
            fields += ["audio", "audio_type", "audio_bytes"]
        row.save(update_fields=fields)
    return Status.READY
