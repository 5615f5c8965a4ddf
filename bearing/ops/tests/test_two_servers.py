"""Bearing on more than one machine: two `manage.py serve` processes (each its own
gunicorn and task worker, each its own supervisor queuing the ticks) on one PostgreSQL
database and the database cache they share.

Through both servers: people sign in (a coach with the second factor), write, and read
each other's writes; a session cookie from one server works on the other. Notifications
and due reminders queued before the start are sent by whichever worker is free: each
exactly once, and both workers take part. Failed sign-ins spread over the two servers
pause the account and the client address after the same totals as on one server.

PostgreSQL only (SQLite is one machine's file). The database is a copy of the suite's
migrated test database (``CREATE DATABASE ... TEMPLATE``), dropped at the end.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from unittest import skipUnless
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import OperationalError, connection
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from bearing.accounts import factors, throttle
from bearing.testing import PASSWORD

NOTIFICATIONS = 10
ACTIONS = 12  # reminders due now, for one person whose daily cap allows them all
TOTP_SECRET = base64.b32encode(b"two-servers-test-secret").decode()

SETUP_SCRIPT = """
import json, os
from datetime import date, time
from django.core.cache import cache
from bearing.accounts.models import TotpDevice
from bearing.engagements.models import Action
from bearing.growth.models import NotificationPreference
from bearing.lib.tasks import deliver_email
from bearing.testing import make_world

cache.clear()
args = json.loads(os.environ["TWO_SERVERS_SETUP"])
w = make_world()
TotpDevice.objects.create(user=w.coach, name="Phone", secret=args["secret"])
NotificationPreference.objects.create(
    user=w.coachee, quiet_start=time(0), quiet_end=time(0), daily_cap=20
)
for i in range(args["actions"]):
    Action.objects.create(
        engagement=w.engagement, owner=w.coachee, created_by=w.coachee,
        title=f"Step {i}", due_on=date.fromisoformat(args["today"]),
    )
for i in range(args["notifications"]):
    deliver_email.enqueue(
        to=[f"person{i:02d}@example.com"], subject=f"Notification {i:02d}",
        text="A coaching session was scheduled.", html="", attachments=[],
    )
