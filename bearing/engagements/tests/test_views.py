from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bearing.accounts.models import Invitation
from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements.models import Action, Agreement, CoachingSession, Engagement, PrivateNote
from bearing.lib.testing import CANARY, WorldTestCase, make_session


def _agreement_post(**overrides):
    data = {
        "objectives": "OBJ-SECRET-123 lead the merger",
        "cadence": "Every two weeks",
        "session_minutes": 60,
        "session_count": 10,
        "confidentiality_limits": "Risk of harm; legal obligation.",
        "sponsor_sees_status": "on",
        "sponsor_sees_attendance": "on",
    }
    data.update(overrides)
    return data


class EngagementCreateTests(WorldTestCase):
    def test_coach_creates_engagement_and_the_new_coachee_is_invited(self):
        self.login(self.w.coach)
        data = _agreement_post(
            title="Becoming CFO",
            organization=self.w.organization.pk,
            sponsor=self.w.sponsor.pk,
            coachee_name="Nia New",
            coachee_email="Nia@Example.com",
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("engagements:create"), data)
        engagement = Engagement.objects.get(title="Becoming CFO")
        self.assertRedirects(response, reverse("engagements:detail", args=[engagement.code]))
        self.assertEqual(engagement.invited_email, "nia@example.com")
        self.assertEqual(engagement.agreements.get().objectives, "OBJ-SECRET-123 lead the merger")
        self.assertTrue(Invitation.objects.filter(email="nia@example.com", role="coachee").exists())
        invite = next(m for m in mail.outbox if m.to == ["nia@example.com"])
        self.assertNotIn("OBJ-SECRET", invite.body)

    def test_sponsor_from_another_organization_is_refused_and_nothing_saved(self):
        self.login(self.w.coach)
        data = _agreement_post(
            title="X",
            organization=self.w.organization.pk,
            sponsor=self.w.other_sponsor.pk,
            coachee_name="N",
            coachee_email="n@example.com",
        )
        response = self.client.post(reverse("engagements:create"), data)
        self.assertContains(response, "not in the chosen organization")
        self.assertFalse(Engagement.objects.filter(title="X").exists())
        self.assertFalse(Invitation.objects.exists())

    def test_existing_coachee_is_attached_directly(self):
        self.login(self.w.coach)
        data = _agreement_post(
            title="Second round",
            organization=self.w.organization.pk,
            coachee_name="Lena",
            coachee_email=self.w.coachee.email,
        )
        self.client.post(reverse("engagements:create"), data)
        self.assertEqual(Engagement.objects.get(title="Second round").coachee, self.w.coachee)


class AgreementViewTests(WorldTestCase):
    def test_coach_proposes_new_version_and_coachee_accepts_it(self):
        self.login(self.w.coach)
        url = reverse("engagements:agreement", args=[self.w.engagement.code])
        self.client.post(url, _agreement_post(sponsor_sees_attendance=""))
        v2 = Agreement.objects.get(engagement=self.w.engagement, version=2)
        self.assertIsNone(v2.accepted_at)
        self.login(self.w.coachee)
        page = self.client.get(url)
        self.assertContains(page, "I accept this agreement")
        self.client.post(
            reverse("engagements:agreement_accept", args=[self.w.engagement.code]), {"version": "2"}
        )
        v2.refresh_from_db()
        self.assertEqual(v2.accepted_by, self.w.coachee)
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.CONSENT).exists())

    def test_accepting_a_version_that_changed_meanwhile_is_refused(self):
        self.login(self.w.coachee)
        self.client.post(
            reverse("engagements:agreement_accept", args=[self.w.engagement.code]), {"version": "7"}
        )
        self.assertFalse(Agreement.objects.filter(version=7).exists())
        self.assertEqual(Agreement.objects.filter(accepted_at__isnull=False).count(), 1)


