"""LongSelect writes the markup Django's Select would, without a template per option."""

from __future__ import annotations

from django import forms
from django.test import SimpleTestCase

from bearing.lib.widgets import LongSelect

CHOICES = [
    ("Europe/Paris", "Europe/Paris"),
    ("America/Port_of_Spain", "America/Port of Spain"),
    ('"><script>alert(1)</script>', "<b>& not markup</b>"),
]


class ZoneForm(forms.Form):
    zone = forms.ChoiceField(label="Your time zone", choices=CHOICES, widget=LongSelect)


class StockForm(forms.Form):
    zone = forms.ChoiceField(label="Your time zone", choices=CHOICES)


class LongSelectTests(SimpleTestCase):
    def test_it_renders_as_djangos_select_does(self):
        for data in (None, {"zone": "America/Port_of_Spain"}, {"zone": "nowhere"}):
            with self.subTest(data=data):
                ours, stock = ZoneForm(data), StockForm(data)
                if data:
                    ours.is_valid()
                    stock.is_valid()
                self.assertHTMLEqual(str(ours["zone"]), str(stock["zone"]))

    def test_the_chosen_value_is_selected_and_everything_is_escaped(self):
        html = str(ZoneForm(initial={"zone": "Europe/Paris"})["zone"])
        self.assertIn('<option value="Europe/Paris" selected>Europe/Paris</option>', html)
        self.assertNotIn("<script>", html)
        self.assertNotIn("<b>", html)
        self.assertIn("&lt;b&gt;&amp; not markup&lt;/b&gt;", html)

    def test_grouped_choices_fall_back_to_djangos_rendering(self):
        widget = LongSelect(choices=[("Europe", [("Europe/Paris", "Paris")])])
        self.assertIn("<optgroup", widget.render("zone", "Europe/Paris"))
