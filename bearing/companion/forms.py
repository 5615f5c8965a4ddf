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
