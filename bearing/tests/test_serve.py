"""`manage.py serve`: gunicorn web workers and task workers, started the production way,
with static files compressed and cached for a year, health and readiness, request lines.

One real start on a SQLite file in a temporary directory; it stops on SIGTERM.
"""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import skipUnless

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


class ServeRefusesDevelopmentTests(SimpleTestCase):
    def test_it_refuses_to_start_outside_production(self):
        with self.assertRaisesMessage(CommandError, "BEARING_ENV=production"):
            call_command("serve")


@skipUnless(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    "runs in the SQLite layer only: the server uses its own SQLite file either way",
)
class ServeTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(tmp.cleanup)
        data = Path(tmp.name)
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        cls.env = {
            **os.environ,
            "BEARING_DATA_DIR": str(data),
            "DATABASE_URL": "",
            "BEARING_ENV": "production",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "BEARING_ENCRYPTION_KEYS": f"k1:{key}",
            "BEARING_AUDIT_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(data / "static"),
            "WEB_WORKERS": "2",
            "TASK_WORKERS": "1",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=settings.BASE_DIR,
            env=cls.env,
            check=True,
            capture_output=True,
        )
        cls.port = _free_port()
        cls.log = data / "serve.log"
        cls.log_file = cls.log.open("w")
        cls.addClassCleanup(cls.log_file.close)
        cls.server = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{cls.port}"],
            cwd=settings.BASE_DIR,
            env=cls.env,
            stdout=cls.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        cls.addClassCleanup(cls._stop)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(cls.port, "/healthz").status == 200:
                    break
            except OSError:
                pass
            if cls.server.poll() is not None:
                raise AssertionError(f"serve stopped: {cls.log.read_text()[-3000:]}")
            time.sleep(0.2)
        else:
            raise AssertionError(f"serve did not answer: {cls.log.read_text()[-3000:]}")
        cls.manifest = json.loads((data / "static" / "staticfiles.json").read_text())["paths"]

    @classmethod
    def _stop(cls):
        """SIGTERM stops every process it started, and it exits 0 (checked last)."""
        if cls.server.poll() is not None:
            raise AssertionError(f"serve stopped early: {cls.log.read_text()[-3000:]}")
        cls.server.send_signal(signal.SIGTERM)
        try:
            code = cls.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(cls.server.pid, signal.SIGKILL)
            cls.server.wait()
            raise AssertionError("serve did not stop on SIGTERM") from None
        if code != 0 or "Stopped." not in cls.log.read_text():
            raise AssertionError(f"serve stopped badly ({code}): {cls.log.read_text()[-3000:]}")

    def test_health_and_readiness_answer(self):
        self.assertEqual(_get(self.port, "/healthz").status, 200)
        ready = _get(self.port, "/readyz")
        self.assertEqual(ready.status, 200, ready.body)

    def test_the_workers_it_started_are_the_configured_ones(self):
        started = self.log.read_text()
        self.assertIn("2 web worker(s) and 1 task worker(s)", started)
        self.assertIn("Booting worker", started)  # gunicorn's own word for each worker

    def test_static_files_are_compressed_and_cached_for_a_year(self):
        hashed = self.manifest["bearing/bearing.css"]
        self.assertNotEqual(hashed, "bearing/bearing.css")
        response = _get(self.port, f"/static/{hashed}", {"Accept-Encoding": "gzip"})
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Content-Encoding"), "gzip")
        self.assertIn("immutable", response.getheader("Cache-Control"))
        self.assertIn("max-age=315360000", response.getheader("Cache-Control"))
        css = gzip.decompress(response.body).decode()
        self.assertIn("{", css)
        # Pages link the hashed name.
        login = _get(self.port, "/login/")
        self.assertEqual(login.status, 200)
        self.assertIn(f"/static/{hashed}", login.body.decode())

    def test_each_request_writes_one_structured_line(self):
        _get(self.port, "/readyz", {"X-Request-ID": "serve-test-0001"})
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            lines = [
                json.loads(line)
                for line in self.log.read_text().splitlines()
                if line.startswith('{"event":"request"')
            ]
            mine = [line for line in lines if line["request_id"] == "serve-test-0001"]
            if mine:
                break
            time.sleep(0.1)
        self.assertEqual(mine[0]["route"], "readyz")
        self.assertEqual(mine[0]["status"], 200)
