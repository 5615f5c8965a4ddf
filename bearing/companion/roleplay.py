"""Role-play of difficult conversations, offline.

The companion plays the counterpart, whose tension (0–10) responds to what the
leader does: acknowledging feelings, being specific, asking, listening and "I"
statements lower it; blaming, dismissing, "but" and jumping to fixes raise it.
The debrief reports what the leader did, with quotes and reflective questions —
observations, not a score.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "scenarios.json"

CUES = {
    "acknowledgement": [
        r"\bi understand\b",
        r"\bi hear\b",
        r"\bthat sounds\b",
        r"\bi can see\b",
        r"\bit makes sense\b",
        r"\bi appreciate\b",
        r"\bthank you\b",
        r"\bthanks\b",
        r"\bthat must\b",
        r"\bi get that\b",
        r"\bfair point\b",
        r"\byou're right\b",
    ],
    "i_statement": [
        r"\bi feel\b",
        r"\bi noticed\b",
        r"\bi'm concerned\b",
        r"\bi am concerned\b",
        r"\bi need\b",
        r"\bi'm worried\b",
        r"\bi am worried\b",
        r"\bi want\b",
        r"\bi saw\b",
        r"\bi'd like\b",
    ],
    "specific": [
        r"\b(monday|tuesday|wednesday|thursday|friday)\b",
        r"\blast (week|month|quarter)\b",
        r"\bin the (meeting|review)\b",
        r"\b\d+\b",
        r"\bfor example\b",
        r"\bspecifically\b",
    ],
    "listening": [
        r"\btell me more\b",
        r"\bhelp me understand\b",
        r"\bwhat do you think\b",
        r"\bhow do you see\b",
        r"\bwhat would you\b",
        r"\bhow are you\b",
    ],
    "blame": [
        r"\byou always\b",
        r"\byou never\b",
        r"\byour fault\b",
        r"\byou should have\b",
        r"\bbecause of you\b",
        r"\byou failed\b",
        r"\byou don't care\b",
    ],
    "dismissive": [
        r"\bcalm down\b",
        r"\bnot a big deal\b",
        r"\bwhatever\b",
        r"\bobviously\b",
        r"\bjust accept\b",
        r"\bget over\b",
        r"\bno choice\b",
    ],
    "but": [r"\bbut\b"],
    "fix": [
        r"\bhere's what we'll do\b",
        r"\bthe solution is\b",
        r"\byou need to\b",
        r"\bjust do\b",
        r"\byou have to\b",
        r"\bi've decided\b",
        r"\bfrom now on you\b",
    ],
}
LOWERS = {
    "acknowledgement": 1.5,
    "i_statement": 0.5,
    "specific": 0.5,
    "listening": 1.0,
    "question": 0.5,
}
RAISES = {"blame": 2.0, "dismissive": 2.0, "but": 0.5, "fix": 1.0}


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    situation: str
    counterpart: str
    tension: float
    lines: dict


@lru_cache(maxsize=1)
def scenarios() -> dict[str, Scenario]:
    return {s["key"]: Scenario(**s) for s in json.loads(DATA.read_text())}


def analyse_turn(text: str) -> dict[str, int]:
    low = text.lower()
    counts = {name: sum(len(re.findall(p, low)) for p in pats) for name, pats in CUES.items()}
    counts["question"] = text.count("?")
    return counts


@dataclass
class RolePlay:
    scenario: str
    tension: float = 0.0
    # Per turn: the counterpart's line, the tension after it, and the counts of what
    # the leader did. Never the leader's own words (those are stored encrypted).
    turns: list[dict] = field(default_factory=list)
    used: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(vars(self))

    @classmethod
    def start(cls, key: str) -> RolePlay:
        return cls(scenario=key, tension=scenarios()[key].tension)

    @classmethod
    def from_dict(cls, data: dict) -> RolePlay:
        return cls(**data)


def counterpart_reply(play: RolePlay, leader_text: str) -> str:
    scenario = scenarios()[play.scenario]
    counts = analyse_turn(leader_text)
    delta = sum(RAISES[k] * counts[k] for k in RAISES) - sum(
        LOWERS[k] * min(counts[k], 2) for k in LOWERS
    )
    play.tension = max(0.0, min(10.0, round(play.tension + delta, 2)))
    band = "high" if play.tension >= 6 else "mid" if play.tension >= 3 else "low"
    options = [line for line in scenario.lines[band] if line not in play.used] or scenario.lines[
        band
    ]
    digest = hashlib.sha256(f"{play.scenario}:{len(play.turns)}".encode()).digest()
    reply = options[digest[0] % len(options)]
    play.used.append(reply)
    play.turns.append(
        {
            "reply": reply,
            "tension": play.tension,
            "counts": counts,
            "words": len(leader_text.split()),
        }
    )
    return reply


@dataclass
class Debrief:
    totals: dict[str, int]
    leader_words: int
    counterpart_words: int
    talk_share: float
    tension_start: float
    tension_end: float
    moments: list[tuple[str, str]]  # (what, quote)
    questions_to_reflect: list[str]


def debrief(play: RolePlay, leader_texts: list[str]) -> Debrief:
    """``leader_texts``: the leader's turns, in order (for quotes)."""
    scenario = scenarios()[play.scenario]
    totals = dict.fromkeys([*CUES, "question"], 0)
    for turn in play.turns:
        for k, v in turn["counts"].items():
            totals[k] += v
    leader_words = sum(t["words"] for t in play.turns)
    counterpart_words = sum(len(t["reply"].split()) for t in play.turns)
    moments = []
    previous = scenario.tension
    for turn, said in zip(play.turns, leader_texts, strict=False):
        change = turn["tension"] - previous
        if change <= -1 and len(moments) < 3:
            moments.append(("The tension eased after you said", said))
        elif change >= 1 and len(moments) < 3:
            moments.append(("The tension rose after you said", said))
        previous = turn["tension"]
    questions = [
        f"What did you notice in {scenario.counterpart.split(',')[0]} when the tension changed?",
        "Which of your words would you keep for the real conversation?",
        "What would you do differently if you practised again?",
    ]
    total_words = leader_words + counterpart_words
    return Debrief(
        totals=totals,
        leader_words=leader_words,
        counterpart_words=counterpart_words,
        talk_share=round(leader_words / total_words, 2) if total_words else 0.0,
        tension_start=scenario.tension,
        tension_end=play.tension,
        moments=moments,
        questions_to_reflect=questions,
    )


def model_counterpart_reply(play: RolePlay, leader_text: str, config, names=()) -> tuple[str, str]:
    """With a language model configured: the counterpart's words come from the model,
    in character and at the tension the offline rules computed; on any failure the
    offline line stands. Returns (reply, source)."""
    from .llm import ModelError, _request, scrub

    offline = counterpart_reply(play, leader_text)  # updates tension and the turn record
    scenario = scenarios()[play.scenario]
    band = "high" if play.tension >= 6 else "mid" if play.tension >= 3 else "low"
    mood = {
        "high": "defensive and tense",
        "mid": "guarded but listening",
        "low": "open and constructive",
    }[band]
    messages = [
        {
            "role": "system",
            "content": (
                f"You are role-playing {scenario.counterpart} in this situation: "
                f"{scenario.situation} Stay in character. Right now you are {mood}. "
                "Reply in one to three short sentences as that person would, "
                "with no coaching and no narration."
            ),
        },
        {"role": "user", "content": scrub(leader_text, list(names))},
    ]
    try:
        reply = _request(config, messages)
    except ModelError:
        return offline, "offline"
    if not reply or len(reply.split()) > 80:
        return offline, "offline"
    play.turns[-1]["reply"] = reply
    return reply, "model"
