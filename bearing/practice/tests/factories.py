"""Builders for decision records in tests (through the services, as a coachee would)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bearing.practice import services as s

TWO_OPTIONS = {"options": ["Promote Priya now", "Hire from outside", "", "", ""]}


def make_draft(engagement, *, title="Who leads the new plant?", **steps):
    decision = s.decision_create(
        engagement=engagement, by=engagement.coachee, title=title, why_now="The plant opens in May."
    )
    for step, answers in steps.items():
        decision = s.decision_step_save(
            decision=decision, by=engagement.coachee, step=step, answers=answers
        )
    return decision


def make_decided(
    engagement,
    *,
    title="Who leads the new plant?",
    predictions=((70, "Priya runs the weekly review alone"),),
    kind="people",
    review_in_days=30,
):
    decision = make_draft(engagement, title=title, options=TWO_OPTIONS)
    today = timezone.localdate()
    return s.decision_decide(
        decision=decision,
        by=engagement.coachee,
        choice=0,
        reasons="She knows the line and the people.",
        kind=kind,
        review_on=today + timedelta(days=review_in_days),
        predictions=[
            s.PredictionInput(text, today + timedelta(days=60), p) for p, text in predictions
        ],
    )
