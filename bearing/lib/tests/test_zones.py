from django.test import SimpleTestCase

from bearing.lib.zones import is_place_zone, place_zones, zone_choices


class ZoneTests(SimpleTestCase):
    def test_places_only_sorted(self):
        zones = place_zones()
        self.assertEqual(list(zones), sorted(zones))
        self.assertIn("America/New_York", zones)
        self.assertIn("UTC", zones)
        for not_a_place in ("Factory", "localtime", "posixrules"):
            self.assertNotIn(not_a_place, zones)

    def test_choices_read_without_underscores(self):
        self.assertIn(("America/New_York", "America/New York"), zone_choices())
        self.assertEqual(len(zone_choices()), len(place_zones()))

    def test_is_place_zone(self):
        self.assertTrue(is_place_zone("Europe/Berlin"))
        self.assertFalse(is_place_zone("Factory"))
        self.assertFalse(is_place_zone("Mars/Olympus_Mons"))
        self.assertFalse(is_place_zone(""))
