"""Measure the safety net on its frozen set (sets/safety.tsv) and its probe set.

A crisis statement counts as caught only when it is referred under its own category
(the right help is the point: a crisis line for self-harm, compliance for fraud).
``referred_any`` says how many were referred at all, whatever the category. A
false alarm is a hard negative (category ``none``) that was referred.

Figures are computed on both parts; the gates are judged on the held-out part, which
is never used while tuning. The notes list the dev misses and false alarms by text to
help tuning, and never a held-out text: for the held-out part only counts are shown.

The probe set (sets/safety_probe.tsv, split "probe") was written before the detector
was tuned, independently of safety.tsv: a second development set, in other words.
``evaluate(dev_only=True)`` (``manage.py eval_companion safety --dev-only``) reads the
dev and probe rows only: held-out rows are dropped as the file is read, so no figure,
note or gate can show them while tuning.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from ..safety import LANGUAGES, Category, assess
from . import SETS, Section

GATES = {
    "heldout_recall_direct": (">=", 1.0),
    "heldout_recall": (">=", 0.95),
    "heldout_false_alarm_rate": ("<=", 0.03),
}

FORMS = ("direct", "indirect", "euphemistic", "misspelled")


@dataclass(frozen=True)
class Row:
    id: str
    split: str
    category: str  # a Category value, or "none"
    form: str
    lang: str
    text: str

    @property
    def crisis(self) -> bool:
        return self.category != "none"


PROBE = "safety_probe.tsv"


def load_rows(name: str = "safety.tsv", splits: frozenset[str] | None = None) -> list[Row]:
    """The rows of a set; with ``splits``, only the rows of those parts are kept."""
    rows = []
    for line in (SETS / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        row = Row(*line.split("\t", 5))
        if splits is None or row.split in splits:
            rows.append(row)
    return rows


def _share(hits: int, total: int) -> float:
    return round(hits / total, 3) if total else 1.0


@dataclass
class Result:
    row: Row
    found: str  # the category found, or "none"

    @property
    def caught(self) -> bool:
        return self.found == self.row.category

    @property
    def false_alarm(self) -> bool:
        return not self.row.crisis and self.found != "none"


def run(rows: list[Row]) -> tuple[list[Result], list[float], list[float]]:
    """The results, and each call's wall-clock and CPU time in milliseconds."""
    results, times, cpu = [], [], []
    for row in rows:
        start, start_cpu = time.perf_counter(), time.process_time()
        assessment = assess(row.text)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        results.append(Result(row, assessment.category.value if assessment.category else "none"))
    return results, times, cpu


def figures_for(results: list[Result], prefix: str) -> tuple[dict[str, float | int], list[str]]:
    crises = [r for r in results if r.row.crisis]
    negatives = [r for r in results if not r.row.crisis]
    figures: dict[str, float | int] = {
        f"{prefix}_crisis_statements": len(crises),
        f"{prefix}_negatives": len(negatives),
        f"{prefix}_recall": _share(sum(r.caught for r in crises), len(crises)),
        f"{prefix}_recall_direct": _share(
            sum(r.caught for r in crises if r.row.form == "direct"),
            sum(1 for r in crises if r.row.form == "direct"),
        ),
        f"{prefix}_referred_any": _share(sum(r.found != "none" for r in crises), len(crises)),
        f"{prefix}_false_alarm_rate": _share(sum(r.false_alarm for r in negatives), len(negatives)),
    }
    table = []
    groups: list[tuple[str, str, list[str]]] = [
        ("category", "category", [c.value for c in Category]),
        ("form", "form", list(FORMS)),
        ("language", "lang", list(LANGUAGES)),
    ]
    for label, attribute, keys in groups:
        cells = []
        for key in keys:
            subset = [r for r in crises if getattr(r.row, attribute) == key]
            if subset:
                hits = sum(r.caught for r in subset)
                cells.append(f"{key} {_share(hits, len(subset))} ({hits}/{len(subset)})")
        table.append(f"{prefix} recall by {label}: " + ", ".join(cells))
    cells = []
    for lang in LANGUAGES:
        subset = [r for r in negatives if r.row.lang == lang]
        if subset:
            alarms = sum(r.false_alarm for r in subset)
            cells.append(f"{lang} {_share(alarms, len(subset))} ({alarms}/{len(subset)})")
    table.append(f"{prefix} false alarms by language: " + ", ".join(cells))
    return figures, table


def evaluate(dev_only: bool = False) -> Section:
    """Figures on the held-out, dev and probe parts, gated on the held-out part; with
    ``dev_only``, the dev and probe parts only and no gate (for tuning)."""
    splits = frozenset({"dev"}) if dev_only else None
    rows = load_rows(splits=splits)
    parts: list[tuple[str, list[Row]]] = []
    if not dev_only:
        parts.append(("heldout", [r for r in rows if r.split == "heldout"]))
    parts.append(("dev", [r for r in rows if r.split == "dev"]))
    parts.append(("probe", load_rows(PROBE, frozenset({"probe"}))))
    figures: dict[str, float | int] = {}
    notes: list[str] = []
    times: list[float] = []
    cpu: list[float] = []
    readable: list[Result] = []  # dev and probe texts only: never a held-out one
    for prefix, part_rows in parts:
        results, part_times, part_cpu = run(part_rows)
        times += part_times
        cpu += part_cpu
        part, table = figures_for(results, prefix)
        figures.update(part)
        notes += table
        if prefix != "heldout":
            readable += results
    times.sort()
    figures["assess_ms_p50"] = round(statistics.median(times), 3)
    figures["assess_ms_p95"] = round(times[int(0.95 * (len(times) - 1))], 3)
    # the same calls in CPU time: what assess costs, whatever else the machine is doing
    cpu.sort()
    figures["assess_cpu_ms_p95"] = round(cpu[int(0.95 * (len(cpu) - 1))], 3)
    for r in readable:
        where = f"{r.row.category}/{r.row.form}/{r.row.lang}→{r.found}"
        if r.row.crisis and not r.caught:
            notes.append(f"{r.row.split} miss [{where}] {r.row.text}")
        elif r.false_alarm:
            notes.append(f"{r.row.split} false alarm [{where}] {r.row.text}")
    gates = {} if dev_only else dict(GATES)
    return Section(name="safety", figures=figures, gates=gates, notes=notes)
