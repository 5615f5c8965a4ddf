from datetime import timedelta

from django.tasks import TaskResultStatus
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bearing.lib.tasks import tasks_requeue_abandoned


def _task(status, started_minutes_ago=None):
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        started_at=None
        if started_minutes_ago is None
        else now - timedelta(minutes=started_minutes_ago),
        args_kwargs={"args": [], "kwargs": {}},
        task_path="bearing.growth.tasks.reminders_tick",
        backend_name="default",
        run_after=now,
        worker_ids=["dead"],
    )


@override_settings(TASK_LEASE_SECONDS=600)
class RequeueAbandonedTests(TestCase):
    def test_only_tasks_running_past_the_lease_go_back_to_the_queue(self):
        abandoned = _task(TaskResultStatus.RUNNING, started_minutes_ago=11)
        busy = _task(TaskResultStatus.RUNNING, started_minutes_ago=2)
        done = _task(TaskResultStatus.SUCCESSFUL, started_minutes_ago=30)
        waiting = _task(TaskResultStatus.READY)
        self.assertEqual(tasks_requeue_abandoned(), 1)
        statuses = {
            t.pk: DBTaskResult.objects.get(pk=t.pk).status for t in (abandoned, busy, done, waiting)
        }
        self.assertEqual(
            statuses,
            {
                abandoned.pk: TaskResultStatus.READY,
                busy.pk: TaskResultStatus.RUNNING,
                done.pk: TaskResultStatus.SUCCESSFUL,
                waiting.pk: TaskResultStatus.READY,
            },
        )
        # A requeued task is ready for the next worker.
        self.assertIn(abandoned.pk, DBTaskResult.objects.ready().values_list("pk", flat=True))
