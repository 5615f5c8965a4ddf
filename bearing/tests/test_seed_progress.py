"""`manage.py seed` shows a progress bar with the time left, on a terminal only."""

from __future__ import annotations

import io

from django.test import TestCase

from bearing.accounts.models import Practice
from bearing.ops.management.commands.seed import expected_rows, progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class SeedProgressTests(TestCase):
    def test_the_bar_counts_rows_and_ends_done(self):
        out = Terminal()
        with progress(4, out=out):
            Practice.objects.bulk_create([Practice(name=f"P{i}") for i in range(2)])
            Practice.objects.bulk_create([Practice(name=f"Q{i}") for i in range(2)])
        text = out.getvalue()
        self.assertIn("[###", text)
        self.assertIn("100%", text)
        self.assertIn("done", text)
        self.assertEqual(Practice.objects.count(), 4)

    def test_nothing_is_drawn_off_a_terminal(self):
        out = io.StringIO()
        with progress(4, out=out):
            Practice.objects.bulk_create([Practice(name="P")])
        self.assertEqual(out.getvalue(), "")

    def test_the_estimate_matches_the_seed_at_a_small_scale(self):
        # 0.001: 1 coach, 20 coachees, 200 coaching sessions, 40 actions, 20 goals and
        # key results, 1,000 check-ins with a reading each, people and memberships.
        self.assertEqual(expected_rows(0.001), 2 * 21 + 40 + 200 + 40 + 102 * 20)
