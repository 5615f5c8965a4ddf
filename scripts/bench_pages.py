"""Time Bearing's busiest pages against a seeded database.

    BEARING_DATA_DIR=/tmp/seed .venv/bin/python manage.py migrate
    BEARING_DATA_DIR=/tmp/seed .venv/bin/python manage.py seed --scale 1
    BEARING_DATA_DIR=/tmp/seed .venv/bin/python scripts/bench_pages.py

Prints, per page, the number of queries and the median and p95 response time
over repeated requests through Django's test client (no network).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bearing.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bearing.accounts.models import User  # noqa: E402
from bearing.engagements.models import Engagement  # noqa: E402
from bearing.testing import sign_in  # noqa: E402


def measure(client: Client, url: str, runs: int = 20) -> tuple[int, float, float, int]:
    client.get(url)
    seen: list[str] = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(url).status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return len(seen), statistics.median(times), times[int(len(times) * 0.95) - 1], status


def main() -> int:
    coach = User.objects.filter(email="coach00000@seed.bearing").first()
    if coach is None:
        print("No seed data here: run `manage.py seed --scale 1` first.")
        return 1
    engagement = Engagement.objects.filter(coach=coach, status="active").first()
    coachee = engagement.coachee
    sponsor = User.objects.get(email="sponsor00000@seed.bearing")
    goal = engagement.goals.first()
    pages = [
        ("coach dashboard (20 coachees, attention list)", coach, reverse("dashboard")),
        ("coachee dashboard", coachee, reverse("dashboard")),
        ("sponsor dashboard (100 engagements)", sponsor, reverse("dashboard")),
        ("development plan", coachee, reverse("growth:plan", args=[engagement.code])),
        ("goal with 50 check-ins (chart)", coachee, reverse("growth:goal", args=[goal.code])),
        ("check-in form", coachee, reverse("growth:check_in", args=[engagement.code])),
        ("engagement (10 sessions)", coach, reverse("engagements:detail", args=[engagement.code])),
    ]
    print(f"{'page':<50} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for label, user, url in pages:
        client = Client()
        sign_in(client, user)  # second factor included, as after a real sign-in
        queries, median, p95, status = measure(client, url)
        flag = "" if status == 200 else f"  (status {status})"
        print(f"{label:<50} {queries:>7} {median:>10.1f} {p95:>8.1f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
