"""A 360 report whose rater anonymity survives arithmetic. Pure: no database.

The figures are built once, when a campaign closes, from the answer sets handed
in (each a group and its answers, with nothing of the rater) and frozen. The
rules, for every item:

- A *cell* is one group's answers to the item, from the raters of that group who
  count toward the item's competency (they answered at least half of its items;
  "not observed" is no answer) and answered the item. A cell is shown only with
  at least ``min_n`` answers (``own_view`` groups: a single manager shown as their
  own view, by the leader's agreement, from one).
- The *all raters* figure pools every cell. Subtracting the shown cells from it
  gives the pool of the hidden ones; so when that pool holds fewer than ``min_n``
  answers but some, the smallest shown cells are hidden too until it holds
  enough, and if no shown cell is left to hide, the all-raters figure is hidden.
- Every other figure is arithmetic on shown figures only: a competency's score
  for a group is the average of that group's shown item averages; blind spots,
  hidden strengths, highest and lowest items and before/after changes compare
  shown figures. So no figure adds anything to what the shown cells already say.

Spread is the standard deviation of a shown cell (a sum of squares, hidden with
the cell by the same rules). Counts of answers appear only beside shown figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean, pstdev
from typing import Any

NOT_OBSERVED = 0
GAP = 1.0  # a blind spot or hidden strength: self and others a point or more apart


@dataclass(frozen=True)
class ItemSpec:
    key: str
    competency: str
    reverse: bool = False


@dataclass(frozen=True)
class AnswerSet:
    group: str
    answers: Mapping[str, int]


def _score(value: int, reverse: bool, low: int, high: int) -> int:
    return low + high - value if reverse else value


def counts_toward(answers: Mapping[str, int], comp_items: Sequence[ItemSpec]) -> bool:
    """A rater counts toward a competency when they answered at least half of its items."""
    answered = sum(1 for i in comp_items if answers.get(i.key, NOT_OBSERVED) != NOT_OBSERVED)
    return answered * 2 >= len(comp_items) and answered > 0


def _figure(values: list[int]) -> dict[str, Any]:
    return {"mean": round(fmean(values), 2), "sd": round(pstdev(values), 2), "n": len(values)}


def item_cells(
    item: ItemSpec,
    sets: Sequence[AnswerSet],
    counting: Sequence[bool],
    groups: Sequence[str],
    *,
    low: int,
    high: int,
) -> dict[str, list[int]]:
    cells: dict[str, list[int]] = {g: [] for g in groups}
    for answer_set, counts in zip(sets, counting, strict=True):
        value = answer_set.answers.get(item.key, NOT_OBSERVED)
        if counts and value != NOT_OBSERVED:
            cells[answer_set.group].append(_score(int(value), item.reverse, low, high))
    return cells


def suppress(
    sizes: Mapping[str, int], *, min_n: int, own_view: Iterable[str] = ()
) -> tuple[set[str], bool]:
    """Which cells to show, and whether to show the all-raters figure, given each
    cell's number of answers. The complementary rule of the module docstring."""
    own = set(own_view)
    shown = {g for g, n in sizes.items() if n >= (1 if g in own else min_n)}
    total = sum(sizes.values())
    pool = total - sum(sizes[g] for g in shown)
    while 0 < pool < min_n and shown:
        smallest = min(shown, key=lambda g: (sizes[g], g))
        shown.discard(smallest)
        pool += sizes[smallest]
    show_total = total >= min_n and not (0 < pool < min_n)
    return shown, show_total


