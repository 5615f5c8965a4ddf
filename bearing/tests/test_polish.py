"""Small things that cost trust: numbers as people write them, charts that say their
values, tables a keyboard can scroll on a phone."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import SimpleTestCase
from django.urls import reverse

from bearing.growth.charts import line_chart
from bearing.growth.models import KeyResult
from bearing.testing import WorldTestCase

TEMPLATES = Path(__file__).resolve().parent.parent


class NumbersTests(WorldTestCase):
    def test_a_count_shows_without_decimals_in_the_check_in(self):
        KeyResult.objects.filter(pk=self.w.key_result.pk).update(current=4, target=6)
        self.login(self.w.coachee)
        body = self.client.get(
            reverse("growth:check_in", args=[self.w.engagement.code])
        ).content.decode()
        field = re.search(rf'<input[^>]*name="kr_{self.w.key_result.id}"[^>]*>', body).group(0)
        self.assertIn('value="4"', field)
        self.assertIn("Target 6 (per week).", body)
        self.assertNotIn("4.00", body)
        self.assertNotIn("6.00", body)

    def test_a_fraction_keeps_its_digits(self):
        KeyResult.objects.filter(pk=self.w.key_result.pk).update(
            current="2.50", target="7.25", measure="amount"
        )
        self.login(self.w.coachee)
        body = self.client.get(
            reverse("growth:check_in", args=[self.w.engagement.code])
        ).content.decode()
        self.assertIn('value="2.5"', body)
        self.assertIn("Target 7.25 (per week).", body)


class ChartTests(SimpleTestCase):
    def chart(self, **kw):
        args = {
            "title": "Meetings",
            "points": [("1 Mar", 1.0), ("8 Mar", 2.0)],
            "baseline": 0.0,
            "target": 3.0,
        }
        return str(line_chart(**(args | kw)))

    def test_the_vertical_axis_carries_values(self):
        svg = self.chart()
        ticks = re.findall(r'class="chart-label chart-tick"[^>]*>([^<]+)<', svg)
        self.assertEqual(ticks, ["0", "1", "2", "3"])

    def test_a_count_axis_has_whole_numbers_only(self):
        svg = self.chart(points=[("1 Mar", 1.0)], baseline=0.0, target=2.0)
        ticks = re.findall(r'class="chart-label chart-tick"[^>]*>([^<]+)<', svg)
        self.assertTrue(all("." not in t for t in ticks), ticks)

    def test_baseline_and_target_labels_end_inside_the_chart(self):
        svg = self.chart()
        for name in ("baseline", "target"):
            label = re.search(rf"<text[^>]*>{name}[^<]*</text>", svg).group(0)
            self.assertIn('text-anchor="end"', label)
            x = float(re.search(r'x="([\d.]+)"', label).group(1))
            self.assertLessEqual(x, 560)
            self.assertGreater(x, 100)  # not squeezed against the left edge
        self.assertIn("baseline 0", svg)
        self.assertIn("target 3", svg)


class ScrollableTablesTests(SimpleTestCase):
    def test_every_table_wrapper_is_a_focusable_named_region(self):
        wrappers = []
        for path in TEMPLATES.rglob("templates/**/*.html"):
            for tag in re.findall(r'<div class="table-wrap"[^>]*>', path.read_text()):
                wrappers.append((path.name, tag))
        self.assertGreater(len(wrappers), 5)
        for name, tag in wrappers:
            with self.subTest(template=name):
                self.assertIn('tabindex="0"', tag)
                self.assertIn('role="region"', tag)
                # Named by its own label, or by the heading or caption it points to.
                self.assertRegex(tag, r'aria-label(?:ledby)?="[^"]+"')

    def test_every_table_sits_in_a_wrapper(self):
        for path in TEMPLATES.rglob("templates/**/*.html"):
            text = path.read_text()
            with self.subTest(template=path.name):
                self.assertEqual(text.count("<table"), text.count('<div class="table-wrap"'))
