"""`manage.py seed` shows a progress bar with the time left, on a terminal only."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from django.test import TestCase

from bearing.accounts.models import Practice
from bearing.ops.management.commands.seed import build, expected_rows, progress


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
        # key results, 1,000 check-ins with a reading each, people and memberships; two
        # companion coachees (consent, conversation, 12 messages), four with the tools
        # (3 journal entries, 2 decisions, a board, 6 items), one program of 20 seats
        # (a seat, a pulse asked and answered, about 9 tagged coaching sessions each).
        self.assertEqual(
            expected_rows(0.001),
            2 * 21 + 40 + 200 + 40 + 102 * 20 + 2 * 14 + 4 * 12 + 1 + 20 * 12,
        )

    def test_the_bar_ends_near_the_rows_the_seed_writes(self):
        out = Terminal()
        with progress(expected_rows(0.001), out=out):
            build(scale=0.001, batch=5000, base=datetime(2026, 1, 5, tzinfo=UTC), seed=2026)
        final = re.findall(r"100%\s+([\d,]+) rows", out.getvalue())[-1]
        written = int(final.replace(",", ""))
        self.assertLess(abs(written - expected_rows(0.001)) / written, 0.05)
