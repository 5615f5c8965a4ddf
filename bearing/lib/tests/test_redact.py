"""Tokens never reach a log line: the access log of the web server and Django's
request log are captured while real requests hit every token URL."""

from __future__ import annotations

import io
import logging
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

from django.core.servers.basehttp import WSGIRequestHandler
from django.test import LiveServerTestCase, SimpleTestCase
from django.test.testcases import LiveServerThread
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bearing.lib.redact import REDACTED, SECRET_URL_KWARGS, RedactTokens, redact_text, redact_url

SECRET = "SeCrEt-9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def token_routes() -> list[str]:
    """Every named route with a secret parameter (token, uidb64)."""
    names: list[str] = []

    def walk(patterns, prefix: str = ""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            elif (
                isinstance(p, URLPattern)
                and p.name
                and SECRET_URL_KWARGS & set(p.pattern.converters)
            ):
                names.append(prefix + p.name)

    walk(get_resolver().url_patterns)
    return names


def token_url(name: str, secret: str = SECRET) -> str:
    pattern_kwargs = {"token": secret, "uidb64": "MQ"}
    code = "00000000-0000-4000-8000-000000000000"  # a record's code beside its token
    for kwargs in (pattern_kwargs, {"token": secret}, {"token": secret, "code": code}):
        try:
            return reverse(name, kwargs=kwargs)
        except Exception:  # noqa: BLE001, S112 - try the next shape of arguments
            continue
    raise AssertionError(f"cannot build {name}")


class RedactUrlTests(SimpleTestCase):
    def test_every_token_route_is_known(self):
        self.assertGreaterEqual(
            set(token_routes()),
            {
                "accounts:calendar_feed",
                "accounts:invitation",
                "accounts:password_reset_confirm",
                "growth:unsubscribe",
            },
        )

    def test_the_token_segment_is_redacted_on_every_token_route(self):
        for name in token_routes():
            url = token_url(name)
            with self.subTest(route=name):
                self.assertNotIn(SECRET, redact_url(url))
                self.assertIn(REDACTED, redact_url(url))

    def test_query_values_are_redacted_and_other_paths_kept(self):
        self.assertEqual(
            redact_url("/dashboard/?token=abc&back=session"),
            "/dashboard/?token=[redacted]&back=[redacted]",
        )
        path = "/engagements/6c1f4e7a-0000-4000-8000-000000000001/"
        self.assertEqual(redact_url(path), path)

    def test_an_access_log_line_keeps_its_shape(self):
        line = f'"GET {token_url("accounts:calendar_feed")}?x=1 HTTP/1.1" 200 512'
        self.assertEqual(
            redact_text(line), '"GET /calendar/[redacted].ics?x=[redacted] HTTP/1.1" 200 512'
        )

    def test_the_filter_is_on_the_request_loggers(self):
        for name in ("django.server", "django.request", "django.security.csrf"):
            with self.subTest(logger=name):
                filters = logging.getLogger(name).filters
                self.assertTrue(any(isinstance(f, RedactTokens) for f in filters))


class _AccessLoggingThread(LiveServerThread):
    """The live server with the development server's own access log (the test
    server's handler is quiet)."""

    def _create_server(self, connections_override=None):
        return self.server_class(
            (self.host, self.port),
            WSGIRequestHandler,
            allow_reuse_address=False,
            connections_override=connections_override,
        )


@contextmanager
def captured(*logger_names: str):
    """The text the configured handlers of these loggers write."""
    stream = io.StringIO()
    swapped = []
    for name in logger_names:
        logger = logging.getLogger(name)
        handlers = logger.handlers or logging.getLogger().handlers
        for handler in handlers:
            # Settings' own stream handlers (not a test runner's capture handler).
            if type(handler) is logging.StreamHandler and handler.stream is not stream:
                swapped.append((handler, handler.setStream(stream)))
    try:
        yield stream
    finally:
        for handler, old in swapped:
            handler.setStream(old)


class TokenLogTests(LiveServerTestCase):
    server_thread_class = _AccessLoggingThread

    def fetch(self, path: str, method: str = "GET") -> int:
        request = urllib.request.Request(self.live_server_url + path, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def wait_for(self, stream: io.StringIO, count: int) -> str:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if stream.getvalue().count(" HTTP/1.1") >= count:
                break
            time.sleep(0.02)
        return stream.getvalue()

    def test_no_token_reaches_the_access_log_or_the_request_log(self):
        from bearing.accounts.services import invitation_create
        from bearing.growth.models import ReminderKind
        from bearing.growth.reminders import unsubscribe_token
        from bearing.testing import give_calendar_link, make_user

        user = make_user("leader@example.com", "Lena Leader")
        _, invitation = invitation_create(
            invited_by=None, email="new.person@example.com", role="staff", send=False
        )
        real = {
            "accounts:calendar_feed": give_calendar_link(user),
            "growth:unsubscribe": unsubscribe_token(user, ReminderKind.ACTION_DUE),
            "accounts:invitation": invitation,
        }
        paths = [token_url(name) for name in token_routes()]  # unknown tokens: 404s
        paths += [token_url(name, secret) for name, secret in real.items()]  # real ones
        paths.append(f"/dashboard/?token={SECRET}")
        with captured("django.server", "django.request") as stream:
            statuses = [self.fetch(path) for path in paths]
            text = self.wait_for(stream, len(paths))
        self.assertIn(404, statuses)
        self.assertIn(200, statuses)
        self.assertGreaterEqual(text.count(" HTTP/1.1"), len(paths), text)  # + redirects
        self.assertIn("Not Found: /calendar/[redacted].ics", text)  # the request log too
        self.assertIn("/reminders/unsubscribe/[redacted]/", text)
        for secret in [SECRET, *real.values()]:
            self.assertNotIn(secret, text)
