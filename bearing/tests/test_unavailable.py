"""Disk full, database locked, I/O errors, database unreachable: the person sees a
calm page with status 503 and a Retry-After (never a traceback), nothing is
half-saved, and once the fault has passed the same request simply works.

The faults are real where they can be made without root: a full SQLite database
(``PRAGMA max_page_count`` at the size it has), a write lock held by another
connection, a database file that cannot be opened, a PostgreSQL port where
nothing listens. An I/O error in the middle of a check-in (after the check-in row,
before its readings) is injected with Django's ``execute_wrapper``.
"""

from __future__ import annotations

import socket
import sqlite3
import tempfile
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from unittest import skipUnless

from django.db import OperationalError, connection, connections
from django.db.utils import load_backend
from django.test import TransactionTestCase
from django.urls import reverse

from bearing.growth.models import CheckIn, Reading, Win
from bearing.lib.backup import backup_write
from bearing.testing import WorldTestCase, make_world, sign_in

from . import figures

CALM = "Bearing is briefly unavailable"


@contextmanager
def default_database(**changes):
    """Another database standing in as ``default`` (the settings of the real one,
    changed as given); the real one is back afterwards."""
    original = connections["default"]
    settings_dict = {**original.settings_dict, **changes}
    stand_in = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = stand_in
    try:
        yield stand_in
    finally:
        stand_in.close()
        connections["default"] = original


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail_when(fragment: str, message: str):
    """An execute wrapper that raises ``OperationalError(message)`` for SQL
    containing ``fragment``."""

    def wrapper(execute, sql, params, many, context):
        if fragment in sql:
            raise OperationalError(message)
        return execute(sql, params, many, context)

    return wrapper


def check_in_data(w, *, text: str = "a steady week") -> dict:
    kr = w.key_result
    return {
        "confidence": "7",
        "energy": "6",
        "wins": text,
        "obstacles": text,
        "support_needed": text,
        f"kr_{kr.id}": "2",
    }


class CalmPageAssertions:
    def setUp(self):
        super().setUp()
        # Answer as a server would, instead of raising the exception into the test.
        self.client.raise_request_exception = False

    def assertCalm503(self, response):
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertIn("no-store", response["Cache-Control"])
        body = response.content.decode()
        self.assertIn(CALM, body)
        for leak in ("Traceback", "OperationalError", 'File "', "disk", "locked", "sqlite"):
            self.assertNotIn(leak, body)
        figures.add("faults_injected")

    def assertWhole(self, after_id: int):
        """No check-in without its readings: each one made here has its reading."""
        made = CheckIn.objects.filter(id__gt=after_id)
        self.assertTrue(made.exists())
        for check_in in made:
            self.assertEqual(Reading.objects.filter(check_in=check_in).count(), 1, check_in.pk)


