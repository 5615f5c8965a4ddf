"""Measure the role-play counterpart on the frozen role-play set and on scripted plays.

The set (``sets/roleplay.tsv``, written before the scoring was tuned and then frozen)
holds leader turns labelled by what they do to the counterpart's tension: ``lower``,
``raise`` or ``neutral``. Each turn is played once, alone, from a mid tension (5.0) in
the scenario its key names; the sign of the change is its direction (a change smaller
than ``NEUTRAL_BAND`` either way is neutral). Accuracy is reported per effect and
overall, on the held-out rows (the gates) and on the dev rows (printed, for tuning).

Scripted plays of ten turns in every scenario — steadily calm, steadily harsh,
alternating, questions only, and the strongest turns Bearing can read — show how
the tension moves over a conversation: the largest step taken towards an end from
within 2 of it (a calm turn at 8.5 may ease the tension a lot; it is the steps that
push on towards 0 or 10 that must shrink), how
many turns it takes to pin at an end (within 0.5 of 0 or 10), how often the
counterpart repeats a line within a play, and the processor time a turn takes (best
of three runs, so that other work on a shared machine is not counted).

Only aggregate figures are reported for the held-out rows: never a held-out text, and
never which held-out row failed.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass

from ..roleplay import (
    TONE,
    TONE_CLASSES,
    TONE_EXAMPLES,
    RolePlay,
    counterpart_reply,
    read_turn,
    scenario_for,
    scenarios,
    step,
    tone_features,
)
from . import SETS, Section

SET = SETS / "roleplay.tsv"
MID = 5.0
NEUTRAL_BAND = 0.2  # a change smaller than this either way leaves the tension where it was
NEAR_END = 2.0  # "near the ends": tension within this of 0 or 10 before a step towards it
PINNED = 0.5  # "pinned": tension within this of 0 or 10
EFFECTS = ("lower", "raise", "neutral")

GATES = {
    "heldout_direction_accuracy": (">=", 0.8),
    "repeated_lines": ("<=", 0),
    "pinned_within_3_turns": ("<=", 0),
    "max_step_near_ends": ("<=", 1.0),
    "turn_ms_p95": ("<=", 5.0),
}

# Scripted plays (Bearing's own lines, not the set's): ten turns each.
CALM = (
    "Thank you for making the time; I know this isn't an easy conversation.",
    "What has this been like from your side?",
    "That sounds really frustrating, and I can see why you reacted that way.",
    "I should have raised this sooner, and that part is on me.",
    "Help me understand what got in the way last month.",
    "What would help you most over the next few weeks?",
    "I appreciate you being so open with me.",
    "Let's work out together what a realistic next step looks like.",
    "I'll send you a summary by Friday so we both have the same picture.",
    "How are you feeling about all this now?",
)
HARSH = (
    "You always do this, and frankly I'm tired of it.",
    "Calm down, it's not a big deal.",
    "Do you even read the emails I send you?",
    "Oh great, another excuse, thanks so much.",
    "Everybody else manages to hit their deadlines.",
    "If this happens again, you can start looking for another job.",
    "I don't care whose fault it was.",
    "Honestly, a child could have done a better job.",
    "I hear you, but you're wrong and I'm escalating this.",
    "We're done here.",
)
QUESTIONS = (
    "How are you feeling about this?",
    "What would help you most right now?",
    "What worries you most about it?",
    "What would you suggest we do?",
    "Why do you think it happened?",
    "How are you doing, honestly?",
    "What do you need from me?",
    "What's your biggest concern here?",
    "How could we make this work?",
    "What happened, from your side?",
)
STRONGEST_UP = (
    "I hear you, thank you, that sounds hard. You're fired, you useless idiot. "
    "Clear your desk, nobody cares, and it's all your fault."
)
STRONGEST_DOWN = (
    "I'm so sorry, that must have been really hard, and it's on me. I understand, "
    "thank you for telling me. What would help you most? Let's work it out together."
)


def scripts() -> dict[str, tuple[str, ...]]:
    return {
        "calm": CALM,
        "harsh": HARSH,
        "alternating": tuple(
            h if i % 2 else c for i, (c, h) in enumerate(zip(CALM, HARSH, strict=True))
        ),
        "questions": QUESTIONS,
        "strongest_up": (STRONGEST_UP,) * 10,
        "strongest_down": (STRONGEST_DOWN,) * 10,
    }


@dataclass(frozen=True)
class Row:
    id: str
    split: str
    scenario: str
    effect: str
    text: str


def load_rows() -> list[Row]:
    rows: list[Row] = []
    if not SET.exists():
        return rows
    for line in SET.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        row_id, split, scenario, effect, text = line.split("\t", 4)
        rows.append(Row(row_id, split, scenario, effect, text))
    return rows


def direction(change: float) -> str:
    if change >= NEUTRAL_BAND:
        return "raise"
    if change <= -NEUTRAL_BAND:
        return "lower"
    return "neutral"


def predicted(row: Row) -> str:
    scenario = scenario_for(row.scenario)
    reading = read_turn(row.text, scenario.weights, scenario.counterpart)
    return direction(step(MID, reading.score))


def direction_figures(rows: list[Row], split: str) -> dict[str, float | int]:
    """Accuracy per effect and overall on one split. Aggregates only."""
    right: Counter = Counter()
    total: Counter = Counter()
    for row in rows:
        if row.split != split:
            continue
        total[row.effect] += 1
        right[row.effect] += predicted(row) == row.effect
    figures: dict[str, float | int] = {f"{split}_rows": sum(total.values())}
    figures[f"{split}_direction_accuracy"] = (
        round(sum(right.values()) / sum(total.values()), 4) if total else 0.0
    )
    for effect in EFFECTS:
        figures[f"{split}_{effect}_accuracy"] = (
            round(right[effect] / total[effect], 4) if total[effect] else 0.0
        )
    return figures


def play_figures() -> dict[str, float | int]:
    """Scripted plays of ten turns in every scenario."""
    steps_near_ends: list[float] = []
    pinned_turns: list[int] = []
    repeated = 0
    times: list[float] = []
    counterpart_reply(RolePlay.start(next(iter(scenarios()))), "Hello.")  # load the data first
    for key in scenarios():
        for lines in scripts().values():
            play = RolePlay.start(key)
            pinned_at = 0
            for number, line in enumerate(lines, start=1):
                before = play.tension
                times.append(_turn_ms(play, line))
                counterpart_reply(play, line)
                moved = play.tension - before
                if (before >= 10 - NEAR_END and moved > 0) or (before <= NEAR_END and moved < 0):
                    steps_near_ends.append(abs(moved))
                if not pinned_at and (play.tension <= PINNED or play.tension >= 10 - PINNED):
                    pinned_at = number
            pinned_turns.append(pinned_at or len(lines) + 1)
            said = [line_id for turn in play.turns for line_id in turn["lines"]]
            repeated += len(said) - len(set(said))
    times.sort()
    return {
        "scripted_plays": len(pinned_turns),
        "max_step_near_ends": round(max(steps_near_ends, default=0.0), 3),
        "min_turns_to_pin": min(pinned_turns),
        "pinned_within_3_turns": sum(1 for t in pinned_turns if t <= 3),
        "repeated_lines": repeated,
        "turn_ms_p50": round(statistics.median(times), 3),
        "turn_ms_p95": round(times[int(len(times) * 0.95) - 1], 3),
    }


def _turn_ms(play: RolePlay, line: str) -> float:
    """The processor time one turn takes: the best of three runs on copies of the play,
    so that other work on a shared machine does not count as the engine's."""
    best = float("inf")
    for _ in range(3):
        copy = RolePlay.from_dict(json.loads(json.dumps(play.to_dict())))
        started = time.process_time()
        counterpart_reply(copy, line)
        best = min(best, (time.process_time() - started) * 1000)
    return best


