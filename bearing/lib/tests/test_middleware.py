from django.urls import reverse

from bearing.testing import WorldTestCase


class NoStoreForSignedInTests(WorldTestCase):
    def assertNotKept(self, response, where: str):
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        self.assertTrue({"no-store", "private"} <= directives, f"{where}: {directives}")
        self.assertNotIn("public", directives, where)

    def test_every_role_gets_pages_no_cache_may_keep(self):
        w = self.w
        pages = [
            (w.coach, reverse("dashboard")),
            (w.coach, reverse("engagements:session_detail", args=[w.past_session.code])),
            (w.coachee, reverse("growth:plan", args=[w.engagement.code])),
            (w.coachee, reverse("companion:conversation", args=[w.conversation.code])),
            (w.sponsor, reverse("programs:engagement", args=[w.engagement.code])),
            (w.staff, reverse("accounts:staff")),
            (w.other_coach, reverse("dashboard")),
        ]
        for user, url in pages:
            self.login(user)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotKept(response, f"{user.email} {url}")

    def test_a_not_found_answer_and_a_redirect_are_not_kept_either(self):
        self.login(self.w.other_coach)
        response = self.client.get(reverse("engagements:detail", args=[self.w.engagement.code]))
        self.assertEqual(response.status_code, 404)
        self.assertNotKept(response, "404")
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("engagements:action_done", args=[self.w.action.code]), {"done": "1"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertNotKept(response, "redirect after a change")

    def test_an_htmx_fragment_is_not_kept(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("engagements:action_done", args=[self.w.action.code]),
            {"done": "1"},
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotKept(response, "htmx fragment")
