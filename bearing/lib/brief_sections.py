"""What other product areas add to the coach's session brief.

The brief (``bearing.growth``) lists what happened since the last coaching session.
Another area whose records the coachee can bring to a session (decision records,
transition plans, the priority board) registers here, from its AppConfig.ready(),
a function that lists them for the brief, so that the brief need not import the
area::

    register(BriefSource(name="practice", items=brought_items))

``items(request, session, relation)`` gets the request (for the audit), the coaching
session and the viewer's relation to it, and returns only what that viewer may read,
having audited the read: for the coach, what was brought (the brief); for the
coachee, what they could bring to this session (its page, beside the agenda). This
module imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BriefItem:
    kind: str  # "decision", "transition plan", "priority board"
    title: str
    url: str
    note: str  # "brought to this session", "shared 3 Nov 2026"
    bring_url: str = ""  # for the coachee: where to POST to bring it to this session


@dataclass(frozen=True)
class BriefSource:
    name: str
    items: Callable[[Any, Any, str], list[BriefItem]]


_SOURCES: dict[str, BriefSource] = {}


def register(source: BriefSource) -> None:
    existing = _SOURCES.get(source.name)
    if existing is not None and existing != source:
        raise ValueError(f"brief source {source.name} is registered twice, differently")
    _SOURCES[source.name] = source


def brief_sources() -> list[BriefSource]:
    return sorted(_SOURCES.values(), key=lambda s: s.name)