def evaluate() -> Section:
    rows = load_rows()
    figures: dict[str, float | int] = {}
    notes: list[str] = []
    if not rows:
        notes.append("the role-play set is not written yet")
        figures["heldout_direction_accuracy"] = 0.0
    else:
        figures.update(direction_figures(rows, "heldout"))
        figures.update(direction_figures(rows, "dev"))
        unknown = sorted({r.scenario for r in rows} - _mapped())
        if unknown:
            notes.append("scenario keys with no scenario: " + ", ".join(unknown))
    figures.update(play_figures())
    notes.append(
        f"direction: the change from a mid tension ({MID}); smaller than {NEUTRAL_BAND} "
        "either way is neutral"
    )
    return Section(name="roleplay", figures=figures, gates=dict(GATES), notes=notes)


def _mapped() -> set[str]:
    keys: set[str] = set()
    for scenario in scenarios().values():
        keys.update(scenario.sets)
        keys.add(scenario.key)
    return keys


# --- The tone model ------------------------------------------------------------------------
# Built from the set's dev rows and Bearing's own labelled turns only; held-out rows
# never reach it. Rebuild after changing either source:
#   .venv/bin/python -c "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',
#   'bearing.settings'); django.setup(); from bearing.companion.evals.roleplay import
#   write_tone_model; write_tone_model()"
MIN_FEATURE_COUNT = 2


def tone_training_rows() -> list[tuple[str, str]]:
    rows = [(r.effect, r.text) for r in load_rows() if r.split == "dev"]
    for line in TONE_EXAMPLES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            effect, text = line.split("\t", 1)
            rows.append((effect, text))
    return rows


def build_tone_model() -> dict:
    docs: Counter = Counter()
    counts: dict[str, list[int]] = {}
    for effect, text in tone_training_rows():
        if effect not in TONE_CLASSES:
            raise ValueError(f"unknown effect {effect!r}")
        docs[effect] += 1
        index = TONE_CLASSES.index(effect)
        for feature in tone_features(text):
            counts.setdefault(feature, [0, 0, 0])[index] += 1
    features = {f: c for f, c in sorted(counts.items()) if sum(c) >= MIN_FEATURE_COUNT}
    return {
        "about": "Naive-Bayes tone counts for role-play turns; see roleplay.tone.",
        "docs": {e: docs[e] for e in TONE_CLASSES},
        "features": features,
    }


def write_tone_model() -> None:
    model = build_tone_model()
    TONE.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n")
