"""Each page: the owner works, the coach as the confidentiality table says, the
sponsor, another coach and an outsider get 404, the wrong method 405, bad input
is shown beside its field."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bearing.audit.models import AuditEntry
from bearing.insight import services as s
from bearing.insight.models import Assessment, Campaign, JournalEntry, RaterAnswers
from bearing.testing import WorldTestCase

from .helpers import (
    COMMENT_CANARY,
    JOURNAL_CANARY,
    answer,
    campaign_with_raters,
    finished_self_assessment,
    leadership,
)


class InsightViewTests(WorldTestCase):
    def outsiders(self):
        return [self.w.sponsor, self.w.other_coach, self.w.other_sponsor, self.w.staff]

    def assert_outsiders_404(self, url, method="get"):
        for person in self.outsiders():
            self.login(person)
            self.assertEqual(getattr(self.client, method)(url).status_code, 404, person)

    def closed_campaign(self, comment=COMMENT_CANARY, n=3):
        campaign = campaign_with_raters(self.w, groups={"peer": n})
        for _, token in s.campaign_open(campaign=campaign, by=self.w.coachee, send=False):
            answer(token, 4, comment=comment)
        return s.campaign_close(campaign=campaign, by=self.w.coach)

    # --- self-assessment
    def test_the_coachee_answers_saves_as_they_go_and_finishes(self):
        self.login(self.w.coachee)
        url = reverse("insight:assessment_start", args=[self.w.engagement.code])
        response = self.client.post(url, {"instrument": str(leadership().code)})
        a = Assessment.objects.get()
        self.assertRedirects(response, reverse("insight:assessment", args=[a.code]))
        page = reverse("insight:assessment", args=[a.code])
        response = self.client.post(page, {"a-delegation_1": "4"}, headers={"HX-Request": "true"})
        self.assertContains(response, "1 of 32 answered")
        response = self.client.post(page, {"finish": "1"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="err-delegation_2"', status_code=400)  # beside the item
        data = {f"a-{i.key}": "3" for i in leadership().items.all()}
        response = self.client.post(page, {**data, "finish": "1"})
        self.assertRedirects(response, reverse("insight:assessment_result", args=[a.code]))
        self.assertEqual(self.client.get(page).status_code, 302)
        self.assertEqual(self.client.get(page.replace("/assessments/", "/x/")).status_code, 404)
        self.assertEqual(self.client.put(page).status_code, 405)

    def test_an_answer_off_the_scale_is_shown_beside_its_item(self):
        a = s.assessment_start(
            engagement=self.w.engagement, by=self.w.coachee, instrument=leadership()
        )
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("insight:assessment", args=[a.code]), {"a-conflict_1": "7"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="err-conflict_1"', status_code=400)

    def test_the_coach_reads_the_scores_audited_and_the_sponsor_never(self):
        a = finished_self_assessment(self.w)
        url = reverse("insight:assessment_result", args=[a.code])
        self.login(self.w.coachee)
        response = self.client.get(url)
        self.assertContains(response, "<svg")
        self.assertContains(response, "<table>")
        self.login(self.w.coach)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertTrue(AuditEntry.objects.filter(target_code=str(a.code), action="read").exists())
        self.assert_outsiders_404(url)
        self.login(self.w.coach)
        self.assertEqual(
            self.client.get(reverse("insight:assessment", args=[a.code])).status_code, 404
        )
        self.assertEqual(self.client.post(url).status_code, 405)

    # --- campaigns
    def test_the_coachee_sets_up_nominates_and_opens(self):
        self.login(self.w.coachee)
        url = reverse("insight:campaign_new", args=[self.w.engagement.code])
        bad = self.client.post(
            url,
            {
                "instrument": str(leadership().code),
                "deadline": "2020-01-01",
                "min_per_group": "2",
                "single_manager": "pool",
                "release": "after_debrief",
            },
        )
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, "Ensure this value is greater than or equal to 3", status_code=400)
        deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
        ok = self.client.post(
            url,
            {
                "instrument": str(leadership().code),
                "deadline": deadline,
                "min_per_group": "3",
                "single_manager": "pool",
                "release": "after_debrief",
            },
        )
        campaign = Campaign.objects.get()
        self.assertRedirects(ok, reverse("insight:campaign", args=[campaign.code]))
        raters = reverse("insight:campaign_raters", args=[campaign.code])
        bad = self.client.post(raters, {"name": "Ann", "email": "not-an-address", "group": "peer"})
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, 'id="id_email_error"', status_code=400)
        for n in range(3):
            self.client.post(
                raters, {"name": f"P{n}", "email": f"p{n}@example.com", "group": "peer"}
            )
        response = self.client.post(reverse("insight:campaign_open", args=[campaign.code]))
        self.assertRedirects(response, reverse("insight:campaign", args=[campaign.code]))
        self.assertEqual(Campaign.objects.get().status, "open")
        page = self.client.get(reverse("insight:campaign", args=[campaign.code]))
        self.assertContains(page, "Progress, as counts per group")
        self.assertNotContains(page, "Read the report")
        # While raters answer, no figure exists anywhere: nothing to compare before and
        # after one more rater answers.
        report = reverse("insight:campaign_report", args=[campaign.code])
        self.assertEqual(self.client.get(report).status_code, 404)
        self.login(self.w.coach)
        self.assertEqual(self.client.get(report).status_code, 404)
        self.login(self.w.coachee)
        self.assert_outsiders_404(reverse("insight:campaign", args=[campaign.code]))
        self.assert_outsiders_404(raters, "post")
        self.login(self.w.coach)
        self.assertEqual(self.client.post(raters, {"name": "x"}).status_code, 404)
        self.assertEqual(self.client.get(raters).status_code, 405)

    def test_the_report_reaches_the_coach_then_the_coachee_after_the_debrief(self):
        finished_self_assessment(self.w, value=5)
        campaign = self.closed_campaign()
        url = reverse("insight:campaign_report", args=[campaign.code])
        self.login(self.w.coachee)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.w.coach)
        page = self.client.get(url)
        self.assertContains(page, "Blind spots")
        self.assertContains(page, COMMENT_CANARY)
        comment = campaign.comments.first()
        self.client.post(reverse("insight:comment_hold", args=[comment.code]), {"held": "1"})
        self.client.post(reverse("insight:campaign_debriefed", args=[campaign.code]))
        self.login(self.w.coachee)
        page = self.client.get(url)
        self.assertContains(page, "Blind spots")
        self.assertEqual(page.content.decode().count(COMMENT_CANARY), 2)  # one of three held back
        self.assert_outsiders_404(url)
        self.login(self.w.coachee)
        self.assertEqual(
            self.client.post(
                reverse("insight:campaign_debriefed", args=[campaign.code])
            ).status_code,
            404,
        )
        self.assertEqual(
            self.client.post(reverse("insight:comment_hold", args=[comment.code])).status_code, 404
        )

    def test_the_report_takes_a_fixed_number_of_queries(self):
        campaign = self.closed_campaign()
        s.campaign_debriefed(campaign=campaign, by=self.w.coach)
        self.login(self.w.coachee)
        url = reverse("insight:campaign_report", args=[campaign.code])
        self.client.get(url)
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        bigger = self.closed_campaign(n=6)
        s.campaign_debriefed(campaign=bigger, by=self.w.coach)
        with CaptureQueriesContext(connection) as large:
            self.client.get(reverse("insight:campaign_report", args=[bigger.code]))
        self.assertEqual(len(small), len(large))
        self.assertLessEqual(len(large), 20)

    # --- rater links
    def test_a_rater_answers_through_the_link_without_an_account_once(self):
        campaign = campaign_with_raters(self.w, groups={"peer": 3})
        token = s.campaign_open(campaign=campaign, by=self.w.coachee, send=False)[0][1]
        url = reverse("insight:rate", args=[token])
        self.client.logout()
        page = self.client.get(url)
        self.assertContains(page, "They ")
        self.assertNotContains(page, self.w.coach.name)
        bad = self.client.post(url, {"a-conflict_1": "9"})
        self.assertEqual(bad.status_code, 400)
        bad = self.client.post(url, {"a-conflict_1": "9"}, headers={"HX-Request": "true"})
        self.assertContains(bad, "Choose one of the answers offered", status_code=400)
        self.assertNotContains(bad, "<html", status_code=400)  # in place, not a whole page
        saved = self.client.post(url, {"a-conflict_1": "2"}, headers={"HX-Request": "true"})
        self.assertContains(saved, "Kept.")
        done = self.client.post(url, {"submit": "1", "c-conflict-start": "Say it sooner"})
        self.assertContains(done, "Your answers are in")
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("insight:rate", args=["guess" * 8])).status_code, 404
        )
        self.assertEqual(self.client.put(url).status_code, 405)

    def test_a_rater_declines(self):
        campaign = campaign_with_raters(self.w, groups={"peer": 3})
        token = s.campaign_open(campaign=campaign, by=self.w.coachee, send=False)[0][1]
        self.client.logout()
        self.assertEqual(
            self.client.get(reverse("insight:rate_decline", args=[token])).status_code, 405
        )
        self.assertContains(
            self.client.post(reverse("insight:rate_decline", args=[token])), "declined"
        )
        self.assertEqual(self.client.get(reverse("insight:rate", args=[token])).status_code, 404)

    # --- the journal
    def test_the_journal_is_private_until_an_entry_is_shared(self):
        self.login(self.w.coachee)
        url = reverse("insight:journal", args=[self.w.engagement.code])
        self.assertContains(self.client.get(url), "Prompts")
        bad = self.client.post(url, {"body": ""})
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, 'id="id_body_error"', status_code=400)
        self.client.post(url, {"body": JOURNAL_CANARY, "tags": "board, fear"})
        entry = JournalEntry.objects.get()
        self.assertContains(self.client.get(url, {"q": "froze"}), JOURNAL_CANARY)
        self.assertNotContains(self.client.get(url, {"q": "elephant"}), JOURNAL_CANARY)
        self.assertContains(self.client.get(url, {"tag": "board"}), JOURNAL_CANARY)
        entry_url = reverse("insight:journal_entry", args=[entry.code])
        self.login(self.w.coach)
        self.assertNotContains(self.client.get(url), JOURNAL_CANARY)
        self.assertEqual(self.client.get(entry_url).status_code, 404)
        self.assertEqual(self.client.post(url, {"body": "x"}).status_code, 404)
        self.assert_outsiders_404(url)
        self.assert_outsiders_404(entry_url)
        self.login(self.w.coachee)
        self.client.post(reverse("insight:journal_share", args=[entry.code]), {"share": "1"})
        self.login(self.w.coach)
        self.assertContains(self.client.get(entry_url), JOURNAL_CANARY)
        self.assertTrue(
            AuditEntry.objects.filter(target_code=str(entry.code), action="read").exists()
        )
        self.assert_outsiders_404(entry_url)
        self.assertEqual(self.client.post(entry_url, {"body": "x"}).status_code, 404)
        self.login(self.w.coachee)
        self.client.post(reverse("insight:journal_share", args=[entry.code]), {"share": "0"})
        self.login(self.w.coach)
        self.assertEqual(self.client.get(entry_url).status_code, 404)
        self.login(self.w.coachee)
        self.assertEqual(
            self.client.get(reverse("insight:journal_share", args=[entry.code])).status_code, 405
        )
        self.client.post(reverse("insight:journal_delete", args=[entry.code]))
        self.assertFalse(JournalEntry.objects.exists())

    def test_the_insight_page(self):
        url = reverse("insight:home", args=[self.w.engagement.code])
        for person in (self.w.coachee, self.w.coach):
            self.login(person)
            self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url).status_code, 405)
        self.assert_outsiders_404(url)


class RawTablesTests(WorldTestCase):
    def test_no_column_joins_an_answer_to_a_rater(self):
        campaign = campaign_with_raters(self.w, groups={"peer": 4, "report": 3})
        issued = s.campaign_open(campaign=campaign, by=self.w.coachee, send=False)
        for n, (_, token) in enumerate(issued[:6]):
            answer(token, 2 + n % 3, comment=f"note {n}")
        with connection.cursor() as cursor:
            invitations = cursor.execute(
                "SELECT * FROM insight_raterinvitation WHERE campaign_id = %s", [campaign.pk]
            ).fetchall()
            inv_cols = [c[0] for c in cursor.description]
            answers = cursor.execute(
                "SELECT * FROM insight_rateranswers WHERE campaign_id = %s", [campaign.pk]
            ).fetchall()
            ans_cols = [c[0] for c in cursor.description]
        # No column of the answers names anything of the invitation's but the campaign.
        self.assertEqual(
            sorted(ans_cols),
            [
                "answers",
                "campaign_id",
                "code",
                "comments",
                "group",
                "id",
                "resume_hash",
                "submitted",
            ],
        )
        inv_values = {str(v) for row in invitations for v in row if v not in (None, "")}
        for row in answers:
            record = dict(zip(ans_cols, row, strict=True))
            # (Row ids: the answer sets were inserted blank, all at once, shuffled.)
            for column in ("code", "resume_hash", "answers", "comments"):
                self.assertNotIn(str(record[column]), inv_values - {str(campaign.pk)})
        self.assertTrue(
            all(
                dict(zip(ans_cols, r, strict=True))["resume_hash"] == ""
                for r in answers
                if dict(zip(ans_cols, r, strict=True))["submitted"]
            )
        )
        # Handed-in times are days, not moments; the answers carry no time at all.
        self.assertNotIn("finished_at", ans_cols)
        finished = {dict(zip(inv_cols, r, strict=True))["finished_at"] for r in invitations}
        self.assertEqual(len({str(f)[:10] for f in finished if f}), 1)
        # Rows were created blank in one shuffled batch at opening: the order of the answer
        # sets says nothing about the order of invitations (they are all blank then).
        s.campaign_close(campaign=campaign, by=self.w.coach)
        self.assertFalse(any(a.comments for a in RaterAnswers.objects.filter(campaign=campaign)))
        self.assertFalse(RaterAnswers.objects.filter(campaign=campaign, submitted=False).exists())
