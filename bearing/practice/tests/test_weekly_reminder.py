"""The weekly review reminder: planned by the reminders on the coachee's rhythm, at
nine in their morning on the chosen weekday; skipped once the review is done."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core import mail
from django.utils import timezone

from bearing.growth.models import Reminder, ReminderStatus
from bearing.growth.reminders import reminders_plan, reminders_send
from bearing.practice import services as s
from bearing.testing import WorldTestCase


class WeeklyReviewReminderTests(WorldTestCase):
    def setUp(self):
        self.board = s.board_ensure(engagement=self.w.engagement, by=self.w.coachee)
        tz = self.w.coachee.tz
        today = timezone.now().astimezone(tz).date()
        s.board_rhythm_set(
            board=self.board, by=self.w.coachee, weekday=today.weekday(), every_weeks=1
        )
        self.due = datetime.combine(today, time(9), tzinfo=tz)

    def test_planned_on_the_chosen_day_and_sent_with_a_link_only(self):
        reminders_plan(now=self.due - timedelta(hours=2))
        reminder = Reminder.objects.get(kind="weekly_review", user=self.w.coachee)
        self.assertEqual(reminder.due_at, self.due)
        self.assertEqual(reminder.subject_key, f"weekly:{self.board.code}:{self.due.date()}")
        reminders_plan(now=self.due - timedelta(hours=1))  # planned once
        self.assertEqual(Reminder.objects.filter(kind="weekly_review").count(), 1)
        mail.outbox = []
        self.assertEqual(reminders_send(now=self.due + timedelta(minutes=1), worker="t"), 1)
        (message,) = mail.outbox
        self.assertEqual(message.subject, "Time for your weekly review")
        self.assertIn(f"/engagements/{self.w.engagement.code}/weekly-review/", message.body)

    def test_not_sent_when_the_review_is_done(self):
        reminders_plan(now=self.due - timedelta(hours=2))
        s.weekly_review_save(
            board=self.board,
            by=self.w.coachee,
            cleared="",
            time_went="",
            time_should="",
            commitment="One thing",
            commitment_due=timezone.localdate() + timedelta(days=2),
        )
        reminders_send(now=self.due + timedelta(minutes=1), worker="t")
        reminder = Reminder.objects.get(kind="weekly_review")
        self.assertEqual(reminder.status, ReminderStatus.SKIPPED)
