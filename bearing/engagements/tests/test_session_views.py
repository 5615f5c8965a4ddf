"""Coaching sessions: scheduling, the session page, agenda, notes, commitments."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements.models import Action, CoachingSession, PrivateNote, SessionStatus
from bearing.testing import CANARY, WorldTestCase, make_session, one_where, rows_where

HTMX = {"HX-Request": "true"}


def local_input(days: float, hour: int = 9, minute: int = 30) -> str:
    """A datetime-local value some days ahead, as a person types it."""
    day = timezone.localdate() + timedelta(days=days)
    return f"{day:%Y-%m-%d}T{hour:02d}:{minute:02d}"


def reads(field: str):
    return AuditEntry.objects.filter(action=AuditAction.READ, detail__field=field)


class SessionPageTests(WorldTestCase):
    def page(self, user, session):
        self.login(user)
        return self.client.get(reverse("engagements:session_detail", args=[session.code]))

    def test_the_coachees_page_never_carries_the_private_note(self):
        for session in (self.w.past_session, self.w.next_session):
            response = self.page(self.w.coachee, session)
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, CANARY.private_note.split()[0])
            self.assertNotContains(response, "Private notes")
            self.assertNotContains(response, "Only you can see this")
            self.assertNotIn("private_note", response.context)
        self.assertContains(self.page(self.w.coachee, self.w.past_session), CANARY.shared_notes)

    def test_the_coach_sees_private_notes_clearly_labelled(self):
        response = self.page(self.w.coach, self.w.past_session)
        self.assertContains(response, CANARY.private_note)
        self.assertContains(response, 'class="card private"')
        self.assertContains(response, "Only you can see this.")
        self.assertContains(response, CANARY.shared_notes)
        self.assertContains(response, CANARY.action)

    def test_the_coach_reads_the_agenda_and_the_read_is_audited_without_content(self):
        response = self.page(self.w.coach, self.w.next_session)
        for text in (CANARY.agenda_outcome, CANARY.agenda_measure, CANARY.agenda_why):
            self.assertContains(response, text)
        self.assertNotContains(
            response, reverse("engagements:agenda", args=[self.w.next_session.code])
        )
        entry = reads("agenda").get()
        self.assertEqual(entry.actor_id, self.w.coach.pk)
        self.assertEqual(entry.target_code, str(self.w.next_session.code))
        self.assertEqual(entry.detail, {"field": "agenda"})

    def test_the_coachee_edits_the_agenda_and_reading_it_is_not_audited(self):
        response = self.page(self.w.coachee, self.w.next_session)
        self.assertContains(
            response, reverse("engagements:agenda", args=[self.w.next_session.code])
        )
        self.assertContains(response, CANARY.agenda_outcome)  # in the form, to edit
        self.assertFalse(reads("agenda").exists())

    def test_shared_notes_last_edited_by_the_other_party_are_an_audited_read(self):
        CoachingSession.objects.filter(pk=self.w.past_session.pk).update(
            shared_notes_updated_by=self.w.coach
        )
        self.page(self.w.coach, self.w.past_session)
        self.assertFalse(reads("shared_notes").exists())
        self.page(self.w.coachee, self.w.past_session)
        entry = reads("shared_notes").get()
        self.assertEqual(entry.actor_id, self.w.coachee.pk)
        self.assertNotIn("CANARY", str(entry.detail))

    def test_the_coachs_read_of_commitments_the_coachee_wrote_is_audited(self):
        self.page(self.w.coach, self.w.past_session)
        entry = reads("actions").get()
        self.assertEqual(entry.target_code, str(self.w.past_session.code))
        self.page(self.w.coachee, self.w.past_session)
        self.assertEqual(reads("actions").count(), 1)

    def test_times_are_shown_in_the_viewers_own_time_zone(self):
        when = self.w.next_session.scheduled_for
        for user in (self.w.coach, self.w.coachee):
            response = self.page(user, self.w.next_session)
            local = timezone.localtime(when, user.tz)
            self.assertContains(response, f"{local:%H:%M}–")
            self.assertContains(response, f"({user.time_zone})")

    def test_attendance_buttons_only_for_the_coach_once_the_session_started(self):
        started = make_session(self.w.engagement, days=-0.01)
        attendance = reverse("engagements:session_attendance", args=[started.code])
        self.assertContains(self.page(self.w.coach, started), attendance)
        self.assertNotContains(self.page(self.w.coachee, started), attendance)
        self.assertNotContains(
            self.page(self.w.coach, self.w.next_session),
            reverse("engagements:session_attendance", args=[self.w.next_session.code]),
        )

    def test_a_cancelled_session_offers_no_agenda_or_commitment_forms(self):
        cancelled = make_session(self.w.engagement, days=3, status=SessionStatus.CANCELLED)
        response = self.page(self.w.coachee, cancelled)
        self.assertContains(response, "badge-cancelled")
        self.assertNotContains(response, reverse("engagements:agenda", args=[cancelled.code]))
        self.assertNotContains(response, reverse("engagements:commitments", args=[cancelled.code]))
        self.assertNotContains(
            response, reverse("engagements:session_cancel", args=[cancelled.code])
        )


class ScheduleTests(WorldTestCase):
    def test_the_coachee_schedules_in_their_own_time_zone_and_both_are_invited(self):
        self.login(self.w.coachee)  # America/New_York
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("engagements:session_new", args=[self.w.engagement.code]),
                {"scheduled_for": local_input(5, 9, 0), "duration_minutes": "", "location": "Zoom"},
            )
        session = one_where(CoachingSession, location="Zoom")
        self.assertRedirects(
            response,
            reverse("engagements:session_detail", args=[session.code]),
            fetch_redirect_response=False,
        )
        local = timezone.localtime(session.scheduled_for, self.w.coachee.tz)
        self.assertEqual((local.hour, local.minute), (9, 0))
        self.assertEqual(session.duration_minutes, 60)  # from the agreement
        recipients = sorted(m.to[0] for m in mail.outbox)
        self.assertEqual(recipients, [self.w.coach.email, self.w.coachee.email])
        for message in mail.outbox:
            self.assertTrue(message.subject.startswith("Coaching session on"))
            self.assertEqual(message.attachments[0][0], "coaching-session.ics")
            self.assertIn(f"/sessions/{session.code}/", message.body)
        coach_mail = next(m for m in mail.outbox if m.to == [self.w.coach.email])
        coach_local = timezone.localtime(session.scheduled_for, self.w.coach.tz)
        self.assertIn(f"{coach_local:%H:%M} (Europe/London)", coach_mail.body)

    def test_a_time_in_the_past_is_refused_and_nothing_is_saved(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("engagements:session_new", args=[self.w.engagement.code]),
                {"scheduled_for": "2020-01-01T09:00", "location": "Past"},
            )
        self.assertEqual(
            response.context["form"].errors["scheduled_for"], ["Choose a time in the future."]
        )
        self.assertContains(response, 'aria-invalid="true"')
        self.assertFalse(rows_where(CoachingSession, location="Past"))
        self.assertEqual(mail.outbox, [])

    def test_a_missing_or_malformed_time_is_named(self):
        self.login(self.w.coach)
        url = reverse("engagements:session_new", args=[self.w.engagement.code])
        response = self.client.post(url, {"scheduled_for": ""})
        self.assertContains(response, "When is the coaching session?")
        response = self.client.post(url, {"scheduled_for": "tomorrow", "duration_minutes": "5"})
        self.assertIn("scheduled_for", response.context["form"].errors)
        self.assertIn("duration_minutes", response.context["form"].errors)
        self.assertEqual(CoachingSession.objects.count(), 2)

    def test_a_paused_engagement_cannot_schedule_and_says_why(self):
        self.w.engagement.status = "paused"
        self.w.engagement.save()
        self.login(self.w.coach)
        response = self.client.post(
            reverse("engagements:session_new", args=[self.w.engagement.code]),
            {"scheduled_for": local_input(3)},
        )
        self.assertContains(response, "only in a proposed or active engagement")
        self.assertEqual(CoachingSession.objects.count(), 2)

    def test_moving_a_session_bumps_its_sequence_and_tells_both(self):
        self.login(self.w.coach)
        url = reverse("engagements:session_reschedule", args=[self.w.next_session.code])
        form = self.client.get(url).context["form"]
        self.assertEqual(form.initial["location"], self.w.next_session.location)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, {"scheduled_for": local_input(9, 14, 0), "location": "Room 4"})
        session = CoachingSession.objects.get(pk=self.w.next_session.pk)
        self.assertEqual((session.sequence, session.location), (1, "Room 4"))
        self.assertEqual(timezone.localtime(session.scheduled_for, self.w.coach.tz).hour, 14)
        self.assertEqual(len(mail.outbox), 2)
        self.assertTrue(all(m.subject.startswith("Coaching session moved") for m in mail.outbox))

    def test_moving_to_the_past_is_refused_and_nothing_changes(self):
        self.login(self.w.coachee)
        url = reverse("engagements:session_reschedule", args=[self.w.next_session.code])
        response = self.client.post(url, {"scheduled_for": "2021-05-01T10:00"})
        self.assertContains(response, "Choose a time in the future.")
        session = CoachingSession.objects.get(pk=self.w.next_session.pk)
        self.assertEqual(session.scheduled_for, self.w.next_session.scheduled_for)
        self.assertEqual(session.sequence, 0)

    def test_cancelling_tells_both_and_a_second_cancel_is_refused(self):
        self.login(self.w.coachee)
        url = reverse("engagements:session_cancel", args=[self.w.next_session.code])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"confirm": "True", "reason": "I am travelling."})
        session = CoachingSession.objects.get(pk=self.w.next_session.pk)
        self.assertEqual(session.status, SessionStatus.CANCELLED)
        self.assertIsNotNone(session.cancelled_at)
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("removes it from your calendar", mail.outbox[0].body)
        self.client.get(response["Location"])  # the success message, read
        response = self.client.post(url, {"confirm": "True", "reason": "Again."})
        self.assertContains(self.client.get(response["Location"]), "Only a scheduled session")

    def test_session_emails_never_carry_agenda_notes_or_objectives(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("engagements:session_reschedule", args=[self.w.next_session.code]),
                {"scheduled_for": local_input(10)},
            )
            self.client.post(
                reverse("engagements:session_cancel", args=[self.w.next_session.code]),
                {"confirm": "True", "reason": "Away."},
            )
        self.assertEqual(len(mail.outbox), 4)
        for message in mail.outbox:
            whole = message.subject + message.body + message.alternatives[0][0]
            whole += "".join(str(a[1]) for a in message.attachments)
            for secret in (CANARY.agenda_outcome, CANARY.shared_notes, CANARY.objectives):
                self.assertNotIn(secret.split()[0], whole)
            self.assertNotIn("&#x27;", message.body)  # plain text is not HTML-escaped


class AttendanceTests(WorldTestCase):
    def test_the_coach_records_attendance_once_the_session_started(self):
        started = make_session(self.w.engagement, days=-1)
        self.login(self.w.coach)
        url = reverse("engagements:session_attendance", args=[started.code])
        self.client.post(url, {"status": "no_show"})
        started.refresh_from_db()
        self.assertEqual(started.status, SessionStatus.NO_SHOW)
        self.assertIsNotNone(started.attendance_marked_at)
        self.client.post(url, {"status": "held"})  # a correction
        started.refresh_from_db()
        self.assertEqual(started.status, SessionStatus.HELD)

    def test_a_future_session_or_a_bad_value_is_refused(self):
        self.login(self.w.coach)
        url = reverse("engagements:session_attendance", args=[self.w.next_session.code])
        response = self.client.post(url, {"status": "held"})
        self.assertContains(self.client.get(response["Location"]), "once the session has started")
        self.client.post(url, {"status": "cancelled"})
        self.assertEqual(
            CoachingSession.objects.get(pk=self.w.next_session.pk).status, SessionStatus.SCHEDULED
        )


class AgendaTests(WorldTestCase):
    def setUp(self):
        self.url = reverse("engagements:agenda", args=[self.w.next_session.code])
        self.login(self.w.coachee)

    def test_saved_in_place_with_htmx(self):
        response = self.client.post(
            self.url,
            {"outcome": "A clear ask for the board", "measure": "They say yes", "why": "May"},
            headers=HTMX,
        )
        self.assertContains(response, "Your agenda is saved.")
        self.assertContains(response, 'id="agenda"')
        self.assertNotContains(response, "<html")
        self.assertNotContains(response, 'id="shared-notes"')
        session = CoachingSession.objects.get(pk=self.w.next_session.pk)
        self.assertEqual(
            (session.agenda_outcome, session.agenda_measure, session.agenda_why),
            ("A clear ask for the board", "They say yes", "May"),
        )

    def test_without_javascript_it_posts_and_redirects(self):
        response = self.client.post(self.url, {"outcome": "Clarity", "measure": "", "why": ""})
        self.assertRedirects(
            response,
            reverse("engagements:session_detail", args=[self.w.next_session.code]) + "#agenda",
            fetch_redirect_response=False,
        )
        self.assertEqual(
            CoachingSession.objects.get(pk=self.w.next_session.pk).agenda_outcome, "Clarity"
        )

    def test_a_missing_outcome_is_named_and_nothing_changes(self):
        for headers in ({}, HTMX):
            response = self.client.post(
                self.url, {"outcome": "  ", "measure": "x", "why": "y"}, headers=headers
            )
            self.assertEqual(response.status_code, 400)  # htmx swaps it (base.html)
            self.assertContains(
                response, "What would you like to leave this session with?", status_code=400
            )
            self.assertNotContains(response, "Your agenda is saved.", status_code=400)
        session = CoachingSession.objects.get(pk=self.w.next_session.pk)
        self.assertEqual(session.agenda_outcome, CANARY.agenda_outcome)
        self.assertEqual(session.agenda_measure, CANARY.agenda_measure)

    def test_a_cancelled_session_keeps_its_agenda(self):
        CoachingSession.objects.filter(pk=self.w.next_session.pk).update(
            status=SessionStatus.CANCELLED, cancelled_at=timezone.now()
        )
        response = self.client.post(self.url, {"outcome": "New"})
        self.assertContains(response, "This session was cancelled.", status_code=400)
        self.assertEqual(
            CoachingSession.objects.get(pk=self.w.next_session.pk).agenda_outcome,
            CANARY.agenda_outcome,
        )


class NotesTests(WorldTestCase):
    def test_shared_notes_saved_in_place_by_either_party(self):
        url = reverse("engagements:shared_notes", args=[self.w.past_session.code])
        for user, text in ((self.w.coach, "From the coach"), (self.w.coachee, "From the coachee")):
            self.login(user)
            # Each starts from the notes as they now are (the page's hidden version).
            version = CoachingSession.objects.get(pk=self.w.past_session.pk).shared_notes_version
            response = self.client.post(
                url, {"shared-body": text, "shared-version": version}, headers=HTMX
            )
            self.assertContains(response, "Shared notes saved.")
            self.assertContains(response, 'id="shared-notes"')
            self.assertNotContains(response, "<html")
            session = CoachingSession.objects.get(pk=self.w.past_session.pk)
            self.assertEqual(session.shared_notes, text)
            self.assertEqual(session.shared_notes_updated_by, user)

    def test_the_coachees_htmx_answer_never_carries_the_private_note(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("engagements:shared_notes", args=[self.w.past_session.code]),
            {"shared-body": "x"},
            headers=HTMX,
        )
        self.assertNotContains(response, CANARY.private_note.split()[0])

    def test_shared_notes_too_long_are_refused_and_nothing_changes(self):
        self.login(self.w.coach)
        response = self.client.post(
            reverse("engagements:shared_notes", args=[self.w.past_session.code]),
            {"shared-body": "x" * 20_001},
        )
        self.assertIn("body", response.context["shared_form"].errors)
        self.assertEqual(
            CoachingSession.objects.get(pk=self.w.past_session.pk).shared_notes,
            CANARY.shared_notes,
        )

    def test_private_notes_saved_in_place_and_without_javascript(self):
        self.login(self.w.coach)
        url = reverse("engagements:private_notes", args=[self.w.past_session.code])
        response = self.client.post(url, {"private-body": "Burnout? Ask gently."}, headers=HTMX)
        self.assertContains(response, "Private notes saved.")
        self.assertContains(response, "Only you can see this.")
        self.assertNotContains(response, "<html")
        self.assertEqual(
            PrivateNote.objects.get(session=self.w.past_session).body, "Burnout? Ask gently."
        )
        response = self.client.post(
            reverse("engagements:private_notes", args=[self.w.next_session.code]),
            {"private-body": "First note"},
        )
        self.assertEqual(response.status_code, 302)
        note = PrivateNote.objects.get(session=self.w.next_session)
        self.assertEqual((note.body, note.author), ("First note", self.w.coach))

    def test_the_coachee_cannot_write_private_notes_and_the_attempt_is_audited(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("engagements:private_notes", args=[self.w.past_session.code]),
            {"private-body": "overwritten"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            PrivateNote.objects.get(session=self.w.past_session).body, CANARY.private_note
        )
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.DENIED).exists())


class CommitmentsTests(WorldTestCase):
    def setUp(self):
        self.url = reverse("engagements:commitments", args=[self.w.past_session.code])
        self.due = timezone.localdate() + timedelta(days=7)
        self.login(self.w.coachee)

    def new_actions(self):
        return Action.objects.exclude(pk=self.w.action.pk)

    def test_each_commitment_becomes_an_action_the_coachee_owns(self):
        response = self.client.post(
            self.url,
            {
                "title_1": "Ask Priya for feedback",
                "due_1": self.due.isoformat(),
                "title_3": "Block Friday mornings",
                "due_3": (self.due + timedelta(days=7)).isoformat(),
            },
        )
        self.assertEqual(response.status_code, 302)
        actions = list(self.new_actions().order_by("due_on"))
        self.assertEqual(
            [(a.title, a.due_on) for a in actions],
            [
                ("Ask Priya for feedback", self.due),
                ("Block Friday mornings", self.due + timedelta(days=7)),
            ],
        )
        for action in actions:
            self.assertEqual(
                (action.owner, action.created_by, action.session, action.engagement),
                (self.w.coachee, self.w.coachee, self.w.past_session, self.w.engagement),
            )

    def test_saved_in_place_with_htmx(self):
        response = self.client.post(
            self.url, {"title_1": "Speak first", "due_1": self.due.isoformat()}, headers=HTMX
        )
        self.assertContains(response, "Your commitments are now actions.")
        self.assertContains(response, "Speak first")
        self.assertNotContains(response, "<html")
        self.assertEqual(self.new_actions().count(), 1)

    def test_an_empty_commitment_is_refused(self):
        response = self.client.post(self.url, {"title_1": "", "due_1": ""})
        self.assertContains(response, "Write at least one commitment.", status_code=400)
        self.assertFalse(self.new_actions().exists())

    def test_a_half_filled_row_saves_nothing_at_all(self):
        response = self.client.post(
            self.url,
            {
                "title_1": "Ask for feedback",
                "due_1": self.due.isoformat(),
                "title_2": "Half-filled",
                "due_2": "",
                "title_3": "",
                "due_3": self.due.isoformat(),
            },
        )
        errors = response.context["commitments_form"].errors
        self.assertEqual(errors["due_2"], ["When will you have done this?"])
        self.assertEqual(errors["title_3"], ["What will you do?"])
        self.assertFalse(self.new_actions().exists())

    def test_a_date_in_the_past_is_refused(self):
        # Two days back is in the past in every time zone the coachee may be in.
        past = timezone.localdate() - timedelta(days=2)
        response = self.client.post(
            self.url, {"title_1": "Too late", "due_1": past.isoformat()}, headers=HTMX
        )
        self.assertContains(response, "Choose today or a later date.", status_code=400)
        self.assertFalse(self.new_actions().exists())
