from decimal import Decimal

from django import forms

from bearing.lib.widgets import LongSelect
from bearing.lib.zones import zone_choices

from .models import (
    MEASURE_RANGES,
    Direction,
    FocusArea,
    GoalKind,
    Measure,
    ReminderKind,
    Weekday,
    measure_problem,
)
from .services import EMPTY_QUIET_HOURS, PAST_COMMITMENT, PAST_MILESTONE, check_not_past


def plain_number(value) -> str:
    """A stored number as a person writes it: no trailing zeros (4, 2.5, 100)."""
    return f"{Decimal(value).normalize():f}"


def _not_past(form: forms.Form, name: str, message: str):
    when = form.cleaned_data.get(name)
    try:
        check_not_past(name, when, message)
    except forms.ValidationError as exc:
        raise forms.ValidationError(exc.message_dict[name]) from None
    return when


class GoalForm(forms.Form):
    title = forms.CharField(label="Your goal, in your words", max_length=300)
    focus_area = forms.ChoiceField(label="Focus area", choices=FocusArea.choices)
    custom_focus = forms.CharField(
        label="Name the focus area",
        max_length=100,
        required=False,
        help_text="Only if you chose 'Something else'.",
    )
    kind = forms.ChoiceField(
        label="How will you track it?",
        choices=GoalKind.choices,
        widget=forms.RadioSelect,
        initial=GoalKind.MEASURABLE,
    )
    metric = forms.CharField(
        label="Key result: what will you measure?",
        max_length=300,
        required=False,
        help_text="For example: meetings I chair where I speak first.",
    )
    measure = forms.ChoiceField(
        label="What kind of number is it?",
        choices=Measure.choices,
        initial=Measure.COUNT,
        required=False,
    )
    unit = forms.CharField(
        label="Unit", max_length=40, required=False, help_text="For example: per week, %, hours."
    )
    baseline = forms.DecimalField(
        label="Where you are now",
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text="A count or an amount is 0 or more; a percentage is from 0 to 100.",
    )
    target = forms.DecimalField(
        label="Target",
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text="Within the same range as where you are now.",
    )
    direction = forms.ChoiceField(
        label="Which way is better?", choices=Direction.choices, initial=Direction.UP
    )
    baseline_rating = forms.IntegerField(
        label="Today, from 1 to 10", min_value=1, max_value=10, required=False
    )
    target_rating = forms.IntegerField(
        label="Where you want to be, from 1 to 10", min_value=1, max_value=10, required=False
    )
    milestone = forms.CharField(
        label="A milestone on the way (optional)", max_length=300, required=False
    )
    milestone_due = forms.DateField(
        label="Milestone date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_measure(self):
        return self.cleaned_data.get("measure") or Measure.COUNT

    def clean_milestone_due(self):
        return _not_past(self, "milestone_due", PAST_MILESTONE)

    def clean(self):
        data = super().clean()
        if data.get("kind") == GoalKind.MEASURABLE:
            for name in ("metric", "baseline", "target"):
                if data.get(name) in (None, ""):
                    self.add_error(name, "Needed for a measurable goal.")
                elif name != "metric" and data.get("measure") in Measure.values:
                    problem = measure_problem(data["measure"], data[name])
                    if problem:
                        self.add_error(name, problem)
        elif data.get("kind") == GoalKind.QUALITATIVE:
            for name in ("baseline_rating", "target_rating"):
                if data.get(name) is None:
                    self.add_error(name, "Needed for a qualitative goal.")
        if data.get("milestone") and not data.get("milestone_due"):
            self.add_error("milestone_due", "When do you expect to reach it?")
        return data


SCALE = [(i, str(i)) for i in range(1, 11)]
# Confidence and energy are asked, never assumed: nothing is preselected, and
# leaving the first choice keeps the question unanswered.
SKIPPABLE_SCALE = [("", "Skip (leave unanswered)"), *SCALE]


class CheckInForm(forms.Form):
    """Built per plan: one field per key result and per qualitative goal."""

    confidence = forms.TypedChoiceField(
        label="How confident are you that you will reach your goals? (1–10)",
        choices=SKIPPABLE_SCALE,
        coerce=int,
        required=False,
        empty_value=None,
    )
    energy = forms.TypedChoiceField(
        label="Your energy this week (1–10)",
        choices=SKIPPABLE_SCALE,
        coerce=int,
        required=False,
        empty_value=None,
    )
    wins = forms.CharField(
        label="Wins — what went well?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    obstacles = forms.CharField(
        label="What got in the way?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    support_needed = forms.CharField(
        label="What support would help?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_commitment = forms.CharField(label="Your next commitment", required=False, max_length=500)
    next_commitment_due = forms.DateField(
        label="By when?", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.value_fields = []
        for goal in goals:
            if goal.kind == GoalKind.QUALITATIVE:
                self._add_rating(goal, goal.current_rating)
            for kr in goal.key_results.all():
                self._add_value(goal, kr, kr.current)
        self.order_fields([name for name, _, _ in self.value_fields])

    def _add_rating(self, goal, initial) -> None:
        name = f"rating_{goal.id}"
        self.fields[name] = forms.TypedChoiceField(
            label=f"{goal.title} — your rating today (1–10)",
            choices=SCALE,
            coerce=int,
            initial=initial,
        )
        self.value_fields.append((name, goal, None))

    def _add_value(self, goal, kr, initial) -> None:
        """A key result's value, with its range beside the field (and as min/max)."""
        name = f"kr_{kr.id}"
        unit = f" ({kr.unit})" if kr.unit else ""
        lowest, highest, whole, _ = MEASURE_RANGES[kr.measure]
        attrs = {"step": "1" if whole else "any"}
        if lowest is not None:
            attrs["min"] = str(lowest)
        if highest is not None:
            attrs["max"] = str(highest)
        self.fields[name] = forms.DecimalField(
            label=f"{kr.metric}{unit}",
            max_digits=12,
            decimal_places=2,
            # As the person writes it: a count reads 4, never 4.00.
            initial=None if initial is None else plain_number(initial),
            help_text=" ".join(
                filter(None, (f"Target {plain_number(kr.target)}{unit}.", kr.range_help))
            ),
            widget=forms.NumberInput(attrs=attrs),
        )
        self.value_fields.append((name, goal, kr))

    def clean_next_commitment_due(self):
        return _not_past(self, "next_commitment_due", PAST_COMMITMENT)

    def clean(self):
        data = super().clean()
        if data.get("next_commitment") and not data.get("next_commitment_due"):
            self.add_error("next_commitment_due", "By when will you do it?")
        for name, _, kr in self.value_fields:
            if kr is not None and data.get(name) is not None:
                problem = measure_problem(kr.measure, data[name])
                if problem:
                    self.add_error(name, problem)
        return data

    def values(self) -> dict:
        return {kr.id: self.cleaned_data[name] for name, _, kr in self.value_fields if kr}

    def ratings(self) -> dict:
        return {g.id: self.cleaned_data[name] for name, g, kr in self.value_fields if kr is None}


class CheckInCorrectionForm(CheckInForm):
    """A check-in being corrected: the values it recorded, how the coachee felt and
    what they wrote. The next commitment has become an action and is managed there."""

    def __init__(self, *args, readings=(), **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["next_commitment"]
        del self.fields["next_commitment_due"]
        for reading in readings:
            if reading.key_result_id:
                self._add_value(reading.goal, reading.key_result, reading.value)
            else:
                self._add_rating(reading.goal, int(reading.value))
        self.order_fields([name for name, _, _ in self.value_fields])


class RaiseTargetForm(forms.Form):
    """A further target for a goal whose target is reached: per key result, or the
    coachee's own rating for a qualitative goal."""

    def __init__(self, *args, goal, key_results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.key_results = list(key_results)
        for kr in self.key_results:
            unit = f" ({kr.unit})" if kr.unit else ""
            now = f"{kr.current.normalize():f}"
            lowest, highest, whole, _ = MEASURE_RANGES[kr.measure]
            attrs = {"step": "1" if whole else "any"}
            if lowest is not None:
                attrs["min"] = str(lowest)
            if highest is not None:
                attrs["max"] = str(highest)
            self.fields[f"target_{kr.id}"] = forms.DecimalField(
                label=f"New target: {kr.metric}{unit}",
                max_digits=12,
                decimal_places=2,
                initial=kr.target,
                help_text=" ".join(
                    filter(
                        None, (f"You are at {now}; {kr.get_direction_display()}.", kr.range_help)
                    )
                ),
                widget=forms.NumberInput(attrs=attrs),
            )
        if goal.kind == GoalKind.QUALITATIVE:
            start = (goal.current_rating or goal.baseline_rating) + 1
            self.fields["target_rating"] = forms.TypedChoiceField(
                label="New target rating (1–10)",
                choices=[("", "Choose a rating"), *SCALE[start - 1 :]],
                coerce=int,
                help_text=f"You rate yourself {goal.current_rating} today.",
            )

    def targets(self) -> dict:
        return {kr.id: self.cleaned_data[f"target_{kr.id}"] for kr in self.key_results}


class RhythmForm(forms.Form):
    every_weeks = forms.TypedChoiceField(
        label="How often?",
        coerce=int,
        choices=[
            (1, "Every week"),
            (2, "Every two weeks"),
            (3, "Every three weeks"),
            (4, "Every four weeks"),
        ],
    )
    weekday = forms.TypedChoiceField(label="On", choices=Weekday.choices, coerce=int)
    time_of_day = forms.TimeField(
        label="At", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    # About 600 zones: written without a template per option (LongSelect).
    time_zone = forms.ChoiceField(label="Time zone", choices=zone_choices, widget=LongSelect)


class ReminderPreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Remind me about",
        choices=ReminderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    quiet_start = forms.TimeField(
        label="Quiet hours start", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_end = forms.TimeField(
        label="Quiet hours end", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    daily_cap = forms.IntegerField(
        label="At most this many reminders a day", min_value=1, max_value=20
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if start is not None and start == end:
            self.add_error("quiet_end", EMPTY_QUIET_HOURS)
        return data


class SummaryForm(forms.Form):
    body = forms.CharField(
        label="Progress summary for the sponsor",
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Write about progress, not about what was said in coaching. "
        "Your coachee reads it and decides whether the sponsor sees it.",
    )