class InjectedFaultTests(CalmPageAssertions, WorldTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.w.coachee)
        self.url = reverse("growth:check_in", args=[self.w.engagement.code])

    def test_an_io_error_in_the_middle_of_a_check_in_saves_none_of_it(self):
        counts = (CheckIn.objects.count(), Reading.objects.count(), Win.objects.count())
        with connection.execute_wrapper(fail_when('"growth_reading"', "disk I/O error")):
            response = self.client.post(self.url, check_in_data(self.w))
        self.assertCalm503(response)
        self.assertEqual(
            (CheckIn.objects.count(), Reading.objects.count(), Win.objects.count()), counts
        )
        # The fault has passed: the same check-in goes through, whole.
        response = self.client.post(self.url, check_in_data(self.w))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(CheckIn.objects.count(), counts[0] + 1)
        self.assertEqual(Reading.objects.count(), counts[1] + 1)
        self.assertWhole(self.w.check_in.id)
        figures.add("acknowledged_writes_lost", 0)

    def test_a_mistake_in_a_query_is_still_a_server_error(self):
        # Not every OperationalError means the database is away: a missing table is a bug.
        bug = fail_when('"growth_reading"', "no such table: x")
        with connection.execute_wrapper(bug), self.assertLogs("django.request", "ERROR"):
            response = self.client.post(self.url, check_in_data(self.w))
        self.assertEqual(response.status_code, 500)
        self.assertNotIn(CALM, response.content.decode())

    def test_a_postgresql_server_that_refuses_connections_answers_503(self):
        with default_database(
            ENGINE="django.db.backends.postgresql",
            NAME="bearing",
            USER="bearing",
            PASSWORD="",
            HOST="127.0.0.1",
            PORT=str(free_port()),
            OPTIONS={"connect_timeout": 2},
            CONN_HEALTH_CHECKS=False,
        ):
            for url in (reverse("dashboard"), reverse("healthz"), self.url):
                with self.subTest(url=url):
                    self.assertCalm503(self.client.get(url))
            self.assertCalm503(self.client.post(self.url, check_in_data(self.w)))
        # Back to the real database: nothing to repair.
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 200)

    def test_a_database_file_that_cannot_be_opened_answers_503(self):
        with tempfile.TemporaryDirectory() as tmp:
            missing = Path(tmp) / "gone" / "bearing.sqlite3"
            with default_database(
                ENGINE="django.db.backends.sqlite3", NAME=str(missing), OPTIONS={}
            ):
                self.assertCalm503(self.client.get(reverse("dashboard")))
                self.assertCalm503(self.client.get(reverse("healthz")))
        self.assertEqual(self.client.get(reverse("healthz")).status_code, 200)


@skipUnless(connection.vendor == "sqlite", "SQLite's own faults")
class SQLiteFileFaultTests(CalmPageAssertions, TransactionTestCase):
    """A real SQLite file in WAL mode that fills up or is locked by another writer."""

    def setUp(self):
        super().setUp()
        self.w = make_world()
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.path = Path(tmp.name) / "bearing.sqlite3"
        sign_in(self.client, self.w.coachee)
        backup_write(self.path)  # the world, signed-in session included, on a real file
        stand_in = default_database(
            NAME=str(self.path),
            OPTIONS={
                "transaction_mode": "IMMEDIATE",
                "timeout": 0.3,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
            },
        )
        self.db = stand_in.__enter__()
        self.addCleanup(stand_in.__exit__, None, None, None)
        self.db.ensure_connection()  # the file is in WAL mode from here on
        self.url = reverse("growth:check_in", args=[self.w.engagement.code])

    def integrity(self) -> str:
        with sqlite3.connect(self.path) as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0]

    def counts(self):
        return (CheckIn.objects.count(), Reading.objects.count(), Win.objects.count())

    def test_a_full_disk_answers_503_saves_nothing_and_recovers(self):
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")
        before = self.counts()
        large = "a long reflection on the week " * 130  # needs new pages
        response = self.client.post(self.url, check_in_data(self.w, text=large[:4000]))
        self.assertCalm503(response)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.integrity(), "ok")
        # Space again (the operator freed the disk): the same request goes through whole.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
        response = self.client.post(self.url, check_in_data(self.w, text=large[:4000]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.counts()[:2], (before[0] + 1, before[1] + 1))
        newest = CheckIn.objects.order_by("-id").first()
        self.assertEqual(Reading.objects.get(check_in=newest).value, Decimal(2))
        self.assertWhole(self.w.check_in.id)
        self.assertEqual(self.integrity(), "ok")
        figures.add("acknowledged_writes_lost", 0)

    def test_a_database_locked_by_another_writer_answers_503_and_recovers(self):
        other = sqlite3.connect(self.path, isolation_level=None, timeout=0)
        self.addCleanup(other.close)
        other.execute("BEGIN IMMEDIATE")
        before = self.counts()
        response = self.client.post(self.url, check_in_data(self.w))
        self.assertCalm503(response)
        other.execute("ROLLBACK")
        self.assertEqual(self.counts(), before)
        response = self.client.post(self.url, check_in_data(self.w))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.counts()[0], before[0] + 1)
        self.assertWhole(self.w.check_in.id)
        self.assertEqual(self.integrity(), "ok")
