"""SessionLimitsMiddleware: login sessions end when idle and at an absolute limit."""

import time

from django.conf import settings
from django.urls import reverse

from bearing.testing import PASSWORD, WorldTestCase


class SessionLimitTests(WorldTestCase):
    def _set(self, **keys):
        session = self.client.session
        session.update(keys)
        session.save()

    def _dashboard_status(self) -> int:
        return self.client.get(reverse("dashboard")).status_code

    def test_signing_in_records_the_login_time(self):
        self.client.post(
            reverse("accounts:login"), {"username": self.w.coachee.email, "password": PASSWORD}
        )
        login_at = self.client.session["bearing_login_at"]
        self.assertLessEqual(abs(login_at - time.time()), 5)

    def test_idle_session_ends(self):
        self.login(self.w.coach)
        now = int(time.time())
        self._set(
            bearing_login_at=now - 600, bearing_seen_at=now - settings.SESSION_IDLE_SECONDS - 5
        )
        response = self.client.get(reverse("dashboard"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        # Logged out for good, not just for one request.
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_absolute_limit_ends_a_busy_session(self):
        self.login(self.w.coach)
        now = int(time.time())
        self._set(bearing_seen_at=now, bearing_login_at=now - settings.SESSION_ABSOLUTE_SECONDS - 5)
        self.assertEqual(self._dashboard_status(), 302)

    def test_active_session_continues_and_its_clock_moves(self):
        self.login(self.w.coach)
        now = int(time.time())
        self._set(bearing_seen_at=now - 600, bearing_login_at=now - 3600)
        self.assertEqual(self._dashboard_status(), 200)
        self.assertGreaterEqual(self.client.session["bearing_seen_at"], now)
        self.assertEqual(self.client.session["bearing_login_at"], now - 3600)

    def test_session_without_timestamps_gets_them(self):
        self.login(self.w.coach)
        session = self.client.session
        session.pop("bearing_login_at", None)
        session.pop("bearing_seen_at", None)
        session.save()
        self.assertEqual(self._dashboard_status(), 200)
        self.assertIn("bearing_seen_at", self.client.session)
        self.assertIn("bearing_login_at", self.client.session)
