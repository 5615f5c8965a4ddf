"""Cohort figures that never expose one person: the suppression maths, pure.

The unit is the coachee. Every figure is computed over a *cell*: the set of
coachees it counts or sums. A figure is shown only when every one of these holds:

1. **At least three.** Its cell holds no coachee or at least ``K`` (3) of them.
   An empty cell shows 0; a cell of one or two is hidden.
2. **No differencing.** Its cell and any other cell a reader could be shown in
   the same date range — of the same figure or of another, under any filter —
   hold the same people or differ by at least ``K`` coachees; otherwise
   subtracting one figure from the other would single out one or two people (a
   theme's count from the whole cohort's n, a filtered sum from the unfiltered
   one). The whole cohort's headline figures (its n for attendance, status and
   goal progress) are kept, and a filtered figure over exactly the people of the
   same figure for the whole cohort is that figure; any other cell that clashes
   with a cell that could be shown is hidden (both, when neither is kept).
3. **Complementary suppression.** The statuses split a cohort into parts whose
   figures add up to the figure without a status filter. Where that figure is
   shown, what is hidden among its parts (with the coachees who do not share
   their status, who form a part of their own) must be at least two parts and at
   least ``K`` coachees, so a hidden part cannot be had by subtraction; more
   parts are hidden, smallest first, until it is. Where it is hidden, it must not
   be the sum of parts that are all shown.

4. **What the reader knows already.** A coach reading the practice's view knows
   their own coachees. Every figure's cell holds none of the others or at least
   ``K`` of them, two cells differ by none or at least ``K`` of the others, and
   what rule 3 hides must hold at least ``K`` of the others in at least two parts:
   what the reader knows cannot be subtracted to single out a colleague's coachee.
   (The sponsor reads with nobody known.)

Filters: a date range (the whole program or one of its quarters), a theme and a
status. Every check is made again for each filter a reader asks for, from the
same cohort, so the answer does not depend on what was asked before.

**The 360 change** per focus area is a mean over coachees (each one's change in
others' average rating between a before and an after campaign). A mean over a
cell times its n is a sum, and two sums over cells one or two people apart give
those people's figures away, so each focus area's change is one more figure under
the same four rules, its cell the coachees with a change in that area. It lives in
one date range only (``change_window``, the whole program): a change is not split
by quarter, and a mean repeated over two date ranges one person apart would be
exactly the subtraction rule 2 forbids. Elsewhere it is not shown, so it takes no
part in the other date ranges' checks. Which coachees' changes reach the cohort at
all is decided before (``released_in_batches``), so that a new figure never
differs from the one before it by fewer than ``K`` coachees. That guards the
arrival of changes only: a coachee who withdraws their consent, moves to another
status or has a new theme tagged changes a cell by one over time, as they do for
every other figure here.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

K = 3
ANY = ""
STATUS_PREFIX = "status:"
THEME_PREFIX = "theme:"
CHANGE_PREFIX = "change360:"
STATUS_N = "status:n"
ATTENDANCE = "attendance"
GOALS = "goals"
# The whole cohort's headline figures: their people are always shown (when three or
# more), and every other cell is checked against them.
BASE_KEYS = (ATTENDANCE, STATUS_N, GOALS)


@dataclass(frozen=True)
class Member:
    """One coachee of the cohort, as far as their agreement lets the sponsor see."""

    id: int
    started_on: date | None
    ended_on: date | None
    status: str | None  # None: not shared
    attendance: bool  # shares attendance
    contracted: int  # coaching sessions in the agreement in force
    sessions: tuple[tuple[date, str], ...] = ()  # (day, "held" | "no_show"), if shared
    themes: tuple[tuple[date, str], ...] = ()  # (day of a held session, theme)
    goal_progress: float | None = None  # mean % of the goals shared, if any
    # Others' average rating, after minus before, per focus area (if shared).
    changes360: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Window:
    key: str
    start: date
    end: date
    label: str


@dataclass(frozen=True)
class Combo:
    window: str
    theme: str = ANY
    status: str = ANY

    @property
    def unfiltered(self) -> bool:
        return self.theme == ANY and self.status == ANY


def round_to(value: float, step: int = 5) -> int:
    return int(step * round(value / step))


def released_in_batches(ready: Iterable[tuple[int, Any]]) -> frozenset[int]:
    """Who, of those whose change is ready (id, when it became ready), counts now:
    taken in the order they became ready, in batches of at least ``K``, the first
    holding at least ``K``. Those after the last full batch wait for more, so the
    figure never moves by fewer than ``K`` coachees' changes as time goes by."""
    released: list[int] = []
    waiting: list[int] = []
    for ident, _when in sorted(ready, key=lambda x: (x[1], x[0])):
        waiting.append(ident)
        if len(waiting) >= K:
            released += waiting
            waiting = []
    return frozenset(released)


