"""One structured line per request: request id, route, user id, status, duration — and
never anything a person wrote, a path, a token or a query value."""

from __future__ import annotations

import json

from django.urls import reverse

from bearing.testing import CANARY, WorldTestCase, canary_strings, sign_in

from .test_unavailable import check_in_data

LOGGER = "bearing.request"
KEYS = {"event", "request_id", "method", "route", "status", "ms", "user"}


class RequestLogTests(WorldTestCase):
    def lines(self, logs) -> list[dict]:
        return [json.loads(record.getMessage()) for record in logs.records]

    def test_a_page_logs_one_line_with_id_route_user_status_and_duration(self):
        sign_in(self.client, self.w.coachee)
        with self.assertLogs(LOGGER, "INFO") as logs:
            response = self.client.get(reverse("dashboard"))
        [line] = self.lines(logs)
        self.assertEqual(set(line), KEYS)
        self.assertEqual(line["route"], "dashboard")
        self.assertEqual(line["method"], "GET")
        self.assertEqual(line["status"], 200)
        self.assertEqual(line["user"], self.w.coachee.pk)
        self.assertGreater(line["ms"], 0)
        self.assertEqual(response["X-Request-ID"], line["request_id"])

    def test_an_anonymous_request_and_an_unknown_address_log_no_user(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.get(reverse("healthz"))
            self.client.get("/no/such/page/")
        health, missing = self.lines(logs)
        self.assertEqual(
            (health["route"], health["user"], health["status"]), ("healthz", None, 200)
        )
        self.assertEqual((missing["route"], missing["status"]), ("-", 404))

    def test_a_proxys_request_id_is_kept_when_safe_and_replaced_otherwise(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            kept = self.client.get(reverse("healthz"), headers={"X-Request-ID": "lb-1234abcd"})
            replaced = self.client.get(
                reverse("healthz"), headers={"X-Request-ID": '"><script>x</script>'}
            )
        first, second = self.lines(logs)
        self.assertEqual(kept["X-Request-ID"], "lb-1234abcd")
        self.assertEqual(first["request_id"], "lb-1234abcd")
        self.assertRegex(replaced["X-Request-ID"], r"^[0-9a-f]{32}$")
        self.assertEqual(second["request_id"], replaced["X-Request-ID"])

    def test_no_content_path_token_or_query_value_ever_reaches_a_line(self):
        w = self.w
        written = "LOGCANARY-d41f a sentence the coachee wrote"
        with self.assertLogs(LOGGER, "INFO") as logs:
            sign_in(self.client, w.coach)
            # Pages full of confidential text, read by their coach.
            self.client.get(reverse("engagements:session_detail", args=[w.past_session.code]))
            self.client.get(reverse("engagements:detail", args=[w.engagement.code]))
            self.client.get(reverse("dashboard") + f"?q={CANARY.private_note}")
            self.client.post(
                reverse("engagements:private_notes", args=[w.past_session.code]),
                {"private-body": written},
            )
            sign_in(self.client, w.coachee)
            self.client.post(
                reverse("growth:check_in", args=[w.engagement.code]),
                check_in_data(w, text=written),
            )
            # A token in the path: the calendar feed, and an invitation that does not exist.
            self.client.get(reverse("accounts:calendar_feed", args=["LOGTOKEN-77aa"]))
            self.client.get(reverse("accounts:invitation", args=["LOGTOKEN-88bb"]))
        output = "\n".join(logs.output)
        self.assertEqual(len(logs.records), 7)
        for secret in [
            *canary_strings(),
            "LOGCANARY",
            "LOGTOKEN",
            str(w.past_session.code),
            str(w.engagement.code),
            w.coach.email,
            w.coachee.email,
        ]:
            self.assertNotIn(secret, output)
        for line in self.lines(logs):
            self.assertEqual(set(line), KEYS)
