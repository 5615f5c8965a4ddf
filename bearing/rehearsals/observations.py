"""What a rehearsal shows, read from its timed words. Pure: no database, no I/O.

Observations, never a score: pace over the talk against the leader's guide band, time used
against time allowed, filler words and their bursts, hedges, repeated phrases, long pauses,
which key messages were said and when, and how long the opening took to reach the point.
Every rule is here, small and tested (tests/test_observations.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .timed import Timed

# Pace is counted over a window this long, every STEP seconds.
WINDOW = 30.0
STEP = 10.0
LONG_PAUSE = 2.0  # seconds of silence that count as a long pause
BURST_COUNT = 3  # this many fillers ...
BURST_SECONDS = 10.0  # ... within this many seconds make a burst

# Sounds that are fillers wherever they stand.
FILLER_SOUNDS = {"um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "mm"}
# Words that are fillers wherever they stand in a talk.
FILLER_WORDS = {"basically", "literally"}
# "like" and "I mean" are fillers when set off by a pause in the punctuation (", like,");
# "you know" unless it is followed by what is known ("you know what we did").
_KNOWN_OBJECTS = {
    "what", "that", "how", "why", "who", "where", "when", "whether", "if", "the", "a",
    "an", "him", "her", "them", "it", "this", "these", "those", "me", "us", "about",
}  # fmt: skip
HEDGES = (
    "i think maybe",
    "i think",
    "maybe",
    "perhaps",
    "sort of",
    "kind of",
    "i guess",
    "i suppose",
    "probably",
    "i feel like",
    "a little bit",
    "i'm not sure",
    "hopefully",
    "might be",
)
STOPWORDS = {
    "a", "an", "the", "and", "or", "but", "so", "of", "to", "in", "on", "at", "for", "by",
    "with", "is", "are", "was", "were", "be", "been", "it", "its", "it's", "this", "that",
    "we", "i", "you", "they", "he", "she", "our", "my", "your", "their", "as", "from",
    "will", "would", "can", "could", "should", "do", "does", "did", "have", "has", "had",
    "not", "no", "yes", "there", "here", "what", "which", "who", "how", "why", "when",
    "then", "than", "if", "into", "about", "all", "more", "most", "very", "just", "also",
    "me", "us", "them", "his", "her", "one", "get", "got", "going", "let's", "let",
}  # fmt: skip


@dataclass(frozen=True)
class Token:
    start: float
    end: float
    raw: str  # as transcribed, with its punctuation
    word: str  # lower case, letters, digits and apostrophes only


@dataclass(frozen=True)
class Moment:
    at: float  # seconds from the start
    text: str


@dataclass(frozen=True)
class KeyMessage:
    text: str
    said_at: float | None  # when it was first said; None: not heard


@dataclass
class Observations:
    duration: float
    allowed: float  # seconds
    words: int
    average_wpm: float | None
    pace: list[tuple[float, float]]  # (seconds from the start, words per minute)
    band: tuple[int, int]
    fillers: list[Moment]
    filler_counts: list[tuple[str, int]]
    bursts: list[Moment]  # when a burst began; text: how many fillers
    hedges: list[Moment]
    repeated_phrases: list[tuple[str, int]]
    long_pauses: list[tuple[float, float]]  # (start, length)
    key_messages: list[KeyMessage] = field(default_factory=list)

    @property
    def fillers_per_100(self) -> float:
        return round(100 * len(self.fillers) / self.words, 1) if self.words else 0.0

    @property
    def over_by(self) -> float:
        """Seconds over the time allowed (negative: under)."""
        return self.duration - self.allowed

    @property
    def time_to_point(self) -> float | None:
        """When the first key message was said: how long the opening took."""
        said = [k.said_at for k in self.key_messages if k.said_at is not None]
        return min(said) if said else None

    @property
    def key_messages_said(self) -> int:
        return sum(1 for k in self.key_messages if k.said_at is not None)

    @property
    def pace_in_band(self) -> int | None:
        """The share of the pace readings inside the guide band, in percent."""
        if not self.pace:
            return None
        low, high = self.band
        inside = sum(1 for _, wpm in self.pace if low <= wpm <= high)
        return round(100 * inside / len(self.pace))


def normalise(raw: str) -> str:
    return re.sub(r"[^a-z0-9']", "", raw.lower().replace("’", "'")).strip("'")


def tokens_of(timed: Timed) -> list[Token]:
    out = []
    for start, end, raw in timed.words:
        for part in raw.split():
            word = normalise(part)
            if word:
                out.append(Token(start, end, part, word))
    return out


def _ends_clause(raw: str) -> bool:
    return raw.rstrip("\"'”’)").endswith((",", ".", "?", "!", ";", ":", "—", "-", "…"))


def find_fillers(tokens: list[Token]) -> list[Moment]:
    found: list[Moment] = []
    for i, tok in enumerate(tokens):
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.word in FILLER_SOUNDS or tok.word in FILLER_WORDS:
            found.append(Moment(tok.start, tok.word))
        elif tok.word == "like":
            set_off = _ends_clause(tok.raw) or before is None or _ends_clause(before.raw)
            if set_off and (after is None or after.word not in {"to", "this", "that", "it"}):
                found.append(Moment(tok.start, "like"))
        elif tok.word == "know" and before is not None and before.word == "you":
            if _ends_clause(tok.raw) or after is None or after.word not in _KNOWN_OBJECTS:
                found.append(Moment(before.start, "you know"))
        elif (tok.word == "mean" and before is not None and before.word == "i") and _ends_clause(
            tok.raw
        ):
            found.append(Moment(before.start, "i mean"))
    return found


def find_bursts(fillers: list[Moment]) -> list[Moment]:
    """Runs of BURST_COUNT or more fillers, each within BURST_SECONDS of the run's first."""
    bursts: list[Moment] = []
    i = 0
    while i < len(fillers):
        j = i
        while j + 1 < len(fillers) and fillers[j + 1].at - fillers[i].at <= BURST_SECONDS:
            j += 1
        if j - i + 1 >= BURST_COUNT:
            bursts.append(Moment(fillers[i].at, str(j - i + 1)))
            i = j + 1
        else:
            i += 1
    return bursts


