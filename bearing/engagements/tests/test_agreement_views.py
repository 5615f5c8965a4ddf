"""The coaching agreement: the coach proposes versions, the coachee consents."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements import queries as q
from bearing.engagements.models import Agreement, Engagement
from bearing.testing import CANARY, WorldTestCase


def propose_post(**overrides) -> dict:
    data = {
        "objectives": "OBJ-V2-SECRET lead the merger",
        "cadence": "Weekly",
        "session_minutes": "90",
        "session_count": "8",
        "confidentiality_limits": "Risk of harm; legal obligation.",
        "sponsor_sees_status": "on",
        "sponsor_sees_goal_progress": "on",
        "companion_offered": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class AgreementPageTests(WorldTestCase):
    def setUp(self):
        self.url = reverse("engagements:agreement", args=[self.w.engagement.code])
        self.accept_url = reverse("engagements:agreement_accept", args=[self.w.engagement.code])

    def propose(self, **overrides):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, propose_post(**overrides))

    def accept(self, version):
        self.login(self.w.coachee)
        return self.client.post(self.accept_url, {"version": str(version)})

    def test_both_read_the_agreement_and_the_coach_is_offered_a_prefilled_form(self):
        self.login(self.w.coachee)
        response = self.client.get(self.url)
        self.assertContains(response, CANARY.objectives)
        self.assertContains(response, "In force")
        self.assertNotContains(response, "I accept this agreement")
        self.assertNotContains(response, "Propose a new version")
        self.login(self.w.coach)
        response = self.client.get(self.url)
        self.assertContains(response, "Propose version 2")
        self.assertEqual(response.context["form"].initial["objectives"], CANARY.objectives)

    def test_the_coach_proposes_a_new_version_and_the_old_one_stays_in_force(self):
        response = self.propose()
        self.assertRedirects(response, self.url)
        v2 = Agreement.objects.get(engagement=self.w.engagement, version=2)
        self.assertEqual(v2.objectives, "OBJ-V2-SECRET lead the merger")
        self.assertEqual((v2.cadence, v2.session_minutes, v2.session_count), ("Weekly", 90, 8))
        self.assertEqual(v2.sponsor_signals, {"status", "goal_progress"})
        self.assertIsNone(v2.accepted_at)
        self.assertEqual(q.agreement_in_force(self.w.engagement).version, 1)
        # The coachee is told by email, which names no objectives.
        (message,) = mail.outbox
        self.assertEqual(message.to, [self.w.coachee.email])
        self.assertIn("new version (version 2)", message.body)
        self.assertIn("A new version", message.subject)
        for part in (message.subject, message.body, message.alternatives[0][0]):
            self.assertNotIn("OBJ-V2-SECRET", part)
            self.assertNotIn(CANARY.objectives.split()[0], part)

    def test_the_coachee_sees_the_new_version_awaiting_acceptance_and_what_changed(self):
        self.propose()
        self.login(self.w.coachee)
        response = self.client.get(self.url)
        self.assertContains(response, "Awaiting your acceptance")
        self.assertContains(response, "Version 1, accepted")
        self.assertContains(response, "stays in force until you accept this one")
        self.assertContains(response, "I accept this agreement")
        changes = response.context["changes"]
        self.assertIn("The objectives are rewritten.", changes)
        self.assertIn("Cadence: Every two weeks → Weekly.", changes)
        self.assertIn("Session length (minutes): 60 → 90.", changes)
        self.assertIn(
            "The sponsor would also see: progress on goals the coachee marks as shared.", changes
        )
        self.assertIn("The sponsor would no longer see: session attendance.", changes)
        # The old objectives are never quoted in the list of changes.
        self.assertNotIn(CANARY.objectives, " ".join(changes))

    def test_acceptance_records_consent_and_a_newer_version_needs_acceptance_again(self):
        self.propose()
        response = self.accept(2)
        self.assertRedirects(response, reverse("engagements:detail", args=[self.w.engagement.code]))
        v1, v2 = Agreement.objects.filter(engagement=self.w.engagement).order_by("version")
        self.assertEqual(v2.accepted_by, self.w.coachee)
        self.assertIsNotNone(v2.accepted_at)
        self.assertIsNotNone(v1.superseded_at)
        consent = AuditEntry.objects.get(action=AuditAction.CONSENT)
        self.assertEqual(consent.actor_id, self.w.coachee.pk)
        self.assertEqual(consent.target_code, str(v2.code))
        self.assertEqual(consent.detail, {"version": "2", "kind": "accepted"})
        self.assertEqual(q.agreement_in_force(self.w.engagement).version, 2)

        self.propose(cadence="Monthly")
        self.assertEqual(q.agreement_in_force(self.w.engagement).version, 2)
        self.login(self.w.coachee)
        self.assertContains(self.client.get(self.url), "Awaiting your acceptance")
        self.accept(3)
        self.assertEqual(q.agreement_in_force(self.w.engagement).version, 3)
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.CONSENT).count(), 2)

    def test_accepting_a_version_that_changed_meanwhile_is_refused(self):
        self.propose()
        response = self.accept(1)  # read version 1, but version 2 is now the newest
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertContains(self.client.get(self.url), "changed while you were reading it")
        self.assertIsNone(
            Agreement.objects.get(engagement=self.w.engagement, version=2).accepted_at
        )
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.CONSENT).exists())

    def test_accepting_twice_is_refused_politely(self):
        response = self.accept(1)
        self.assertContains(self.client.get(response["Location"]), "already accepted")
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.CONSENT).exists())

    def test_a_second_draft_replaces_the_first(self):
        self.propose()
        self.propose(cadence="Monthly")
        v2, v3 = Agreement.objects.filter(engagement=self.w.engagement, version__gt=1).order_by(
            "version"
        )
        self.assertIsNotNone(v2.superseded_at)
        self.assertIsNone(v3.superseded_at)
        response = self.accept(2)
        self.assertIsNone(Agreement.objects.get(pk=v2.pk).accepted_at)
        self.assertContains(self.client.get(response["Location"]), "changed while you were")

    def test_missing_objectives_are_named_and_nothing_is_saved(self):
        response = self.propose(objectives="", session_count="0")
        form = response.context["form"]
        self.assertIn("What does the coachee want from coaching?", form.errors["objectives"])
        self.assertIn("session_count", form.errors)
        self.assertEqual(Agreement.objects.filter(engagement=self.w.engagement).count(), 1)
        self.assertEqual(mail.outbox, [])

    def test_the_coachees_read_of_objectives_the_coach_wrote_is_audited(self):
        self.login(self.w.coachee)
        self.client.get(self.url)
        entry = AuditEntry.objects.get(action=AuditAction.READ)
        self.assertEqual(entry.detail, {"field": "objectives"})
        self.assertEqual(entry.target_code, str(self.w.agreement.code))

    def test_an_ended_engagement_keeps_its_agreement_as_it_is(self):
        Engagement.objects.filter(pk=self.w.engagement.pk).update(
            status="ended_early", ended_at=timezone.now()
        )
        self.login(self.w.coach)
        self.assertNotContains(self.client.get(self.url), "Propose a new version")
        response = self.client.post(self.url, propose_post())
        self.assertRedirects(response, self.url)
        self.assertEqual(Agreement.objects.filter(engagement=self.w.engagement).count(), 1)

    def test_history_lists_every_version_with_its_consent(self):
        self.propose()
        self.accept(2)
        self.login(self.w.coach)
        response = self.client.get(self.url)
        history = response.context["history"]
        self.assertEqual([a.version for a in history], [2, 1])
        self.assertContains(response, "acknowledged by the sponsor", count=0)
        self.assertContains(response, "Version 1: written")
