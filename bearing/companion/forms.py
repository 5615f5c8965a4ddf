from django import forms


class TranscriptForm(forms.Form):
    transcript = forms.CharField(
        label="Paste a transcript",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=200_000,
        help_text="Speaker labels at the start of each line (Coach: … / Client: …), or WebVTT.",
    )
    upload = forms.FileField(label="Or upload a file (.txt or .vtt)", required=False)
    coach_label = forms.CharField(label="Your speaker label", max_length=40, initial="Coach")

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload:
            if upload.size > 500_000:
                self.add_error("upload", "Please upload a file under 500 KB.")
            else:
                try:
                    data["transcript"] = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    self.add_error("upload", "The file must be plain text (UTF-8).")
        if not (data.get("transcript") or "").strip() and not self.errors:
            self.add_error("transcript", "Paste a transcript or upload a file.")
        return data

    def transcript_text(self) -> str:
        return self.cleaned_data["transcript"]


class SupportResourcesForm(forms.Form):
    """Where the companion's referrals point. Every field may stay empty: an empty
    field falls back to the installation's value, then to Bearing's defaults."""

    emergency_number = forms.CharField(label="Emergency number", max_length=200, required=False)
    crisis_line = forms.CharField(label="Suicide and crisis line", max_length=300, required=False)
    employee_assistance = forms.CharField(
        label="Employee assistance programme", max_length=300, required=False
    )
    hr_contact = forms.CharField(label="HR or ombuds contact", max_length=300, required=False)
    ethics_channel = forms.CharField(
        label="Ethics or whistleblowing channel", max_length=300, required=False
    )

    def __init__(self, *args, defaults=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if defaults is not None:
                field.help_text = f"If empty: {getattr(defaults, name)}"

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            value = " ".join((value or "").split())
            # The referral ends with its one question; a resource must not add another.
            if "?" in value or "¿" in value:
                self.add_error(name, "Please leave out question marks.")
            else:
                data[name] = value
        return data
