from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory, SimpleTestCase

from bearing.lib.actions import attempt


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _said(request) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(request)]


class AttemptTests(SimpleTestCase):
    def test_success_says_done_and_returns_the_value(self):
        request = _request()
        outcome = attempt(request, lambda: 42, "Saved.")
        self.assertTrue(outcome.ok)
        self.assertEqual(outcome.value, 42)
        self.assertEqual(_said(request), [("success", "Saved.")])

    def test_done_can_be_made_from_the_value(self):
        request = _request()
        attempt(request, lambda: "Monday", lambda day: f"Brought to {day}.")
        self.assertEqual(_said(request), [("success", "Brought to Monday.")])

    def test_refusal_shows_every_message_and_no_success(self):
        request = _request()

        def refuse():
            raise ValidationError(["Not now.", "Try later."])

        outcome = attempt(request, refuse, "Saved.")
        self.assertFalse(outcome.ok)
        self.assertIsNone(outcome.value)
        self.assertEqual(_said(request), [("error", "Not now. Try later.")])

    def test_no_done_says_nothing_on_success(self):
        request = _request()
        self.assertTrue(attempt(request, lambda: None).ok)
        self.assertEqual(_said(request), [])

    def test_other_errors_are_not_swallowed(self):
        request = _request()
        with self.assertRaises(KeyError):
            attempt(request, lambda: {}["missing"], "Saved.")
