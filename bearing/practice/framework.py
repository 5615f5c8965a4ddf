"""The decision framework as data, and the arithmetic around it (pure: no
database). Each step opens with a question, not an instruction.

Calibration: resolved predictions in 10% bins against how often they came true,
with the Brier score (the mean of (p - outcome)^2; 0 is perfect, 0.25 is what
always saying 50% earns). A bin with fewer than ``MIN_PER_BIN`` predictions is
not drawn, and the whole view says "too few yet" until ``MIN_RESOLVED`` have
resolved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_OPTIONS = 5
MAX_CRITERIA = 5
MAX_PREDICTIONS = 3
SCORES = range(1, 6)  # how well an option meets a criterion, 1–5
WEIGHTS = range(1, 6)  # how much a criterion matters, 1–5
SHORT = 200
LONG = 2000

MIN_PER_BIN = 5
MIN_RESOLVED = 20


@dataclass(frozen=True)
class Step:
    slug: str
    name: str
    question: str
    hint: str = ""


STEPS: tuple[Step, ...] = (
    Step("why", "The decision", "What are you deciding, and why does it need deciding now?"),
    Step(
        "stakes",
        "Stakes",
        "What is at stake, by when must it be decided, and who decides?",
        "Whether it is yours alone to decide changes how you go about it.",
    ),
    Step(
        "options",
        "Options",
        "What could you do? Which options are there — at least two?",
        "Doing nothing, or waiting, can be one of them.",
    ),
    Step(
        "criteria",
        "Criteria",
        "What matters most in choosing, and how much does each thing matter to you?",
        "Weight each from 1 (matters a little) to 5 (matters most).",
    ),
    Step(
        "matrix",
        "Scoring",
        "How well does each option meet each of your criteria?",
        "Score from 1 (poorly) to 5 (very well). Bearing multiplies by the weights.",
    ),
    Step(
        "outcomes",
        "Outcomes",
        "For each option, what is the likely outcome — and the best and the worst?",
    ),
    Step(
        "implications",
        "People and implications",
        "Who is affected, and what are the ethical and strategic implications?",
    ),
    Step(
        "premortem",
        "Pre-mortem",
        "A year from now this went badly — what happened?",
        "Write it as a story that has already happened; then ask what would prevent it.",
    ),
    Step("assumptions", "Assumptions", "What must be true for this to work?"),
    Step(
        "outside",
        "Outside views",
        "Whose view have you sought from outside, and what did they see that you had not?",
        "How do decisions like this usually turn out for others?",
    ),
)
STEP_SLUGS = tuple(s.slug for s in STEPS)
DECIDE_QUESTION = "What do you choose, why — and what do you expect to happen, by when, how surely?"

# The plain text answers of each step (the lists are handled on their own).
TEXT_ANSWERS: dict[str, tuple[str, ...]] = {
    "why": ("why_now",),
    "stakes": ("stakes", "deadline", "who_decides"),
    "implications": ("affected", "ethics", "strategy"),
    "premortem": ("premortem", "prevention"),
    "assumptions": ("assumptions",),
    "outside": ("outside_views",),
}


def step_by_slug(slug: str) -> Step | None:
    return next((s for s in STEPS if s.slug == slug), None)


def next_step(slug: str) -> Step | None:
    i = STEP_SLUGS.index(slug)
    return STEPS[i + 1] if i + 1 < len(STEPS) else None


def options_of(framework: dict) -> list[str]:
    return [o for o in framework.get("options", []) if o]


def criteria_of(framework: dict) -> list[dict]:
    return [c for c in framework.get("criteria", []) if c.get("name")]


def score_of(framework: dict, option: int, criterion: int) -> int | None:
    value = framework.get("scores", {}).get(f"{option}-{criterion}")
    return int(value) if value is not None else None


@dataclass(frozen=True)
class OptionTotal:
    index: int
    name: str
    total: int  # the sum of weight x score
    best_possible: int  # 5 x the sum of weights
    scored: bool  # every criterion has a score

    @property
    def percent(self) -> int:
        return round(100 * self.total / self.best_possible) if self.best_possible else 0


def weighted_totals(framework: dict) -> list[OptionTotal]:
    """Each option's weighted score: the sum of weight x score over the criteria."""
    criteria = criteria_of(framework)
    best = max(SCORES) * sum(int(c["weight"]) for c in criteria)
    totals = []
    for i, name in enumerate(options_of(framework)):
        scores = [score_of(framework, i, j) for j in range(len(criteria))]
        total = sum(int(c["weight"]) * (s or 0) for c, s in zip(criteria, scores, strict=True))
        totals.append(
            OptionTotal(
                index=i,
                name=name,
                total=total,
                best_possible=best,
                scored=bool(criteria) and all(s is not None for s in scores),
            )
        )
    return totals


