from datetime import timedelta
from io import StringIO
from unittest.mock import patch

from django.core import mail
from django.core.management import call_command
from django.tasks import task_backends
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bearing.engagements import services
from bearing.testing import WorldTestCase, canary_strings

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _reset_task_backends():
    """Django has no setting_changed hook for TASKS: re-read it by hand."""
    from asgiref.local import Local

    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


class EmailThroughTheWorkerTests(WorldTestCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(_reset_task_backends)

    def test_notification_is_queued_then_sent_by_the_worker(self):
        with override_settings(TASKS=DB_TASKS):
            _reset_task_backends()
            with self.captureOnCommitCallbacks(execute=True):
                services.session_schedule(
                    engagement=self.w.engagement,
                    by=self.w.coach,
                    scheduled_for=timezone.now() + timedelta(days=2),
                )
            self.assertEqual(mail.outbox, [])
            queued = list(DBTaskResult.objects.all())
            self.assertEqual(len(queued), 2)
            for row in queued:
                stored = str(row.args_kwargs)
                for tag in canary_strings():
                    self.assertNotIn(tag, stored)
            # The worker recycles connections between tasks, which would end this
            # test's wrapping transaction on PostgreSQL; recycling is off for the run.
            with patch(
                "django_tasks_db.management.commands.db_worker.close_old_connections",
                lambda: None,
            ):
                call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), sorted([self.w.coach.email, self.w.coachee.email])
        )

    def test_invitation_is_sent_directly_so_its_link_never_rests_in_the_task_table(self):
        from bearing.accounts.services import invitation_create

        with override_settings(TASKS=DB_TASKS), self.captureOnCommitCallbacks(execute=True):
            _reset_task_backends()
            invitation_create(
                invited_by=self.w.coach,
                email="x@example.com",
                role="coachee",
                organization=self.w.organization,
            )
        self.assertEqual(DBTaskResult.objects.count(), 0)
        self.assertEqual(len(mail.outbox), 1)
