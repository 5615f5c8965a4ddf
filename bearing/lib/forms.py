"""The form renderer: a field's help text is escaped like any other text.

Django's form templates print ``help_text`` unescaped, so a help text built
from what a person wrote (a key result's unit, a goal's title) would reach the
page as markup. Here help text is escaped unless it was marked safe on purpose
(reviewed: Django's own password rules list), wherever a template prints it.

A long text field also states its limit in its help text ("Up to 2,000
characters."), so the limit is known without JavaScript; with it, bearing.js
counts what is left. The server refuses longer text, never cuts it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

# A text input this long or longer, or any text area, states its limit.
LONG_TEXT = 300


def states_its_limit(field: forms.Field) -> bool:
    limit = getattr(field, "max_length", None)
    if not limit or isinstance(field.widget, forms.HiddenInput):
        return False
    return isinstance(field.widget, forms.Textarea) or (
        isinstance(field.widget, forms.TextInput) and limit >= LONG_TEXT
    )


class EscapedHelpTextBoundField(BoundField):
    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        super().__init__(form, field, name)
        help_text = self.help_text or ""
        # (The help text marked safe on purpose, the password rules, is on password
        # inputs, which never state a limit here.)
        if states_its_limit(field) and "characters" not in str(help_text):
            limit = f"Up to {getattr(field, 'max_length', 0):,} characters."
            help_text = f"{help_text} {limit}" if help_text else limit
        self.help_text = conditional_escape(help_text) if help_text else ""


class FormRenderer(DjangoTemplates):
    bound_field_class = EscapedHelpTextBoundField


def apply_errors(
    form: forms.Form,
    exc: ValidationError,
    rename: dict[str, str] | None = None,
    default_field: str | None = None,
) -> None:
    """Put a service's ValidationError next to the field it names (``rename`` maps a
    service's name to the form's), or else beside ``default_field`` or at the top."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            field = rename.get(field, field)
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc.messages)
