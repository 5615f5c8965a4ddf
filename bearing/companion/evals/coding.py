"""Measure the transcript analyser's utterance coder against human MITI 4.2.1 coding.

The set is ``sets/coding.tsv``: coach utterances in context from whole coaching
sessions, each coded by a person with the MITI 4.2.1 definitions (columns ``id split
session quality context utterance code``). The coder is tuned on ``dev`` rows only;
the gates are judged on ``heldout`` rows, and for those only aggregate figures are
reported — never which rows were miscoded.

Figures on the held-out part: precision, recall and F1 per code; Cohen's κ for
question vs not, for open vs closed among the utterances both call questions, and
over all codes; reflection (SR or CR) recall and precision; and, per session quality,
the mean reflection-to-question ratio the coder finds beside the one the human coding
gives, to show whether R:Q still tells good sessions from poor ones.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..transcript_analysis import CODES, QUESTION_CODES, REFLECTION_CODES, code_session
from . import SETS, Section

CORPUS = SETS / "coding.tsv"
COLUMNS = ("id", "split", "session", "quality", "context", "utterance", "code")

GATES = {
    "heldout_question_kappa": (">=", 0.85),
    "heldout_open_closed_kappa": (">=", 0.6),
    "heldout_reflection_recall": (">=", 0.6),
    "heldout_reflection_precision": (">=", 0.7),
}


@dataclass(frozen=True)
class Row:
    id: str
    split: str
    session: str
    quality: str
    context: str
    utterance: str
    code: str


def load(path: Path = CORPUS) -> list[Row]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if tuple(f.strip().lower() for f in fields) == COLUMNS:
            continue  # the header
        if len(fields) != len(COLUMNS):
            raise ValueError(f"{path.name} line {number}: {len(fields)} columns, not 7")
        row = Row(*(f.strip() for f in fields))
        if row.code not in CODES:
            raise ValueError(f"{path.name} line {number}: unknown code {row.code!r}")
        rows.append(row)
    return rows


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's κ for two codings of the same items: (po - pe) / (1 - pe)."""
    if len(first) != len(second):
        raise ValueError("both codings must cover the same items")
    n = len(first)
    if n == 0:
        raise ValueError("no items to compare")
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    a_counts, b_counts = Counter(first), Counter(second)
    expected = sum(a_counts[label] * b_counts[label] for label in a_counts) / (n * n)
    if expected == 1:
        return 1.0 if observed == 1 else 0.0
    return (observed - expected) / (1 - expected)


def precision_recall_f1(human: Sequence[str], coder: Sequence[str], codes: set[str]):
    """Precision, recall and F1 of the coder for the codes in ``codes`` taken as one."""
    hit = sum(1 for h, c in zip(human, coder, strict=True) if h in codes and c in codes)
    called = sum(1 for c in coder if c in codes)
    present = sum(1 for h in human if h in codes)
    precision = hit / called if called else 0.0
    recall = hit / present if present else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def code_rows(rows: Sequence[Row]) -> list[str]:
    """The coder's code for each row, session by session in spoken order, as the
    transcript analyser codes them: rows of one coach turn share their context."""
    codes: dict[str, str] = {}
    sessions: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        sessions[row.session].append(row)
    for session_rows in sessions.values():
        turns: list[tuple[str, list[Row]]] = []
        for row in session_rows:
            if turns and turns[-1][0] == row.context:
                turns[-1][1].append(row)
            else:
                turns.append((row.context, [row]))
        coded = code_session([(context, [r.utterance for r in group]) for context, group in turns])
        for (_, group), group_codes in zip(turns, coded, strict=True):
            for row, code in zip(group, group_codes, strict=True):
                codes[row.id] = code
    return [codes[row.id] for row in rows]


def _rq(codes: Sequence[str]) -> float:
    questions = sum(1 for c in codes if c in QUESTION_CODES)
    reflections = sum(1 for c in codes if c in REFLECTION_CODES)
    return reflections / max(questions, 1)


