"""Which three coaches to propose to a leader, and why. Pure and deterministic:
no database, no clock (the moment time zones are compared at is given).

Hard rules: a coach with no room left (their load has reached their capacity) is
never proposed, and neither is one who shares no language with the leader. Among
the rest, the score adds up fit on focus (themes in common), time zone (hours
apart), room (capacity left) and experience; ties go to the coach with more room,
then to the lower id, so the same inputs always give the same three.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

PROPOSE = 3

# Points per kind of fit. Focus weighs most: it is what coaching is for.
POINTS_PER_THEME = 10
POINTS_FIRST_LANGUAGE = 4
POINTS_SAME_ZONE_BAND = 10  # up to 2 hours apart
POINTS_NEAR_ZONE_BAND = 5  # up to 5 hours apart
POINTS_PER_FREE_PLACE = 2  # up to 3 places counted
MAX_EXPERIENCE_POINTS = 4  # one per 5 years, up to 20


@dataclass(frozen=True)
class Wish:
    """What a leader asked for (from their matching profile)."""

    themes: tuple[str, ...]
    languages: tuple[str, ...]  # in order of preference
    time_zone: str


@dataclass(frozen=True)
class Candidate:
    """One coach on the roster, with how many coachees they have now."""

    coach_id: int
    focus_areas: tuple[str, ...]
    languages: tuple[str, ...]
    time_zone: str
    years_experience: int
    capacity: int
    load: int

    @property
    def room(self) -> int:
        return max(self.capacity - self.load, 0)


@dataclass(frozen=True)
class Match:
    coach_id: int
    score: int
    reasons: tuple[str, ...]


def utc_offset_hours(zone: str, at: datetime) -> float:
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    offset = at.astimezone(tz).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def hours_apart(a: str, b: str, at: datetime) -> float:
    diff = abs(utc_offset_hours(a, at) - utc_offset_hours(b, at))
    return min(diff, 24 - diff)


def _hours(h: float) -> str:
    text = f"{h:g}"
    return f"{text} hour" if h == 1 else f"{text} hours"


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def score(
    wish: Wish,
    candidate: Candidate,
    *,
    at: datetime,
    theme_labels: Mapping[str, str],
    language_labels: Mapping[str, str],
) -> Match | None:
    """The candidate's fit for this wish, with the reasons in words; None when a
    hard rule rules them out (no room, no language in common)."""
    if candidate.room <= 0:
        return None
    common_languages = [lang for lang in wish.languages if lang in candidate.languages]
    if wish.languages and not common_languages:
        return None
    points = 0
    reasons: list[str] = []
    common_themes = [t for t in wish.themes if t in candidate.focus_areas]
    if common_themes:
        points += POINTS_PER_THEME * len(common_themes)
        labels = [theme_labels.get(t, t).lower() for t in common_themes]
        reasons.append(f"Works on {_join(labels)}, as you asked.")
    if common_languages:
        if wish.languages and common_languages[0] == wish.languages[0]:
            points += POINTS_FIRST_LANGUAGE
        names = [language_labels.get(lang, lang) for lang in common_languages]
        reasons.append(f"Coaches in {_join(names)}.")
    apart = hours_apart(wish.time_zone, candidate.time_zone, at)
    if apart == 0:
        points += POINTS_SAME_ZONE_BAND
        reasons.append("Works in your time zone.")
    elif apart <= 2:
        points += POINTS_SAME_ZONE_BAND
        reasons.append(f"Works {_hours(apart)} from your time zone.")
    elif apart <= 5:
        points += POINTS_NEAR_ZONE_BAND
        reasons.append(f"Works {_hours(apart)} from your time zone.")
    else:
        reasons.append(f"Works {_hours(apart)} from your time zone: times need care.")
    points += POINTS_PER_FREE_PLACE * min(candidate.room, 3)
    room = candidate.room
    reasons.append(f"Has room for {room} more coachee{'s' if room != 1 else ''}.")
    years = min(candidate.years_experience, 20)
    points += min(years // 5, MAX_EXPERIENCE_POINTS)
    if candidate.years_experience:
        n = candidate.years_experience
        reasons.append(f"{n} year{'s' if n != 1 else ''} of coaching experience.")
    return Match(coach_id=candidate.coach_id, score=points, reasons=tuple(reasons))


def propose(
    wish: Wish,
    candidates: Iterable[Candidate],
    *,
    at: datetime,
    theme_labels: Mapping[str, str],
    language_labels: Mapping[str, str],
    exclude: Iterable[int] = (),
    count: int = PROPOSE,
) -> list[Match]:
    """The best ``count`` coaches for the wish, best first, never one past capacity,
    never one in ``exclude`` (coaches already proposed and not chosen)."""
    excluded = set(exclude)
    scored: list[tuple[Match, Candidate]] = []
    for candidate in candidates:
        if candidate.coach_id in excluded:
            continue
        match = score(
            wish, candidate, at=at, theme_labels=theme_labels, language_labels=language_labels
        )
        if match is not None:
            scored.append((match, candidate))
    scored.sort(key=lambda mc: (-mc[0].score, -mc[1].room, mc[0].coach_id))
    return [m for m, _ in scored[:count]]
