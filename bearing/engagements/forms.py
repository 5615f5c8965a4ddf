"""Plain forms that parse and normalise input for the engagement pages.

They check what can be checked without the database's rules (a time in the
future, a sponsor in the chosen organization); services check the rest.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from bearing.accounts.models import Membership, Organization, Practice, Role, User
from bearing.accounts.queries import organizations_served_by, practice_serves, sponsors_in

from .models import DEFAULT_CONFIDENTIALITY_LIMITS, EngagementStatus, SessionStatus


class AgreementFieldsMixin(forms.Form):
    objectives = forms.CharField(
        label="Objectives",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "What the coachee wants from coaching, in their words. "
            "Only you and the coachee see this."
        ),
        max_length=20_000,
        error_messages={"required": "What does the coachee want from coaching?"},
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
        help_text="When, exceptionally, the coach may not keep something confidential.",
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
            "If the coachee has a before and an after 360 campaign, the change in how "
            "others rated them, per focus area, may count toward the program's average "
            "change. The sponsor sees that average only when three or more coachees "
            "count toward it; never this coachee's own figures, never what a rater "
            "answered or wrote."
        ),
    )

    companion_offered = forms.BooleanField(
        label="Offer the Socratic companion between coaching sessions",
        required=False,
        initial=True,
        help_text="Software that asks questions, never advises; private to the coachee.",
    )

    records_kept_months = forms.IntegerField(
        label="Keep the confidential records for (months after the engagement ends)",
        min_value=1,
        max_value=120,
        initial=24,
        required=False,  # left empty: the default, 24
        help_text="Then notes, plan, check-ins and conversations are disposed of for good.",
    )

    def clean_records_kept_months(self) -> int:
        return self.cleaned_data["records_kept_months"] or 24

    SIGNAL_FIELDS = (
        "sponsor_sees_status",
        "sponsor_sees_attendance",
        "sponsor_sees_goal_progress",
        "sponsor_sees_summaries",
        "sponsor_sees_360_change",
    )
    AGREEMENT_FIELDS = (
        "objectives",
        "cadence",
        "session_minutes",
        "session_count",
        "confidentiality_limits",
        "companion_offered",
        "records_kept_months",
        *SIGNAL_FIELDS,
    )

    def agreement_kwargs(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.AGREEMENT_FIELDS}

    @property
    def signal_fields(self):
        return [self[name] for name in self.SIGNAL_FIELDS]


class SponsorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _sponsor_choices(organization: Organization | None, organizations: list[Organization]) -> list:
    """The sponsors of the chosen organization; before one is chosen, the sponsors
    of every organization the coach's practices work with, grouped under its name
    (the page works without JavaScript; with it, the list narrows as soon as an
    organization is chosen)."""
    empty = ("", "No sponsor yet")
    if organization is not None:
        return [empty, *((u.pk, u.name) for u in sponsors_in(organization))]
    groups: dict[str, list] = {}
    memberships = (
        Membership.objects.filter(
            role=Role.SPONSOR, user__is_active=True, organization__in=organizations
        )
        .select_related("user", "organization")
        .order_by("organization__name", "user__name")
    )
    for m in memberships:
        org = m.organization.name if m.organization else ""  # filtered to organizations
        groups.setdefault(org, []).append((m.user_id, m.user.name))
    return [empty, *groups.items()]


class EngagementCreateForm(AgreementFieldsMixin):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example: Stepping up to VP Operations.",
        error_messages={"required": "Give the engagement a short title."},
    )
    practice = forms.ModelChoiceField(
        label="Your practice", queryset=Practice.objects.none(), empty_label=None
    )
    organization = forms.ModelChoiceField(
        label="Organization",
        queryset=Organization.objects.none(),
        empty_label="Choose the organization",
        help_text="The organization the coachee works in (one your practice works with).",
        error_messages={"required": "Which organization does the coachee work in?"},
    )
    sponsor = SponsorChoiceField(
        label="Sponsor",
        queryset=User.objects.filter(memberships__role=Role.SPONSOR, is_active=True).distinct(),
        required=False,
        help_text="Sees only what the agreement allows, once the coachee accepts it.",
    )
    coachee_name = forms.CharField(
        label="Coachee's name",
        max_length=150,
        error_messages={"required": "What is the coachee's name?"},
    )
    coachee_email = forms.EmailField(
        label="Coachee's email",
        help_text="Bearing emails them an invitation to this engagement.",
        error_messages={"required": "Where should the invitation go?"},
    )

    field_order = ["title", "practice", "organization", "sponsor", "coachee_name", "coachee_email"]

    def __init__(self, *args, coach: User, practices: list[Practice], **kwargs):
        super().__init__(*args, **kwargs)
        self.coach = coach
        self.practices = practices
        if len(practices) > 1:
            self.fields["practice"].queryset = Practice.objects.filter(  # type: ignore[attr-defined]
                pk__in=[p.pk for p in practices]
            )
        else:
            del self.fields["practice"]
        # Only organizations the coach's practices work with (staff record which).
        self.organizations = organizations_served_by(practices)
        self.fields["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in self.organizations]
        )
        self.fields["sponsor"].choices = _sponsor_choices(  # type: ignore[attr-defined]
            self._chosen_organization(), self.organizations
        )
        self.fields["organization"].widget.attrs.update(
            {"aria-controls": "id_sponsor"}  # the sponsor list narrows to this organization
        )

    def _chosen_organization(self) -> Organization | None:
        raw = self.data.get("organization") if self.is_bound else self.initial.get("organization")
        if isinstance(raw, Organization):
            raw = raw.pk
        try:
            wanted = int(raw) if raw else None
        except (TypeError, ValueError):
            return None
        return next((o for o in self.organizations if o.pk == wanted), None)

    def clean_coachee_email(self):
        email = self.cleaned_data["coachee_email"].strip().lower()
        if email == self.coach.email:
            raise forms.ValidationError("A coach cannot coach themselves.")
        return email

    def clean_coachee_name(self):
        return self.cleaned_data["coachee_name"].strip()

    def clean(self):
        data = super().clean()
        org, sponsor = data.get("organization"), data.get("sponsor")
        if org and sponsor and not sponsors_in(org).filter(pk=sponsor.pk).exists():
            self.add_error("sponsor", "This sponsor is not in the chosen organization.")
        if "practice" not in self.fields and self.practices:
            data["practice"] = self.practices[0]
        practice = data.get("practice")
        if org and practice and not practice_serves(practice, org):
            self.add_error("organization", "Your practice does not work with this organization.")
        return data


class AgreementForm(AgreementFieldsMixin):
    pass


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=EngagementStatus.choices)


class SessionForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "When is the coaching session?",
            "invalid": "Enter a date and time, for example 2030-03-14 09:30.",
        },
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

    def __init__(self, *args, time_zone_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if time_zone_name:
            self.fields["scheduled_for"].help_text = f"In your time zone, {time_zone_name}."

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
        error_messages={"required": "What would you like to leave this session with?"},
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


class SharedNotesForm(NotesForm):
    """Shared notes, with the version the editor started from (a hidden field)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def _not_before_today(value):
    if value < timezone.localdate():
        raise forms.ValidationError("Choose today or a later date.")


