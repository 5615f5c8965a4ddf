"""The decision arithmetic on known figures: weighted totals, bins, the Brier
score, the 'too few yet' rules and the 2x2 rule at its edges."""

from __future__ import annotations

from django.test import SimpleTestCase

from bearing.practice import framework as fw
from bearing.practice.models import quadrant_of


class WeightedTotalsTests(SimpleTestCase):
    def test_totals_are_weight_times_score_summed(self):
        f = {
            "options": ["A", "B"],
            "criteria": [{"name": "cost", "weight": 5}, {"name": "speed", "weight": 2}],
            "scores": {"0-0": 4, "0-1": 1, "1-0": 2, "1-1": 5},
        }
        a, b = fw.weighted_totals(f)
        self.assertEqual((a.total, b.total), (5 * 4 + 2 * 1, 5 * 2 + 2 * 5))  # 22, 20
        self.assertEqual(a.best_possible, 35)
        self.assertEqual(a.percent, 63)  # 22 / 35
        self.assertTrue(a.scored and b.scored)

    def test_an_unscored_cell_counts_nothing_and_marks_the_option_unscored(self):
        f = {"options": ["A", "B"], "criteria": [{"name": "cost", "weight": 3}], "scores": {}}
        a, _ = fw.weighted_totals(f)
        self.assertEqual(a.total, 0)
        self.assertFalse(a.scored)

    def test_steps_done_follow_the_answers(self):
        done = fw.steps_done({"options": ["A", "B"], "premortem": "It stalled."}, "Title")
        self.assertTrue(done["why"] and done["options"] and done["premortem"])
        self.assertFalse(done["criteria"] or done["matrix"] or done["outside"])


class CalibrationTests(SimpleTestCase):
    def test_empty(self):
        cal = fw.calibration([])
        self.assertEqual(cal.resolved, 0)
        self.assertIsNone(cal.brier)
        self.assertFalse(cal.enough)
        self.assertEqual(len(cal.bins), 10)
        self.assertEqual(cal.drawn_bins, [])

    def test_brier_score_on_known_figures(self):
        # (0.7-1)^2 + (0.7-0)^2 + (0.2-0)^2 + (1.0-1)^2 = 0.09 + 0.49 + 0.04 + 0 = 0.62; / 4
        pairs = [(70, True), (70, False), (20, False), (100, True)]
        self.assertAlmostEqual(fw.brier_score(pairs), 0.155)
        self.assertAlmostEqual(fw.calibration(pairs).brier, 0.155)

    def test_always_fifty_percent_scores_a_quarter(self):
        self.assertAlmostEqual(fw.brier_score([(50, True), (50, False)] * 5), 0.25)

    def test_bins_are_ten_percent_wide_and_hundred_joins_the_last(self):
        self.assertEqual(
            [fw.bin_index(p) for p in (0, 9, 10, 19, 55, 90, 99, 100)], [0, 0, 1, 1, 5, 9, 9, 9]
        )
        with self.assertRaises(ValueError):
            fw.bin_index(101)

    def test_a_single_bin(self):
        pairs = [(70, True)] * 4 + [(75, False)]
        cal = fw.calibration(pairs)
        seventy = cal.bins[7]
        self.assertEqual((seventy.count, seventy.came_true), (5, 4))
        self.assertAlmostEqual(seventy.mean_forecast, 0.71)
        self.assertAlmostEqual(seventy.observed, 0.8)
        self.assertEqual(seventy.label, "70–80%")
        self.assertTrue(seventy.drawn)
        self.assertEqual([b.low for b in cal.drawn_bins], [70])
        self.assertEqual(sum(b.count for b in cal.bins), 5)
        # 4 x 0.09 + 0.75^2 = 0.36 + 0.5625 = 0.9225; / 5
        self.assertAlmostEqual(cal.brier, 0.1845)

    def test_a_bin_with_fewer_than_five_is_not_drawn(self):
        cal = fw.calibration([(30, False)] * 4 + [(90, True)] * 5)
        self.assertFalse(cal.bins[3].drawn)
        self.assertTrue(cal.bins[9].drawn)
        self.assertEqual([b.low for b in cal.drawn_bins], [90])

    def test_too_few_until_twenty_have_resolved(self):
        self.assertFalse(fw.calibration([(60, True)] * 19).enough)
        self.assertTrue(fw.calibration([(60, True)] * 20).enough)


class QuadrantTests(SimpleTestCase):
    def test_the_2x2_splits_between_rather_bad_and_rather_good(self):
        self.assertEqual(quadrant_of(3, 3), "earned")
        self.assertEqual(quadrant_of(2, 3), "bad_break")
        self.assertEqual(quadrant_of(3, 2), "lucky")
        self.assertEqual(quadrant_of(2, 2), "lesson")
        self.assertEqual(quadrant_of(4, 1), "lucky")
        self.assertEqual(quadrant_of(1, 4), "bad_break")
