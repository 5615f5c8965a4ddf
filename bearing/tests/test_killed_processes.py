"""kill -9 in the middle of writes: a real web server and a real task worker on a
SQLite file in WAL mode, killed (SIGKILL) while they write, then started again.

Afterwards every acknowledged write is there (a check-in answered with a redirect;
a notification queued), the file passes ``PRAGMA integrity_check``, and nothing is
half-written (no check-in without its readings; no task marked done without its
finish, none left running for ever).

Each test starts from a copy of one migrated database with demo data, built once
for the module.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import skipUnless
from urllib.parse import urlencode

from django.conf import settings
from django.test import SimpleTestCase

from bearing.ops.demo import DEMO_PASSWORD

from . import figures

DB_NAME = "bearing.sqlite3"
COACHEE = "leader@demo.bearing"

IDS_SCRIPT = (
    "import json\n"
    "from bearing.accounts.models import User\n"
    "from bearing.growth.models import Goal, KeyResult\n"
    f"u = User.objects.get(email={COACHEE!r})\n"
    "e = u.coachee_engagements.filter(status='active').first()\n"
    "goals = Goal.objects.filter(engagement=e, status='active')\n"
    "print(json.dumps({'engagement': str(e.code),"
    " 'key_results': [k.id for k in KeyResult.objects.filter(goal__in=goals)],"
    " 'rated_goals': [g.id for g in goals.filter(kind='qualitative')]}))\n"
)

NOTIFICATIONS = 12
QUEUE_SCRIPT = (
    "from datetime import timedelta\n"
    "from django.utils import timezone\n"
    "from bearing.accounts.models import User\n"
    "from bearing.engagements.models import Action\n"
    "from bearing.growth.models import NotificationPreference, Reminder\n"
    "from bearing.growth.tasks import reminders_tick\n"
    "from bearing.lib.tasks import deliver_email\n"
    f"for i in range({NOTIFICATIONS}):\n"
    "    deliver_email.enqueue(to=[f'person{i:02d}@example.com'],"
    " subject=f'Notification {i:02d}', text='A coaching session was scheduled.', html='',"
    " attachments=[])\n"
    "u = User.objects.get(email='coach@demo.bearing')\n"
    "NotificationPreference.objects.update_or_create(user=u, defaults=dict("
    "quiet_start='00:00', quiet_end='00:00', daily_cap=20))\n"
    "e = u.coaching_engagements.first()\n"
    "for i in range(20):\n"
    "    a = Action.objects.create(engagement=e, owner=u, title=f'Task {i:02d}', created_by=u,"
    " due_on=timezone.localdate())\n"
    "    Reminder.objects.create(kind='action_due', user=u,"
    " subject_key=f'action:{a.code}:{a.due_on}', due_at=timezone.now() - timedelta(minutes=1))\n"
    "reminders_tick.enqueue()\n"
)
TICK_SCRIPT = "from bearing.growth.tasks import reminders_tick\nreminders_tick.enqueue()\n"


def _env(data_dir: Path, **extra) -> dict[str, str]:
    env = {
        **os.environ,
        "BEARING_DATA_DIR": str(data_dir),
        "DATABASE_URL": "",
        "DEBUG": "0",
        "EMAIL_FILE_PATH": str(data_dir / "mail"),
        **extra,
    }
    # The keys are the files in the data directory, copied with the database.
    for name in ("BEARING_ENCRYPTION_KEYS", "BEARING_AUDIT_KEY", "BEARING_ENV"):
        env.pop(name, None)
    return env


def _manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _spawn(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    if process.stderr:
        process.stderr.close()
    figures.add("faults_injected")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _integrity(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


class Browser:
    """A signed-in person's browser, over plain HTTP: cookies and the CSRF header."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, timeout: float = 15):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", content

    def sign_in(self, email: str, password: str) -> None:
        self.request("GET", "/login/")
        status, location, _ = self.request(
            "POST", "/login/", {"username": email, "password": password}
        )
        if status != 302 or "/login" in location:
            raise AssertionError(f"sign-in failed: {status} {location}")