class SessionViewTests(WorldTestCase):
    def test_coachee_page_never_shows_private_notes(self):
        self.login(self.w.coachee)
        response = self.client.get(
            reverse("engagements:session_detail", args=[self.w.past_session.code])
        )
        self.assertContains(response, CANARY.shared_notes)
        self.assertNotContains(response, CANARY.private_note.split()[0])
        self.assertNotContains(response, "Private notes")

    def test_coach_page_shows_private_notes_and_audits_agenda_read(self):
        self.login(self.w.coach)
        response = self.client.get(
            reverse("engagements:session_detail", args=[self.w.next_session.code])
        )
        self.assertContains(response, CANARY.agenda_outcome)
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditAction.READ, detail__field="agenda").exists()
        )
        response = self.client.get(
            reverse("engagements:session_detail", args=[self.w.past_session.code])
        )
        self.assertContains(response, CANARY.private_note)

    def test_agenda_saved_in_place_with_htmx(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("engagements:agenda", args=[self.w.next_session.code]),
            {"outcome": "A clear ask for the board", "measure": "", "why": ""},
            headers={"HX-Request": "true"},
        )
        self.assertContains(response, "Your agenda is saved.")
        self.assertNotContains(response, "<html")  # only the fragment
        session = CoachingSession.objects.get(pk=self.w.next_session.pk)
        self.assertEqual(session.agenda_outcome, "A clear ask for the board")

    def test_empty_agenda_outcome_is_refused_and_nothing_changes(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("engagements:agenda", args=[self.w.next_session.code]),
            {"outcome": "", "measure": "x", "why": "y"},
        )
        self.assertEqual(response.status_code, 400)
        session = CoachingSession.objects.get(pk=self.w.next_session.pk)
        self.assertEqual(session.agenda_outcome, CANARY.agenda_outcome)

    def test_shared_and_private_notes_saved(self):
        self.login(self.w.coach)
        self.client.post(
            reverse("engagements:shared_notes", args=[self.w.past_session.code]),
            {"shared-body": "New shared"},
        )
        self.client.post(
            reverse("engagements:private_notes", args=[self.w.past_session.code]),
            {"private-body": "New private"},
        )
        self.assertEqual(
            CoachingSession.objects.get(pk=self.w.past_session.pk).shared_notes, "New shared"
        )
        self.assertEqual(PrivateNote.objects.get(session=self.w.past_session).body, "New private")

    def test_schedule_in_the_coachees_own_time_zone(self):
        self.login(self.w.coachee)  # America/New_York
        day = (timezone.now() + timedelta(days=5)).date()
        response = self.client.post(
            reverse("engagements:session_new", args=[self.w.engagement.code]),
            {"scheduled_for": f"{day}T09:00", "duration_minutes": "", "location": "Zoom"},
        )
        session = CoachingSession.objects.get(location="Zoom")
        self.assertRedirects(response, reverse("engagements:session_detail", args=[session.code]))
        local = timezone.localtime(session.scheduled_for, self.w.coachee.tz)
        self.assertEqual((local.hour, local.minute), (9, 0))

    def test_time_in_the_past_is_refused(self):
        self.login(self.w.coach)
        response = self.client.post(
            reverse("engagements:session_new", args=[self.w.engagement.code]),
            {"scheduled_for": "2020-01-01T09:00", "location": "Past"},
        )
        self.assertContains(response, "Choose a time in the future")
        self.assertFalse(CoachingSession.objects.filter(location="Past").exists())

    def test_commitments_become_actions(self):
        self.login(self.w.coachee)
        due = (timezone.localdate() + timedelta(days=7)).isoformat()
        self.client.post(
            reverse("engagements:commitments", args=[self.w.past_session.code]),
            {"title_1": "Ask for feedback", "due_1": due, "title_2": "Half-filled", "due_2": ""},
        )
        self.assertFalse(
            Action.objects.filter(session=self.w.past_session).exclude(pk=self.w.action.pk).exists()
        )
        self.client.post(
            reverse("engagements:commitments", args=[self.w.past_session.code]),
            {"title_1": "Ask for feedback", "due_1": due},
        )
        action = Action.objects.exclude(pk=self.w.action.pk).get()
        self.assertEqual(action.owner, self.w.coachee)
        self.assertEqual(action.title, "Ask for feedback")

    def test_action_done_toggle(self):
        self.login(self.w.coachee)
        self.client.post(
            reverse("engagements:action_done", args=[self.w.action.code]), {"done": "1"}
        )
        self.assertIsNotNone(Action.objects.get(pk=self.w.action.pk).completed_at)

    def test_cancel_and_attendance(self):
        self.login(self.w.coach)
        self.client.post(reverse("engagements:session_cancel", args=[self.w.next_session.code]))
        self.assertEqual(CoachingSession.objects.get(pk=self.w.next_session.pk).status, "cancelled")
        past = make_session(self.w.engagement, days=-1)
        self.client.post(
            reverse("engagements:session_attendance", args=[past.code]), {"status": "no_show"}
        )
        self.assertEqual(CoachingSession.objects.get(pk=past.pk).status, "no_show")


class QueryCountTests(WorldTestCase):
    def _count(self, url_name, code, user, extra=None):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.login(user)
        self.client.get(reverse(url_name, args=[code]))
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(reverse(url_name, args=[code])).status_code, 200)
        return len(ctx.captured_queries)

    def test_engagement_detail_is_flat_in_sessions_and_actions(self):
        before = self._count("engagements:detail", self.w.engagement.code, self.w.coach)
        for i in range(5):
            make_session(self.w.engagement, days=10 + i)
            Action.objects.create(
                engagement=self.w.engagement,
                owner=self.w.coachee,
                title=f"a{i}",
                due_on=timezone.localdate(),
                created_by=self.w.coachee,
            )
        after = self._count("engagements:detail", self.w.engagement.code, self.w.coach)
        self.assertEqual(before, after)
        self.assertEqual(after, 13)  # includes one audit entry for reading action titles

    def test_session_detail_is_pinned(self):
        self.assertEqual(
            self._count("engagements:session_detail", self.w.past_session.code, self.w.coach), 6
        )
