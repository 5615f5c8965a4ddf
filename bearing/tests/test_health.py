"""Liveness and readiness: /healthz answers while the database does; /readyz also checks
the shared cache and that task workers are taking the queue."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.db import OperationalError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bearing.lib.tasks import deliver_email
from bearing.testing import canary_strings

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def queue_one() -> None:
    deliver_email.enqueue(to=["a@example.com"], subject="s", text="t", html="", attachments=[])


@override_settings(TASKS=DATABASE_TASKS)
class ReadinessTests(TestCase):
    def get(self):
        return self.client.get(reverse("readyz"))

    def test_ready_when_database_cache_and_queue_answer(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content.decode(), "database ok\ncache ok\ntasks ok\n")
        self.assertIn("no-store", response["Cache-Control"])

    def test_a_fresh_task_waiting_for_a_worker_is_still_ready(self):
        queue_one()
        self.assertEqual(DBTaskResult.objects.ready().count(), 1)
        self.assertEqual(self.get().status_code, 200)

    @override_settings(TASK_BACKLOG_SECONDS=60)
    def test_a_task_waiting_longer_than_the_backlog_limit_is_not_ready(self):
        queue_one()
        DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))
        response = self.get()
        self.assertEqual(response.status_code, 503)
        self.assertIn("tasks failing", response.content.decode())
        self.assertIn("database ok", response.content.decode())
        # A task planned for later is not a backlog.
        DBTaskResult.objects.update(run_after=timezone.now() + timedelta(hours=1))
        self.assertEqual(self.get().status_code, 200)

    def test_a_failing_cache_is_not_ready(self):
        with mock.patch("bearing.ops.health.cache.set", side_effect=OperationalError("down")):
            response = self.get()
        self.assertEqual(response.status_code, 503)
        self.assertIn("cache failing", response.content.decode())

    def test_it_names_no_record_or_person(self):
        body = self.get().content.decode()
        for canary in canary_strings():
            self.assertNotIn(canary, body)
        self.assertEqual(len(body.splitlines()), 3)

    def test_only_get(self):
        self.assertEqual(self.client.post(reverse("readyz")).status_code, 405)
