"""The sponsor's page is built from allow-list rows only: whatever the view hands
its template, walked all the way down, holds no model instance and no queryset,
so the template cannot reach a field nobody allowed."""

from __future__ import annotations

import dataclasses
from unittest import mock

from django.db import models
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from bearing.growth import services as gs
from bearing.growth.queries import SponsorGoalRow, SponsorSummaryRow
from bearing.programs import views
from bearing.testing import WorldTestCase

_PLAIN = (str, bytes, int, float, bool, type(None), timezone.datetime, timezone.timedelta)


def models_in(value, path: str = "context", seen=None) -> list[str]:
    """The paths at which ``value`` holds a model instance or a queryset."""
    seen = set() if seen is None else seen
    if isinstance(value, _PLAIN) or id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, (models.Model, models.QuerySet)):
        return [f"{path}: {type(value).__name__}"]
    if isinstance(value, dict):
        items = [(f"{path}[{k!r}]", v) for k, v in value.items()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
    elif dataclasses.is_dataclass(value):
        items = [(f"{path}.{f.name}", getattr(value, f.name)) for f in dataclasses.fields(value)]
    elif hasattr(value, "__dict__"):
        items = [(f"{path}.{k}", v) for k, v in vars(value).items()]
    else:
        return []
    return [found for p, v in items for found in models_in(v, p, seen)]


class SponsorContextTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        agreement = cls.w.agreement
        agreement.sponsor_sees_summaries = True
        agreement.sponsor_sees_goal_progress = True
        agreement.save()
        cls.w.goal.share_with_sponsor = True
        cls.w.goal.save()
        summary = gs.summary_draft(engagement=cls.w.engagement, by=cls.w.coach, body="Steady.")
        gs.summary_decide(summary=summary, by=cls.w.coachee, approve=True)

    def _context(self) -> dict:
        self.login(self.w.sponsor)
        with mock.patch.object(views, "render", wraps=render) as spy:
            response = self.client.get(
                reverse("programs:engagement", args=[self.w.engagement.code])
            )
        self.assertEqual(response.status_code, 200)
        return spy.call_args.args[2]

    def test_the_sponsor_template_context_holds_no_model_instance(self):
        context = self._context()
        # Every branch is exercised: goals, summaries, terms and the row are all there.
        [goal] = context["goals"]
        self.assertIsInstance(goal, SponsorGoalRow)
        [summary] = context["summaries"]
        self.assertIsInstance(summary, SponsorSummaryRow)
        self.assertEqual(summary.body, "Steady.")
        self.assertIsNotNone(context["terms"])
        self.assertEqual(models_in(context), [])

    def test_a_summary_row_carries_no_comment_or_status(self):
        names = {f.name for f in dataclasses.fields(SponsorSummaryRow)}
        self.assertEqual(names, {"code", "body", "approved_at"})
        self.assertTrue(SponsorSummaryRow.__dataclass_params__.frozen)

    def test_the_walk_finds_a_model_however_deep_it_is_hidden(self):
        row = SponsorSummaryRow(code="x", body="y", approved_at=timezone.now())
        hidden = {"a": [row, (1, {"b": self.w.engagement})]}
        self.assertEqual(models_in(hidden), ["context['a'][1][1]['b']: Engagement"])
        self.assertTrue(models_in({"rows": self.w.engagement.sessions.all()}))
