"""How long the cohort rules take to decide a dashboard, on random cohorts of 30 and
300 coachees, without and with eight 360 focus areas (no database). Run:

    DJANGO_SETTINGS_MODULE=bearing.settings .venv/bin/python -m bearing.programs.tests.bench_cohort

Not a test (its name does not start with ``test``): a measurement to rerun."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from bearing.programs import cohort as c

START = date(2027, 1, 1)
WINDOWS = [c.Window("all", START, date(2027, 12, 31), "Whole")] + [
    c.Window(f"q{i}", START + timedelta(days=91 * i), START + timedelta(days=91 * i + 90), "Q")
    for i in range(4)
]
THEMES = [
    "self_awareness",
    "decisions",
    "delegation",
    "conflict",
    "communication",
    "priorities",
    "transition",
    "presence",
    "stakeholders",
    "team",
    "resilience",
    "strategy",
]
STATUSES = ["active", "paused", "completed", "ended_early"]
AREAS = [f"area{i}" for i in range(8)]


def decide(n: int, areas: list[str], rng: random.Random) -> float:
    """Seconds to decide every figure of the whole cohort's dashboard."""
    members = []
    for i in range(n):
        day = START + timedelta(days=rng.randint(0, 300))
        members.append(
            c.Member(
                id=i,
                started_on=START,
                ended_on=None,
                status=rng.choice(STATUSES),
                attendance=True,
                contracted=8,
                sessions=((day, "held"),),
                themes=tuple((day, t) for t in rng.sample(THEMES, 2)),
                goal_progress=rng.choice([None, 50.0]),
                changes360=tuple((a, 0.3) for a in rng.sample(AREAS, 5))
                if rng.random() < 0.5
                else (),
            )
        )
    began = time.perf_counter()
    k = c.Cohort(members, WINDOWS, THEMES, STATUSES, areas=areas)
    whole = c.Combo("all")
    for key in k.keys_in("all"):
        k.shown(whole, key)
    k.attendance(whole)
    k.goals(whole)
    for area in areas:
        k.change360(whole, area)
    return time.perf_counter() - began


def main() -> None:
    for n in (30, 300):
        plain = decide(n, [], random.Random(1))
        with_areas = decide(n, AREAS, random.Random(1))
        print(f"{n} coachees: {plain:.3f} s; with eight 360 focus areas {with_areas:.3f} s")


if __name__ == "__main__":
    main()
