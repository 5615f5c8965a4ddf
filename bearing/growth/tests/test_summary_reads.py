"""Reading progress summaries is audited by the access module, as the record kind
declares: the coach writes the text, the coachee comments; a read by anyone else
is written to the audit log, never the text."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from bearing.audit.models import AuditAction, AuditEntry
from bearing.growth import services as s
from bearing.growth.models import SummaryStatus
from bearing.testing import WorldTestCase

BODY = "SUMMARY-TEXT-5c1 steadier in the exec meeting"
COMMENT = "SUMMARY-COMMENT-8d2 please leave out the reorg"


def _summary_reads(user) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            actor_id=user.id, action=AuditAction.READ, target_type="growth.progresssummary"
        )
    )


class SummaryReadTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.w.agreement.sponsor_sees_summaries = True
        cls.w.agreement.save()
        cls.draft = s.summary_draft(engagement=cls.w.engagement, by=cls.w.coach, body=BODY)

    def _summaries_page(self, user):
        self.login(user)
        return self.client.get(reverse("growth:summaries", args=[self.w.engagement.code]))

    def test_the_coachee_reading_a_draft_is_audited_without_its_text(self):
        response = self._summaries_page(self.w.coachee)
        self.assertContains(response, BODY)
        [entry] = _summary_reads(self.w.coachee)
        self.assertEqual(entry.target_code, str(self.draft.code))
        self.assertEqual(entry.detail, {"field": "summary"})
        self.assertNotIn(BODY, str(entry.detail))

    def test_the_coach_reading_their_own_draft_is_not_audited_but_the_coachees_comment_is(self):
        self._summaries_page(self.w.coach)
        self.assertEqual(_summary_reads(self.w.coach), [])
        s.summary_decide(summary=self.draft, by=self.w.coachee, approve=False, comment=COMMENT)
        response = self._summaries_page(self.w.coach)
        self.assertContains(response, COMMENT)
        [entry] = _summary_reads(self.w.coach)
        self.assertEqual(entry.target_code, str(self.draft.code))

    def test_the_sponsor_reading_an_approved_summary_is_audited(self):
        sponsor_page = reverse("programs:engagement", args=[self.w.engagement.code])
        self.login(self.w.sponsor)
        self.assertNotContains(self.client.get(sponsor_page), BODY)  # a draft: not theirs
        self.assertEqual(_summary_reads(self.w.sponsor), [])
        s.summary_decide(summary=self.draft, by=self.w.coachee, approve=True)
        self.assertContains(self.client.get(sponsor_page), BODY)
        [entry] = _summary_reads(self.w.sponsor)
        self.assertEqual(entry.target_code, str(self.draft.code))
        self.assertEqual(entry.detail, {"field": "summary"})

    def test_no_read_is_audited_when_the_agreement_does_not_share_summaries(self):
        self.draft.status = SummaryStatus.APPROVED
        self.draft.approved_at = timezone.now()
        self.draft.save(update_fields=["status", "approved_at"])
        self.w.agreement.sponsor_sees_summaries = False
        self.w.agreement.save()
        self.login(self.w.sponsor)
        response = self.client.get(reverse("programs:engagement", args=[self.w.engagement.code]))
        self.assertNotContains(response, BODY)
        self.assertEqual(_summary_reads(self.w.sponsor), [])