class Cohort:
    """The release decisions for one cohort. Cheap to build; decisions are cached."""

    def __init__(
        self,
        members: Iterable[Member],
        windows: Sequence[Window],
        themes: Sequence[str],
        statuses: Sequence[str],
        known: Iterable[int] = (),
        areas: Sequence[str] = (),
        change_window: str | None = None,
    ) -> None:
        self.members = {m.id: m for m in members}
        self.known = frozenset(known)
        self.windows = {w.key: w for w in windows}
        self.themes = list(themes)
        self.statuses = list(statuses)
        self.areas = list(areas)
        # The one date range the 360 change is shown in (the first: the whole).
        self.change_window = change_window or (windows[0].key if windows else "")
        self._cells: dict[tuple[Combo, str], frozenset[int]] = {}
        self._pairwise: dict[tuple[Combo, str], bool] = {}
        self._family: dict[tuple[str, str, str], dict[str, bool]] = {}
        self._population: dict[Combo, frozenset[int]] = {}
        self._base: dict[str, frozenset[frozenset[int]]] = {}
        self._pool: dict[str, list[frozenset[int]]] = {}
        self._pool_sizes: dict[str, dict[int, list[frozenset[int]]]] = {}
        self._tag_memo: dict[tuple[int, str], frozenset[str]] = {}
        self._who_memo: dict[tuple[str, str], frozenset[int]] = {}

    # --- who is in which cell --------------------------------------------------------

    @cached_property
    def keys(self) -> list[str]:
        return (
            [STATUS_PREFIX + s for s in self.statuses]
            + [STATUS_N, ATTENDANCE, GOALS]
            + [THEME_PREFIX + t for t in self.themes]
            + [CHANGE_PREFIX + a for a in self.areas]
        )

    def keys_in(self, window: str) -> list[str]:
        """The figures a reader could be shown in the date range."""
        if window == self.change_window:
            return self.keys
        return [k for k in self.keys if not k.startswith(CHANGE_PREFIX)]

    def _in_window(self, m: Member, w: Window) -> bool:
        return (
            m.started_on is not None
            and m.started_on <= w.end
            and (m.ended_on is None or m.ended_on >= w.start)
        )

    def _tags(self, m: Member, w: Window) -> frozenset[str]:
        """The themes tagged on the member's coaching sessions in the window."""
        found = self._tag_memo.get((m.id, w.key))
        if found is None:
            found = frozenset(t for d, t in m.themes if w.start <= d <= w.end)
            self._tag_memo[(m.id, w.key)] = found
        return found

    def _tagged(self, m: Member, theme: str, w: Window) -> bool:
        return theme in self._tags(m, w)

    def _who(self, window: str, key: str) -> frozenset[int]:
        """Everyone in the cohort a figure's key picks out in the date range (in it or
        not): a cell is the filter's population narrowed to them."""
        found = self._who_memo.get((window, key))
        if found is not None:
            return found
        w = self.windows[window]
        people = self.members.values()
        if key == "":  # in the date range at all
            chosen = [m for m in people if self._in_window(m, w)]
        elif key == STATUS_N:
            chosen = [m for m in people if m.status is not None]
        elif key.startswith(STATUS_PREFIX):
            chosen = [m for m in people if m.status == key[len(STATUS_PREFIX) :]]
        elif key == ATTENDANCE:
            chosen = [m for m in people if m.attendance]
        elif key == GOALS:
            chosen = [m for m in people if m.goal_progress is not None]
        elif key.startswith(THEME_PREFIX):
            chosen = [m for m in people if self._tagged(m, key[len(THEME_PREFIX) :], w)]
        elif key.startswith(CHANGE_PREFIX):
            area = key[len(CHANGE_PREFIX) :]
            chosen = [m for m in people if any(a == area for a, _ in m.changes360)]
        else:
            raise KeyError(key)
        found = frozenset(m.id for m in chosen)
        self._who_memo[(window, key)] = found
        return found

    def population(self, combo: Combo) -> frozenset[int]:
        found = self._population.get(combo)
        if found is None:
            found = self._who(combo.window, "")
            if combo.theme != ANY:
                found &= self._who(combo.window, THEME_PREFIX + combo.theme)
            if combo.status != ANY:
                found &= self._who(combo.window, STATUS_PREFIX + combo.status)
            self._population[combo] = found
        return found

    def cell(self, combo: Combo, key: str) -> frozenset[int]:
        found = self._cells.get((combo, key))
        if found is None:
            found = self.population(combo) & self._who(combo.window, key)
            self._cells[(combo, key)] = found
        return found

    def combos_in(self, window: str) -> list[Combo]:
        return [Combo(window, t, s) for t in [ANY, *self.themes] for s in [ANY, *self.statuses]]

    # --- the three rules ---------------------------------------------------------------

    @staticmethod
    def big_enough(cell: frozenset[int]) -> bool:
        return len(cell) == 0 or len(cell) >= K

    def unknown_ok(self, cell: frozenset[int]) -> bool:
        """Rule 4: the cell holds none or at least ``K`` of those the reader does not
        know already."""
        return self.big_enough(cell - self.known)

    def base(self, window: str) -> frozenset[frozenset[int]]:
        """The cells always kept (if big enough): who the whole cohort's headline
        figures cover, and the whole cohort itself, in the date range."""
        found = self._base.get(window)
        if found is None:
            whole = Combo(window)
            cells = {self.population(whole)} | {self.cell(whole, k) for k in BASE_KEYS}
            found = frozenset(x for x in cells if self.big_enough(x))
            self._base[window] = found
        return found

    def pool(self, window: str) -> list[frozenset[int]]:
        """Every cell a reader could be shown in the date range, of any figure under
        any filter (each distinct set of people once)."""
        found = self._pool.get(window)
        if found is None:
            cells = set(self.base(window))
            for combo in self.combos_in(window):
                for key in self.keys_in(window):
                    cell = self.cell(combo, key)
                    if self.big_enough(cell):
                        cells.add(cell)
            found = list(cells)
            self._pool[window] = found
        return found

    def _near(self, window: str, mine: frozenset[int]) -> list[frozenset[int]]:
        """The cells of the pool that could be fewer than ``K`` unknown people away
        from ``mine``: two cells whose unknown people differ in number by ``K`` or
        more differ by at least that many (a shortcut; the same answer as the pool)."""
        by_size = self._pool_sizes.get(window)
        if by_size is None:
            by_size = {}
            for cell in self.pool(window):
                by_size.setdefault(len(cell - self.known), []).append(cell)
            self._pool_sizes[window] = by_size
        n = len(mine - self.known)
        return [cell for size in range(n - K + 1, n + K) for cell in by_size.get(size, [])]

    def pairwise_ok(self, combo: Combo, key: str) -> bool:
        """Rules 1 and 2: big enough, and one or two people away from no other cell a
        reader could be shown in the same date range, of this figure or any other (a
        theme's count against the whole cohort's n, say) — unless it is one of the
        cells always kept."""
        memo = self._pairwise.get((combo, key))
        if memo is not None:
            return memo
        mine = self.cell(combo, key)
        whole = Combo(combo.window)
        if self.known and not self.unknown_ok(mine):
            ok = False
        elif combo.unfiltered and key in BASE_KEYS:
            ok = self.big_enough(mine)
        elif not combo.unfiltered and mine == self.cell(whole, key):
            # The same people as this figure for the whole cohort: the same figure.
            ok = self.pairwise_ok(whole, key)
        else:
            ok = self.big_enough(mine) and not any(
                0 < len((mine ^ other) - self.known) < K for other in self._near(combo.window, mine)
            )
        self._pairwise[(combo, key)] = ok
        return ok

    def family(self, window: str, theme: str, key: str) -> dict[str, bool]:
        """Rule 3 over one figure's status parts: status -> shown (ANY: the whole)."""
        memo = self._family.get((window, theme, key))
        if memo is not None:
            return memo
        whole_combo = Combo(window, theme, ANY)
        shown = {s: self.pairwise_ok(Combo(window, theme, s), key) for s in self.statuses}
        shown[ANY] = self.pairwise_ok(whole_combo, key)
        whole = self.cell(whole_combo, key)
        parts = {s: self.cell(Combo(window, theme, s), key) for s in self.statuses}
        unshared = whole - frozenset().union(*parts.values())
        while True:
            hidden_parts = [parts[s] for s in self.statuses if not shown[s] and parts[s]]
            if unshared:
                hidden_parts.append(unshared)
            # What is hidden from this reader: the parts less whom they know.
            unknown = [x - self.known for x in hidden_parts if x - self.known]
            hidden = frozenset().union(*unknown)
            if shown[ANY]:
                safe = not unknown or (len(unknown) >= 2 and len(hidden) >= K)
            else:
                safe = not (whole - self.known) or bool(unknown)
            if safe:
                break
            candidates = [s for s in self.statuses if shown[s] and parts[s]]
            if not candidates:
                if not shown[ANY]:
                    break
                shown[ANY] = False
                continue
            smallest = min(candidates, key=lambda s: (len(parts[s]), self.statuses.index(s)))
            shown[smallest] = False
        self._family[(window, theme, key)] = shown
        return shown

    def shown(self, combo: Combo, key: str) -> bool:
        if key.startswith(CHANGE_PREFIX) and combo.window != self.change_window:
            return False
        if key.startswith(STATUS_PREFIX) and key != STATUS_N:
            # The count in one status is the number who share their status under
            # that status filter: one cell, one decision (and rule 3 over the
            # statuses is then the complementary suppression of the distribution).
            status = key[len(STATUS_PREFIX) :]
            if combo.status == ANY:
                return self.shown(Combo(combo.window, combo.theme, status), STATUS_N)
            return combo.status != status or self.shown(combo, STATUS_N)
        return self.family(combo.window, combo.theme, key)[combo.status]

    # --- the figures ---------------------------------------------------------------------

    def count(self, combo: Combo, key: str) -> int | None:
        return len(self.cell(combo, key)) if self.shown(combo, key) else None

    def attendance(self, combo: Combo) -> tuple[int, int, int, int] | None:
        """(coachees, held, missed, contracted) in the date range, or None if hidden."""
        if not self.shown(combo, ATTENDANCE):
            return None
        w = self.windows[combo.window]
        people = [self.members[i] for i in self.cell(combo, ATTENDANCE)]
        held = missed = 0
        for m in people:
            for day, status in m.sessions:
                if w.start <= day <= w.end:
                    held += status == "held"
                    missed += status == "no_show"
        return len(people), held, missed, sum(m.contracted for m in people)

    def goals(self, combo: Combo) -> tuple[int, int, int, int] | None:
        """(coachees, median %, lower quartile %, upper quartile %), rounded to 5, or
        None if hidden or nobody shares a goal."""
        if not self.shown(combo, GOALS):
            return None
        values = sorted(self.members[i].goal_progress or 0.0 for i in self.cell(combo, GOALS))
        if not values:
            return None
        lower, _, upper = statistics.quantiles(values, n=4, method="inclusive")
        return (
            len(values),
            round_to(statistics.median(values)),
            round_to(lower),
            round_to(upper),
        )

    def change360(self, combo: Combo, area: str) -> tuple[int, float | None] | None:
        """(coachees, mean change in others' average rating, to one decimal) for a
        focus area, or None if hidden. No coachee: (0, None). Only in the
        ``change_window`` date range."""
        key = CHANGE_PREFIX + area
        if not self.shown(combo, key):
            return None
        values = [
            v for i in self.cell(combo, key) for a, v in self.members[i].changes360 if a == area
        ]
        if not values:
            return 0, None
        return len(values), round(statistics.fmean(values), 1) + 0.0  # never "-0.0"