def find_hedges(tokens: list[Token]) -> list[Moment]:
    words = [t.word for t in tokens]
    found: list[Moment] = []
    i = 0
    while i < len(words):
        for hedge in HEDGES:  # longest first where one contains another
            parts = hedge.split()
            if words[i : i + len(parts)] == parts:
                found.append(Moment(tokens[i].start, hedge))
                i += len(parts)
                break
        else:
            i += 1
    return found


def find_repeated_phrases(tokens: list[Token], smallest: int = 3, largest: int = 6) -> list:
    """Phrases of three to six words said more than once (not counting fillers), longest
    first; a phrase inside a longer one repeated as often is left out."""
    words = [t.word for t in tokens if t.word not in FILLER_SOUNDS]
    counts: dict[tuple[str, ...], int] = {}
    for n in range(largest, smallest - 1, -1):
        grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
        for gram, count in grams.items():
            if count < 2 or all(w in STOPWORDS for w in gram):
                continue
            inside = any(
                count <= c and len(g) > n and _contains(g, gram) for g, c in counts.items()
            )
            if not inside:
                counts[gram] = count
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))
    return [(" ".join(g), c) for g, c in ranked[:10]]


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def find_long_pauses(timed: Timed, tokens: list[Token]) -> list[tuple[float, float]]:
    """Silences of LONG_PAUSE seconds or more: from voice-activity detection where the
    transcriber gave it, else the gaps between words."""
    if timed.pauses:
        gaps = list(timed.pauses)
    else:
        gaps = [(a.end, b.start) for a, b in zip(tokens, tokens[1:], strict=False)]
    return [(round(s, 1), round(e - s, 1)) for s, e in gaps if e - s >= LONG_PAUSE]


def pace_series(tokens: list[Token], duration: float) -> list[tuple[float, float]]:
    """Words per minute over a WINDOW-second window, read every STEP seconds."""
    if not tokens or duration <= 0:
        return []
    if duration <= WINDOW:
        return [(round(duration / 2, 1), round(60 * len(tokens) / duration, 1))]
    points = []
    centre = WINDOW / 2
    while centre - WINDOW / 2 < duration:
        lo, hi = max(0.0, centre - WINDOW / 2), min(duration, centre + WINDOW / 2)
        if hi - lo >= WINDOW / 2:
            count = sum(1 for t in tokens if lo <= t.start < hi)
            points.append((round(centre, 1), round(60 * count / (hi - lo), 1)))
        centre += STEP
    return points


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


_NUMBERS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "twelve": "12", "twenty": "20",
    "fifty": "50", "hundred": "100", "half": "50",
}  # fmt: skip


def _content(words: list[str]) -> list[str]:
    out = []
    for w in words:
        w = _NUMBERS.get(w, w)
        if w.endswith("%"):
            w = w[:-1]
        if w not in STOPWORDS and (len(w) >= 3 or w.isdigit()):
            out.append(_stem(w))
    return out


def find_key_messages(tokens: list[Token], messages: list[str]) -> list[KeyMessage]:
    """When each key message was first said: the first stretch of the talk that holds at
    least 60% of the message's own words (not its small words), in any order."""
    stems = [_stem(_NUMBERS.get(t.word, t.word)) for t in tokens]
    found = []
    for message in messages:
        wanted = set(_content([normalise(w) for w in message.split()]))
        if not wanted:
            found.append(KeyMessage(message, None))
            continue
        need = max(1, round(0.6 * len(wanted) + 1e-9))
        span = max(8, 2 * len(wanted) + 4)
        said_at = None
        for i in range(len(stems)):
            if stems[i] not in wanted:
                continue
            heard = set(stems[i : i + span]) & wanted
            if len(heard) >= need:
                said_at = round(tokens[i].start, 1)
                break
        found.append(KeyMessage(message, said_at))
    return found


def observe(
    timed: Timed,
    *,
    minutes_allowed: int,
    key_messages: list[str] = (),  # type: ignore[assignment]
    band: tuple[int, int] = (100, 165),
) -> Observations:
    tokens = tokens_of(timed)
    duration = timed.duration
    speaking = (tokens[-1].end - tokens[0].start) if tokens else 0.0
    fillers = find_fillers(tokens)
    counts = Counter(f.text for f in fillers)
    return Observations(
        duration=duration,
        allowed=minutes_allowed * 60.0,
        words=len(tokens),
        average_wpm=round(60 * len(tokens) / speaking, 1) if speaking > 0 else None,
        pace=pace_series(tokens, duration),
        band=band,
        fillers=fillers,
        filler_counts=sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
        bursts=find_bursts(fillers),
        hedges=find_hedges(tokens),
        repeated_phrases=find_repeated_phrases(tokens),
        long_pauses=find_long_pauses(timed, tokens),
        key_messages=find_key_messages(tokens, list(key_messages)),
    )


def clock(seconds: float | None) -> str:
    """0:05, 12:30, 1:02:03."""
    if seconds is None:
        return "—"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
