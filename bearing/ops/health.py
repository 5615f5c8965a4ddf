"""Readiness: may this web worker be sent requests?

``/healthz`` (in ``bearing.views``) says the process answers and reaches its database:
a load balancer's liveness probe, and the floor every benchmark is compared with.
``/readyz`` checks what a page needs besides: the database, the shared cache (the sign-in
throttle counts there) and the task queue — a task that has waited longer than
``TASK_BACKLOG_SECONDS`` means no task worker is taking work, so email and reminders stop.

It answers 200 or 503 with one line per check, and names no record, person or count.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult, get_date_max


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache() -> bool:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    seen = cache.get(key) == "1"
    cache.delete(key)
    return seen


def _tasks() -> bool:
    """No task due for longer than the backlog limit is still waiting for a worker."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return True  # another backend: its own service watches its queue
    limit = timezone.now() - timedelta(seconds=settings.TASK_BACKLOG_SECONDS)
    stalled = (
        DBTaskResult.objects.ready()
        .filter(enqueued_at__lt=limit)
        .filter(Q(run_after=get_date_max()) | Q(run_after__lt=limit))
    )
    return not stalled.exists()


CHECKS = (("database", _database), ("cache", _cache), ("tasks", _tasks))


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    lines = []
    ready = True
    for name, check in CHECKS:
        try:
            ok = check()
        except Exception:  # a failing check is reported, never raised
            ok = False
        ready = ready and ok
        lines.append(f"{name} {'ok' if ok else 'failing'}")
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain", status=200 if ready else 503
    )