def figures_for(rows: Sequence[Row], prefix: str) -> tuple[dict[str, float | int], list[str]]:
    """The agreement figures of one part of the set, and a per-code table."""
    human = [r.code for r in rows]
    coder = code_rows(rows)
    figures: dict[str, float | int] = {f"{prefix}_utterances": len(rows)}
    if not rows:
        return figures, []
    is_q_h = ["Q" if h in QUESTION_CODES else "-" for h in human]
    is_q_c = ["Q" if c in QUESTION_CODES else "-" for c in coder]
    both = [
        (h, c)
        for h, c in zip(human, coder, strict=True)
        if h in QUESTION_CODES and c in QUESTION_CODES
    ]
    r_precision, r_recall, _ = precision_recall_f1(human, coder, set(REFLECTION_CODES))
    figures[f"{prefix}_overall_kappa"] = round(cohen_kappa(human, coder), 3)
    figures[f"{prefix}_question_kappa"] = round(cohen_kappa(is_q_h, is_q_c), 3)
    figures[f"{prefix}_open_closed_pairs"] = len(both)
    figures[f"{prefix}_open_closed_kappa"] = (
        round(cohen_kappa([h for h, _ in both], [c for _, c in both]), 3) if both else 0.0
    )
    figures[f"{prefix}_reflection_recall"] = round(r_recall, 3)
    figures[f"{prefix}_reflection_precision"] = round(r_precision, 3)
    figures[f"{prefix}_accuracy"] = round(
        sum(h == c for h, c in zip(human, coder, strict=True)) / len(rows), 3
    )

    table = [f"{prefix} per code    precision  recall   F1     human  coder"]
    for code in CODES:
        p, r, f = precision_recall_f1(human, coder, {code})
        table.append(
            f"  {code:<10} {p:>10.2f} {r:>7.2f} {f:>6.2f} {human.count(code):>7} "
            f"{coder.count(code):>6}"
        )

    sessions: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        sessions[r.session].append(i)
    by_quality: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for indexes in sessions.values():
        quality = rows[indexes[0]].quality
        by_quality[quality].append(
            (_rq([human[i] for i in indexes]), _rq([coder[i] for i in indexes]))
        )
    table.append(f"{prefix} R:Q per session quality (mean over sessions)  human  coder")
    for quality in sorted(by_quality):
        pairs = by_quality[quality]
        mean_h = statistics.fmean(h for h, _ in pairs)
        mean_c = statistics.fmean(c for _, c in pairs)
        figures[f"{prefix}_rq_{quality}_human"] = round(mean_h, 2)
        figures[f"{prefix}_rq_{quality}_coder"] = round(mean_c, 2)
        table.append(f"  {quality:<10} ({len(pairs)} sessions) {mean_h:>24.2f} {mean_c:>6.2f}")
    good, poor = by_quality.get("good", []), by_quality.get("poor", [])
    if good and poor:
        # the share of (good, poor) session pairs the coder's R:Q puts in the right order
        ordered = sum(
            1.0 if g > p else 0.5 if g == p else 0.0 for _, g in good for _, p in poor
        ) / (len(good) * len(poor))
        figures[f"{prefix}_rq_good_above_poor_pairs"] = round(ordered, 3)
    return figures, table


def evaluate() -> Section:
    rows = load()
    dev = [r for r in rows if r.split == "dev"]
    heldout = [r for r in rows if r.split == "heldout"]
    if not heldout:
        raise ValueError(f"{CORPUS.name} has no held-out rows")
    figures: dict[str, float | int] = {"sessions": len({r.session for r in rows})}
    notes: list[str] = []
    for prefix, part in (("heldout", heldout), ("dev", dev)):
        part_figures, table = figures_for(part, prefix)
        figures.update(part_figures)
        notes += table
    return Section(name="coding", figures=figures, gates=dict(GATES), notes=notes)
