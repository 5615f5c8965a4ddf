"""A pasted timed transcript, read into timed words. Pure: no database, no I/O.

Two shapes are read:

- captions (WebVTT or SRT): a cue's times (``00:00:01.000 --> 00:00:04.500``) and its
  lines; the gaps between cues are pauses;
- lines that start with the time they were said: ``0:05 Good morning``,
  ``[00:05] Good morning``, ``1:02:03 - and so``. Each line runs until the next one starts;
  a last line holding only a time marks the end.

Within a cue or a line the words are spread evenly over its time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_SECONDS = 3 * 3600

_TIME = r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?"
_CUE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_STAMP = re.compile(rf"^\s*[\[(]?{_TIME}[\])]?\s*[-–—:]?\s*(.*)$")


class TimedTranscriptError(ValueError):
    pass


@dataclass
class Timed:
    """Words as ``(start, end, text)`` in seconds, pauses as ``(start, end)``."""

    words: list[tuple[float, float, str]] = field(default_factory=list)
    pauses: list[tuple[float, float]] = field(default_factory=list)
    duration: float = 0.0

    def to_json(self) -> dict:
        return {
            "words": [[round(s, 2), round(e, 2), w] for s, e, w in self.words],
            "pauses": [[round(s, 2), round(e, 2)] for s, e in self.pauses],
        }

    @classmethod
    def from_json(cls, data: dict | None, duration: float | None = None) -> Timed:
        data = data or {}
        words = [(float(s), float(e), str(w)) for s, e, w in data.get("words", [])]
        pauses = [(float(s), float(e)) for s, e in data.get("pauses", [])]
        end = max([e for _, e, _ in words] + [e for _, e in pauses] + [0.0])
        return cls(words=words, pauses=pauses, duration=duration or end)


def _seconds(groups: tuple) -> float:
    hours, minutes, seconds, fraction = groups
    value = float(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds))
    if int(seconds) >= 60 or (hours and int(minutes) >= 60):
        raise TimedTranscriptError("A time has more than 59 seconds or minutes in it.")
    if fraction:
        value += int(fraction.ljust(3, "0")) / 1000
    return value


def _spread(text: str, start: float, end: float) -> list[tuple[float, float, str]]:
    tokens = text.split()
    if not tokens:
        return []
    step = max(end - start, 0.0) / len(tokens)
    return [(start + i * step, start + (i + 1) * step, tok) for i, tok in enumerate(tokens)]


def _captions(lines: list[str]) -> Timed:
    cues: list[tuple[float, float, list[str]]] = []
    for line in lines:
        match = _CUE.match(line)
        if match:
            groups = match.groups()
            start, end = _seconds(groups[:4]), _seconds(groups[4:])
            if end < start:
                raise TimedTranscriptError(f"A caption ends before it starts: “{line.strip()}”.")
            cues.append((start, end, []))
        elif cues and line.strip() and not line.strip().isdigit():
            cues[-1][2].append(re.sub(r"<[^>]*>", "", line.strip()))
    timed = Timed()
    previous_end = 0.0
    for start, end, text in cues:
        if start < previous_end - 0.5:
            raise TimedTranscriptError("The captions are not in time order.")
        if timed.words and start > previous_end:
            timed.pauses.append((previous_end, start))
        timed.words += _spread(" ".join(text), start, end)
        previous_end = max(previous_end, end)
    timed.duration = previous_end
    return timed


def _stamped(lines: list[str]) -> Timed:
    rows: list[tuple[float, str, int]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        match = _STAMP.match(line)
        if not match:
            if rows:  # a line without a time continues the one before
                start, text, at = rows[-1]
                rows[-1] = (start, f"{text} {line.strip()}", at)
                continue
            raise TimedTranscriptError(
                "Start each line with the time it was said, like 0:05 or [00:05], "
                "or paste captions (WebVTT or SRT)."
            )
        groups = match.groups()
        rows.append((_seconds(groups[:4]), groups[4].strip(), number))
    if not rows:
        raise TimedTranscriptError("Paste the transcript first.")
    for (before, _, _), (start, _, number) in zip(rows, rows[1:], strict=False):
        if start < before:
            raise TimedTranscriptError(
                f"Line {number}: the time goes backwards ({_clock(start)} after {_clock(before)})."
            )
    end_marker = None
    if not rows[-1][1]:
        end_marker = rows.pop()[0]
    if not rows:
        raise TimedTranscriptError("Paste the transcript first.")
    timed = Timed()
    for i, (start, text, _) in enumerate(rows):
        if i + 1 < len(rows):
            end = rows[i + 1][0]
        elif end_marker is not None:
            end = end_marker
        else:
            # No end given: the last line at the pace of the lines before it (or 150 wpm).
            spoken = sum(len(t.split()) for _, t, _ in rows[:-1])
            elapsed = start - rows[0][0]
            per_word = elapsed / spoken if spoken and elapsed > 0 else 0.4
            end = start + per_word * len(text.split())
        timed.words += _spread(text, start, end)
        timed.duration = max(timed.duration, end)
    return timed


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def parse(text: str) -> Timed:
    """The timed words of a pasted transcript, or ``TimedTranscriptError`` saying what
    to fix."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not text.strip():
        raise TimedTranscriptError("Paste the transcript first.")
    timed = _captions(lines) if any(_CUE.match(line) for line in lines) else _stamped(lines)
    if not timed.words:
        raise TimedTranscriptError("The transcript has times but no words.")
    if timed.duration > MAX_SECONDS:
        raise TimedTranscriptError("The transcript runs longer than three hours.")
    return timed
