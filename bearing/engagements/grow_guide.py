"""The GROW question guide: questions kept as data (``data/grow_guide.toml``), read
once, grouped by stage and focus area. Pure: no database, no request."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GUIDE_PATH = Path(__file__).resolve().parent / "data" / "grow_guide.toml"
ANY_FOCUS = "any"


@dataclass(frozen=True)
class Question:
    id: str
    stage: str
    focus: str
    text: str


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    purpose: str
    questions: tuple[Question, ...]


@cache
def grow_guide() -> tuple[Stage, ...]:
    with GUIDE_PATH.open("rb") as f:
        data = tomllib.load(f)
    stages = []
    for raw in data["stage"]:
        questions = tuple(
            Question(id=q["id"], stage=raw["key"], focus=q["focus"], text=q["text"])
            for q in raw["question"]
        )
        stages.append(Stage(raw["key"], raw["name"], raw["purpose"], questions))
    return tuple(stages)


def question_by_id(question_id: str) -> Question | None:
    for stage in grow_guide():
        for question in stage.questions:
            if question.id == question_id:
                return question
    return None


def guide_for(focus_areas: set[str]) -> list[tuple[Stage, list[Question]]]:
    """Each stage with the questions that fit any conversation, then those for the
    coachee's focus areas (in the guide's order)."""
    return [
        (stage, [q for q in stage.questions if q.focus == ANY_FOCUS or q.focus in focus_areas])
        for stage in grow_guide()
    ]
