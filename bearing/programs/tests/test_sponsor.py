from django.urls import reverse

from bearing.accounts.models import Role
from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements.models import Agreement, EngagementStatus, SessionStatus
from bearing.testing import (
    WorldTestCase,
    canary_strings,
    grant,
    make_engagement,
    make_session,
    make_user,
)

NOT_SHARED = "Not shared under the agreement"
AWAITING = "Awaiting the coachee's agreement"


def page(engagement) -> str:
    return reverse("programs:engagement", args=[engagement.code])


def ack(engagement) -> str:
    return reverse("programs:acknowledge", args=[engagement.code])


class SponsorPageTests(WorldTestCase):
    def test_sponsor_sees_the_allowed_signals_and_terms(self):
        make_session(self.w.engagement, days=-14, status=SessionStatus.NO_SHOW)
        self.login(self.w.sponsor)
        response = self.client.get(page(self.w.engagement))
        self.assertContains(response, "Lena Leader")
        self.assertContains(response, "Coached by Clara Coach")
        self.assertContains(response, '<span class="badge">Active</span>', html=True)
        self.assertContains(response, "<dt>Coaching sessions held</dt><dd>1</dd>", html=True)
        self.assertContains(response, "<dt>Missed (no-show)</dt><dd>1</dd>", html=True)
        self.assertContains(response, "<dt>Upcoming</dt><dd>1</dd>", html=True)
        self.assertContains(response, "The coaching agreement (version 1)")
        self.assertContains(response, "Every two weeks")
        self.assertContains(response, "60 minutes")
        self.assertContains(response, "<dt>Coaching sessions</dt><dd>12</dd>", html=True)
        self.assertContains(response, "a serious risk of harm")
        self.assertContains(response, "<li>Engagement status</li>", html=True)
        self.assertContains(response, "<li>Session attendance</li>", html=True)
        self.assertContains(response, "Accepted by the coachee")

    def test_sponsor_page_never_carries_confidential_text(self):
        self.login(self.w.sponsor)
        response = self.client.get(page(self.w.engagement))
        for tag in canary_strings():
            self.assertNotContains(response, tag)
        self.assertNotContains(response, self.w.engagement.title)

    def test_attendance_hidden_when_the_agreement_does_not_share_it(self):
        engagement = make_engagement(
            coach=self.w.coach,
            coachee=self.w.coachee,
            practice=self.w.practice,
            organization=self.w.organization,
            sponsor_sees_attendance=False,
        )
        make_session(engagement, days=-3, status=SessionStatus.HELD)
        make_session(engagement, days=3)
        self.login(self.w.sponsor)
        response = self.client.get(page(engagement))
        self.assertContains(response, '<span class="badge">Active</span>', html=True)
        self.assertContains(response, NOT_SHARED, count=1)
        self.assertNotContains(response, "Missed (no-show)")
        self.assertNotContains(response, "<dt>Upcoming</dt>", html=True)
        self.assertNotContains(response, "Session attendance")
        self.assertIsNone(response.context["row"].sessions_held)

    def test_status_hidden_when_the_agreement_does_not_share_it(self):
        engagement = make_engagement(
            coach=self.w.coach,
            coachee=self.w.coachee,
            practice=self.w.practice,
            organization=self.w.organization,
            status=EngagementStatus.PAUSED,
            sponsor_sees_status=False,
            sponsor_sees_attendance=False,
        )
        self.login(self.w.sponsor)
        response = self.client.get(page(engagement))
        self.assertNotContains(response, "Paused")
        self.assertContains(response, NOT_SHARED, count=2)
        self.assertContains(
            response,
            '<dt>Shared with you</dt><dd><span class="muted">Nothing</span></dd>',
            html=True,
        )

    def test_before_the_coachee_accepts_only_awaiting_is_shown(self):
        engagement = make_engagement(
            coach=self.w.coach,
            coachee=self.w.coachee,
            practice=self.w.practice,
            organization=self.w.organization,
            status=EngagementStatus.PROPOSED,
            accepted=False,
            cadence="Weekly on Mondays",
        )
        self.login(self.w.sponsor)
        response = self.client.get(page(engagement))
        self.assertContains(response, AWAITING)
        for hidden in ("Proposed", "Coaching sessions held", "Weekly on Mondays", "version 1"):
            self.assertNotContains(response, hidden)
        self.assertNotContains(response, ack(engagement))

    def test_a_newer_version_counts_only_once_accepted(self):
        self.w.agreement.sponsor_sees_attendance = False
        self.w.agreement.save()
        Agreement.objects.create(
            engagement=self.w.engagement,
            version=2,
            objectives="CANARY-OBJECTIVES-d00d1 v2",
            cadence="Weekly on Mondays",
            sponsor_sees_attendance=True,
            created_by=self.w.coach,
        )
        self.login(self.w.sponsor)
        response = self.client.get(page(self.w.engagement))
        self.assertContains(response, "The coaching agreement (version 1)")
        self.assertContains(response, "A newer version is waiting")
        self.assertNotContains(response, "Weekly on Mondays")
        self.assertIsNone(response.context["row"].sessions_held)
        for tag in canary_strings():
            self.assertNotContains(response, tag)

    def test_other_people_get_404(self):
        for persona in ("other_sponsor", "coach", "coachee", "other_coach", "staff"):
            with self.subTest(persona=persona):
                self.login(getattr(self.w, persona))
                self.assertEqual(self.client.get(page(self.w.engagement)).status_code, 404)

    def test_denied_read_is_audited(self):
        self.login(self.w.other_sponsor)
        self.client.get(page(self.w.engagement))
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.DENIED,
                actor_id=self.w.other_sponsor.pk,
                target_code=str(self.w.engagement.code),
            ).exists()
        )

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(page(self.w.engagement))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_wrong_method(self):
        self.login(self.w.sponsor)
        self.assertEqual(self.client.post(page(self.w.engagement)).status_code, 405)

    def test_query_count_is_pinned_and_flat(self):
        self.login(self.w.sponsor)
        self.client.get(page(self.w.engagement))
        with self.assertNumQueries(7):
            self.client.get(page(self.w.engagement))
        for days in range(1, 6):
            make_session(self.w.engagement, days=-days - 20, status=SessionStatus.HELD)
        second = make_user("sponsor2@example.com", "Second Sponsor")
        grant(second, Role.SPONSOR, organization=self.w.organization)
        with self.assertNumQueries(7):
            self.client.get(page(self.w.engagement))


