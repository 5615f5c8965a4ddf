"""Growth data for `manage.py seed`: goals, key results and check-ins.

At N=1: one goal with one key result per engagement (20,000), and 1,000,000
check-ins (50 per coachee, weekly) each with a reading. Deterministic.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from .models import CheckIn, Goal, KeyResult, Reading

FOCUS = ["delegation", "communication", "presence", "priorities", "conflict", "decision_making"]


def _bulk(model, rows, batch):
    for i in range(0, len(rows), batch):
        with transaction.atomic():
            model.objects.bulk_create(rows[i : i + batch], batch_size=batch)


def seed_growth(
    *, engagement_rows, rng: random.Random, base: datetime, batch: int, uuid
) -> dict[str, int]:
    """engagement_rows: (id, status, started_at, coachee_id) as the seed command builds them."""
    per = 50  # weekly check-ins for about a year, per coachee
    goals = []
    for eid, _status, _started, _coachee in engagement_rows:
        goals.append(
            Goal(
                code=uuid(rng),
                engagement_id=eid,
                title="",
                focus_area=rng.choice(FOCUS),
                kind="measurable",
                status="active",
                created_at=base,
            )
        )
    _bulk(Goal, goals, batch)
    goal_ids = dict(
        Goal.objects.filter(engagement_id__in=[r[0] for r in engagement_rows]).values_list(
            "engagement_id", "id"
        )
    )
    krs = [
        KeyResult(
            code=uuid(rng),
            goal_id=goal_ids[eid],
            metric="",
            unit="per week",
            measure="amount",  # the readings below move in tenths
            baseline=Decimal(1),
            target=Decimal(5),
            current=Decimal(1),
            created_at=base,
        )
        for eid, *_ in engagement_rows
    ]
    _bulk(KeyResult, krs, batch)
    kr_ids = dict(
        KeyResult.objects.filter(goal_id__in=goal_ids.values()).values_list("goal_id", "id")
    )
    check_ins = 0
    pending_checkins: list[CheckIn] = []
    pending_meta: list[tuple[int, int, Decimal]] = []

    def flush():
        nonlocal check_ins
        with transaction.atomic():
            created = CheckIn.objects.bulk_create(pending_checkins, batch_size=batch)
            Reading.objects.bulk_create(
                [
                    Reading(check_in_id=c.pk, goal_id=g, key_result_id=k, value=v)
                    for c, (g, k, v) in zip(created, pending_meta, strict=True)
                ],
                batch_size=batch,
            )
        check_ins += len(pending_checkins)
        pending_checkins.clear()
        pending_meta.clear()

    for eid, _status, started, _coachee in engagement_rows:
        start = started or base
        goal_id = goal_ids[eid]
        value = Decimal(1)
        for k in range(per):
            value = min(Decimal(6), value + Decimal(rng.choice([0, 0, 1])) / 10)
            pending_checkins.append(
                CheckIn(
                    code=uuid(rng),
                    engagement_id=eid,
                    submitted_at=start + timedelta(days=7 * k, hours=17),
                    confidence=rng.randint(3, 9),
                    energy=rng.randint(3, 9),
                )
            )
            pending_meta.append((goal_id, kr_ids[goal_id], value))
            if len(pending_checkins) >= batch:
                flush()
    if pending_checkins:
        flush()
    return {"goals": len(goals), "key results": len(krs), "check-ins": check_ins}
