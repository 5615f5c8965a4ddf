"""Time a 360 with many raters: closing it (the report is computed once, then frozen)
and reading its report, against a migrated (and, for realism, seeded) database.

    BEARING_DATA_DIR=/tmp/seed .venv/bin/python manage.py migrate
    BEARING_DATA_DIR=/tmp/seed .venv/bin/python scripts/bench_insight.py [raters]

Adds a world of test personas (bearing.testing) with one campaign of ``raters``
(default 60) in four groups, each answering every item, then prints the closing
time and the report page's queries, median and p95 over repeated requests.
"""

from __future__ import annotations

import os
import random
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
from bearing.insight import queries as q  # noqa: E402
from bearing.insight import services as s  # noqa: E402
from bearing.insight.tests.helpers import campaign_with_raters, finished_self_assessment  # noqa: E402
from bearing.testing import make_world, sign_in  # noqa: E402


def main() -> int:
    raters = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    if User.objects.filter(email="coach@example.com").exists():
        print("This database already has the test personas: use a fresh one.")
        return 1
    w = make_world()
    finished_self_assessment(w)
    per = raters // 4
    campaign = campaign_with_raters(
        w, groups={"manager": 1, "peer": per, "report": per, "other": raters - 2 * per - 1}
    )
    rng = random.Random(7)
    items = list(campaign.instrument.items.all())
    for _, token in s.campaign_open(campaign=campaign, by=w.coachee, send=False):
        link = q.rater_link(token)
        slot = s.rater_save(
            invitation=link.invitation,
            answers_set=link.answers,
            answers={i.key: rng.choice([0, 1, 2, 3, 4, 5]) for i in items},
            comments={"delegation": {"start": "Hand over the whole report"}},
        )
        s.rater_submit(invitation=link.invitation, answers_set=slot)
    started = time.perf_counter()
    campaign = s.campaign_close(campaign=campaign, by=w.coach)
    closing = (time.perf_counter() - started) * 1000
    client = Client()
    sign_in(client, w.coach)
    url = reverse("insight:campaign_report", args=[campaign.code])
    client.get(url)
    seen: list[str] = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(url).status_code
    times = []
    for _ in range(30):
        t = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"raters: {raters}, items: {len(items)}")
    print(f"closing (report computed and frozen): {closing:.0f} ms")
    print(
        f"report page: status {status}, {len(seen)} queries, "
        f"median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