def build_report(
    *,
    competencies: Sequence[tuple[str, str]],
    items: Sequence[ItemSpec],
    sets: Sequence[AnswerSet],
    self_answers: Mapping[str, int] | None,
    groups: Sequence[str],
    min_n: int,
    low: int,
    high: int,
    own_view: Iterable[str] = (),
) -> dict[str, Any]:
    """The frozen figures of a closed campaign (see the module docstring)."""
    own = tuple(own_view)
    by_comp: dict[str, list[ItemSpec]] = {key: [] for key, _ in competencies}
    for item in items:
        by_comp[item.competency].append(item)
    out_comps = []
    all_item_figures: list[tuple[str, float]] = []
    for comp_key, comp_title in competencies:
        comp_items = by_comp[comp_key]
        counting = [counts_toward(s.answers, comp_items) for s in sets]
        out_items = []
        group_means: dict[str, list[float]] = {g: [] for g in groups}
        total_means: list[float] = []
        self_scores: list[int] = []
        for item in comp_items:
            cells = item_cells(item, sets, counting, groups, low=low, high=high)
            shown, show_total = suppress(
                {g: len(v) for g, v in cells.items()}, min_n=min_n, own_view=own
            )
            figures = {g: (_figure(cells[g]) if g in shown else None) for g in groups}
            pooled = [v for g in groups for v in cells[g]]
            total = _figure(pooled) if show_total else None
            for g in shown:
                group_means[g].append(figures[g]["mean"])  # type: ignore[index]
            if total is not None:
                total_means.append(total["mean"])
                all_item_figures.append((item.key, total["mean"]))
            self_value = (self_answers or {}).get(item.key, NOT_OBSERVED)
            self_score = (
                _score(int(self_value), item.reverse, low, high)
                if self_value != NOT_OBSERVED
                else None
            )
            if self_score is not None:
                self_scores.append(self_score)
            out_items.append(
                {"key": item.key, "self": self_score, "others": total, "groups": figures}
            )
        comp_groups = {
            g: ({"mean": round(fmean(m), 2), "items": len(m)} if m else None)
            for g, m in group_means.items()
        }
        others = (
            {
                "mean": round(fmean(total_means), 2),
                "items": len(total_means),
                "low": min(total_means),
                "high": max(total_means),
            }
            if total_means
            else None
        )
        self_mean = round(fmean(self_scores), 2) if self_scores else None
        flag = None
        if self_mean is not None and others is not None:
            if self_mean - others["mean"] >= GAP:
                flag = "blind_spot"
            elif others["mean"] - self_mean >= GAP:
                flag = "hidden_strength"
        out_comps.append(
            {
                "key": comp_key,
                "title": comp_title,
                "self": self_mean,
                "others": others,
                "groups": comp_groups,
                "flag": flag,
                "items": out_items,
            }
        )
    ranked = sorted(all_item_figures, key=lambda kv: (-kv[1], kv[0]))
    return {
        "min_n": min_n,
        "groups": list(groups),
        "own_view": list(own),
        "competencies": out_comps,
        "highest": [k for k, _ in ranked[:3]],
        "lowest": [k for k, _ in reversed(ranked[-3:])] if len(ranked) > 3 else [],
    }


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Change per competency from one round's frozen report to the next, only where
    a figure is shown in both (each round under its own rules)."""
    earlier = {c["key"]: c for c in before.get("competencies", [])}
    rows = []
    for comp in after.get("competencies", []):
        old = earlier.get(comp["key"])
        if old is None:
            continue

        def change(a: Any, b: Any) -> float | None:
            return round(b - a, 2) if a is not None and b is not None else None

        old_others = old["others"]["mean"] if old["others"] else None
        new_others = comp["others"]["mean"] if comp["others"] else None
        groups = {}
        for g, fig in comp["groups"].items():
            prev = old["groups"].get(g)
            groups[g] = change(prev["mean"] if prev else None, fig["mean"] if fig else None)
        rows.append(
            {
                "key": comp["key"],
                "title": comp["title"],
                "self_before": old["self"],
                "self_after": comp["self"],
                "self_change": change(old["self"], comp["self"]),
                "others_before": old_others,
                "others_after": new_others,
                "others_change": change(old_others, new_others),
                "groups": groups,
            }
        )
    return rows
