from django.urls import reverse

from bearing.testing import WorldTestCase


class AccountSettingsTests(WorldTestCase):
    url = reverse("accounts:settings")

    def test_page_shows_current_name_and_time_zone(self):
        self.login(self.w.coachee)
        response = self.client.get(self.url)
        self.assertContains(response, 'value="Lena Leader"')
        self.assertContains(
            response,
            '<option value="America/New_York" selected>America/New York</option>',
            html=True,
        )

    def test_person_sets_name_and_time_zone(self):
        self.login(self.w.coach)
        response = self.client.post(self.url, {"name": "Clara C", "time_zone": "Asia/Tokyo"})
        self.assertRedirects(response, self.url)
        self.w.coach.refresh_from_db()
        self.assertEqual((self.w.coach.name, self.w.coach.time_zone), ("Clara C", "Asia/Tokyo"))

    def test_unknown_time_zone_or_blank_name_saves_nothing(self):
        self.login(self.w.coach)
        response = self.client.post(self.url, {"name": "", "time_zone": "Mars/Olympus"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.context["form"].errors), {"name", "time_zone"})
        self.w.coach.refresh_from_db()
        self.assertEqual(
            (self.w.coach.name, self.w.coach.time_zone), ("Clara Coach", "Europe/London")
        )

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_wrong_method(self):
        self.login(self.w.coach)
        self.assertEqual(self.client.put(self.url).status_code, 405)
