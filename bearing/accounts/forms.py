import zoneinfo
from functools import lru_cache

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import Organization, Practice, Role


@lru_cache(maxsize=1)
def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [(z, z.replace("_", " ")) for z in zones]


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account.",
    }


class InvitationAcceptForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    time_zone = forms.ChoiceField(label="Your time zone", choices=time_zone_choices, initial="UTC")
    password = forms.CharField(
        label="Password",
        strip=False,
        min_length=12,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; a phrase of several words is easy to remember.",
    )
    password_again = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class AccountSettingsForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    time_zone = forms.ChoiceField(label="Your time zone", choices=time_zone_choices)


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
    )
    organization = forms.ModelChoiceField(
        label="Organization",
        queryset=Organization.objects.all(),
        required=False,
        help_text="For a sponsor.",
    )

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
