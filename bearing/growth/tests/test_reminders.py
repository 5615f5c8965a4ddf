"""Reminders under a frozen clock: time zones, daylight saving, quiet hours, the
daily cap, opt-out; and exactly-once delivery with two workers or a killed one."""

import threading
from datetime import UTC, datetime, time, timedelta

from django.core import mail
from django.db import connection
from django.test import TransactionTestCase, skipUnlessDBFeature
from django.urls import reverse
from django.utils import timezone

from bearing.engagements.models import Action
from bearing.growth.models import (
    CheckInRhythm,
    NotificationPreference,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from bearing.growth.reminders import (
    next_check_in_due,
    reminders_plan,
    reminders_send,
    unsubscribe_token,
)
from bearing.testing import WorldTestCase, canary_strings, make_world


def utc(*args):
    return datetime(*args, tzinfo=UTC)


class RhythmTests(WorldTestCase):
    def test_weekly_slot_in_the_coachees_time_zone_across_daylight_saving(self):
        rhythm = CheckInRhythm(
            engagement=self.w.engagement,
            weekday=4,
            time_of_day=time(16),
            time_zone="America/New_York",
        )
        # Friday 31 Oct 2025 16:00 EDT is 20:00 UTC; a week later (after the clocks
        # go back on 2 Nov) Friday 7 Nov 16:00 EST is 21:00 UTC.
        first = next_check_in_due(rhythm, utc(2025, 10, 29, 12))
        self.assertEqual(first.astimezone(UTC), utc(2025, 10, 31, 20))
        second = next_check_in_due(rhythm, first)
        self.assertEqual(second.astimezone(UTC), utc(2025, 11, 7, 21))

    def test_every_two_weeks(self):
        rhythm = CheckInRhythm(
            engagement=self.w.engagement,
            weekday=0,
            time_of_day=time(9),
            time_zone="Europe/London",
            every_weeks=2,
        )
        first = next_check_in_due(rhythm, utc(2026, 3, 2, 10))  # just after Monday 9:00
        self.assertEqual(first.astimezone(UTC), utc(2026, 3, 16, 9))


class PlanAndSendTests(WorldTestCase):
    def setUp(self):
        super().setUp()
        self.now = utc(2030, 1, 8, 14)  # a frozen clock: 14:00 UTC, daytime in London and New York
        self.w.next_session.scheduled_for = self.now + timedelta(hours=20)
        self.w.next_session.save()

    def test_planning_twice_plans_once(self):
        first = reminders_plan(self.now)
        self.assertGreater(first, 0)
        self.assertEqual(reminders_plan(self.now), 0)

    def test_session_tomorrow_reaches_both_and_carries_no_confidential_text(self):
        reminders_plan(self.now)
        reminders_send(self.now)
        kinds = {(m.to[0], m.subject.split(" with")[0]) for m in mail.outbox}
        self.assertIn((self.w.coach.email, "Coaching session tomorrow"), kinds)
        self.assertIn((self.w.coachee.email, "Coaching session tomorrow"), kinds)
        for m in mail.outbox:
            self.assertIn("List-Unsubscribe", m.extra_headers)
            self.assertTrue(m.alternatives)
            for tag in canary_strings():
                self.assertNotIn(tag, m.message().as_string())

    def test_quiet_hours_in_the_recipients_time_zone_defer_the_reminder(self):
        Reminder.objects.create(
            kind=ReminderKind.ACTION_DUE,
            user=self.w.coachee,
            subject_key=f"action:{self.w.action.code}:x",
            due_at=utc(2026, 1, 5),
        )
        # 03:00 UTC is 22:00 in New York: quiet (21:00–08:00 by default).
        self.assertEqual(reminders_send(utc(2026, 1, 6, 3)), 0)
        r = Reminder.objects.get()
        self.assertEqual(r.status, ReminderStatus.PENDING)
        self.assertEqual(r.due_at, utc(2026, 1, 6, 13))  # 08:00 New York
        self.assertEqual(reminders_send(utc(2026, 1, 6, 13, 5)), 1)

    def test_daily_cap_holds_the_rest_for_tomorrow(self):
        NotificationPreference.objects.create(user=self.w.coachee, daily_cap=2)
        for i in range(3):
            a = Action.objects.create(
                engagement=self.w.engagement,
                owner=self.w.coachee,
                title="t",
                due_on=timezone.localdate(),
                created_by=self.w.coachee,
            )
            Reminder.objects.create(
                kind=ReminderKind.ACTION_DUE,
                user=self.w.coachee,
                subject_key=f"action:{a.code}:{i}",
                due_at=utc(2026, 1, 5),
            )
        at = utc(2026, 1, 6, 15)  # 10:00 in New York
        self.assertEqual(reminders_send(at), 2)
        held = Reminder.objects.get(status=ReminderStatus.PENDING)
        self.assertEqual(held.due_at, utc(2026, 1, 7, 13))
        self.assertEqual(reminders_send(at + timedelta(hours=1)), 0)
        self.assertEqual(reminders_send(utc(2026, 1, 7, 13, 1)), 1)

    def test_opt_out_and_unsubscribe_link_are_honoured(self):
        token = unsubscribe_token(self.w.coachee, ReminderKind.ACTION_DUE)
        url = reverse("growth:unsubscribe", args=[token])
        self.assertContains(self.client.get(url), "Stop “Action due” reminders?")
        self.client.post(url)
        Reminder.objects.create(
            kind=ReminderKind.ACTION_DUE,
            user=self.w.coachee,
            subject_key=f"action:{self.w.action.code}:y",
            due_at=utc(2026, 1, 5),
        )
        self.assertEqual(reminders_send(utc(2026, 1, 6, 15)), 0)
        self.assertEqual(Reminder.objects.get().status, ReminderStatus.SKIPPED)
        self.assertEqual(
            self.client.get(reverse("growth:unsubscribe", args=["forged"])).status_code, 404
        )

    def test_completed_action_is_not_reminded(self):
        Reminder.objects.create(
            kind=ReminderKind.ACTION_DUE,
            user=self.w.coachee,
            subject_key=f"action:{self.w.action.code}:z",
            due_at=utc(2026, 1, 5),
        )
        Action.objects.filter(pk=self.w.action.pk).update(completed_at=timezone.now())
        self.assertEqual(reminders_send(utc(2026, 1, 6, 15)), 0)
        self.assertEqual(Reminder.objects.get().skip_reason, "no longer relevant")

    def test_a_killed_worker_loses_nothing_and_duplicates_nothing(self):
        actions = []
        for i in range(5):
            a = Action.objects.create(
                engagement=self.w.engagement,
                owner=self.w.coach,
                title="t",
                due_on=timezone.localdate(),
                created_by=self.w.coach,
            )
            actions.append(a)
            Reminder.objects.create(
                kind=ReminderKind.ACTION_DUE,
                user=self.w.coach,
                subject_key=f"action:{a.code}:{i}",
                due_at=utc(2026, 1, 5),
            )
        NotificationPreference.objects.create(user=self.w.coach, daily_cap=20)
        at = utc(2026, 1, 6, 12)
        with self.assertRaises(SystemExit):
            reminders_send(at, worker="a", stop_after=2)
        # Worker "a" also held a claim on a third reminder when it died.
        r = Reminder.objects.filter(status=ReminderStatus.PENDING).first()
        Reminder.objects.filter(pk=r.pk).update(
            claimed_by="a", claimed_until=at + timedelta(minutes=5)
        )
        self.assertEqual(
            reminders_send(at + timedelta(minutes=1), worker="b"), 2
        )  # claim still held
        self.assertEqual(reminders_send(at + timedelta(minutes=6), worker="b"), 1)  # lease ran out
        self.assertEqual(len(mail.outbox), 5)
        self.assertEqual(Reminder.objects.filter(status=ReminderStatus.SENT).count(), 5)


@skipUnlessDBFeature("has_select_for_update_skip_locked")
class TwoWorkersTests(TransactionTestCase):
    """Two workers at once, each with its own database connection. (SQLite's
    in-memory test database cannot be shared by threads that write; the same
    race on a real SQLite file runs in TwoWorkerProcessesOnSQLiteTests.)"""

    def test_two_workers_send_each_reminder_exactly_once(self):
        w = make_world()
        NotificationPreference.objects.create(user=w.coach, daily_cap=20)
        for i in range(12):
            a = Action.objects.create(
                engagement=w.engagement,
                owner=w.coach,
                title="t",
                due_on=timezone.localdate(),
                created_by=w.coach,
            )
            Reminder.objects.create(
                kind=ReminderKind.ACTION_DUE,
                user=w.coach,
                subject_key=f"action:{a.code}:{i}",
                due_at=utc(2026, 1, 5),
            )
        at = utc(2026, 1, 6, 12)
        barrier = threading.Barrier(2)
        results = {}

        def run(name):
            try:
                barrier.wait()
                results[name] = reminders_send(at, worker=name)
            except Exception as exc:  # noqa: BLE001 - reported below
                results[name] = exc
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(n,)) for n in ("one", "two")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), ["one", "two"])
        self.assertEqual(results["one"] + results["two"], 12, results)
        self.assertEqual(len(mail.outbox), 12)
        self.assertEqual(Reminder.objects.filter(status=ReminderStatus.SENT).count(), 12)


