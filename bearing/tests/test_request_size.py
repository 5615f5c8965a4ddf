"""Request bodies larger than Bearing needs are refused before they are read: a
client declaring gigabytes gets 413 at once, and not one byte of its body is read."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import SimpleTestCase
from django.test.client import RequestFactory
from django.urls import reverse

from bearing.lib.limits import RequestSizeLimitMiddleware
from bearing.testing import WorldTestCase

from . import figures


class CountingInput(io.RawIOBase):
    """A request body that counts what is read from it (and holds only a few bytes)."""

    def __init__(self, content: bytes):
        self.stream = io.BytesIO(content)
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = self.stream.readinto(buffer)
        self.read_bytes += n
        return n


def call_wsgi(path: str, content_length: str, content_type: str) -> tuple[str, bytes, int]:
    body = CountingInput(b"a=" + b"x" * 100)
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_LENGTH=content_length,
        CONTENT_TYPE=content_type,
        **{"wsgi.input": body},
    )
    status = []
    # As the test client does: the handler's signals must not touch this test's database.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda s, headers: status.append(s))
        content = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return status[0], content, body.read_bytes


class DeclaredSizeTests(SimpleTestCase):
    """Straight through the WSGI handler and every middleware, with no database."""

    def test_a_huge_declared_body_is_refused_before_any_of_it_is_read(self):
        for content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ):
            for path in ("/login/", "/transcript/", "/engagements/x/check-in/"):
                with self.subTest(path=path, content_type=content_type):
                    status, content, read = call_wsgi(path, str(10 * 1024**3), content_type)
                    self.assertTrue(status.startswith("413"), status)
                    self.assertEqual(read, 0)
                    self.assertIn(b"too large", content)
                    figures.add("hostile_inputs")

    def test_just_over_the_limit_is_refused_and_the_limit_itself_is_not(self):
        passed = []
        gate = RequestSizeLimitMiddleware(lambda request: passed.append(request) or "on")
        factory = RequestFactory()
        over = factory.post("/x/", CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1))
        self.assertEqual(gate(over).status_code, 413)
        at = factory.post("/x/", CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES))
        self.assertEqual(gate(at), "on")
        self.assertEqual(len(passed), 1)

    def test_a_content_length_that_is_not_a_number_is_a_bad_request(self):
        for value in ("-5", "12abc", "1e9"):
            with self.subTest(value=value):
                status, _, read = call_wsgi("/login/", value, "application/x-www-form-urlencoded")
                self.assertTrue(status.startswith("400"), status)
                self.assertEqual(read, 0)
                figures.add("hostile_inputs")


class UploadTests(WorldTestCase):
    def test_a_transcript_file_larger_than_a_request_may_be_is_refused(self):
        self.login(self.w.coach)
        big = io.BytesIO(b"Coach: what matters most?\n" * 150_000)  # about 4 MB
        big.name = "session.txt"
        response = self.client.post(
            reverse("companion:transcript"), {"upload": big, "coach_label": "Coach"}
        )
        self.assertEqual(response.status_code, 413)
        figures.add("hostile_inputs")

    def test_the_longest_transcript_one_may_paste_still_goes_through(self):
        self.login(self.w.coach)
        # 200,000 characters, not all ASCII: percent-encoded it is well over 1 MB.
        line = "Coach: Qu'est-ce qui compte le plus pour vous, aujourd'hui ?\n"
        text = (line * (200_000 // len(line) + 1))[:200_000]
        response = self.client.post(
            reverse("companion:transcript"), {"transcript": text, "coach_label": "Coach"}
        )
        self.assertEqual(response.status_code, 200)
