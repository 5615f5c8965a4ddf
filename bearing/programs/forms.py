"""Plain forms for the program pages: they parse; services decide."""

from __future__ import annotations

from django import forms

from bearing.accounts.models import Organization, Practice
from bearing.engagements.models import EngagementStatus
from bearing.lib.zones import zone_choices

from .models import CoachStyle, Language, Theme

ZONE_CHOICES = zone_choices()


class ProgramForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    organization = forms.ModelChoiceField(
        label="Organization", queryset=Organization.objects.none(), to_field_name="code"
    )
    practice = forms.ModelChoiceField(
        label="Coaching practice",
        queryset=Practice.objects.none(),
        to_field_name="code",
        help_text="The practice whose roster the coaches are proposed from.",
    )
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="Ends on", widget=forms.DateInput(attrs={"type": "date"}))
    seats = forms.IntegerField(label="Seats", min_value=1, max_value=500, initial=10)
    sessions_per_engagement = forms.IntegerField(
        label="Coaching sessions per engagement", min_value=1, max_value=100, initial=8
    )
    focus_themes = forms.MultipleChoiceField(
        label="Focus themes the organization cares about",
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Up to five.",
    )
    sponsor_sees_status = forms.BooleanField(
        label="Engagement status", required=False, initial=True
    )
    sponsor_sees_attendance = forms.BooleanField(
        label="Session attendance", required=False, initial=True
    )
    sponsor_sees_goal_progress = forms.BooleanField(
        label="Progress on goals the coachee marks as shared", required=False
    )
    sponsor_sees_summaries = forms.BooleanField(
        label="Progress summaries the coachee has approved", required=False
    )
    sponsor_sees_360_change = forms.BooleanField(
        label="360 change, only as a program average over three or more coachees",
        required=False,
        help_text=(
            "The change between each coachee's before and after 360 campaigns, in how "
            "others rated them, averaged per focus area; shown only when three or more "
            "coachees count toward it. Never one person's figures, answers or comments."
        ),
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        ids = [o.id for o in organizations]
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(id__in=ids)
        # Only the practices that work with one of the viewer's organizations.
        practice = self.fields["practice"]
        assert isinstance(practice, forms.ModelChoiceField)
        practice.queryset = Practice.objects.filter(organizations__in=ids).distinct()


class SeatForm(forms.Form):
    name = forms.CharField(label="Leader's name", max_length=150)
    email = forms.EmailField(label="Leader's email address")


class CoachProfileForm(forms.Form):
    bio = forms.CharField(
        label="About you",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        required=False,
        help_text="Shown to the leaders you are proposed to.",
    )
    focus_areas = forms.MultipleChoiceField(
        label="Focus areas",
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label="Languages you coach in",
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = forms.ChoiceField(label="Your time zone", choices=ZONE_CHOICES)
    years_experience = forms.IntegerField(
        label="Years of coaching experience", min_value=0, max_value=70, initial=0
    )
    capacity = forms.IntegerField(
        label="How many coachees you can take in all",
        min_value=0,
        max_value=100,
        initial=0,
        help_text="Nobody is proposed your name once your coachees reach this number.",
    )


class MatchingProfileForm(forms.Form):
    themes = forms.MultipleChoiceField(
        label="What you want to work on",
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Up to three.",
    )
    hopes = forms.CharField(
        label="In your own words (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text="Only the coaches proposed to you read this; never your sponsor.",
    )
    languages = forms.MultipleChoiceField(
        label="Languages you would like to be coached in",
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = forms.ChoiceField(label="Your time zone", choices=ZONE_CHOICES)
    coach_style = forms.ChoiceField(
        label="The coaching style you prefer",
        choices=CoachStyle.choices,
        initial=CoachStyle.ANY,
        help_text="The coaches proposed to you read it; it does not change who is proposed.",
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])


class ThemesForm(forms.Form):
    themes = forms.MultipleChoiceField(
        label="What this coaching session worked on",
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "One to three. No text: the sponsor sees only counts over three or more coachees."
        ),
    )


RATING = [(str(i), str(i)) for i in range(1, 6)]


class PulseForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label="How useful is coaching to you? (1 not at all, 5 very)",
        choices=RATING,
        coerce=int,
        widget=forms.RadioSelect,
    )
    recommend = forms.TypedChoiceField(
        label="Would you recommend coaching to a colleague?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    coach_fit = forms.TypedChoiceField(
        label="How well does your coach suit you? (1 not at all, 5 very well)",
        choices=RATING,
        coerce=int,
        widget=forms.RadioSelect,
    )


class DashboardFilterForm(forms.Form):
    window = forms.ChoiceField(label="Date range", required=False)
    theme = forms.ChoiceField(
        label="Theme", required=False, choices=[("", "Any theme"), *Theme.choices]
    )
    status = forms.ChoiceField(
        label="Engagement status",
        required=False,
        choices=[
            ("", "Any status"),
            *[
                (s.value, s.label)
                for s in (
                    EngagementStatus.ACTIVE,
                    EngagementStatus.PAUSED,
                    EngagementStatus.COMPLETED,
                    EngagementStatus.ENDED_EARLY,
                )
            ],
        ],
    )

    def __init__(self, *args, windows=(), **kwargs):
        super().__init__(*args, **kwargs)
        window = self.fields["window"]
        assert isinstance(window, forms.ChoiceField)
        window.choices = list(windows)


class EstimateForm(forms.Form):
    label = forms.CharField(
        label="What the figure is",
        max_length=120,
        help_text="A behaviour or result you estimate, e.g. 'Internal promotions this year'.",
    )
    value = forms.DecimalField(label="Your estimate", max_digits=12, decimal_places=2)
    unit = forms.CharField(label="Unit (optional)", max_length=40, required=False)


class ChemistryCallForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="In your time zone; 20 minutes.",
        error_messages={
            "required": "When would you like the call?",
            "invalid": "Enter a date and time, for example 2030-03-14 09:30.",
        },
    )
