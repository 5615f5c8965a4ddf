from __future__ import annotations

from django import forms

from .models import MIN_GROUP, RaterGroup, Release, SingleManager
from .services import COMMENT_MAX, JOURNAL_MAX, NAME_MAX


class CampaignForm(forms.Form):
    instrument = forms.ChoiceField(label="Questionnaire")
    deadline = forms.DateField(
        label="Deadline for raters", widget=forms.DateInput(attrs={"type": "date"})
    )
    min_per_group = forms.IntegerField(
        label="Fewest raters before a group is shown",
        min_value=MIN_GROUP,
        max_value=20,
        initial=MIN_GROUP,
        help_text=f"Never below {MIN_GROUP}. Locked once the campaign opens.",
    )
    single_manager = forms.ChoiceField(
        label="A single manager's answers",
        choices=SingleManager.choices,
        initial=SingleManager.POOL,
        widget=forms.RadioSelect,
    )
    release = forms.ChoiceField(
        label="The coachee reads the report",
        choices=Release.choices,
        initial=Release.AFTER_DEBRIEF,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, instruments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(str(i.code), str(i)) for i in instruments]


class NomineeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=NAME_MAX)
    email = forms.EmailField(label="Email")
    group = forms.ChoiceField(label="Group", choices=RaterGroup.choices)


class RerunForm(forms.Form):
    deadline = forms.DateField(
        label="Deadline for the second round", widget=forms.DateInput(attrs={"type": "date"})
    )


class JournalForm(forms.Form):
    prompt = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    body = forms.CharField(
        label="Your reflection", max_length=JOURNAL_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=400,
        help_text="Separate with commas, for example: conflict, board",
    )


class JournalSearchForm(forms.Form):
    q = forms.CharField(label="Search your entries", required=False, max_length=200)
    tag = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)


COMMENT_LIMIT = COMMENT_MAX
