"""Times are shown in the viewer's own time zone, and the zone is named, on the pages
that show a coaching session's time."""

from django.urls import reverse

from bearing.testing import WorldTestCase


class TimeZoneNamedTests(WorldTestCase):
    def test_the_brief_names_the_coachs_zone(self):
        self.login(self.w.coach)
        page = self.client.get(reverse("growth:brief", args=[self.w.next_session.code]))
        self.assertContains(page, "(Europe/London)")

    def test_shared_notes_history_names_each_viewers_zone(self):
        url = reverse("engagements:shared_notes_history", args=[self.w.past_session.code])
        for viewer, zone in ((self.w.coach, "Europe/London"), (self.w.coachee, "America/New_York")):
            self.login(viewer)
            self.assertContains(self.client.get(url), f"your time, {zone}")
