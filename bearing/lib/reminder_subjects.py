"""What a reminder from a product area is about, for the reminder machinery.

The reminders (``bearing.growth.reminders``) know their own kinds (coaching
sessions, actions, check-ins). Another product area that schedules a reminder
of its own kind (a decision due for review) registers here, from its
AppConfig.ready(), how to tell whether the reminder still matters and where its
link points, so that the reminders need not import the area::

    register(ReminderSubject(kind="decision_review", still_relevant=..., path=...))

Both functions take the record's code from the reminder's subject key
("decision:<code>:<date>"). Never confidential text: a reminder carries only
names, times and links. This module imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ReminderSubject:
    kind: str
    # (record code, when the reminder was due) -> is it still worth sending?
    still_relevant: Callable[[str, datetime], bool]
    # record code -> the path the reminder links to
    path: Callable[[str], str]
    # (now, horizon) -> (person id, subject key, due at) for each reminder due by the
    # horizon, for a kind planned on a rhythm (a weekly review); None if it is planned
    # when its record is written (a decision's review date).
    plan: Callable[[datetime, datetime], Iterable[tuple[int, str, datetime]]] | None = None


_SUBJECTS: dict[str, ReminderSubject] = {}


def register(subject: ReminderSubject) -> None:
    existing = _SUBJECTS.get(subject.kind)
    if existing is not None and existing != subject:
        raise ValueError(f"reminder kind {subject.kind} is registered twice, differently")
    _SUBJECTS[subject.kind] = subject


def subject_for(kind: str) -> ReminderSubject | None:
    return _SUBJECTS.get(kind)


def reminder_subjects() -> list[ReminderSubject]:
    return sorted(_SUBJECTS.values(), key=lambda s: s.kind)
