"""Measure the transcriber: word error rate, filler words kept, and seconds of processing
per minute of audio, on clips spoken by espeak-ng from known scripts (and on your own
recordings, given as audio:reference-text pairs).

    manage.py bench_speech
    manage.py bench_speech --clip talk.wav:talk.txt
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bearing.rehearsals import speech
from bearing.rehearsals.observations import FILLER_SOUNDS

SCRIPT = (
    "Good morning everyone. Um, today I want to talk about our plan for next year. "
    "Uh, we grew revenue by twelve percent, and, you know, that is a good start. "
    "I think maybe we can do better. Like, the real question is where we invest. "
    "Um, I propose three things. First, we hire ten engineers for the platform team. "
    "Uh, second, we open an office in Lisbon. Third, you know, we cut the time it takes "
    "to ship by half. So, um, that is the plan. Any questions?"
)
_NUMBERS = {"12": "twelve", "10": "ten", "%": " percent"}


def words_of(text: str) -> list[str]:
    text = text.lower()
    for digits, spoken in _NUMBERS.items():
        text = text.replace(digits, spoken)
    return re.sub(r"[^a-z' ]", " ", text).split()


def word_error_rate(reference: str, heard: str) -> float:
    ref, hyp = words_of(reference), words_of(heard)
    row = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        previous, row[0] = row[0], i
        for j in range(1, len(hyp) + 1):
            current = min(row[j] + 1, row[j - 1] + 1, previous + (ref[i - 1] != hyp[j - 1]))
            previous, row[j] = row[j], current
    return row[len(hyp)] / max(1, len(ref))


def fillers(text: str) -> int:
    return sum(1 for w in words_of(text) if w in FILLER_SOUNDS)


class Command(BaseCommand):
    help = "Measure speech recognition: word error rate, fillers kept, speed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--clip", action="append", default=[], help="audio:reference.txt (repeatable)"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="fail unless a three-minute rehearsal would be ready within three minutes",
        )

    def handle(self, *args, **options):
        if not speech.available():
            raise CommandError("The speech packages are not installed.")
        clips: list[tuple[str, bytes, str]] = []
        espeak = shutil.which("espeak-ng")
        if espeak:
            for label, text, wpm in (
                ("espeak 150 wpm, 36 s", SCRIPT, 150),
                ("espeak 180 wpm, 30 s", SCRIPT, 180),
                ("espeak 150 wpm, 3.6 min", " ".join([SCRIPT] * 6), 150),
            ):
                audio = subprocess.run(
                    [espeak, "-v", "en-us", "-s", str(wpm), "--stdout", text],
                    check=True,
                    capture_output=True,
                ).stdout
                clips.append((label, audio, text))
        for pair in options["clip"]:
            audio_path, _, text_path = pair.partition(":")
            clips.append(
                (Path(audio_path).name, Path(audio_path).read_bytes(), Path(text_path).read_text())
            )
        if not clips:
            raise CommandError("No clips: install espeak-ng or pass --clip audio:text.")
        speech.transcribe(speech.decode(clips[0][1], 3600)[: speech.RATE])  # load the model
        self.stdout.write("| clip | audio s | WER | fillers kept | s per audio min |")
        self.stdout.write("|---|---|---|---|---|")
        slowest = 0.0
        for label, audio, text in clips:
            started = time.perf_counter()
            pcm = speech.decode(audio, 3600)
            timed = speech.transcribe(pcm)
            elapsed = time.perf_counter() - started
            seconds = len(pcm) / speech.RATE
            heard = " ".join(w for _, _, w in timed.words)
            per_minute = 60 * elapsed / seconds
            slowest = max(slowest, per_minute)
            self.stdout.write(
                f"| {label} | {seconds:.0f} | {word_error_rate(text, heard):.2f} | "
                f"{fillers(heard)}/{fillers(text)} | {per_minute:.1f} |"
            )
        three = 3 * slowest
        self.stdout.write(
            f"A three-minute rehearsal at the slowest rate: {three:.0f} s (limit 180 s)."
        )
        if options["check"] and three > 180:
            raise CommandError("A three-minute rehearsal would take longer than three minutes.")
