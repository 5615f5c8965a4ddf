"""Every htmx form shows its errors in place, and a failed request says so.

htmx swaps only what base.html's ``responseHandling`` allows. These tests read that
configuration and apply htmx's own rule (the first entry whose ``code`` pattern
matches the status decides), so an error answer that htmx would drop fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.urls import reverse

from bearing.companion import services as companion_services
from bearing.companion.roleplay import scenarios
from bearing.testing import WorldTestCase

HTMX = {"HX-Request": "true"}
BASE = Path(settings.BASE_DIR) / "bearing" / "templates" / "base.html"
SCRIPT = Path(settings.BASE_DIR) / "bearing" / "static" / "bearing" / "bearing.js"


def htmx_config() -> dict:
    match = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', BASE.read_text())
    assert match, "base.html carries no htmx-config"
    return json.loads(match.group(1))


def htmx_swaps(status: int) -> bool:
    """What htmx 2 does with a response of this status, under Bearing's config."""
    for rule in htmx_config()["responseHandling"]:
        if re.search(rule["code"], str(status)):
            return bool(rule.get("swap"))
    return False


def htmx_reports_error(status: int) -> bool:
    for rule in htmx_config()["responseHandling"]:
        if re.search(rule["code"], str(status)):
            return bool(rule.get("error"))
    return False


class ResponseHandlingTests(SimpleTestCase):
    def test_validation_answers_are_swapped_and_not_reported_as_failures(self):
        for status in (400, 409, 422):
            self.assertTrue(htmx_swaps(status), status)
            self.assertFalse(htmx_reports_error(status), status)

    def test_failures_are_not_swapped_but_reported(self):
        for status in (401, 403, 404, 413, 429, 500, 503):
            self.assertFalse(htmx_swaps(status), status)
            self.assertTrue(htmx_reports_error(status), status)

    def test_success_swaps_and_no_content_does_not(self):
        self.assertTrue(htmx_swaps(200))
        self.assertFalse(htmx_swaps(204))

    def test_the_page_has_a_live_region_and_a_script_that_fills_it(self):
        html = BASE.read_text()
        self.assertRegex(html, r'<div id="request-status"[^>]*aria-live="assertive"')
        self.assertIn("bearing/bearing.js", html)
        script = SCRIPT.read_text()
        for event in ("htmx:responseError", "htmx:sendError"):
            self.assertIn(event, script)
        self.assertIn('getElementById("request-status")', script)


class CompanionErrorsInPlaceTests(WorldTestCase):
    def test_an_empty_message_answers_the_chat_with_the_error_in_a_swapped_status(self):
        self.login(self.w.coachee)
        url = reverse("companion:conversation", args=[self.w.conversation.code])
        response = self.client.post(url, {"text": "   "}, headers=HTMX)
        self.assertTrue(htmx_swaps(response.status_code), response.status_code)
        self.assertGreaterEqual(response.status_code, 400)
        self.assertNotContains(response, "<html", status_code=response.status_code)
        self.assertContains(response, 'id="chat"', status_code=response.status_code)
        self.assertContains(response, "Write something first.", status_code=response.status_code)

    def test_an_empty_role_play_turn_answers_with_the_error_in_a_swapped_status(self):
        self.login(self.w.coachee)
        companion_services.consent_give(user=self.w.coachee)
        conv = companion_services.roleplay_start(
            engagement=self.w.engagement, by=self.w.coachee, scenario=next(iter(scenarios()))
        )
        response = self.client.post(
            reverse("companion:roleplay", args=[conv.code]), {"text": " "}, headers=HTMX
        )
        self.assertTrue(htmx_swaps(response.status_code), response.status_code)
        self.assertContains(response, 'id="play"', status_code=response.status_code)
        self.assertContains(response, "Write what you would say.", status_code=response.status_code)


class SessionSectionErrorsInPlaceTests(WorldTestCase):
    def post(self, user, name, data):
        self.login(user)
        url = reverse(f"engagements:{name}", args=[self.w.next_session.code])
        return self.client.post(url, data, headers=HTMX)

    def assertErrorInPlace(self, response, section_id, message):
        self.assertEqual(response.status_code, 400)
        self.assertTrue(htmx_swaps(response.status_code))
        self.assertNotContains(response, "<html", status_code=400)
        self.assertContains(response, f'id="{section_id}"', status_code=400)
        self.assertContains(response, message, status_code=400)

    def test_agenda_without_an_outcome(self):
        response = self.post(self.w.coachee, "agenda", {"outcome": ""})
        self.assertErrorInPlace(
            response, "agenda", "What would you like to leave this session with?"
        )

    def test_shared_notes_over_the_limit(self):
        response = self.post(self.w.coachee, "shared_notes", {"shared-body": "x" * 20_001})
        self.assertErrorInPlace(response, "shared-notes", "at most 20000 characters")

    def test_private_notes_over_the_limit(self):
        response = self.post(self.w.coach, "private_notes", {"private-body": "x" * 20_001})
        self.assertErrorInPlace(response, "private-notes", "at most 20000 characters")

    def test_commitments_without_a_date(self):
        response = self.post(self.w.coachee, "commitments", {"title_1": "Call Priya"})
        self.assertErrorInPlace(response, "actions", "When will you have done this?")

    def test_without_htmx_the_whole_page_comes_back_with_the_errors(self):
        self.login(self.w.coachee)
        url = reverse("engagements:agenda", args=[self.w.next_session.code])
        response = self.client.post(url, {"outcome": ""})
        self.assertContains(response, "<html", status_code=400)
        self.assertContains(
            response, "What would you like to leave this session with?", status_code=400
        )


class ActionDoneErrorInPlaceTests(WorldTestCase):
    def test_a_refused_change_answers_the_item_with_why(self):
        self.login(self.w.coachee)
        url = reverse("engagements:action_done", args=[self.w.action.code])
        with mock.patch(
            "bearing.engagements.services.action_set_done",
            side_effect=ValidationError("This engagement has ended."),
        ):
            response = self.client.post(url, {"done": "1"}, headers=HTMX)
        self.assertEqual(response.status_code, 400)
        self.assertTrue(htmx_swaps(400))
        self.assertContains(response, f'id="action-{self.w.action.code}"', status_code=400)
        self.assertContains(response, "This engagement has ended.", status_code=400)
        self.assertNotContains(response, "<html", status_code=400)


class ExpiredSignInTests(WorldTestCase):
    def test_an_htmx_request_after_sign_in_ended_answers_401_not_the_sign_in_page(self):
        self.login(None)
        url = reverse("engagements:agenda", args=[self.w.next_session.code])
        response = self.client.post(url, {"outcome": "x"}, headers=HTMX)
        self.assertEqual(response.status_code, 401)
        self.assertTrue(htmx_reports_error(401))
        self.assertNotContains(response, "Sign in", status_code=401)

    def test_without_htmx_the_sign_in_page_is_still_a_redirect(self):
        self.login(None)
        url = reverse("engagements:agenda", args=[self.w.next_session.code])
        response = self.client.post(url, {"outcome": "x"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
