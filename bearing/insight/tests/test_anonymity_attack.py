"""The attacker: random campaigns, every number a leader or coach can see, and an
adversary who knows which group each rater is in, which items each rater answered,
and solves linear equations (subtracting any shown figure from any other, within
and across items, competencies and the before/after rounds). It must never recover
a single rater's answer, nor any sum over fewer than ``min_n`` raters (a hidden
group, or a pool of hidden groups).

Each shown average with its count is an equation: the sum of the answers it pools.
(The spread is the same equation over the squares of the answers: hidden and shown
with its average, so what holds for sums holds for it.) A competency's figure is
an equation over the item figures it averages. Solving is exact (modulo a large
prime), so "cannot be recovered" means: the secret is not in the row space.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from django.test import SimpleTestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bearing.insight import anonymity
from bearing.insight.anonymity import AnswerSet, ItemSpec

P = 2**61 - 1
GROUPS = ["manager", "peer", "report", "other"]


def _inv(a: int) -> int:
    return pow(a % P, P - 2, P)


class RowSpace:
    """Rows over GF(P), kept reduced so membership is one pass."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[object, int]] = {}  # pivot index -> row
        self.order: dict[object, int] = {}

    def _index(self, var: object) -> int:
        return self.order.setdefault(var, len(self.order))

    def _reduce(self, vec: dict[object, int]) -> dict[object, int]:
        vec = {k: v % P for k, v in vec.items() if v % P}
        changed = True
        while changed:
            changed = False
            for var in sorted(vec, key=self._index):
                pivot = self.rows.get(self._index(var))
                if pivot is None:
                    continue
                factor = vec[var]
                for k, v in pivot.items():
                    vec[k] = (vec.get(k, 0) - factor * v) % P
                    if not vec[k]:
                        del vec[k]
                changed = True
                break
        return vec

    def add(self, vec: dict[object, int]) -> None:
        vec = self._reduce(vec)
        if not vec:
            return
        lead = min(vec, key=self._index)
        scale = _inv(vec[lead])
        vec = {k: v * scale % P for k, v in vec.items()}
        for _idx, row in list(self.rows.items()):  # keep fully reduced
            if lead in row:
                f = row[lead]
                for k, v in vec.items():
                    row[k] = (row.get(k, 0) - f * v) % P
                    if not row[k]:
                        del row[k]
        self.rows[self._index(lead)] = vec

    def contains(self, vec: dict[object, int]) -> bool:
        return not self._reduce(vec)


def _frac(x: Fraction) -> int:
    return x.numerator * _inv(x.denominator) % P


# --- Generating campaigns -----------------------------------------------------------


@st.composite
def campaigns(draw):
    n_comps = draw(st.integers(1, 3))
    items = []
    comps = []
    for c in range(n_comps):
        comps.append((f"c{c}", f"C{c}"))
        for i in range(draw(st.integers(1, 3))):
            items.append(ItemSpec(f"c{c}i{i}", f"c{c}", draw(st.booleans())))
    own_view = draw(st.booleans())
    groups = GROUPS if own_view else GROUPS[1:]
    n_raters = draw(st.integers(0, 9))
    rounds = []
    for _ in range(draw(st.integers(1, 2))):  # before, and maybe after
        sets = []
        for _ in range(n_raters):
            if draw(st.booleans()) and draw(st.booleans()):
                continue  # declined, or never answered
            group = draw(st.sampled_from(groups))
            answers = {
                item.key: draw(st.sampled_from([0, 1, 2, 3, 4, 5, 5, 4, 3]))  # 0: not observed
                for item in items
                if draw(st.integers(0, 5))  # sometimes left unanswered
            }
            sets.append(AnswerSet(group, answers))
        rounds.append(sets)
    min_n = draw(st.sampled_from([3, 3, 4]))
    return comps, items, groups, rounds, min_n, ["manager"] if own_view else []


def _report(comps, items, groups, sets, min_n, own_view):
    return anonymity.build_report(
        competencies=comps,
        items=items,
        sets=sets,
        self_answers={i.key: 3 for i in items},
        groups=groups,
        min_n=min_n,
        low=1,
        high=5,
        own_view=own_view,
    )


def _counts(answers, comp_items) -> bool:
    """Independently of the code under test: answered at least half the competency."""
    answered = [i for i in comp_items if answers.get(i.key, 0) != 0]
    return len(answered) > 0 and 2 * len(answered) >= len(comp_items)


def _support(round_no, sets, items, item, group=None):
    comp_items = [i for i in items if i.competency == item.competency]
    return [
        (round_no, k, item.key)
        for k, s in enumerate(sets)
        if (group is None or s.group == group)
        and _counts(s.answers, comp_items)
        and s.answers.get(item.key, 0) != 0
    ]


