"""`manage.py runall`: the web server and the task worker together, for `make run`.

Both run as child processes; Ctrl-C (or SIGTERM) stops both, and if either one
dies the other is stopped too and the command exits non-zero.
"""

from __future__ import annotations

import os
import subprocess
import sys

from django.core.management.base import BaseCommand

from bearing.ops.demo import DEMO_CODE_HINT, DEMO_LOGINS, DEMO_PASSWORD
from bearing.ops.supervise import supervise


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

        code = supervise(children, stdout=self.stdout, stderr=self.stderr)
        if code:
            sys.exit(code)