def steps_done(framework: dict, title: str = "") -> dict[str, bool]:
    """Which steps hold an answer (for the progress list)."""
    done = {
        slug: any(framework.get(name) for name in names) for slug, names in TEXT_ANSWERS.items()
    }
    done["why"] = bool(title) or done["why"]
    done["options"] = len(options_of(framework)) >= 2
    done["criteria"] = bool(criteria_of(framework))
    totals = weighted_totals(framework)
    done["matrix"] = bool(totals) and all(t.scored for t in totals)
    done["outcomes"] = any(
        any(o.values()) for o in framework.get("outcomes", []) if isinstance(o, dict)
    )
    return {slug: done.get(slug, False) for slug in STEP_SLUGS}


# --- Calibration -------------------------------------------------------------------


@dataclass(frozen=True)
class Bin:
    low: int  # per cent, inclusive
    high: int  # per cent; exclusive, except the last bin (90–100) which holds 100
    count: int
    came_true: int
    mean_forecast: float | None  # the mean probability said, 0–1

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}%"

    @property
    def drawn(self) -> bool:
        return self.count >= MIN_PER_BIN

    @property
    def observed(self) -> float | None:
        return self.came_true / self.count if self.count else None


@dataclass(frozen=True)
class Calibration:
    bins: tuple[Bin, ...]
    resolved: int
    brier: float | None  # None when nothing has resolved

    @property
    def enough(self) -> bool:
        return self.resolved >= MIN_RESOLVED

    @property
    def drawn_bins(self) -> list[Bin]:
        return [b for b in self.bins if b.drawn]


def bin_index(probability: int) -> int:
    """0 for 0–9%, 1 for 10–19% ... 9 for 90–100%."""
    if not 0 <= probability <= 100:
        raise ValueError(f"a probability is 0–100, not {probability}")
    return min(probability // 10, 9)


def brier_score(pairs: Sequence[tuple[int, bool]]) -> float | None:
    """The mean of (p - outcome)^2 over (per cent, came true) pairs; None if empty."""
    if not pairs:
        return None
    return sum((p / 100 - (1.0 if hit else 0.0)) ** 2 for p, hit in pairs) / len(pairs)


def calibration(pairs: Iterable[tuple[int, bool]]) -> Calibration:
    """Resolved predictions, as (probability in per cent, came true), in 10% bins."""
    pairs = list(pairs)
    grouped: list[list[tuple[int, bool]]] = [[] for _ in range(10)]
    for p, hit in pairs:
        grouped[bin_index(p)].append((p, hit))
    bins = tuple(
        Bin(
            low=i * 10,
            high=i * 10 + 10,
            count=len(group),
            came_true=sum(1 for _, hit in group if hit),
            mean_forecast=sum(p for p, _ in group) / len(group) / 100 if group else None,
        )
        for i, group in enumerate(grouped)
    )
    return Calibration(bins=bins, resolved=len(pairs), brier=brier_score(pairs))