print(json.dumps({
    "engagement": str(w.engagement.code),
    "key_result": w.key_result.id,
    "coach": w.coach.email,
    "coachee": w.coachee.email,
    "sponsor": w.sponsor.email,
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One person's browser over plain HTTP: cookies, the CSRF header, and the client
    address a trusted proxy would forward."""

    def __init__(self, port: int, address: str = "198.51.100.20"):
        self.port = port
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, *, port: int = 0):
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=30)
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-For": self.address,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            content = response.read().decode()
        finally:
            conn.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", content

    def try_password(self, email: str, password: str, *, port: int = 0) -> tuple[int, str, str]:
        if "csrftoken" not in self.cookies:
            self.request("GET", "/login/", port=port)
        return self.request("POST", "/login/", {"username": email, "password": password}, port=port)


@skipUnless(
    settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    "runs in the PostgreSQL layer only: several machines share a database server",
)
class TwoServersOneDatabaseTests(TransactionTestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)
        self.servers: dict[str, tuple[subprocess.Popen, int]] = {}
        self.addCleanup(self.print_logs)  # shown by the test runner when the test fails
        self.database, unmigrated = self.clone_test_database()
        self.env = self.production_env()
        if unmigrated:
            self.manage("migrate", "--noinput", "-v0")

    # --- the database: a copy of the migrated test database ---------------------------------

    def clone_test_database(self) -> tuple[str, bool]:
        """A copy of the suite's migrated database, made in a second; if another
        connection holds the template, an empty database migrated here instead."""
        name = f"bearing_two_servers_{uuid.uuid4().hex[:8]}"
        qn = connection.ops.quote_name
        template = qn(connection.settings_dict["NAME"])
        migrate = False
        with connection.cursor() as cursor:
            try:
                cursor.execute(f"CREATE DATABASE {qn(name)} TEMPLATE {template}")
            except OperationalError:  # "source database is being accessed by other users"
                cursor.execute(f"CREATE DATABASE {qn(name)}")
                migrate = True

        def drop():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {qn(name)} WITH (FORCE)")

        self.addCleanup(drop)
        return name, migrate

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Read the servers' database (the test's own connection is to the template)."""
        import psycopg

        s = connection.settings_dict
        with psycopg.connect(
            host=s["HOST"] or None,
            port=s["PORT"] or None,
            user=s["USER"] or None,
            password=s["PASSWORD"] or None,
            dbname=self.database,
            autocommit=True,
        ) as conn:
            return conn.execute(query, params).fetchall()

    def production_env(self) -> dict[str, str]:
        s = connection.settings_dict
        auth = quote(s["USER"] or "", safe="")
        if s["PASSWORD"]:
            auth += ":" + quote(s["PASSWORD"], safe="")
        host = s["HOST"] or "127.0.0.1"
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{auth}@{host}:{s['PORT'] or 5432}/{self.database}",
            "BEARING_ENV": "production",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "BEARING_ENCRYPTION_KEYS": "k1:"
            + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "BEARING_AUDIT_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "BEARING_DATA_DIR": str(self.tmp / "data"),
            "BEARING_DATA_KEYS_BACKUP": str(self.tmp / "data" / "data-keys.json"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(self.tmp / "static"),
            # Both servers stand behind one proxy on this machine, which forwards the client's
            # address: the throttles count per real address.
            "BEARING_TRUSTED_PROXIES": "127.0.0.1",
            # Each message takes a moment to send (as an SMTP server's answer does), so the
            # two workers are busy at the same time.
            "EMAIL_BACKEND": "bearing.testing.SlowFileEmailBackend",
            "SLOW_EMAIL_SECONDS": "0.2",
            "REQUEST_LOG": "0",
        }
        for name in ("CACHE_URL", "TASKS_BACKEND", "WEB_WORKERS", "TASK_WORKERS"):
            env.pop(name, None)
        return env

    def manage(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env={**self.env, **env},
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise AssertionError(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
        return done

    # --- the servers -------------------------------------------------------------------------

    def start_server(self, name: str) -> int:
        port = _free_port()
        mail = self.tmp / f"mail-{name}"
        log = (self.tmp / f"serve-{name}.log").open("w")
        self.addCleanup(log.close)
        server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--web-workers",
                "1",
                "--task-workers",
                "1",
                "--no-collectstatic",
            ],  # fmt: skip
            cwd=settings.BASE_DIR,
            env={**self.env, "EMAIL_FILE_PATH": str(mail)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.addCleanup(self.stop_server, server, name)
        self.servers[name] = (server, port)
        return port

    def stop_server(self, server: subprocess.Popen, name: str) -> None:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        waiting = dict(self.servers)
        while waiting and time.monotonic() < deadline:
            for name, (server, port) in list(waiting.items()):
                if server.poll() is not None:
                    self.fail(f"server {name} stopped:\n{self.log(name)}")
                # Our own gunicorn holds the port (not another program that took it first).
                if f"Listening at: http://127.0.0.1:{port} " not in self.log(name, tail=0):
                    continue
                try:
                    if Browser(port).request("GET", "/healthz")[0] == 200:
                        del waiting[name]
                except OSError:
                    pass
            time.sleep(0.2)
        if waiting:
            self.fail(f"not serving after a minute: {sorted(waiting)}")

    def print_logs(self) -> None:
        for name in self.servers:
            print(f"--- server {name} ---\n{self.log(name, tail=0)}")

    def log(self, name: str, tail: int = 3000) -> str:
        """The server's output (its last ``tail`` characters; 0: all of it)."""
        return (self.tmp / f"serve-{name}.log").read_text()[-tail:]

    # --- what the workers did ----------------------------------------------------------------

    def subjects(self) -> dict[str, list[str]]:
        """Subject lines each server's task worker sent."""
        out = {}
        for name in self.servers:
            mail = self.tmp / f"mail-{name}"
            found: list[str] = []
            for f in sorted(mail.glob("*.log")) if mail.exists() else []:
                found += re.findall(r"^Subject: (.+)$", f.read_text(), flags=re.MULTILINE)
            out[name] = found
        return out

    def all_sent(self) -> bool:
        sent = self.sql("SELECT COUNT(*) FROM growth_reminder WHERE status = 'sent'")[0][0]
        ticks = self.sql(
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE %s AND status = 'SUCCESSFUL'",
            ("%reminders_tick",),
        )[0][0]
        unfinished = self.sql(
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status IN ('READY', 'RUNNING')"
        )[0][0]
        return sent >= ACTIONS and ticks >= 2 and unfinished == 0

    # --- the test ----------------------------------------------------------------------------

    def test_two_servers_share_sign_ins_writes_tasks_and_throttles(self):
        DASHBOARD = reverse("dashboard")
        collect = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        setup = self.manage(
            "shell",
            "-c",
            SETUP_SCRIPT,
            TWO_SERVERS_SETUP=json.dumps(
                {
                    "secret": TOTP_SECRET,
                    "actions": ACTIONS,
                    "notifications": NOTIFICATIONS,
                    "today": str(timezone.localdate()),
                }
            ),
        )
        ids = json.loads(setup.stdout.strip().splitlines()[-1])
        self.assertEqual(collect.wait(timeout=120), 0, collect.stderr.read())
        collect.stderr.close()

        port_a = self.start_server("a")
        port_b = self.start_server("b")
        self.wait_until_serving()

        # Sign in through both: the coachee on A, the coach (with the second factor) on B.
        coachee = Browser(port_a)
        status, location, page = coachee.try_password(ids["coachee"], PASSWORD)
        self.assertEqual((status, location), (302, DASHBOARD), page[-3000:])
        coach = Browser(port_b)
        status, location, _ = coach.try_password(ids["coach"], PASSWORD)
        self.assertEqual((status, location), (302, reverse("accounts:login_code")))
        status, location, _ = coach.request(
            "POST",
            reverse("accounts:login_code"),
            {"code": factors.code_at(TOTP_SECRET, time.time())},
        )
        self.assertEqual((status, location), (302, DASHBOARD), "the coach signs in on B")

        # Write on A, read on B.
        engagement = ids["engagement"]
        wins = f"Spoke first in the exec meeting ({uuid.uuid4().hex[:8]})"
        status, location, _ = coachee.request(
            "POST",
            f"/engagements/{engagement}/check-in/",
            {"confidence": "7", "energy": "6", "wins": wins, f"kr_{ids['key_result']}": "2"},
        )
        self.assertEqual(status, 302, "the check-in is taken on A")
        status, _, page = coach.request("GET", f"/engagements/{engagement}/check-ins/")
        self.assertEqual(status, 200)
        self.assertIn(wins, page, "the coach reads on B what the coachee wrote on A")

        # Write on B, read on A.
        room = f"Room {uuid.uuid4().hex[:6]}"
        when = timezone.localtime(timezone.now() + timedelta(days=5))
        status, location, _ = coach.request(
            "POST",
            f"/engagements/{engagement}/sessions/new/",
            {"scheduled_for": when.strftime("%Y-%m-%d 10:00"), "location": room},
        )
        self.assertEqual(status, 302, "the session is scheduled on B")
        self.assertRegex(location, r"^/sessions/[0-9a-f-]{36}/$")
        status, _, page = coachee.request("GET", location)
        self.assertEqual(status, 200)
        self.assertIn(room, page, "the coachee reads on A what the coach wrote on B")

        # One sign-in, any server: the coachee's cookie from A works on B.
        status, _, page = coachee.request(
            "GET", f"/engagements/{engagement}/check-ins/", port=port_b
        )
        self.assertEqual(status, 200)
        self.assertIn(wins, page)

        # The account throttle: failures alternate between the servers; the pause comes
        # after exactly as many as one server allows.
        limit = throttle.LOGIN_ACCOUNT.count
        ports = [port_a, port_b]
        csrf = coachee.cookies["csrftoken"]  # a new browser each time, one form token for all
        for i in range(limit):
            stranger = Browser(ports[i % 2], address=f"192.0.2.{i + 1}")
            stranger.cookies["csrftoken"] = csrf
            status, _, _ = stranger.try_password(ids["sponsor"], "wrong-wrong-wrong")
            self.assertEqual(status, 200, f"failure {i + 1} of {limit} is only refused")
        for port in ports:
            status, _, page = Browser(port, address="192.0.2.200").try_password(
                ids["sponsor"], PASSWORD
            )
            self.assertEqual(status, 429, "the account is paused on both servers")
            self.assertIn("Too many attempts to sign in to this account", page)

        # The address throttle: failures from one address, over many accounts, alternate
        # between the servers. (An empty password is a failed sign-in like any other, and
        # costs no password hashing: the test stays quick.)
        limit = throttle.LOGIN_ADDRESS.count
        sprayer = "203.0.113.9"
        for i in range(limit):
            stranger = Browser(ports[i % 2], address=sprayer)
            stranger.cookies["csrftoken"] = csrf
            status, _, _ = stranger.try_password(f"someone{i:02d}@example.com", "")
            self.assertEqual(status, 200, f"failure {i + 1} of {limit} is only refused")
        for port in ports:
            status, _, page = Browser(port, address=sprayer).try_password(ids["coachee"], PASSWORD)
            self.assertEqual(status, 429, "the address is paused on both servers")
            self.assertIn("from your network", page)
        # Everyone else still signs in, on either server.
        status, location, _ = Browser(port_b).try_password(ids["coachee"], PASSWORD)
        self.assertEqual((status, location), (302, DASHBOARD))

        # The tasks: both supervisors queued the reminders tick; the queued notifications,
        # the session invitations (two, queued by B's web worker) and the due reminders were
        # taken by whichever worker was free, each exactly once.
        deadline = time.monotonic() + 60
        while not self.all_sent():
            if time.monotonic() > deadline:
                self.fail(f"tasks not done after a minute:\n{self.log('a')}\n{self.log('b')}")
            time.sleep(0.3)
        tasks = self.sql(
            "SELECT task_path, status, worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE status NOT IN ('READY', 'RUNNING')"
        )
        self.assertEqual({status for _, status, _ in tasks}, {"SUCCESSFUL"})
        for path, _, workers in tasks:
            self.assertEqual(len(workers), 1, f"{path} ran more than once: {workers}")
        self.assertEqual(
            len({workers[0] for _, _, workers in tasks}), 2, "both task workers took tasks"
        )
        self.assertGreaterEqual(
            sum(path.endswith("reminders_tick") for path, _, _ in tasks),
            2,
            "each supervisor queued the reminders tick",
        )

        subjects = self.subjects()
        every = subjects["a"] + subjects["b"]
        for i in range(NOTIFICATIONS):
            self.assertEqual(every.count(f"Notification {i:02d}"), 1, f"notification {i}")
        reminders = [s for s in every if s.startswith("An action is due")]
        self.assertEqual(len(reminders), ACTIONS, "each due reminder is sent exactly once")
        self.assertEqual(
            self.sql("SELECT COUNT(*) FROM growth_reminder WHERE status = 'sent'")[0][0], ACTIONS
        )
        invitations = [s for s in every if s.startswith("Coaching session on")]
        self.assertEqual(len(invitations), 2, "one invitation each for the coach and coachee")
        self.assertTrue(subjects["a"] and subjects["b"], "both workers sent mail")

        # Both servers stop cleanly on SIGTERM, as a process manager stops them.
        for server, _ in self.servers.values():
            server.send_signal(signal.SIGTERM)
        for name, (server, _) in self.servers.items():
            self.assertEqual(server.wait(timeout=30), 0, self.log(name))
