from datetime import timedelta

from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements import queries as q
from bearing.engagements import services as s
from bearing.engagements.models import Engagement, EngagementStatus, SessionStatus
from bearing.testing import CANARY, WorldTestCase


def _agreement_kwargs(**overrides):
    kw = {
        "objectives": "Lead the merger well",
        "cadence": "Every two weeks",
        "session_minutes": 60,
        "session_count": 10,
        "sponsor_sees_status": True,
        "sponsor_sees_attendance": True,
        "sponsor_sees_goal_progress": False,
        "sponsor_sees_summaries": False,
    }
    kw.update(overrides)
    return kw


class EngagementLifecycleTests(WorldTestCase):
    def _new(self):
        return s.engagement_create(
            coach=self.w.coach,
            practice=self.w.practice,
            organization=self.w.organization,
            title="New leader",
            invited_email="New.Leader@Example.com",
            invited_name="Nia New",
            sponsor=self.w.sponsor,
            objectives="x",
        )

    def test_create_starts_proposed_with_agreement_v1_unaccepted(self):
        engagement = self._new()
        self.assertEqual(engagement.status, EngagementStatus.PROPOSED)
        self.assertEqual(engagement.invited_email, "new.leader@example.com")
        agreement = engagement.agreements.get()
        self.assertEqual(agreement.version, 1)
        self.assertIsNone(agreement.accepted_at)

    def test_cannot_activate_without_coachee_and_acceptance(self):
        engagement = self._new()
        with self.assertRaises(ValidationError):
            s.engagement_set_status(engagement=engagement, by=self.w.coach, status="active")

    def test_invalid_transition_is_refused(self):
        engagement = s.engagement_set_status(
            engagement=self.w.engagement, by=self.w.coach, status="completed"
        )
        self.assertIsNotNone(engagement.ended_at)
        with self.assertRaises(ValidationError):
            s.engagement_set_status(engagement=engagement, by=self.w.coach, status="active")

    def test_completing_cancels_upcoming_sessions(self):
        s.engagement_set_status(engagement=self.w.engagement, by=self.w.coach, status="completed")
        self.w.next_session.refresh_from_db()
        self.assertEqual(self.w.next_session.status, SessionStatus.CANCELLED)

    def test_only_the_coach_changes_status(self):
        with self.assertRaises(ValidationError):
            s.engagement_set_status(
                engagement=self.w.engagement, by=self.w.coachee, status="paused"
            )

    def test_database_refuses_a_closed_engagement_without_end_date(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Engagement.objects.filter(pk=self.w.engagement.pk).update(status="completed")

    def test_database_refuses_coach_coaching_themselves(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Engagement.objects.filter(pk=self.w.engagement.pk).update(coachee=self.w.coach)


class AgreementTests(WorldTestCase):
    def test_new_version_needs_new_acceptance_before_it_takes_effect(self):
        v2 = s.agreement_propose(
            engagement=self.w.engagement,
            by=self.w.coach,
            **_agreement_kwargs(sponsor_sees_attendance=False),
        )
        self.assertEqual(v2.version, 2)
        in_force = q.agreement_in_force(self.w.engagement)
        self.assertEqual(in_force.version, 1)
        self.assertIsNotNone(q.sponsor_engagements(self.w.sponsor)[0].sessions_held)
        s.agreement_accept(agreement=v2, by=self.w.coachee)
        self.assertEqual(q.agreement_in_force(self.w.engagement).version, 2)
        self.assertIsNone(q.sponsor_engagements(self.w.sponsor)[0].sessions_held)
        consent = AuditEntry.objects.filter(action=AuditAction.CONSENT).get()
        self.assertEqual(consent.detail["version"], "2")

    def test_only_the_coachee_accepts_and_only_once(self):
        v2 = s.agreement_propose(
            engagement=self.w.engagement, by=self.w.coach, **_agreement_kwargs()
        )
        for user in (self.w.coach, self.w.sponsor, self.w.other_coach):
            with self.assertRaises(ValidationError):
                s.agreement_accept(agreement=v2, by=user)
        s.agreement_accept(agreement=v2, by=self.w.coachee)
        with self.assertRaises(ValidationError):
            s.agreement_accept(agreement=v2, by=self.w.coachee)

    def test_a_replaced_draft_cannot_be_accepted(self):
        v2 = s.agreement_propose(
            engagement=self.w.engagement, by=self.w.coach, **_agreement_kwargs()
        )
        s.agreement_propose(engagement=self.w.engagement, by=self.w.coach, **_agreement_kwargs())
        with self.assertRaises(ValidationError):
            s.agreement_accept(agreement=v2, by=self.w.coachee)

    def test_sponsor_acknowledges_accepted_version(self):
        s.agreement_acknowledge(agreement=self.w.agreement, by=self.w.sponsor)
        self.w.agreement.refresh_from_db()
        self.assertIsNotNone(self.w.agreement.sponsor_acknowledged_at)
        with self.assertRaises(ValidationError):
            s.agreement_acknowledge(agreement=self.w.agreement, by=self.w.other_sponsor)


class SessionTests(WorldTestCase):
    def test_schedule_sends_ics_to_both_without_confidential_text(self):
        when = timezone.now() + timedelta(days=3)
        with self.captureOnCommitCallbacks(execute=True):
            session = s.session_schedule(
                engagement=self.w.engagement, by=self.w.coach, scheduled_for=when
            )
        self.assertEqual(session.duration_minutes, self.w.agreement.session_minutes)
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual({m.to[0] for m in mail.outbox}, {self.w.coach.email, self.w.coachee.email})
        for message in mail.outbox:
            name, content, mimetype = message.attachments[0]
            self.assertTrue(mimetype.startswith("text/calendar"))
            self.assertIn("METHOD:REQUEST", content)
            self.assertIn(f"UID:session-{session.code}@bearing", content)
            for canary in vars(CANARY).values():
                self.assertNotIn(canary.split()[0], message.body + content)

    def test_reschedule_bumps_sequence_and_cancel_sends_cancel(self):
        when = timezone.now() + timedelta(days=10)
        with self.captureOnCommitCallbacks(execute=True):
            session = s.session_reschedule(
                session=self.w.next_session, by=self.w.coachee, scheduled_for=when
            )
        self.assertEqual(session.sequence, 1)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            session = s.session_cancel(session=session, by=self.w.coach)
        self.assertEqual(session.status, SessionStatus.CANCELLED)
        self.assertIn("METHOD:CANCEL", mail.outbox[0].attachments[0][1])
        self.assertIn("SEQUENCE:2", mail.outbox[0].attachments[0][1])

    def test_past_time_is_refused_and_nothing_saved(self):
        before = self.w.engagement.sessions.count()
        with self.assertRaises(ValidationError):
            s.session_schedule(
                engagement=self.w.engagement,
                by=self.w.coach,
                scheduled_for=timezone.now() - timedelta(days=1),
            )
        self.assertEqual(self.w.engagement.sessions.count(), before)

    def test_attendance_only_after_start_and_only_by_coach(self):
        with self.assertRaises(ValidationError):
            s.session_mark_attendance(session=self.w.next_session, by=self.w.coach, status="held")
        with self.assertRaises(ValidationError):
            s.session_mark_attendance(session=self.w.past_session, by=self.w.coachee, status="held")
        session = s.session_mark_attendance(
            session=self.w.past_session, by=self.w.coach, status="no_show"
        )
        self.assertEqual(session.status, SessionStatus.NO_SHOW)

    def test_agenda_is_the_coachees(self):
        with self.assertRaises(ValidationError):
            s.agenda_update(
                session=self.w.next_session, by=self.w.coach, outcome="x", measure="", why=""
            )
        with self.assertRaises(ValidationError):
            s.agenda_update(
                session=self.w.next_session, by=self.w.coachee, outcome=" ", measure="", why=""
            )
        session = s.agenda_update(
            session=self.w.next_session, by=self.w.coachee, outcome="Clarity", measure="A", why="B"
        )
        session.refresh_from_db()
        self.assertEqual(session.agenda_outcome, "Clarity")

    def test_private_notes_only_by_the_coach(self):
        with self.assertRaises(ValidationError):
            s.private_note_update(session=self.w.past_session, by=self.w.coachee, body="x")
        note = s.private_note_update(session=self.w.past_session, by=self.w.coach, body="updated")
        note.refresh_from_db()
        self.assertEqual(note.body, "updated")

    def test_commitments_become_actions_owned_by_the_coachee(self):
        due = timezone.localdate() + timedelta(days=7)
        actions = s.commitments_add(
            session=self.w.past_session,
            by=self.w.coachee,
            commitments=[("Ask Priya for feedback", due), ("Block focus time", due)],
        )
        self.assertEqual([a.owner for a in actions], [self.w.coachee, self.w.coachee])
        with self.assertRaises(ValidationError):
            s.commitments_add(
                session=self.w.past_session, by=self.w.coachee, commitments=[("", due)]
            )
        self.assertEqual(self.w.engagement.actions.count(), 3)

    def test_overdue_actions_listed_for_coach(self):
        overdue = list(q.overdue_actions_for_coach(self.w.coach))
        self.assertEqual(overdue, [self.w.action])
        s.action_set_done(action=self.w.action, by=self.w.coachee, done=True)
        self.assertEqual(list(q.overdue_actions_for_coach(self.w.coach)), [])
