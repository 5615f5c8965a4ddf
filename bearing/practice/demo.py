"""Demo data for the working tools: Daniel has a decision due for review, a
reviewed one, a transition plan with two stakeholders, and a priority board.
Built through the services, as Daniel would have."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bearing.engagements.models import Engagement

from . import services as s
from .models import Decision


def demo_practice(engagement: Engagement) -> None:
    daniel = engagement.coachee
    assert daniel is not None
    today = timezone.localdate()

    # A decision made five weeks ago whose review date has come.
    d = s.decision_create(
        engagement=engagement,
        by=daniel,
        title="Who leads the night shift?",
        why_now="The night-shift lead retires in six weeks.",
    )
    for step, answers in (
        ("options", {"options": ["Promote Ama from the line", "Hire from outside"]}),
        (
            "criteria",
            {
                "criteria": [
                    {"name": "Trust of the team", "weight": 5},
                    {"name": "Cost", "weight": 2},
                ]
            },
        ),
        ("matrix", {"scores": {"0-0": 5, "0-1": 4, "1-0": 2, "1-1": 2}}),
        (
            "premortem",
            {
                "premortem": "Ama was promoted without support and burned out by spring.",
                "prevention": "A mentor and a monthly check-in with me.",
            },
        ),
    ):
        d = s.decision_step_save(decision=d, by=daniel, step=step, answers=answers)
    d = s.decision_decide(
        decision=d,
        by=daniel,
        choice=0,
        reasons="The team trusts her; the risk is support, which I can give.",
        kind="people",
        review_on=today + timedelta(days=1),
        predictions=[
            s.PredictionInput("Ama runs the shift handover alone", today + timedelta(days=2), 80),
            s.PredictionInput(
                "No overtime spike in her first month", today + timedelta(days=3), 60
            ),
        ],
    )
    # Made five weeks ago: its dates, and the date its snapshot carries, say so.
    decided = timezone.now() - timedelta(days=35)
    Decision.objects.filter(pk=d.pk).update(
        review_on=today - timedelta(days=1),
        decided_at=decided,
        created_at=decided - timedelta(days=3),
    )
    d.refresh_from_db()
    d.snapshot = {**d.snapshot, "decided_on": timezone.localdate(decided).isoformat()}
    d.save(update_fields=["snapshot"])

    # One reviewed already: a sound process that met bad luck.
    r = s.decision_create(engagement=engagement, by=daniel, title="Move the supplier audit?")
    r = s.decision_step_save(
        decision=r,
        by=daniel,
        step="options",
        answers={"options": ["Move it to March", "Keep it in January"]},
    )
    r = s.decision_decide(
        decision=r,
        by=daniel,
        choice=0,
        reasons="January is peak season.",
        kind="operations",
        review_on=today + timedelta(days=1),
        predictions=[
            s.PredictionInput("The audit passes first time", today + timedelta(days=1), 70)
        ],
    )
    s.decision_review(
        decision=r,
        by=daniel,
        what_happened="The supplier changed owners in February; the audit slipped again.",
        outcome_quality=2,
        process_quality=3,
        lessons="Ask suppliers about ownership changes before planning audits.",
        results={str(p.code): False for p in r.predictions.all()},
    )

    # A transition plan: Daniel takes over the second plant in the new year.
    plan = s.transition_plan_create(
        engagement=engagement,
        by=daniel,
        kind="promotion",
        title="Site lead for both plants",
        starts_on=today + timedelta(days=20),
    )
    for name, role, power, interest, now, next_talk in (
        ("Grace Owusu", "Regional director", 5, 4, "supportive", "Expectations, before day 1"),
        ("Ken Adjei", "Union representative", 3, 5, "sceptical", "Listening tour, week 1"),
    ):
        s.stakeholder_add(
            plan=plan,
            by=daniel,
            name=name,
            role=role,
            power=power,
            interest=interest,
            stance_now=now,
            stance_wanted="supportive",
            next_conversation=next_talk,
        )

    # A board with a task in each quadrant, one delegated.
    board = s.board_ensure(engagement=engagement, by=daniel)
    for title, quadrant in (
        ("Sign off the Q1 maintenance budget", "do"),
        ("Plan the skills matrix for both plants", "schedule"),
        ("Weekly overtime report", "delegate"),
        ("Re-format the old KPI deck", "drop"),
    ):
        item = s.board_item_add(board=board, by=daniel, title=title, quadrant=quadrant)
        if quadrant == "delegate":
            s.board_item_delegate(
                item=item,
                by=daniel,
                delegate_to="Ama",
                level="advise",
                follow_up_on=today + timedelta(days=7),
            )
