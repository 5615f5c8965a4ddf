from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from bearing.lib.widgets import LongSelect
from bearing.lib.zones import zone_choices

from .models import Organization, Practice, Role, User


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account.",
    }

    def clean_username(self):
        # Emails are stored in lower case; people do not always type them so.
        return self.cleaned_data["username"].strip().lower()


class InvitationAcceptForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    time_zone = forms.ChoiceField(
        label="Your time zone", choices=zone_choices, initial="UTC", widget=LongSelect
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["password"].help_text = " ".join(password_validators_help_texts())

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password and password != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        elif password:
            # The same validators the service runs, here so errors sit by the field.
            probe = User(email=self.email, name=data.get("name", ""))
            try:
                validate_password(password, probe)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class AccountSettingsForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    time_zone = forms.ChoiceField(label="Your time zone", choices=zone_choices, widget=LongSelect)


class OrganizationForm(forms.Form):
    name = forms.CharField(label="Organization name", max_length=200)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Organization.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("An organization with this name exists already.")
        return name


class PracticeForm(forms.Form):
    name = forms.CharField(label="Practice name", max_length=200)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Practice.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("A practice with this name exists already.")
        return name


class StaffInviteForm(forms.Form):
    ROLE_CHOICES = [
        (Role.COACH, "Coach (in a practice)"),
        (Role.SPONSOR, "Sponsor (in an organization)"),
        (Role.STAFF, "Staff of this installation"),
    ]
    name = forms.CharField(label="Name", max_length=150)
    email = forms.EmailField(label="Email")
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES)
    practice = forms.ModelChoiceField(
        label="Practice",
        queryset=Practice.objects.all(),
        required=False,
        help_text="For a coach.",
        widget=LongSelect,
    )
    organization = forms.ModelChoiceField(
        label="Organization",
        queryset=Organization.objects.all(),
        required=False,
        help_text="For a sponsor.",
        widget=LongSelect,
    )

    def __init__(self, *args, practice_choices=None, organization_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Reuse the (id, name) pairs the page has already read, so the selects cost no
        # queries.
        if practice_choices is not None:
            self.fields["practice"].choices = [("", "---------"), *practice_choices]
        if organization_choices is not None:
            self.fields["organization"].choices = [("", "---------"), *organization_choices]

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.COACH and not data.get("practice"):
            self.add_error("practice", "Choose the coach's practice.")
        if role == Role.SPONSOR and not data.get("organization"):
            self.add_error("organization", "Choose the sponsor's organization.")
        if role == Role.COACH:
            data["organization"] = None
        elif role == Role.SPONSOR:
            data["practice"] = None
        else:
            data["practice"] = data["organization"] = None
        return data


class PracticeOrganizationForm(forms.Form):
    """Staff record that a practice works with an organization."""

    practice = forms.ModelChoiceField(
        label="Practice", queryset=Practice.objects.all(), widget=LongSelect
    )
    organization = forms.ModelChoiceField(
        label="Works with", queryset=Organization.objects.all(), widget=LongSelect
    )

    def __init__(self, *args, practice_choices=None, organization_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Reuse the (id, name) pairs the page has already read, so the selects cost no
        # queries.
        if practice_choices is not None:
            self.fields["practice"].choices = [("", "---------"), *practice_choices]
        if organization_choices is not None:
            self.fields["organization"].choices = [("", "---------"), *organization_choices]