def _sqlite_project(tmp: str, **extra_env):
    """A fresh Bearing on a real SQLite file in ``tmp``, with demo data and twenty
    due reminders for the demo coach. Returns ``manage(*args)`` and the env."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings

    env = {
        **os.environ,
        "BEARING_DATA_DIR": tmp,
        "DATABASE_URL": "",
        "EMAIL_FILE_PATH": str(Path(tmp) / "mail"),
        **extra_env,
    }
    env.pop("BEARING_ENCRYPTION_KEYS", None)

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    manage("migrate", "-v0")
    manage("demo_data")
    manage("shell", "-c", TWENTY_DUE_REMINDERS)
    return manage, env


def _subjects(mail_dir):
    if not mail_dir.exists():
        return []
    out = []
    for f in mail_dir.glob("*.log"):
        out += [
            line
            for line in f.read_text().splitlines()
            if line.startswith("Subject: An action is due")
        ]
    return out


def _sent_count(manage) -> str:
    out = manage(
        "shell",
        "-c",
        "from bearing.growth.models import Reminder; "
        "print(Reminder.objects.filter(status='sent', kind='action_due').count())",
    )
    return out.strip().splitlines()[-1]


TWENTY_DUE_REMINDERS = (
    "from datetime import timedelta\n"
    "from django.utils import timezone\n"
    "from bearing.accounts.models import User\n"
    "from bearing.engagements.models import Action\n"
    "from bearing.growth.models import NotificationPreference, Reminder\n"
    "u = User.objects.get(email='coach@demo.bearing')\n"
    "NotificationPreference.objects.update_or_create(user=u, defaults=dict("
    "quiet_start='00:00', quiet_end='00:00', daily_cap=20))\n"
    "e = u.coaching_engagements.first()\n"
    "for i in range(20):\n"
    "    a = Action.objects.create(engagement=e, owner=u, title=f'Task {i:02d}', created_by=u,"
    " due_on=timezone.localdate())\n"
    "    Reminder.objects.create(kind='action_due', user=u,"
    " subject_key=f'action:{a.code}:{a.due_on}',"
    " due_at=timezone.now() - timedelta(minutes=1))\n"
)


class TwoWorkerProcessesOnSQLiteTests(TransactionTestCase):
    """Two `send_reminders` processes at once against a real SQLite file."""

    def test_two_processes_send_each_reminder_exactly_once(self):
        import subprocess
        import sys
        import tempfile
        from pathlib import Path

        from django.conf import settings

        with tempfile.TemporaryDirectory() as tmp:
            manage, env = _sqlite_project(
                tmp, EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend"
            )
            workers = [
                subprocess.Popen(
                    [sys.executable, "manage.py", "send_reminders"],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for _ in range(2)
            ]
            outputs = [p.communicate(timeout=60)[0] for p in workers]
            self.assertEqual([p.returncode for p in workers], [0, 0])
            self.assertEqual(len(_subjects(Path(tmp) / "mail")), 20, outputs)
            self.assertEqual(_sent_count(manage), "20")


class KilledWorkerProcessTests(TransactionTestCase):
    """A real `send_reminders` process, killed (SIGKILL) mid-batch; the next run,
    once the dead worker's claim has run out, sends exactly what it left."""

    def test_a_killed_worker_process_loses_nothing(self):
        import signal
        import subprocess
        import sys
        import tempfile
        import time as clock
        from pathlib import Path

        from django.conf import settings

        with tempfile.TemporaryDirectory() as tmp:
            manage, env = _sqlite_project(
                tmp,
                EMAIL_BACKEND="bearing.testing.SlowFileEmailBackend",
                SLOW_EMAIL_SECONDS="0.25",
                REMINDER_LEASE_SECONDS="2",
            )
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "send_reminders"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
            )
            mail_dir = Path(tmp) / "mail"
            deadline = clock.monotonic() + 30
            while clock.monotonic() < deadline and len(_subjects(mail_dir)) < 5:
                clock.sleep(0.05)
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            sent_before = len(_subjects(mail_dir))
            self.assertGreaterEqual(sent_before, 5)
            self.assertLess(sent_before, 20)
            clock.sleep(2.5)  # the dead worker's claim runs out
            manage("send_reminders")
            # Twenty reminders, each marked sent once: none lost. A message the mail
            # server took in the instant before the killed worker could mark it sent
            # goes again (kill -9 allows no better): at most that one, twice.
            self.assertIn(len(_subjects(mail_dir)), (20, 21))
            self.assertEqual(_sent_count(manage), "20")