@skipUnless(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    "runs in the SQLite layer only: its processes use their own SQLite file either way",
)
class KilledProcessTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._template_dir = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls._template_dir.cleanup)
        template = Path(cls._template_dir.name)
        env = _env(template)
        _manage(env, "migrate", "-v0")
        _manage(env, "demo_data")
        cls.ids = json.loads(_manage(env, "shell", "-c", IDS_SCRIPT).strip().splitlines()[-1])
        cls.template = template

    def project(self) -> Path:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        target = Path(tmp.name) / "data"
        shutil.copytree(self.template, target)
        return target

    # --- the web server ---------------------------------------------------------------

    def start_web(self, env: dict) -> tuple[subprocess.Popen, int]:
        port = _free_port()
        server = _spawn(
            env, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure", "--skip-checks"
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if Browser(port).request("GET", "/healthz", timeout=2)[0] == 200:
                    return server, port
            except OSError:
                pass
            if server.poll() is not None:
                raise AssertionError(f"the web server stopped: {server.stderr.read()[-2000:]}")
            time.sleep(0.1)
        server.kill()
        raise AssertionError("the web server did not start")

    def check_in_form(self, n: int) -> dict:
        form = {"confidence": "7", "energy": "6", "wins": f"Write {n}"}
        for kr in self.ids["key_results"]:
            form[f"kr_{kr}"] = str(n)
        for goal in self.ids["rated_goals"]:
            form[f"rating_{goal}"] = "5"
        return form

    def readings_by_value(self, path: Path) -> tuple[dict[int, int], list[tuple]]:
        """{key result value: check-in id}, and every check-in lacking a reading."""
        per_check_in = len(self.ids["key_results"]) + len(self.ids["rated_goals"])
        kr = self.ids["key_results"][0]
        db = sqlite3.connect(path)
        try:
            values = dict(
                db.execute(
                    "SELECT CAST(value AS INTEGER), check_in_id FROM growth_reading "
                    "WHERE key_result_id = ?",
                    [kr],
                ).fetchall()
            )
            incomplete = db.execute(
                "SELECT c.id, COUNT(r.id) FROM growth_checkin c "
                "LEFT JOIN growth_reading r ON r.check_in_id = c.id "
                "GROUP BY c.id HAVING COUNT(r.id) != ?",
                [per_check_in],
            ).fetchall()
        finally:
            db.close()
        return values, incomplete

    def test_a_web_server_killed_mid_write_loses_no_acknowledged_check_in(self):
        data = self.project()
        env = _env(data)
        db_path = data / DB_NAME
        path = f"/engagements/{self.ids['engagement']}/check-in/"
        numbers = itertools.count(1000)
        acknowledged: set[int] = set()
        refused: list[str] = []
        lock = threading.Lock()
        _, incomplete_before = self.readings_by_value(db_path)
        browser = None
        rounds = 3
        for _ in range(rounds):
            server, port = self.start_web(env)
            if browser is None:
                browser = Browser(port)
                browser.sign_in(COACHEE, DEMO_PASSWORD)
            browser.port = port  # the same login session, after the restart
            round_acks: list[int] = []

            def write(browser=browser, round_acks=round_acks):
                while True:
                    with lock:
                        n = next(numbers)
                    try:
                        status, location, _ = browser.request("POST", path, self.check_in_form(n))
                    except OSError:
                        return  # the server is gone; this write is unknown, not acknowledged
                    with lock:
                        if status == 302 and "/login" not in location:
                            acknowledged.add(n)
                            round_acks.append(n)
                        else:
                            refused.append(f"{n}: {status}")
                            return

            writers = [threading.Thread(target=write) for _ in range(3)]
            for t in writers:
                t.start()
            deadline = time.monotonic() + 30
            while len(round_acks) < 8 and time.monotonic() < deadline and not refused:
                time.sleep(0.01)
            _kill(server)  # mid-stream: three writes are in flight
            for t in writers:
                t.join(timeout=20)
            self.assertEqual(refused, [])
            self.assertGreaterEqual(len(round_acks), 8)

            # Recovery happens on the next open; nothing to repair by hand.
            self.assertEqual(_integrity(db_path), "ok")
            values, incomplete = self.readings_by_value(db_path)
            lost = sorted(acknowledged - set(values))
            figures.add("acknowledged_writes_lost", len(lost))
            self.assertEqual(lost, [], "acknowledged check-ins missing after kill -9")
            self.assertEqual(incomplete, incomplete_before, "a check-in without its readings")

        # After the last kill the server starts and takes writes again.
        server, port = self.start_web(env)
        try:
            browser.port = port
            status, _, _ = browser.request("POST", path, self.check_in_form(1))
            self.assertEqual(status, 302)
        finally:
            server.terminate()
            server.wait(timeout=10)
            server.stderr.close()
        self.assertGreaterEqual(len(acknowledged), 8 * rounds)

    # --- the task worker ---------------------------------------------------------------

    def subjects(self, data: Path) -> list[str]:
        mail = data / "mail"
        found = []
        for f in mail.glob("*.log") if mail.exists() else []:
            found += re.findall(r"^Subject: (.+)$", f.read_text(), flags=re.MULTILINE)
        return found

    def task_states(self, path: Path) -> dict[str, int]:
        db = sqlite3.connect(path)
        try:
            states = dict(
                db.execute(
                    "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult "
                    "GROUP BY status"
                ).fetchall()
            )
            half = db.execute(
                "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
                "WHERE (status IN ('SUCCESSFUL', 'FAILED') AND finished_at IS NULL) "
                "OR (status = 'RUNNING' AND started_at IS NULL)"
            ).fetchone()[0]
            half += db.execute(
                "SELECT COUNT(*) FROM growth_reminder WHERE status = 'sent' AND sent_at IS NULL"
            ).fetchone()[0]
        finally:
            db.close()
        self.assertEqual(half, 0, "a half-written task or reminder")
        return states

    def wait_for(self, condition, seconds: float, what: str):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    def test_a_task_worker_killed_while_sending_loses_no_notification(self):
        data = self.project()
        env = _env(
            data,
            EMAIL_BACKEND="bearing.testing.SlowFileEmailBackend",
            SLOW_EMAIL_SECONDS="0.1",
            REMINDER_LEASE_SECONDS="2",
            TASK_LEASE_SECONDS="2",
        )
        db_path = data / DB_NAME
        _manage(env, "shell", "-c", QUEUE_SCRIPT)
        worker_args = ("db_worker", "--no-reload", "--interval", "0.2", "--no-startup-delay")
        # Killed twice: while sending notifications, then in the middle of the reminders.
        for enough in (4, NOTIFICATIONS + 6):
            worker = _spawn(env, *worker_args)
            self.wait_for(lambda n=enough: len(self.subjects(data)) >= n, 30, f"{enough} mails")
            _kill(worker)
            self.assertEqual(_integrity(db_path), "ok")
            self.task_states(db_path)
        self.assertLess(len(self.subjects(data)), NOTIFICATIONS + 20, "killed too late")

        # Started again; a minute's tick (as `runall` queues) after the dead worker's
        # lease has run out gives its unfinished tasks back, and they are done.
        time.sleep(2.2)
        worker = _spawn(env, *worker_args)
        try:
            _manage(env, "shell", "-c", TICK_SCRIPT)

            def all_done():
                states = self.task_states(db_path)
                return set(states) == {"SUCCESSFUL"}

            self.wait_for(all_done, 40, "every task to finish")
        finally:
            worker.terminate()
            worker.wait(timeout=10)
            worker.stderr.close()
        self.assertEqual(_integrity(db_path), "ok")
        subjects = self.subjects(data)
        missing = [
            f"Notification {i:02d}"
            for i in range(NOTIFICATIONS)
            if f"Notification {i:02d}" not in subjects
        ]
        reminders = [s for s in subjects if s.startswith("An action is due")]
        figures.add("acknowledged_writes_lost", len(missing) + max(0, 20 - len(reminders)))
        self.assertEqual(missing, [], "queued notifications never sent")
        # Reminders are claimed one by one: each is sent exactly once.
        self.assertEqual(len(reminders), 20)
