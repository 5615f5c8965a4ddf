from datetime import timedelta

from django import forms
from django.utils import timezone

from bearing.accounts.models import Organization, Role, User

from .models import DEFAULT_CONFIDENTIALITY_LIMITS, SessionStatus


class AgreementFieldsMixin(forms.Form):
    objectives = forms.CharField(
        label="Objectives",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "What the coachee wants from coaching, in their words. "
            "Only you and the coachee see this."
        ),
        max_length=20_000,
    )
    cadence = forms.CharField(label="Cadence", max_length=100, initial="Every two weeks")
    session_minutes = forms.IntegerField(
        label="Session length (minutes)", min_value=15, max_value=480, initial=60
    )
    session_count = forms.IntegerField(
        label="Number of coaching sessions", min_value=1, max_value=200, initial=12
    )
    confidentiality_limits = forms.CharField(
        label="Limits of confidentiality",
        widget=forms.Textarea(attrs={"rows": 5}),
        initial=DEFAULT_CONFIDENTIALITY_LIMITS,
        max_length=5000,
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

    companion_offered = forms.BooleanField(
        label="Offer the Socratic companion between coaching sessions",
        required=False,
        initial=True,
        help_text="Software that asks questions, never advises; private to the coachee.",
    )

    SIGNAL_FIELDS = (
        "sponsor_sees_status",
        "sponsor_sees_attendance",
        "sponsor_sees_goal_progress",
        "sponsor_sees_summaries",
    )

    def agreement_kwargs(self) -> dict:
        keys = (
            "objectives",
            "cadence",
            "session_minutes",
            "session_count",
            "confidentiality_limits",
            "companion_offered",
            *self.SIGNAL_FIELDS,
        )
        return {k: self.cleaned_data[k] for k in keys}

    @property
    def signal_fields(self):
        return [self[name] for name in self.SIGNAL_FIELDS]


class EngagementCreateForm(AgreementFieldsMixin):
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example: Stepping up to VP Operations."
    )
    organization = forms.ModelChoiceField(label="Organization", queryset=Organization.objects.all())
    sponsor = forms.ModelChoiceField(
        label="Sponsor",
        queryset=User.objects.filter(memberships__role=Role.SPONSOR).distinct(),
        required=False,
    )
    coachee_name = forms.CharField(label="Coachee's name", max_length=150)
    coachee_email = forms.EmailField(
        label="Coachee's email",
        help_text="If they have no account yet, Bearing emails them an invitation.",
    )

    field_order = ["title", "organization", "sponsor", "coachee_name", "coachee_email"]

    def clean(self):
        data = super().clean()
        org, sponsor = data.get("organization"), data.get("sponsor")
        if (
            org
            and sponsor
            and not sponsor.memberships.filter(role=Role.SPONSOR, organization=org).exists()
        ):
            self.add_error("sponsor", "This sponsor is not in the chosen organization.")
        if data.get("coachee_email"):
            data["coachee_email"] = data["coachee_email"].strip().lower()
        return data


class AgreementForm(AgreementFieldsMixin):
    pass


class StatusForm(forms.Form):
    status = forms.CharField(max_length=16)


class SessionForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="In your time zone.",
    )
    duration_minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=15,
        max_value=480,
        required=False,
        help_text="Leave empty to use the length in the coaching agreement.",
    )
    location = forms.CharField(
        label="Where",
        max_length=300,
        required=False,
        help_text="A room, or a video-call link.",
    )

    def clean_scheduled_for(self):
        # Parsed in the person's own time zone (activated by TimeZoneMiddleware).
        value = self.cleaned_data["scheduled_for"]
        if value < timezone.now():
            raise forms.ValidationError("Choose a time in the future.")
        if value > timezone.now() + timedelta(days=730):
            raise forms.ValidationError("Choose a time within the next two years.")
        return value


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(SessionStatus.HELD, "Held"), (SessionStatus.NO_SHOW, "No-show")]
    )


class AgendaForm(forms.Form):
    outcome = forms.CharField(
        label="What do you want to leave this session with?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    measure = forms.CharField(
        label="How will you know you have it?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    why = forms.CharField(
        label="Why does this matter now?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class NotesForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000, required=False
    )

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = label


class ActionForm(forms.Form):
    title = forms.CharField(label="What will you do?", max_length=500)
    due_on = forms.DateField(label="By when?", widget=forms.DateInput(attrs={"type": "date"}))


class CommitmentsForm(forms.Form):
    """Up to three commitments at the close of a session; empty rows are ignored."""

    ROWS = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, self.ROWS + 1):
            self.fields[f"title_{i}"] = forms.CharField(
                label=f"Commitment {i}", max_length=500, required=False
            )
            self.fields[f"due_{i}"] = forms.DateField(
                label=f"Commitment {i}: by when?",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def clean(self):
        data = super().clean()
        rows = []
        for i in range(1, self.ROWS + 1):
            title, due = (data.get(f"title_{i}") or "").strip(), data.get(f"due_{i}")
            if title and not due:
                self.add_error(f"due_{i}", "When will you have done this?")
            elif due and not title:
                self.add_error(f"title_{i}", "What will you do?")
            elif title and due:
                rows.append((title, due))
        if not rows and not self.errors:
            self.add_error("title_1", "Write at least one commitment.")
        data["commitments"] = rows
        return data

    def rows(self):
        return [(self[f"title_{i}"], self[f"due_{i}"]) for i in range(1, self.ROWS + 1)]
