"""Where a measured page spends its time: one page, in-process, under cProfile.

    BEARING_DATA_DIR=var/bench/sqlite-0_05 DEBUG=0 .venv/bin/python scripts/bench_profile.py reply
    ... scripts/bench_profile.py report|dashboard|journal [--runs 40] [--top 25]

Runs against data ``manage.py seed`` made (``make bench`` keeps it under var/bench/):
``reply`` posts to a fresh companion conversation of a seeded coachee (stores both
messages, renders the reply, as the page's htmx request does), ``report`` reads the
seeded 360 report (50 raters) as its coach, ``dashboard`` the first program's dashboard
as its sponsor, ``journal`` a coachee's journal. Prints the median time, the share spent
in SQL (time inside the database driver) and the functions with the most cumulative
time. Rows a ``reply`` run adds stay (a conversation each run).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
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
from bearing.companion import services as companion  # noqa: E402
from bearing.engagements.models import Engagement  # noqa: E402
from bearing.insight.models import Campaign  # noqa: E402
from bearing.programs.models import Program  # noqa: E402
from bearing.testing import sign_in  # noqa: E402

LINES = [
    "I think the hardest part is letting go of the detail.",
    "Maybe I could ask her what she needs from me first.",
    "I would feel lighter, honestly, and I would have my Sundays back.",
]


def target(page: str) -> tuple[User, str, str]:
    """(person, method, url) of the page to profile."""
    if page == "reply":
        e = (
            Engagement.objects.filter(status="active", companion_conversations__scenario="")
            .select_related("coachee")
            .order_by("id")
            .first()
        )
        assert e is not None and e.coachee is not None, "no seeded companion conversation"
        conv = companion.conversation_start(engagement=e, by=e.coachee)
        return e.coachee, "POST", reverse("companion:conversation", args=[conv.code])
    if page == "report":
        campaign = Campaign.objects.filter(released_at__isnull=False).select_related(
            "engagement__coach"
        )[0]
        url = reverse("insight:campaign_report", args=[campaign.code])
        return campaign.engagement.coach, "GET", url
    if page == "dashboard":
        program = Program.objects.order_by("name")[0]
        sponsor = User.objects.filter(
            memberships__role="sponsor", memberships__organization=program.organization_id
        ).order_by("id")[0]
        return sponsor, "GET", reverse("programs:dashboard", args=[program.code])
    e = (
        Engagement.objects.filter(journal_entries__isnull=False)
        .select_related("coachee")
        .order_by("id")
        .first()
    )
    assert e is not None and e.coachee is not None, "no seeded journal"
    return e.coachee, "GET", reverse("insight:journal", args=[e.code])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", choices=("reply", "report", "dashboard", "journal"))
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    user, method, url = target(args.page)
    client = Client()
    sign_in(client, user)
    sql = [0.0]

    def timed(execute, query, params, many, context):
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql[0] += time.perf_counter() - started

    def request(n: int) -> int:
        if method == "POST":
            data = {"text": LINES[n % len(LINES)]}
            return client.post(url, data, headers={"HX-Request": "true"}).status_code
        return client.get(url).status_code

    status = request(0)  # warm: first-request work is not the page's
    times = []
    profiler = cProfile.Profile()
    with connection.execute_wrapper(timed):
        for n in range(1, args.runs + 1):
            started = time.perf_counter()
            profiler.enable()
            request(n)
            profiler.disable()
            times.append(time.perf_counter() - started)
    total = sum(times)
    print(f"{args.page}: {method} {url} status {status}, {args.runs} requests")
    print(
        f"median {statistics.median(times) * 1000:.1f} ms (under the profiler); "
        f"SQL {100 * sql[0] / total:.0f}% of the time"
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
