"""Background tasks shared by every app."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


@task()
def deliver_email(
    *, to: list[str], subject: str, text: str, html: str, attachments: list[Any], template: str = ""
) -> int:
    """Send one prepared email. Raises on failure so the worker records it."""
    msg = EmailMultiAlternatives(subject=subject, body=text, to=to)
    if html:
        msg.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        msg.attach(filename, content, mimetype)
    return msg.send()


def tasks_requeue_abandoned(now: datetime | None = None) -> int:
    """Give back to the queue the tasks a worker started and never finished because it
    died (kill -9, a lost host): those still running ``TASK_LEASE_SECONDS`` after they
    started. The queue itself never does this, so without it such a task would wait for
    ever. A task may so run twice; Bearing's tasks are safe to repeat (reminders are
    claimed one by one; a notification is sent again at worst, never lost)."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY)
