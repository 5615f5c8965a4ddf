"""Time the program dashboard on seeded data (200 organizations at --scale 1).

    BEARING_DATA_DIR=/tmp/seed .venv/bin/python manage.py migrate
    BEARING_DATA_DIR=/tmp/seed .venv/bin/python manage.py seed --scale 1
    BEARING_DATA_DIR=/tmp/seed .venv/bin/python scripts/bench_programs.py

Takes the first seeded organization's program (the seed seats its engagements and tags
its held coaching sessions; on data an older seed made, it is made here the same way),
times its dashboard under a few
filters, the CSV and the report PDF through Django's test client, and compares each
with the framework floor (the health check: no query, a tiny response). Everything it
adds is rolled back at the end.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bearing.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bearing.accounts.models import Organization, PracticeOrganization, User  # noqa: E402
from bearing.engagements.models import CoachingSession, Engagement  # noqa: E402
from bearing.programs.models import Program, Seat, SessionTheme, Theme  # noqa: E402
from bearing.testing import sign_in  # noqa: E402


def timed(client: Client, url: str, runs: int = 15) -> tuple[int, float, float, int]:
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
    sponsor = User.objects.filter(email="sponsor00000@seed.bearing").first()
    if sponsor is None:
        print("No seed data here: run `manage.py seed --scale 1` first.")
        return 1
    print(
        f"organizations: {Organization.objects.count()}, engagements: {Engagement.objects.count()}"
    )
    organization = Organization.objects.get(memberships__user=sponsor)
    link = PracticeOrganization.objects.filter(organization=organization).first()
    assert link is not None
    rng = random.Random(2026)
    with transaction.atomic():
        engagements = list(
            Engagement.objects.filter(organization=organization, coachee__isnull=False)
        )
        # The seed makes this organization's program (its engagements seated, themes
        # tagged); an older seed did not, and the program is made here as it would.
        program = Program.objects.filter(organization=organization).order_by("id").first()
        if program is None:
            first = min(e.created_at for e in engagements).date()
            program = Program.objects.create(
                organization=organization,
                practice=link.practice,
                name="Benchmark program",
                starts_on=first,
                ends_on=first + timedelta(days=365),
                seats=len(engagements),
                sessions_per_engagement=10,
                created_by=sponsor,
            )
            Seat.objects.bulk_create(
                Seat(
                    program=program,
                    leader_id=e.coachee_id,
                    invited_email=f"b{e.id}@x",
                    engagement=e,
                )
                for e in engagements
            )
            held = CoachingSession.objects.filter(engagement__in=engagements, status="held")
            SessionTheme.objects.bulk_create(
                SessionTheme(session_id=s, theme=rng.choice(Theme.values), tagged_by_id=c)
                for s, c in held.values_list("id", "engagement__coach_id")
            )
        seated = program.seat_rows.filter(engagement__isnull=False).count()
        tagged = SessionTheme.objects.filter(session__engagement__seat__program=program).count()
        print(f"program: {seated} coachees, {tagged} coaching session themes")
        client = Client()
        sign_in(client, sponsor)
        base = reverse("programs:dashboard", args=[program.code])
        pages = [
            ("framework floor (health check)", reverse("healthz")),
            ("dashboard, whole program", base),
            ("dashboard, a theme", base + "?theme=delegation"),
            ("dashboard, theme, status, quarter", base + "?theme=conflict&status=active&window=q1"),
            ("dashboard CSV", reverse("programs:dashboard_csv", args=[program.code])),
            ("program report PDF", reverse("programs:report_pdf", args=[program.code])),
        ]
        print(f"{'page':<40} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'x floor':>8}")
        floor = None
        for label, url in pages:
            queries, median, p95, status = timed(client, url)
            floor = floor or median
            flag = "" if status == 200 else f"  (status {status})"
            print(
                f"{label:<40} {queries:>7} {median:>10.1f} {p95:>8.1f} {median / floor:>8.1f}{flag}"
            )
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