class ActionForm(forms.Form):
    title = forms.CharField(
        label="What will you do?",
        max_length=500,
        error_messages={"required": "What will be done?"},
    )
    due_on = forms.DateField(
        label="By when?",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "By when?", "invalid": "Enter a date."},
    )

    def clean_due_on(self):
        value = self.cleaned_data["due_on"]
        # An overdue action may keep its date; a new date must not be in the past.
        if value != self.initial.get("due_on"):
            _not_before_today(value)
        return value


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
                error_messages={"invalid": "Enter a date."},
            )

    def clean(self):
        data = super().clean()
        rows = []
        for i in range(1, self.ROWS + 1):
            title, due = (data.get(f"title_{i}") or "").strip(), data.get(f"due_{i}")
            if f"due_{i}" in self.errors:
                continue
            if title and not due:
                self.add_error(f"due_{i}", "When will you have done this?")
            elif due and not title:
                self.add_error(f"title_{i}", "What will you do?")
            elif title and due:
                if due < timezone.localdate():
                    self.add_error(f"due_{i}", "Choose today or a later date.")
                else:
                    rows.append((title, due))
        if not rows and not self.errors:
            self.add_error("title_1", "Write at least one commitment.")
        data["commitments"] = rows
        return data

    def rows(self):
        return [(self[f"title_{i}"], self[f"due_{i}"]) for i in range(1, self.ROWS + 1)]


class CloseEngagementForm(forms.Form):
    """Confirming that an engagement ends: completed, or ended early (with the reason)."""

    confirm = forms.BooleanField(
        widget=forms.HiddenInput,
        error_messages={"required": "Confirm on this page to end the engagement."},
    )
    reason = forms.CharField(
        label="Why does it end early?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text="You and the coachee see this; the sponsor never does. Up to 1,000 characters.",
        error_messages={"required": "Say briefly why the engagement ends early."},
    )

    def __init__(self, *args, reason_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if not reason_required:
            del self.fields["reason"]


class SessionCancelForm(forms.Form):
    confirm = forms.BooleanField(
        widget=forms.HiddenInput,
        error_messages={"required": "Confirm on this page to cancel the coaching session."},
    )
    reason = forms.CharField(
        label="Why are you cancelling?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=(
            "Both of you see it on the session's page; the email does not quote it. "
            "Up to 1,000 characters."
        ),
        error_messages={"required": "Say briefly why, so the other person knows."},
    )
