from django import forms

from .models import ExportKind


class ExportRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=ExportKind.choices)
    # A coach's notes for one engagement (its code); empty for all of them.
    engagement = forms.UUIDField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == ExportKind.PERSONAL and data.get("engagement"):
            raise forms.ValidationError("Everything about you comes in one export.")
        return data
