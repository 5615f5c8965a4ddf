"""`manage.py seed --scale N`: a large, deterministic data set for benchmarks.

At N=1: 1,000 coaches, 20,000 coachees (one engagement each, with an accepted
agreement), 200,000 coaching sessions and 40,000 actions, across practices of
ten coaches and organizations of a hundred coachees with a sponsor each. The
same N and --base-date give the same data, row for row.
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models.query import QuerySet

from bearing.accounts.models import (
    Membership,
    Organization,
    Practice,
    PracticeOrganization,
    Role,
    User,
)
from bearing.engagements.models import (
    Action,
    Agreement,
    CoachingSession,
    Engagement,
    EngagementStatus,
    SessionStatus,
)
from bearing.growth.seed import seed_growth

SEED_PASSWORD = "bearing-seed-2026"
AGENDAS = [
    "Prepare the conversation about the reorganization with my team.",
    "Decide what to delegate before the quarter closes.",
    "Find a way to disagree with my CEO in the leadership meeting.",
    "Plan the first 30 days in the new role.",
    "Understand why the same conflict keeps coming back between two of my reports.",
]


class Command(BaseCommand):
    help = (
        "Build a large deterministic data set "
        "(N=1: 1,000 coaches, 20,000 coachees, 200,000 coaching sessions)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.01)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument(
            "--base-date", default="2026-01-05", help="YYYY-MM-DD, for determinism."
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, scale: float, batch: int, base_date: str, seed: int, **options):
        if scale <= 0 or scale > 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        if User.objects.filter(email__endswith="@seed.bearing").exists():
            raise CommandError("Seed data exists already; seed an empty database.")
        try:
            base = datetime.combine(date.fromisoformat(base_date), datetime.min.time(), tzinfo=UTC)
        except ValueError as exc:
            raise CommandError("--base-date looks like 2026-01-05.") from exc
        started = time.monotonic()
        with progress(expected_rows(scale), out=sys.stderr):
            counts = build(scale=scale, batch=batch, base=base, seed=seed)
        if connection.vendor == "postgresql":
            # The planner's statistics, as autovacuum would gather them later: without
            # them the first pages after a bulk load scan a million readings.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        for name, n in counts.items():
            self.stdout.write(f"{name:>12}: {n:,}")
        self.stdout.write(
            f"Seeded in {elapsed:.1f}s. Every seed account's password: {SEED_PASSWORD}"
        )


def expected_rows(scale: float) -> int:
    """Rows the seed writes at this scale (people, memberships, engagements, agreements,
    coaching sessions, actions; goals, key results, 50 check-ins with a reading each)."""
    coaches, coachees = round(1000 * scale), round(20000 * scale)
    return (
        2 * (coaches + coachees)
        + 2 * coachees
        + round(200000 * scale)
        + 2 * coachees
        + (2 + 2 * 50) * coachees
    )


@contextmanager
def progress(expected: int, *, out, width: int = 30):
    """A progress bar and the time left, counted from the rows each bulk insert writes;
    drawn on a terminal only (a log file gets the summary alone)."""
    if not out.isatty():
        yield
        return
    done = 0
    started = time.monotonic()
    last = 0.0
    original = QuerySet.bulk_create

    def draw(final: bool = False) -> None:
        share = 1.0 if final else min(done / max(expected, 1), 0.99)
        elapsed = time.monotonic() - started
        left = elapsed / share - elapsed if share > 0.02 else None
        bar = "#" * int(share * width) + "." * (width - int(share * width))
        tail = "done" if final else (f"about {_clock(left)} left" if left is not None else "")
        out.write(f"\r[{bar}] {share:4.0%} {done:>10,} rows  {tail:<20}")
        out.flush()

    def counting(self, objs, *args, **kwargs):
        nonlocal done, last
        created = original(self, objs, *args, **kwargs)
        done += len(created)
        if time.monotonic() - last > 0.5:
            last = time.monotonic()
            draw()
        return created

    QuerySet.bulk_create = counting  # type: ignore[method-assign]
    try:
        yield
        draw(final=True)
        out.write("\n")
    finally:
        QuerySet.bulk_create = original  # type: ignore[method-assign]


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _bulk(model, rows, batch: int) -> None:
    for i in range(0, len(rows), batch):
        with transaction.atomic():
            model.objects.bulk_create(rows[i : i + batch], batch_size=batch)


def build(*, scale: float, batch: int, base: datetime, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    n_coaches = max(1, round(1000 * scale))
    n_coachees = max(1, round(20000 * scale))
    n_sessions = max(1, round(200000 * scale))
    n_practices = max(1, n_coaches // 10)
    n_orgs = max(1, n_coachees // 100)
    password = make_password(SEED_PASSWORD, salt="bearingseed")

    practices = [
        Practice(code=_uuid(rng), name=f"Seed Practice {i:04d}", created_at=base)
        for i in range(n_practices)
    ]
    orgs = [
        Organization(code=_uuid(rng), name=f"Seed Organization {i:05d}", created_at=base)
        for i in range(n_orgs)
    ]
    _bulk(Practice, practices, batch)
    _bulk(Organization, orgs, batch)
    practices = list(Practice.objects.filter(name__startswith="Seed Practice ").order_by("name"))
    orgs = list(Organization.objects.filter(name__startswith="Seed Organization ").order_by("name"))

    def person(kind: str, i: int) -> User:
        return User(
            code=_uuid(rng),
            email=f"{kind}{i:05d}@seed.bearing",
            name=f"{kind.title()} {i:05d}",
            password=password,
            created_at=base,
        )

    users = [person("coach", i) for i in range(n_coaches)]
    users += [person("coachee", i) for i in range(n_coachees)]
    users += [person("sponsor", i) for i in range(n_orgs)]
    users += [person("staff", 0)]  # operates the installation: the staff page is measured too
    _bulk(User, users, batch)
    by_email = dict(User.objects.filter(email__endswith="@seed.bearing").values_list("email", "id"))
    coach_ids = [by_email[f"coach{i:05d}@seed.bearing"] for i in range(n_coaches)]
    coachee_ids = [by_email[f"coachee{i:05d}@seed.bearing"] for i in range(n_coachees)]
    sponsor_ids = [by_email[f"sponsor{i:05d}@seed.bearing"] for i in range(n_orgs)]

    memberships = [
        Membership(user_id=uid, role=Role.COACH, practice=practices[i % n_practices])
        for i, uid in enumerate(coach_ids)
    ]
    memberships += [
        Membership(user_id=uid, role=Role.COACHEE, organization=orgs[i % n_orgs])
        for i, uid in enumerate(coachee_ids)
    ]
    memberships += [
        Membership(user_id=uid, role=Role.SPONSOR, organization=orgs[i])
        for i, uid in enumerate(sponsor_ids)
    ]
    memberships.append(Membership(user_id=by_email["staff00000@seed.bearing"], role=Role.STAFF))
    _bulk(Membership, memberships, batch)

    statuses = [EngagementStatus.ACTIVE] * 7 + [
        EngagementStatus.PAUSED,
        EngagementStatus.COMPLETED,
        EngagementStatus.PROPOSED,
    ]
    engagements = []
    for i, coachee_id in enumerate(coachee_ids):
        status = statuses[i % len(statuses)]
        started = base + timedelta(days=rng.randint(0, 200))
        engagements.append(
            Engagement(
                code=_uuid(rng),
                practice=practices[(i % n_coaches) % n_practices],
                organization=orgs[i % n_orgs],
                coach_id=coach_ids[i % n_coaches],
                coachee_id=coachee_id,
                sponsor_id=sponsor_ids[i % n_orgs],
                title=f"Leadership coaching {i:05d}",
                status=status,
                created_at=started,
                started_at=None if status == EngagementStatus.PROPOSED else started,
                ended_at=started + timedelta(days=180)
                if status == EngagementStatus.COMPLETED
                else None,
            )
        )
    _bulk(Engagement, engagements, batch)
    served = sorted({(e.practice.pk, e.organization.pk) for e in engagements})
    _bulk(
        PracticeOrganization,
        [PracticeOrganization(practice_id=p, organization_id=o) for p, o in served],
        batch,
    )
    # Read back in creation order (titles are encrypted: they cannot be filtered on).
    by_code: dict[Any, tuple[Any, ...]] = {}
    codes = [e.code for e in engagements]
    for start in range(0, len(codes), 1000):
        by_code.update(
            (row[0], row[1:])
            for row in Engagement.objects.filter(code__in=codes[start : start + 1000]).values_list(
                "code", "id", "status", "started_at", "coachee_id"
            )
        )
    eng_rows = [by_code[code] for code in codes]

    agreements = [
        Agreement(
            code=_uuid(rng),
            engagement_id=eid,
            version=1,
            created_at=base,
            accepted_at=None if status == EngagementStatus.PROPOSED else started,
            accepted_by_id=None if status == EngagementStatus.PROPOSED else coachee_id,
            sponsor_sees_goal_progress=(eid % 3 == 0),
        )
        for eid, status, started, coachee_id in eng_rows
    ]
    _bulk(Agreement, agreements, batch)

    sessions = []
    sessions_made = 0
    per = max(1, n_sessions // len(eng_rows))
    extra = n_sessions - per * len(eng_rows)
    for j, (eid, _status, started, _) in enumerate(eng_rows):
        first = started or base
        for k in range(per + (1 if j < extra else 0)):
            when = first + timedelta(days=14 * k, hours=rng.randint(8, 17))
            past = when < base + timedelta(days=300)
            state = (
                (SessionStatus.HELD if rng.random() > 0.08 else SessionStatus.NO_SHOW)
                if past
                else SessionStatus.SCHEDULED
            )
            has_agenda = rng.random() < 0.1
            sessions.append(
                CoachingSession(
                    code=_uuid(rng),
                    engagement_id=eid,
                    scheduled_for=when,
                    status=state,
                    agenda_outcome=rng.choice(AGENDAS) if has_agenda else "",
                    agenda_updated_at=when - timedelta(days=1) if has_agenda else None,
                    created_at=first,
                )
            )
        if len(sessions) >= batch:
            _bulk(CoachingSession, sessions, batch)
            sessions_made += len(sessions)
            sessions = []
    _bulk(CoachingSession, sessions, batch)
    sessions_made += len(sessions)

    actions = []
    for eid, _status, started, coachee_id in eng_rows:
        for k in range(2):
            due = ((started or base) + timedelta(days=30 + 45 * k)).date()
            actions.append(
                Action(
                    code=_uuid(rng),
                    engagement_id=eid,
                    owner_id=coachee_id,
                    created_by_id=coachee_id,
                    title="Follow up on the commitment",
                    due_on=due,
                    created_at=started or base,
                    completed_at=(started or base) + timedelta(days=20)
                    if rng.random() < 0.6
                    else None,
                )
            )
    _bulk(Action, actions, batch)
    growth = seed_growth(engagement_rows=eng_rows, rng=rng, base=base, batch=batch, uuid=_uuid)
    return {
        "practices": n_practices,
        "organizations": n_orgs,
        "coaches": n_coaches,
        "coachees": n_coachees,
        "sponsors": n_orgs,
        "engagements": len(eng_rows),
        "sessions": sessions_made,
        "actions": len(actions),
        **growth,
    }
