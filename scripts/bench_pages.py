"""Time Bearing's busiest pages in-process against a seeded database.

    BEARING_DATA_DIR=/tmp/seed .venv/bin/python manage.py migrate
    BEARING_DATA_DIR=/tmp/seed .venv/bin/python manage.py seed --scale 1
    BEARING_DATA_DIR=/tmp/seed .venv/bin/python scripts/bench_pages.py --pages staff,brief

The same pages, and the same first person of each role, as ``scripts/bench.py``
drives over the network. Prints, per page, the number of queries, the response size
and the median and p95 response time over repeated requests through Django's test
client (no network, DEBUG off unless asked), beside /healthz (the floor). ``--cpu``
times the process's CPU instead of the wall clock.
"""

from __future__ import annotations

import argparse
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
from bearing.engagements.models import CoachingSession, Engagement  # noqa: E402
from bearing.testing import sign_in  # noqa: E402


def measure(
    client: Client, url: str, runs: int, clock=time.perf_counter
) -> tuple[int, float, float, int, int]:
    client.get(url)  # warm: first-request work is not the page's
    seen: list[str] = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    times = []
    for _ in range(runs):
        started = clock()
        client.get(url)
        times.append((clock() - started) * 1000)
    times.sort()
    p95 = times[max(int(len(times) * 0.95) - 1, 0)]
    return len(seen), statistics.median(times), p95, len(response.content), response.status_code


def pages() -> list[tuple[str, User | None, str]]:
    """The first person's pages in ``scripts/bench.py``: the first active engagement
    by coach email, its last held coaching session and first goal, the first sponsor
    and staff member."""
    e = (
        Engagement.objects.filter(status="active")
        .select_related("coach", "coachee")
        .order_by("coach__email")
        .first()
    )
    if e is None:
        raise SystemExit("No seed data here: run `manage.py seed --scale 1` first.")
    past = (
        CoachingSession.objects.filter(engagement=e, status="held")
        .order_by("-scheduled_for")
        .first()
    )
    goal = e.goals.first()
    sponsor = User.objects.filter(email__startswith="sponsor").order_by("email").first()
    sponsored = Engagement.objects.filter(sponsor=sponsor, status="active").first()
    staff = User.objects.get(email="staff00000@seed.bearing")
    found: list[tuple[str, User | None, str]] = [
        ("floor (/healthz)", None, reverse("healthz")),
        ("coach: dashboard", e.coach, reverse("dashboard")),
        ("coach: engagement", e.coach, reverse("engagements:detail", args=[e.code])),
    ]
    if past is not None:
        found += [
            (
                "coach: coaching session",
                e.coach,
                reverse("engagements:session_detail", args=[past.code]),
            ),
            ("coach: session brief", e.coach, reverse("growth:brief", args=[past.code])),
            ("coach: session workspace", e.coach, reverse("workspace:session", args=[past.code])),
        ]
    found += [
        ("coach: month calendar", e.coach, reverse("engagements:month_calendar")),
        ("coach: account", e.coach, reverse("accounts:settings")),
        ("coachee: dashboard", e.coachee, reverse("dashboard")),
        ("coachee: development plan", e.coachee, reverse("growth:plan", args=[e.code])),
    ]
    if goal is not None:
        found.append(
            (
                "coachee: goal with check-ins (chart)",
                e.coachee,
                reverse("growth:goal", args=[goal.code]),
            )
        )
    found += [
        ("coachee: check-in form", e.coachee, reverse("growth:check_in", args=[e.code])),
        ("coachee: check-ins", e.coachee, reverse("growth:check_ins", args=[e.code])),
        ("coachee: wins", e.coachee, reverse("growth:wins", args=[e.code])),
        ("coachee: companion", e.coachee, reverse("companion:home", args=[e.code])),
        ("coachee: account", e.coachee, reverse("accounts:settings")),
        ("sponsor: dashboard", sponsor, reverse("dashboard")),
    ]
    if sponsored is not None:
        found.append(
            ("sponsor: engagement", sponsor, reverse("programs:engagement", args=[sponsored.code]))
        )
    found += [
        ("staff: staff page", staff, reverse("accounts:staff")),
        ("staff: dashboard", staff, reverse("dashboard")),
    ]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--pages", default="", help="comma-separated parts of page names")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time this process's CPU (steadier on a busy machine; on SQLite it includes "
        "the database's work, on PostgreSQL not the server's)",
    )
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    wanted = [w.strip() for w in args.pages.split(",") if w.strip()]
    print(f"{'page':<40} {'queries':>7} {'KB':>6} {'median ms':>10} {'p95 ms':>8}")
    for label, user, url in pages():
        if wanted and label != "floor (/healthz)" and not any(w in label for w in wanted):
            continue
        client = Client()
        if user is not None:
            sign_in(client, user)  # second factor included, as after a real sign-in
        queries, median, p95, size, status = measure(client, url, args.runs, clock)
        flag = "" if status == 200 else f"  (status {status})"
        print(f"{label:<40} {queries:>7} {size / 1024:>6.1f} {median:>10.1f} {p95:>8.1f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
