"""`manage.py serve`: Bearing the production way — web workers and task workers.

    BEARING_ENV=production SECRET_KEY=... BEARING_ENCRYPTION_KEYS=... BEARING_AUDIT_KEY=... \\
        WEB_WORKERS=2 TASK_WORKERS=1 manage.py serve --bind 0.0.0.0:8000

It gathers the static files (hashed names and gzip copies, served by the web workers
themselves with a far-future cache), then starts gunicorn with ``WEB_WORKERS`` worker
processes and ``TASK_WORKERS`` task workers, and queues the reminders tick once a
minute. Ctrl-C or SIGTERM stops everything; if one process dies, all stop and the
command exits non-zero so a supervisor (systemd, a container runtime) restarts it.
Run ``manage.py migrate`` before, as part of each upgrade.
"""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from bearing.ops.supervise import supervise

# How long a web worker may spend on one request before gunicorn replaces it (a model
# call of the companion has its own, shorter limit).
REQUEST_TIMEOUT_SECONDS = 60


def web_command(*, bind: str, workers: int) -> list[str]:
    """Gunicorn's synchronous workers: one request at a time per process, as Django's
    database connections expect; measured against granian in the README."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "bearing.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        str(REQUEST_TIMEOUT_SECONDS),
        "--graceful-timeout",
        "10",
        # Bearing writes its own request lines (no paths, no tokens): no access log here.
        "--error-logfile",
        "-",
        "--no-control-socket",
    ]


def task_command() -> list[str]:
    return [
        sys.executable,
        str(settings.BASE_DIR / "manage.py"),
        "db_worker",
        "--no-reload",
        "--interval",
        "1",
    ]


class Command(BaseCommand):
    help = "Serve Bearing the production way: web workers (gunicorn) and task workers."

    def add_arguments(self, parser):
        default_bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
        parser.add_argument("--bind", default=default_bind, help="HOST:PORT to listen on.")
        parser.add_argument(
            "--web-workers", type=int, default=None, help="Default: WEB_WORKERS (2)."
        )
        parser.add_argument(
            "--task-workers", type=int, default=None, help="Default: TASK_WORKERS (1)."
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="The static files were gathered already (for example in an image build).",
        )

    def handle(self, *args, bind, web_workers, task_workers, no_collectstatic, **options):
        if not settings.PRODUCTION:
            raise CommandError(
                "`manage.py serve` is the production way: set BEARING_ENV=production and its "
                "keys (see the README). `make run` serves the demo."
            )
        web_workers = settings.WEB_WORKERS if web_workers is None else web_workers
        task_workers = settings.TASK_WORKERS if task_workers is None else task_workers
        if web_workers < 1 or task_workers < 0:
            raise CommandError("At least one web worker; task workers may be 0 (run elsewhere).")
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        children = [("web", subprocess.Popen(web_command(bind=bind, workers=web_workers)))]
        for i in range(task_workers):
            children.append((f"task worker {i + 1}", subprocess.Popen(task_command())))

        def started():
            self.stdout.write(
                f"Bearing is serving on http://{bind}/ with {web_workers} web "
                f"worker(s) and {task_workers} task worker(s). Ctrl-C stops everything."
            )
            self.stdout.flush()

        code = supervise(children, stdout=self.stdout, stderr=self.stderr, on_started=started)
        if code:
            sys.exit(code)
