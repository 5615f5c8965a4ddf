"""`manage.py runall`: the web server and the task worker together, for `make run`.

Both run as child processes; Ctrl-C (or SIGTERM) stops both, and if either one
dies the other is stopped too and the command exits non-zero.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from bearing.exports.tasks import housekeeping_tick
from bearing.growth.tasks import reminders_tick
from bearing.ops.demo import DEMO_CODE_HINT, DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Serve Bearing on http://127.0.0.1:8000 together with its background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=1, help="How many task workers to start."
        )

    def handle(self, *args, addr: str, port: int, workers: int, **options):
        manage = [sys.executable, "manage.py"]
        children = [
            (
                "web",
                subprocess.Popen(
                    [
                        *manage,
                        "runserver",
                        f"{addr}:{port}",
                        "--noreload",
                        "--insecure",
                        "--skip-checks",
                    ]
                ),
            ),
        ]
        for i in range(workers):
            children.append(
                (
                    f"worker {i + 1}",
                    subprocess.Popen([*manage, "db_worker", "--no-reload", "--interval", "1"]),
                )
            )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Bearing is running on http://{addr}:{port}/"))
        self.stdout.write(f"Task workers: {workers}. Press Ctrl-C to stop everything.")
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for role, email, what in DEMO_LOGINS:
            self.stdout.write(f"  {role:<13} {email:<22} {what}")
        self.stdout.write(DEMO_CODE_HINT)
        self.stdout.flush()

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        next_tick = time.monotonic() + 5
        next_housekeeping = time.monotonic() + 10
        try:
            while not stopping:
                if time.monotonic() >= next_tick:
                    # Reminders: planned and sent by whichever worker picks this up.
                    try:
                        reminders_tick.enqueue()
                    except Exception as exc:  # noqa: BLE001 - keep serving
                        self.stderr.write(f"Could not queue the reminders tick: {exc}")
                    next_tick = time.monotonic() + 60
                if time.monotonic() >= next_housekeeping:
                    # Erasures due, records at the end of their retention, expired exports.
                    try:
                        housekeeping_tick.enqueue()
                    except Exception as exc:  # noqa: BLE001 - keep serving
                        self.stderr.write(f"Could not queue the housekeeping tick: {exc}")
                    next_housekeeping = time.monotonic() + 600
                for name, proc in children:
                    if proc.poll() is not None:
                        self.stderr.write(f"The {name} process stopped (exit {proc.returncode}).")
                        exit_code = 1
                        stopping = True
                        break
                time.sleep(0.3)
        finally:
            for _, proc in children:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for _, proc in children:
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            self.stdout.write("Stopped.")
        if exit_code:
            sys.exit(exit_code)