def adversary_equations(comps, items, rounds, reports):
    """Every shown figure as an equation over the raters' answers (their scores)."""
    equations = []
    by_key = {i.key: i for i in items}
    for r, (sets, report) in enumerate(zip(rounds, reports, strict=True)):
        for comp in report["competencies"]:
            group_terms: dict[str, dict] = {}
            total_terms: dict = {}
            for it in comp["items"]:
                item = by_key[it["key"]]
                for g, fig in it["groups"].items():
                    if fig is None:
                        continue
                    support = _support(r, sets, items, item, g)
                    assert fig["n"] == len(support), "a count that is not the truth"
                    equations.append(dict.fromkeys(support, 1))
                    for v in support:  # the group's competency figure averages item means
                        group_terms.setdefault(g, {})[v] = Fraction(1, fig["n"])
                if it["others"] is not None:
                    support = _support(r, sets, items, item)
                    assert it["others"]["n"] == len(support)
                    equations.append(dict.fromkeys(support, 1))
                    for v in support:
                        total_terms[v] = Fraction(1, it["others"]["n"])
            for g, fig in comp["groups"].items():
                if fig is not None:
                    equations.append({v: _frac(c) for v, c in group_terms[g].items()})
            if comp["others"] is not None:
                equations.append({v: _frac(c) for v, c in total_terms.items()})
    return equations


def secrets(items, rounds, min_n, own_view):
    """What must stay unknown: each answer, and the sum over any group of fewer than
    min_n raters who answered an item (a consented manager's own view excepted)."""
    for r, sets in enumerate(rounds):
        for item in items:
            support = _support(r, sets, items, item)
            for size in range(1, min_n):
                for combo in itertools.combinations(support, size):
                    raters = {sets[v[1]].group for v in combo}
                    if raters <= set(own_view):
                        continue  # the manager's own view, shown by the leader's agreement
                    yield dict.fromkeys(combo, 1)


class AttackTests(SimpleTestCase):
    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(campaigns())
    def test_no_figure_or_difference_of_figures_reveals_a_hidden_group_or_a_rater(self, c):
        comps, items, groups, rounds, min_n, own_view = c
        reports = [_report(comps, items, groups, sets, min_n, own_view) for sets in rounds]
        space = RowSpace()
        for eq in adversary_equations(comps, items, rounds, reports):
            space.add(eq)
        if len(reports) == 2:  # before/after: the change is shown figures' difference
            anonymity.compare(reports[0], reports[1])
        for secret in secrets(items, rounds, min_n, own_view):
            self.assertFalse(space.contains(secret), f"recovered {sorted(secret)}")

    def test_the_adversary_breaks_a_report_that_only_hides_small_groups(self):
        """Without complementary hiding, all raters minus the shown peers is the
        manager's answer: the adversary finds it (so the test above has teeth)."""
        items = [ItemSpec("c0i0", "c0")]
        sets = [AnswerSet("peer", {"c0i0": v}) for v in (3, 4, 5)] + [
            AnswerSet("report", {"c0i0": 2})
        ]
        naive = {
            "competencies": [
                {
                    "key": "c0",
                    "groups": {"peer": None, "report": None},
                    "others": None,
                    "items": [
                        {
                            "key": "c0i0",
                            "groups": {"peer": {"mean": 4, "n": 3}, "report": None},
                            "others": {"mean": 3.5, "n": 4},
                        }
                    ],
                }
            ]
        }
        space = RowSpace()
        for eq in adversary_equations([("c0", "C0")], items, [sets], [naive]):
            space.add(eq)
        self.assertTrue(space.contains({(0, 3, "c0i0"): 1}))
        # Bearing's report of the same answers: the peers are hidden with the report.
        real = _report([("c0", "C0")], items, ["peer", "report"], sets, 3, [])
        cell = real["competencies"][0]["items"][0]
        self.assertIsNone(cell["groups"]["peer"])
        self.assertEqual(cell["others"]["n"], 4)
        space = RowSpace()
        for eq in adversary_equations([("c0", "C0")], items, [sets], [real]):
            space.add(eq)
        self.assertFalse(space.contains({(0, 3, "c0i0"): 1}))

    def test_figures_are_the_true_averages(self):
        items = [ItemSpec("c0i0", "c0"), ItemSpec("c0i1", "c0", reverse=True)]
        sets = [AnswerSet("peer", {"c0i0": v, "c0i1": 6 - v}) for v in (2, 4, 5)]
        report = _report([("c0", "C0")], items, ["peer"], sets, 3, [])
        comp = report["competencies"][0]
        self.assertEqual(comp["items"][0]["groups"]["peer"]["mean"], round(11 / 3, 2))
        self.assertEqual(comp["items"][1]["groups"]["peer"]["mean"], round(11 / 3, 2))
        self.assertEqual(comp["others"]["mean"], round(11 / 3, 2))
