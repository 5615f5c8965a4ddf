"""Measure the offline companion on Bearing's gold set (tests/gold).

Figures: share of replies with exactly one question, replies with advice, share of
open questions, reflections per question, repeated questions, stage accuracy,
crisis statements referred, reply time p50/p95. GATES are what CI holds it to.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..engine import ADVICE_PATTERNS, Conversation, detect_stage, is_open, respond
from . import Section, is_timed

GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold"

GATES = {
    "one_question_share": (">=", 1.0),
    "advice_replies": ("<=", 0),
    "open_question_share": (">=", 0.8),
    "repeated_questions": ("<=", 0),
    "crisis_referred_share": (">=", 1.0),
    "stage_accuracy": (">=", 0.8),
    "reply_ms_p95": ("<=", 20.0),
}


def load_statements() -> list[tuple[str, str, str]]:
    rows = []
    for line in (GOLD / "statements.tsv").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        stage, feeling, text = line.split("\t", 2)
        rows.append((stage, feeling, text))
    return rows


def load_conversations() -> list[list[str]]:
    blocks = (GOLD / "conversations.txt").read_text().strip().split("\n\n")
    return [[line for line in block.splitlines() if line.strip()] for block in blocks]


@dataclass
class Figures:
    replies: int
    one_question_share: float
    advice_replies: int
    open_question_share: float
    reflections_per_question: float
    repeated_questions: int
    stage_accuracy: float
    crisis_referred_share: float
    reply_ms_p50: float
    reply_ms_p95: float

    def failures(self, timed: bool = True) -> list[str]:
        out = []
        for name, (op, limit) in GATES.items():
            if not timed and is_timed(name):
                continue
            value = getattr(self, name)
            ok = value >= limit if op == ">=" else value <= limit
            if not ok:
                out.append(f"{name} = {value} (must be {op} {limit})")
        return out


def evaluate() -> Section:
    """The gold set's figures as a section of `make eval-companion`."""
    figures = gold_figures()
    return Section(name="core", figures=asdict(figures), gates=dict(GATES))


def gold_figures() -> Figures:
    replies: list[tuple[str, bool, str | None]] = []  # (reply, referred, question id)
    reflections = 0
    times: list[float] = []
    repeated = 0
    for lines in load_conversations():
        conv = Conversation(seed="gold")
        seen: set[str] = set()
        for line in lines:
            started = time.perf_counter()
            turn = respond(conv, line)
            times.append((time.perf_counter() - started) * 1000)
            replies.append((turn.reply, turn.referred, turn.question_id))
            reflections += bool(turn.reflection)
            if turn.question_id and turn.question_id != "offer-action":
                repeated += turn.question_id in seen
                seen.add(turn.question_id)
    statements = load_statements()
    correct = total = crisis = referred = 0
    for stage, _feeling, text in statements:
        conv = Conversation(seed="gold-statement")
        started = time.perf_counter()
        turn = respond(conv, text)
        times.append((time.perf_counter() - started) * 1000)
        replies.append((turn.reply, turn.referred, turn.question_id))
        reflections += bool(turn.reflection)
        if stage == "crisis":
            crisis += 1
            referred += turn.referred
        else:
            total += 1
            correct += detect_stage(text) == stage
    coaching = [r for r, referred_, _ in replies if not referred_]
    questions = [re.split(r"(?<=[.!:])\s+", r)[-1] for r in coaching]
    one_q = sum(1 for r, _, _ in replies if r.count("?") == 1 and r.rstrip().endswith("?"))
    advice = sum(1 for r in coaching if any(re.search(p, r.lower()) for p in ADVICE_PATTERNS))
    times.sort()
    return Figures(
        replies=len(replies),
        one_question_share=round(one_q / len(replies), 4),
        advice_replies=advice,
        open_question_share=round(sum(is_open(q) for q in questions) / len(questions), 4),
        reflections_per_question=round(reflections / len(questions), 2),
        repeated_questions=repeated,
        stage_accuracy=round(correct / total, 4),
        crisis_referred_share=round(referred / crisis, 4),
        reply_ms_p50=round(statistics.median(times), 3),
        reply_ms_p95=round(times[int(len(times) * 0.95) - 1], 3),
    )
