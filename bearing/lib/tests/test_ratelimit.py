import time
from unittest import mock

from django.test import TestCase

from bearing.lib import ratelimit
from bearing.lib.ratelimit import Limit

LIMIT = Limit("test", 3, 60)
NOW = time.time()


class RateLimitTests(TestCase):
    def test_counts_up_to_the_limit_within_the_window(self):
        self.assertFalse(ratelimit.exceeded(LIMIT, "a"))
        self.assertEqual([ratelimit.hit(LIMIT, "a") for _ in range(3)], [1, 2, 3])
        self.assertTrue(ratelimit.exceeded(LIMIT, "a"))
        self.assertFalse(ratelimit.exceeded(LIMIT, "b"))
        self.assertGreater(ratelimit.retry_after(LIMIT, "a"), 0)

    def test_the_window_is_kept_from_the_first_event_and_then_ends(self):
        with mock.patch("bearing.lib.ratelimit._now", return_value=NOW):
            ratelimit.hit(LIMIT, "a")
        with mock.patch("bearing.lib.ratelimit._now", return_value=NOW + 50):
            ratelimit.hit(LIMIT, "a")
            ratelimit.hit(LIMIT, "a")
            self.assertTrue(ratelimit.exceeded(LIMIT, "a"))
        # Later hits did not stretch the window: it ends 60 s after the first.
        with mock.patch("bearing.lib.ratelimit._now", return_value=NOW + 61):
            self.assertFalse(ratelimit.exceeded(LIMIT, "a"))
            self.assertEqual(ratelimit.hit(LIMIT, "a"), 1)

    def test_reset_forgets(self):
        for _ in range(3):
            ratelimit.hit(LIMIT, "a")
        ratelimit.reset(LIMIT, "a")
        self.assertEqual(ratelimit.used(LIMIT, "a"), 0)
