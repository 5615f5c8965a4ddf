"""The suppression maths, tested directly: three or more, no differencing between
filters, complementary suppression, and attacks that try to recover one or two
people's figures by subtraction, on fixed and on random cohorts (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from bearing.programs import cohort as c

START = date(2027, 1, 1)
WHOLE = c.Window("all", START, date(2027, 12, 31), "Whole program")
Q1 = c.Window("q1", START, date(2027, 3, 31), "Months 1-3")
WINDOWS = [WHOLE, Q1]
THEMES = ["delegation", "conflict", "presence"]
STATUSES = ["active", "paused", "completed", "ended_early"]
ALL = c.Combo("all")


AREAS = ["delegation", "conflict"]


def member(
    i,
    *,
    status="active",
    themes=(),
    held=2,
    goal=None,
    attendance=True,
    shares=True,
    changes=(),
):
    day = START + timedelta(days=10)
    return c.Member(
        id=i,
        started_on=START,
        ended_on=None,
        status=status if shares else None,
        attendance=attendance,
        contracted=8,
        sessions=tuple((day, "held") for _ in range(held)),
        themes=tuple((day, t) for t in themes),
        goal_progress=goal,
        changes360=tuple(changes),
    )


def cohort(members, known=()):
    return c.Cohort(members, WINDOWS, THEMES, STATUSES, known=known, areas=AREAS)


def every_combo(k: c.Cohort):
    return [combo for w in k.windows for combo in k.combos_in(w)]


class RuleTests(SimpleTestCase):
    def test_three_or_more_are_shown(self):
        k = cohort([member(i) for i in range(3)])
        self.assertEqual(k.count(ALL, "status:active"), 3)
        self.assertEqual(k.attendance(ALL), (3, 6, 0, 24))

    def test_two_are_hidden_and_zero_is_shown(self):
        k = cohort([member(i) for i in range(2)])
        self.assertIsNone(k.count(ALL, "status:active"))
        self.assertIsNone(k.attendance(ALL))
        self.assertEqual(k.count(ALL, "status:paused"), 0)

    def test_one_hidden_status_hides_another_so_it_cannot_be_subtracted(self):
        k = cohort([member(i) for i in range(4)] + [member(9, status="paused")])
        self.assertEqual(k.count(ALL, c.STATUS_N), 5)
        self.assertIsNone(k.count(ALL, "status:paused"))
        self.assertIsNone(k.count(ALL, "status:active"))  # 5 - 4 would give the paused one

    def test_the_hidden_part_must_hold_three_people(self):
        # active 5, paused 1, completed 1: two hidden parts, but only two people.
        members = [member(i) for i in range(5)]
        members += [member(8, status="paused"), member(9, status="completed")]
        k = cohort(members)
        self.assertIsNone(k.count(ALL, "status:paused"))
        self.assertIsNone(k.count(ALL, "status:completed"))
        self.assertIsNone(k.count(ALL, "status:active"))
        self.assertEqual(k.count(ALL, c.STATUS_N), 7)

    def test_people_who_do_not_share_their_status_are_a_part_of_their_own(self):
        members = [member(i) for i in range(4)] + [member(9, shares=False)]
        k = cohort(members)
        self.assertEqual(k.count(ALL, c.STATUS_N), 4)
        # Attendance over all five, split by status: active 4 shown would leave the
        # one who does not share their status alone in the difference.
        self.assertIsNotNone(k.attendance(ALL))
        self.assertIsNone(k.attendance(c.Combo("all", status="active")))

    def test_a_filter_one_person_away_from_the_whole_is_hidden(self):
        members = [member(i, themes=("delegation",)) for i in range(4)] + [member(9, held=7)]
        k = cohort(members)
        self.assertEqual(k.attendance(ALL), (5, 15, 0, 40))
        self.assertIsNone(k.attendance(c.Combo("all", theme="delegation")))

    def test_a_filter_three_away_from_the_whole_is_shown(self):
        members = [member(i, themes=("delegation",)) for i in range(3)]
        members += [member(i) for i in range(3, 6)]
        k = cohort(members)
        self.assertEqual(k.attendance(c.Combo("all", theme="delegation")), (3, 6, 0, 24))

    def test_two_filters_two_people_apart_are_both_hidden(self):
        members = [member(i, themes=("delegation", "conflict")) for i in range(3)]
        members += [member(3, themes=("delegation",)), member(4, themes=("conflict",))]
        members += [member(i) for i in range(5, 9)]
        k = cohort(members)
        self.assertIsNone(k.attendance(c.Combo("all", theme="delegation")))
        self.assertIsNone(k.attendance(c.Combo("all", theme="conflict")))

    def test_goal_progress_is_a_median_and_middle_half_rounded(self):
        k = cohort([member(i, goal=g) for i, g in enumerate([10, 40, 42, 90])])
        self.assertEqual(k.goals(ALL), (4, 40, 30, 55))
        self.assertIsNone(cohort([member(1, goal=50), member(2, goal=60)]).goals(ALL))

    def test_themes_count_coachees_not_sessions(self):
        members = [member(i, themes=("delegation", "delegation")) for i in range(3)]
        members += [member(i, themes=("conflict",)) for i in range(3, 6)]
        k = cohort(members)
        self.assertEqual(k.count(ALL, "theme:delegation"), 3)
        self.assertEqual(k.count(ALL, "theme:conflict"), 3)

    def test_a_theme_count_two_short_of_the_whole_is_hidden(self):
        # 5 in all, 3 on delegation: 5 - 3 says two did not work on it.
        members = [member(i, themes=("delegation",)) for i in range(3)]
        k = cohort(members + [member(3), member(4)])
        self.assertIsNone(k.count(ALL, "theme:delegation"))
        self.assertEqual(k.attendance(ALL)[0], 5)

    def test_the_date_range_counts_only_sessions_in_it(self):
        late = START + timedelta(days=200)
        members = [
            c.Member(i, START, None, "active", True, 8, ((late, "held"), (START, "no_show")))
            for i in range(3)
        ]
        k = cohort(members)
        self.assertEqual(k.attendance(c.Combo("q1")), (3, 0, 3, 24))
        self.assertEqual(k.attendance(ALL), (3, 3, 3, 24))


class ChangeTests(SimpleTestCase):
    """The 360 change per focus area: a mean over coachees, under the same rules."""

    def test_three_coachees_give_a_mean_rounded_to_one_decimal(self):
        k = cohort([member(i, changes=[("delegation", v)]) for i, v in enumerate([0.2, 0.5, 1.2])])
        self.assertEqual(k.change360(ALL, "delegation"), (3, 0.6))
        self.assertEqual(k.change360(ALL, "conflict"), (0, None))

    def test_two_coachees_are_hidden(self):
        members = [member(i, changes=[("delegation", 0.5)]) for i in range(2)]
        self.assertIsNone(cohort(members).change360(ALL, "delegation"))

    def test_a_change_one_coachee_away_from_another_figure_is_hidden(self):
        # Four coachees, three with a change: the fourth is singled out as the one
        # without (and a filter with all four would give their change away).
        members = [member(i, changes=[("delegation", 0.5)]) for i in range(3)] + [member(3)]
        self.assertIsNone(cohort(members).change360(ALL, "delegation"))

    def test_two_focus_areas_one_coachee_apart_are_both_hidden(self):
        members = [
            member(i, changes=[("delegation", 0.5), ("conflict", 0.1)]) for i in range(3)
        ] + [member(3, changes=[("delegation", 2.0)])]
        k = cohort(members)
        self.assertIsNone(k.change360(ALL, "delegation"))
        self.assertIsNone(k.change360(ALL, "conflict"))

    def test_a_theme_filter_one_coachee_away_is_hidden(self):
        members = [
            member(i, themes=("delegation",), changes=[("delegation", 0.4)]) for i in range(3)
        ]
        members += [member(3, changes=[("delegation", 1.6)])]
        members += [member(i) for i in range(4, 8)]
        k = cohort(members)
        # 4 x 0.7 - 3 x 0.4 would be the one coachee's change: neither is shown.
        self.assertIsNone(k.change360(ALL, "delegation"))
        self.assertIsNone(k.change360(c.Combo("all", theme="delegation"), "delegation"))

    def test_a_theme_filter_three_coachees_away_is_shown(self):
        members = [
            member(i, themes=("delegation",), changes=[("delegation", 0.4)]) for i in range(3)
        ]
        members += [member(i, changes=[("delegation", 1.0)]) for i in range(3, 6)]
        k = cohort(members)
        self.assertEqual(k.change360(ALL, "delegation"), (6, 0.7))
        self.assertEqual(k.change360(c.Combo("all", theme="delegation"), "delegation"), (3, 0.4))

    def test_it_lives_in_the_whole_date_range_only(self):
        k = cohort([member(i, changes=[("delegation", 0.5)]) for i in range(3)])
        self.assertIsNone(k.change360(c.Combo("q1"), "delegation"))
        self.assertNotIn("change360:delegation", k.keys_in("q1"))

    def test_changes_are_released_three_or_more_at_a_time(self):
        self.assertEqual(c.released_in_batches([(1, 1), (2, 2)]), frozenset())
        self.assertEqual(c.released_in_batches([(1, 1), (2, 2), (3, 3), (4, 4)]), {1, 2, 3})
        six = [(i, i) for i in range(6)]
        self.assertEqual(c.released_in_batches(six), set(range(6)))


# --- Attacks ------------------------------------------------------------------------------


def headline(k: c.Cohort, x: c.Combo, key: str, whole: c.Combo) -> bool:
    """Is this shown figure one of the whole cohort's headline n's (over the very
    same people, of the same kind; a status count over all who share theirs)?"""
    cell = k.cell(x, key)
    if key.startswith(c.STATUS_PREFIX):
        return cell == k.cell(whole, c.STATUS_N)
    return key in c.BASE_KEYS and cell == k.cell(whole, key)


def differencing_leaks(k: c.Cohort) -> list[str]:
    """Every pair of shown figures in the same date range, of any kind and under any
    filter, whose people differ by one or two: subtracting one from the other would
    single those people out. Only the whole cohort's own n's may differ so (who
    shares attendance but not status: known to the sponsor per engagement anyway)."""
    leaks = []
    for w in k.windows:
        whole = c.Combo(w)
        shown = [
            (f"{key} {x}", k.cell(x, key), headline(k, x, key, whole))
            for x in k.combos_in(w)
            for key in k.keys
            if k.shown(x, key)
        ]
        for (a, ca, base_a), (b, cb, base_b) in combinations(shown, 2):
            if 0 < len((ca ^ cb) - k.known) < c.K and not (base_a and base_b):
                leaks.append(f"{a} vs {b}: {sorted(ca ^ cb)}")
    return leaks


def partition_leaks(k: c.Cohort) -> list[str]:
    """Where the figure without a status filter is shown, subtract the shown status
    figures from it: what is left must be two parts or more and three people or more."""
    leaks = []
    for w in k.windows:
        for theme in [c.ANY, *k.themes]:
            whole = c.Combo(w, theme)
            for key in k.keys:
                if not k.shown(whole, key):
                    continue
                # What the reader knows already (rule 4) is no part of what is left.
                left = set(k.cell(whole, key)) - k.known
                parts = 0
                for s in k.statuses:
                    part = c.Combo(w, theme, s)
                    if k.shown(part, key):
                        left -= k.cell(part, key)
                    elif k.cell(part, key) - k.known:
                        parts += 1
                unshared = (
                    k.cell(whole, key)
                    - k.known
                    - frozenset().union(*(k.cell(c.Combo(w, theme, s), key) for s in k.statuses))
                )
                parts += bool(unshared)
                if left and (len(left) < c.K or parts < 2):
                    leaks.append(f"{key} {whole}: {sorted(left)} in {parts} part(s)")
    return leaks


def value_attack(k: c.Cohort) -> list[str]:
    """The reader's own attack, from shown numbers only: for two shown attendance
    figures where one filter is inside the other (a theme or a status within the
    whole), the difference of their n is a group; it must never be one or two."""
    found = []
    for w in k.windows:
        whole = k.attendance(c.Combo(w))
        if whole is None:
            continue
        for x in k.combos_in(w):
            if x.unfiltered:
                continue
            fig = k.attendance(x)
            if fig is not None and 0 < whole[0] - fig[0] < c.K:
                found.append(f"{x}: n {whole[0]} - {fig[0]}, held {whole[1]} - {fig[1]}")
    return found


def change_value_attack(k: c.Cohort) -> list[str]:
    """The reader's attack on the 360 change, from shown numbers only: two shown means
    of one focus area, under any two filters, one over coachees all counted in the
    other too: n x mean of the larger less n x mean of the smaller is the sum over the
    coachees in one and not the other. That group must never be one or two coachees
    (less any the reader knows). (Two cells that overlap only in part give the
    difference of two groups' sums, no group's own; rule 2 keeps such cells three
    or more coachees apart as well, which ``differencing_leaks`` checks.)"""
    found = []
    for area in k.areas:
        key = c.CHANGE_PREFIX + area
        shown = [
            (x, k.cell(x, key))
            for x in k.combos_in(k.change_window)
            if k.change360(x, area) is not None
        ]
        for (xa, ca), (xb, cb) in combinations(shown, 2):
            small, large = (ca, cb) if len(ca) <= len(cb) else (cb, ca)
            group = large - small
            if small <= large and 0 < len(group - k.known) < c.K:
                found.append(f"{area}: {xa} vs {xb}: {sorted(group)}")
    return found


class AttackTests(SimpleTestCase):
    def test_subtracting_a_filtered_figure_from_the_whole_recovers_no_one(self):
        # The sponsor knows Ines (id 9) is the one not working on delegation. Without
        # suppression: 15 held in all, 8 with the delegation filter, so Ines held 7.
        members = [member(i, themes=("delegation",)) for i in range(4)] + [member(9, held=7)]
        k = cohort(members)
        self.assertEqual(value_attack(k), [])
        self.assertEqual(differencing_leaks(k), [])

    def test_adding_up_the_statuses_recovers_no_one(self):
        members = [member(i) for i in range(3)]
        members += [member(i, status="paused") for i in range(3, 6)]
        members += [member(i, status="completed") for i in range(6, 9)]
        members += [member(9, status="ended_early", held=1)]
        k = cohort(members)
        self.assertEqual(partition_leaks(k), [])
        shown = [
            k.attendance(c.Combo("all", status=s))
            for s in STATUSES
            if k.attendance(c.Combo("all", status=s)) is not None
        ]
        self.assertLess(len(shown), 3)  # at least two statuses hidden, so no sum isolates

    def test_the_change_attack_would_see_a_leak(self):
        # Without rule 2: the theme filter leaves out one coachee of four.
        members = [
            member(i, themes=("delegation",), changes=[("delegation", 0.4)]) for i in range(3)
        ]
        members += [member(3, changes=[("delegation", 1.6)])]
        k = cohort(members)
        k._pairwise.update(
            {(x, key): k.big_enough(k.cell(x, key)) for x in every_combo(k) for key in k.keys}
        )
        self.assertTrue(change_value_attack(k))

    def test_the_checks_would_see_a_leak(self):
        # A cohort without rule 2, to show that the attack finds what it looks for.
        members = [member(i, themes=("delegation",)) for i in range(4)] + [member(9)]
        k = cohort(members)
        k._pairwise.update(
            {(x, key): k.big_enough(k.cell(x, key)) for x in every_combo(k) for key in k.keys}
        )
        self.assertTrue(differencing_leaks(k))
        self.assertTrue(value_attack(k))


changes_strategy = st.lists(
    st.tuples(st.sampled_from(AREAS), st.floats(-2, 2).map(lambda v: round(v, 2))),
    max_size=2,
    unique_by=lambda x: x[0],
)
statuses = st.sampled_from([*STATUSES, None])
themes = st.lists(st.sampled_from(THEMES), max_size=3, unique=True)
members_strategy = st.lists(
    st.tuples(
        statuses,
        themes,
        st.integers(0, 6),
        st.booleans(),
        st.one_of(st.none(), st.integers(0, 100)),
    ),
    min_size=0,
    max_size=14,
)


change_members = st.lists(
    st.tuples(statuses, themes, st.booleans(), changes_strategy),
    min_size=0,
    max_size=14,
)


class RandomChangeTests(SimpleTestCase):
    """Random cohorts, consents (who shares a change, who shares their status) and
    every filter: no reader recovers a group under three, nor one coachee's 360 change,
    by subtracting any two figures shown."""

    def build(self, rows, known=()):
        return cohort(
            [
                member(
                    i,
                    status=s or "active",
                    shares=s is not None,
                    themes=t,
                    changes=ch if consents else (),
                )
                for i, (s, t, consents, ch) in enumerate(rows)
            ],
            known=known,
        )

    @settings(max_examples=150, deadline=None)
    @given(change_members)
    def test_no_random_cohort_gives_a_coachees_change_away(self, rows):
        k = self.build(rows)
        self.assertEqual(change_value_attack(k), [])
        self.assertEqual(differencing_leaks(k), [])
        self.assertEqual(partition_leaks(k), [])
        for x in every_combo(k):
            for area in AREAS:
                fig = k.change360(x, area)
                if fig is not None:
                    self.assertTrue(fig[0] == 0 or fig[0] >= c.K, (x, area, fig))
                    self.assertEqual(fig[0], len(k.cell(x, c.CHANGE_PREFIX + area)))

    @settings(max_examples=60, deadline=None)
    @given(change_members)
    def test_consent_off_means_nothing_counts(self, rows):
        k = self.build([(s, t, False, ch) for s, t, _, ch in rows])
        for x in every_combo(k):
            for area in AREAS:
                self.assertIn(k.change360(x, area), [None, (0, None)])

    @settings(max_examples=60, deadline=None)
    @given(change_members, st.sets(st.integers(0, 13)))
    def test_the_size_shortcut_answers_as_the_whole_pool_does(self, rows, known):
        fast = self.build(rows, known)
        slow = self.build(rows, known)
        slow._near = lambda window, mine: slow.pool(window)  # every cell, no shortcut
        for x in every_combo(fast):
            for key in fast.keys:
                self.assertEqual(fast.shown(x, key), slow.shown(x, key), (x, key))

    @settings(max_examples=100, deadline=None)
    @given(st.lists(st.integers(0, 30), max_size=20))
    def test_the_released_changes_move_three_or_more_at_a_time(self, days):
        # Coachees' changes become ready one by one; what the figure counts, read at
        # every moment in between, never moves by one or two.
        ready = list(enumerate(days))
        seen = [frozenset()]
        for t in sorted(set(days)):
            seen.append(c.released_in_batches([(i, d) for i, d in ready if d <= t]))
        for before, after in zip(seen, seen[1:], strict=False):
            self.assertTrue(before <= after)
            self.assertIn(len(after - before), [0, *range(c.K, 100)])


class RandomCohortTests(SimpleTestCase):
    @settings(max_examples=150, deadline=None)
    @given(members_strategy)
    def test_no_random_cohort_lets_a_reader_recover_one_or_two_people(self, rows):
        k = cohort(
            [
                member(
                    i,
                    status=s or "active",
                    shares=s is not None,
                    themes=t,
                    held=h,
                    attendance=a,
                    goal=g,
                )
                for i, (s, t, h, a, g) in enumerate(rows)
            ]
        )
        self.assertEqual(differencing_leaks(k), [])
        self.assertEqual(partition_leaks(k), [])
        self.assertEqual(value_attack(k), [])
        for x in every_combo(k):
            for key in k.keys:
                if k.shown(x, key):
                    self.assertTrue(k.big_enough(k.cell(x, key)))

    @settings(max_examples=100, deadline=None)
    @given(members_strategy, st.sets(st.integers(0, 13)))
    def test_a_reader_who_knows_some_coachees_recovers_no_other(self, rows, known):
        # Rule 4 (the practice's view): a coach knows their own coachees.
        members = [
            member(i, status=s or "active", themes=t, held=h)
            for i, (s, t, h, _, _) in enumerate(rows)
        ]
        k = c.Cohort(members, WINDOWS, THEMES, STATUSES, known=known)
        self.assertEqual(differencing_leaks(k), [])
        self.assertEqual(partition_leaks(k), [])
        for x in every_combo(k):
            for key in k.keys:
                if k.shown(x, key):
                    self.assertTrue(k.big_enough(k.cell(x, key) - k.known), (x, key))
