from django import forms
from django.test import SimpleTestCase
from django.utils.safestring import mark_safe


class _Form(forms.Form):
    amount = forms.DecimalField(help_text="Target 3 (<i hx-post=/logout/ hx-trigger=load>x</i>).")
    password = forms.CharField(help_text=mark_safe("<ul><li>At least 12 characters</li></ul>"))


class FormRendererTests(SimpleTestCase):
    def test_help_text_built_from_words_is_escaped(self):
        html = str(_Form()["amount"].as_field_group())
        self.assertIn("Target 3 (&lt;i hx-post=/logout/ hx-trigger=load&gt;x&lt;/i&gt;).", html)
        self.assertNotIn("<i hx-", html)

    def test_every_layout_escapes_help_text(self):
        form = _Form()
        for html in (form.as_div(), form.as_p(), form.as_table(), form.as_ul()):
            self.assertNotIn("<i hx-", str(html))

    def test_help_text_marked_safe_on_purpose_keeps_its_markup(self):
        html = str(_Form()["password"].as_field_group())
        self.assertIn("<ul><li>At least 12 characters</li></ul>", html)

    def test_help_text_printed_by_a_template_is_escaped_once(self):
        self.assertEqual(
            str(_Form()["amount"].help_text),
            "Target 3 (&lt;i hx-post=/logout/ hx-trigger=load&gt;x&lt;/i&gt;).",
        )
