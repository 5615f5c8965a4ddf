"""360 comments and journal entries are canaries: across every page of Bearing,
they never reach the sponsor, another coach or staff; a journal entry reaches the
coach only once shared; comments reach the coachee only after the debrief."""

from __future__ import annotations

from django.urls import reverse

from bearing.insight import services as s
from bearing.testing import WorldTestCase
from bearing.tests.test_route_sweep import POLICY, add_route_objects

from .helpers import COMMENT_CANARY, JOURNAL_CANARY, answer, campaign_with_raters

SHARED_JOURNAL = "CANARY-JOURNAL-SHARED-51c0a the coach may read this one"


class CanaryTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_route_objects(cls.w)
        w = cls.w
        campaign = campaign_with_raters(w, groups={"peer": 3})
        for _, token in s.campaign_open(campaign=campaign, by=w.coachee, send=False):
            answer(token, 4, comment=COMMENT_CANARY)
        cls.campaign = s.campaign_close(campaign=campaign, by=w.coach)
        s.journal_write(engagement=w.engagement, by=w.coachee, body=JOURNAL_CANARY)
        shared = s.journal_write(engagement=w.engagement, by=w.coachee, body=SHARED_JOURNAL)
        s.journal_share(entry=shared, by=w.coachee, share=True)
        cls.shared = shared

    def pages(self):
        """Every GET route of the sweep, with this world's records where we have them."""
        for name, route in POLICY.items():
            # (The rater's page is its own test; a download is a file made once.)
            if "GET" not in route.methods or name in {"insight:rate", "exports:download"}:
                continue
            try:
                kwargs = route.kwargs(self.w)
            except Exception:  # noqa: BLE001 - a route whose records this world lacks
                continue
            if name in {"insight:campaign", "insight:campaign_report"}:
                kwargs = {"code": self.campaign.code}
            if name == "insight:journal_entry":
                kwargs = {"code": self.shared.code}
            yield name, reverse(name, kwargs=kwargs)

    def bodies(self, person):
        self.login(person)
        for name, url in self.pages():
            response = self.client.get(url)
            body = b"".join(response) if response.streaming else response.content
            yield name, body

    def test_outsiders_never_see_comments_or_journal_entries(self):
        for person in (self.w.sponsor, self.w.other_coach, self.w.other_sponsor, self.w.staff):
            for name, body in self.bodies(person):
                for canary in (COMMENT_CANARY, JOURNAL_CANARY, SHARED_JOURNAL):
                    self.assertNotIn(canary.split()[0].encode(), body, f"{name} to {person}")

    def test_the_coach_sees_shared_entries_only_and_the_comments(self):
        seen = b"".join(body for _, body in self.bodies(self.w.coach))
        self.assertNotIn(JOURNAL_CANARY.split()[0].encode(), seen)
        self.assertIn(SHARED_JOURNAL.split()[0].encode(), seen)
        self.assertIn(COMMENT_CANARY.split()[0].encode(), seen)

    def test_the_coachee_sees_comments_only_after_the_debrief(self):
        seen = b"".join(body for _, body in self.bodies(self.w.coachee))
        self.assertNotIn(COMMENT_CANARY.split()[0].encode(), seen)
        s.campaign_debriefed(campaign=self.campaign, by=self.w.coach)
        self.assertContains(
            self.client.get(reverse("insight:campaign_report", args=[self.campaign.code])),
            COMMENT_CANARY,
        )