class AcknowledgeTests(WorldTestCase):
    def test_sponsor_acknowledges_the_agreement_in_force(self):
        self.login(self.w.sponsor)
        response = self.client.post(ack(self.w.engagement))
        self.assertRedirects(response, page(self.w.engagement))
        self.w.agreement.refresh_from_db()
        self.assertIsNotNone(self.w.agreement.sponsor_acknowledged_at)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.CONSENT, actor_id=self.w.sponsor.pk
            ).exists()
        )
        response = self.client.get(page(self.w.engagement))
        self.assertContains(response, "You acknowledged this agreement")
        self.assertNotContains(response, "I acknowledge this agreement")

    def test_acknowledges_the_version_in_force_not_a_waiting_one(self):
        v2 = Agreement.objects.create(
            engagement=self.w.engagement, version=2, objectives="x", created_by=self.w.coach
        )
        self.login(self.w.sponsor)
        self.client.post(ack(self.w.engagement))
        self.w.agreement.refresh_from_db()
        v2.refresh_from_db()
        self.assertIsNotNone(self.w.agreement.sponsor_acknowledged_at)
        self.assertIsNone(v2.sponsor_acknowledged_at)

    def test_nothing_to_acknowledge_before_the_coachee_accepts(self):
        engagement = make_engagement(
            coach=self.w.coach,
            coachee=self.w.coachee,
            practice=self.w.practice,
            organization=self.w.organization,
            status=EngagementStatus.PROPOSED,
            accepted=False,
        )
        self.login(self.w.sponsor)
        response = self.client.post(ack(engagement), follow=True)
        self.assertContains(response, "nothing to acknowledge until the coachee accepts")
        self.assertIsNone(engagement.agreements.get().sponsor_acknowledged_at)

    def test_other_people_get_404_and_nothing_changes(self):
        for persona in ("other_sponsor", "coach", "coachee", "other_coach", "staff"):
            with self.subTest(persona=persona):
                self.login(getattr(self.w, persona))
                self.assertEqual(self.client.post(ack(self.w.engagement)).status_code, 404)
        self.w.agreement.refresh_from_db()
        self.assertIsNone(self.w.agreement.sponsor_acknowledged_at)

    def test_anonymous_is_sent_to_login(self):
        response = self.client.post(ack(self.w.engagement))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_wrong_method(self):
        self.login(self.w.sponsor)
        self.assertEqual(self.client.get(ack(self.w.engagement)).status_code, 405)
        self.w.agreement.refresh_from_db()
        self.assertIsNone(self.w.agreement.sponsor_acknowledged_at)
