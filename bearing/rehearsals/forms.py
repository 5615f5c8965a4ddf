"""Forms for presentation practice: they parse and normalise; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings

from . import speech

MAX_TEXT = 20_000


class TalkForm(forms.Form):
    title = forms.CharField(max_length=200, label="What is the talk?")
    audience = forms.CharField(
        max_length=300,
        required=False,
        label="Who will be in the room?",
        help_text="For example: the board, my new team, a customer's buyers.",
    )
    minutes_allowed = forms.IntegerField(
        min_value=1, max_value=180, label="Minutes you have", initial=10
    )
    key_messages = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Your key messages or outline",
        help_text="One a line. Bearing notices whether and when each one is said.",
    )
    slides_text = forms.CharField(
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="The slides' text (optional)",
    )


class TalkEditForm(TalkForm):
    goal = forms.ChoiceField(
        required=False,
        label="The goal in your development plan it works towards",
        help_text="For example: fillers per 100 words from 6 to 2.",
    )
    pace_low = forms.IntegerField(
        min_value=40, max_value=300, label="Guide band: from (words per minute)"
    )
    pace_high = forms.IntegerField(
        min_value=40, max_value=300, label="Guide band: to (words per minute)"
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = {str(g.code): g for g in goals}
        self.fields["goal"].choices = [("", "None")] + [
            (code, g.title) for code, g in self.goals.items()
        ]

    def clean_goal(self):
        return self.goals.get(self.cleaned_data.get("goal") or "")

    def clean(self):
        data = super().clean()
        low, high = data.get("pace_low"), data.get("pace_high")
        if low is not None and high is not None and low >= high:
            self.add_error("pace_high", "The band's upper end must be above its lower end.")
        return data


class PasteForm(forms.Form):
    transcript = forms.CharField(
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        label="Timed transcript",
        help_text=(
            "Each line starting with the time it was said (0:05 Good morning…), or captions "
            "in WebVTT or SRT. A last line with only a time marks the end."
        ),
        strip=False,
    )


class AudioForm(forms.Form):
    audio = forms.FileField(
        label="Audio file",
        help_text="",  # set in __init__ from the settings
    )
    keep_audio = forms.BooleanField(
        required=False,
        label="Keep the audio after it is transcribed, so I can listen again",
        help_text="Otherwise it is deleted as soon as the words are ready.",
    )
    recorded = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_seconds = settings.REHEARSAL_MAX_AUDIO_SECONDS
        mb = settings.REHEARSAL_MAX_AUDIO_BYTES / 1_048_576
        minutes = settings.REHEARSAL_MAX_AUDIO_SECONDS / 60
        kinds = "WAV, MP3, M4A, Ogg, WebM or FLAC"
        self.fields["audio"].help_text = f"{kinds}; up to {mb:g} MB and {minutes:g} minutes."
        self.fields["audio"].widget.attrs["accept"] = (
            "audio/*,.wav,.mp3,.m4a,.ogg,.oga,.opus,.webm,.flac,.aac"
        )

    def clean_audio(self):
        upload = self.cleaned_data["audio"]
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        if upload.size > settings.REHEARSAL_MAX_AUDIO_BYTES:
            mb = settings.REHEARSAL_MAX_AUDIO_BYTES / 1_048_576
            raise forms.ValidationError(f"The file is larger than {mb:g} MB.")
        data = upload.read()
        if len(data) != upload.size:
            raise forms.ValidationError("The upload did not arrive whole. Please try again.")
        if not speech.available():
            raise forms.ValidationError(
                "Speech recognition is not installed on this server. Paste a timed "
                "transcript instead."
            )
        try:
            found = speech.probe(data)
        except speech.UnreadableAudio:
            raise forms.ValidationError(
                "This is not an audio file Bearing can read. Use WAV, MP3, M4A, Ogg, WebM or FLAC."
            ) from None
        limit = settings.REHEARSAL_MAX_AUDIO_SECONDS
        if found.duration is not None and found.duration > limit:
            raise forms.ValidationError(
                f"The recording is {found.duration / 60:.0f} minutes long; Bearing transcribes "
                f"up to {limit / 60:g} minutes."
            )
        self.cleaned_data["mime"] = found.mime
        return data
