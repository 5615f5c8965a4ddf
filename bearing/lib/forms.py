"""The form renderer: a field's help text is escaped like any other text.

Django's form templates print ``help_text`` unescaped, so a help text built
from what a person wrote (a key result's unit, a goal's title) would reach the
page as markup. Here help text is escaped unless it was marked safe on purpose
(reviewed: Django's own password rules list), wherever a template prints it.
"""

from __future__ import annotations

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape


class EscapedHelpTextBoundField(BoundField):
    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        self.help_text = conditional_escape(self.help_text) if self.help_text else ""


class FormRenderer(DjangoTemplates):
    bound_field_class = EscapedHelpTextBoundField
