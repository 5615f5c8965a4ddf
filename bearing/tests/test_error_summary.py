"""A form with errors has a summary at its top: role="alert", focusable, one link
per invalid field, each to that field's id (bearing.js moves focus to it)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.urls import reverse

from bearing.testing import WorldTestCase

HTMX = {"HX-Request": "true"}


class _Page(HTMLParser):
    """The summary's links, and the ids and invalid fields of the page."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.invalid: set[str] = set()
        self.summaries: list[dict] = []
        self._in_summary = 0
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if a.get("aria-invalid") == "true" and a.get("id"):
            self.invalid.add(a["id"])
        if self._in_summary:
            self._depth += 1
            if tag == "a" and a.get("href", "").startswith("#"):
                self.summaries[-1]["links"].append(a["href"][1:])
        elif "data-error-summary" in a:
            self.summaries.append({"attrs": a, "links": []})
            self._in_summary, self._depth = 1, 1

    def handle_endtag(self, tag):
        if self._in_summary:
            self._depth -= 1
            if self._depth == 0:
                self._in_summary = 0


def parse(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


class ErrorSummaryTests(WorldTestCase):
    def assertSummaryLinksEachInvalidField(self, response, expected: set[str]):
        page = parse(response)
        self.assertEqual(len(page.summaries), 1, "one summary, at the top of the form")
        summary = page.summaries[0]
        self.assertEqual(summary["attrs"].get("role"), "alert")
        self.assertEqual(summary["attrs"].get("tabindex"), "-1")  # focus can move there
        self.assertEqual(set(summary["links"]), expected)
        for target in summary["links"]:
            self.assertIn(target, page.ids, f"#{target} links to nothing")
        self.assertTrue(expected <= page.invalid, page.invalid)
        # At the top: before the first field of the form.
        html = response.content.decode()
        first = min(html.index(f'id="{t}"') for t in expected)
        self.assertLess(html.index("data-error-summary"), first)

    def test_add_a_goal_with_errors_summarises_them_at_the_top(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("growth:plan", args=[self.w.engagement.code]), {"title": "", "kind": ""}
        )
        page = parse(response)
        self.assertEqual(len(page.summaries), 1)
        self.assertIn("id_title", page.summaries[0]["links"])
        self.assertSummaryLinksEachInvalidField(response, set(page.summaries[0]["links"]))

    def test_scheduling_a_session_in_the_past(self):
        self.login(self.w.coach)
        response = self.client.post(
            reverse("engagements:session_new", args=[self.w.engagement.code]),
            {"scheduled_for": "2021-05-01T10:00", "duration_minutes": "5"},
        )
        self.assertSummaryLinksEachInvalidField(
            response, {"id_scheduled_for", "id_duration_minutes"}
        )
        self.assertContains(response, "Date and time: Choose a time in the future.")

    def test_an_htmx_section_brings_its_summary_with_it(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("engagements:commitments", args=[self.w.past_session.code]),
            {"title_1": "Call Priya", "title_2": "", "due_2": "2020-01-01"},
            headers=HTMX,
        )
        self.assertEqual(response.status_code, 400)
        self.assertSummaryLinksEachInvalidField(response, {"id_due_1", "id_title_2"})

    def test_errors_that_belong_to_no_field_are_listed_without_a_link(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("engagements:session_cancel", args=[self.w.next_session.code]),
            {"reason": "Away"},
        )
        page = parse(response)
        self.assertEqual(page.summaries[0]["links"], [])
        self.assertContains(response, "Confirm on this page", status_code=400)

    def test_no_summary_without_errors(self):
        self.login(self.w.coachee)
        response = self.client.get(reverse("growth:plan", args=[self.w.engagement.code]))
        self.assertNotContains(response, "data-error-summary")
        self.assertFalse(re.search(r"This was not saved", response.content.decode()))
