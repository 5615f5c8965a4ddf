"""Spoken test clips, made at test time by Debian's espeak-ng from known scripts."""

from __future__ import annotations

import io
import shutil
import subprocess
import wave

ESPEAK = shutil.which("espeak-ng")

# A short talk with five fillers (three "um", two "uh"), a "like" and a "you know".
SCRIPT = (
    "Good morning everyone. Um, today I want to talk about our plan for next year. "
    "Uh, we grew revenue by twelve percent, and, you know, that is a good start. "
    "I think maybe we can do better. Like, the real question is where we invest. "
    "Um, I propose three things. First, we hire ten engineers for the platform team. "
    "Uh, second, we open an office in Lisbon. Third, we cut the time it takes to ship "
    "by half. So, um, that is the plan. Any questions?"
)
SCRIPT_FILLERS = 5  # um and uh
KEY_MESSAGES = "Hire ten engineers for the platform team\nOpen an office in Lisbon"


def speak(text: str = SCRIPT, words_per_minute: int = 150) -> bytes:
    """A WAV file of espeak-ng reading ``text`` (22.05 kHz mono)."""
    if ESPEAK is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    return subprocess.run(
        [ESPEAK, "-v", "en-us", "-s", str(words_per_minute), "--stdout", text],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout


def silence(seconds: float, rate: int = 16000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(seconds * rate))
    return out.getvalue()


def duration_of(wav: bytes) -> float:
    """Seconds of a WAV file from its data (espeak-ng's streamed header gives no length)."""
    with wave.open(io.BytesIO(wav)) as w:
        rate, width = w.getframerate(), w.getsampwidth() * w.getnchannels()
    return (len(wav) - 44) / (rate * width)
