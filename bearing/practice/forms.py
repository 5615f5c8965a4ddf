"""Plain forms for the decision journal: each parses and normalises one step;
the services check what matters and say which field is wrong."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from . import framework as fw
from . import transitions as tr
from .models import (
    Decision,
    DecisionKind,
    DelegationLevel,
    Quadrant,
    Quality,
    Stance,
    TransitionKind,
    TransitionPlan,
    Weekday,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _long(label: str, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=fw.LONG,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _short(label: str, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=fw.SHORT, required=required, help_text=help_text)


class NewDecisionForm(forms.Form):
    title = _short("What are you deciding?", required=True, help_text="A few words will do.")
    why_now = _long("Why does it need deciding now?")


def _choices(values: range) -> list[tuple[Any, str]]:
    return [("", "—")] + [(v, str(v)) for v in values]


class StepForm(forms.Form):
    """One step of the framework for one decision (``decision`` gives the initial
    answers and, for the matrix and outcomes, the options and criteria)."""

    def __init__(self, step: str, decision: Decision, *args: Any, **kwargs: Any) -> None:
        self.step = step
        self.decision = decision
        f = decision.framework or {}
        self.options = fw.options_of(f)
        self.criteria = fw.criteria_of(f)
        kwargs.setdefault("initial", self._initial(f))
        super().__init__(*args, **kwargs)
        getattr(self, f"_fields_{step}")()

    def _initial(self, f: dict) -> dict[str, Any]:
        initial: dict[str, Any] = {"title": self.decision.title}
        for names in fw.TEXT_ANSWERS.values():
            for name in names:
                initial[name] = f.get(name, "")
        for i, option in enumerate(f.get("options", [])):
            initial[f"option_{i + 1}"] = option
        for i, c in enumerate(f.get("criteria", [])):
            initial[f"criterion_{i + 1}"] = c.get("name", "")
            initial[f"weight_{i + 1}"] = c.get("weight")
        for key, score in f.get("scores", {}).items():
            i, j = key.split("-")
            initial[f"score_{i}_{j}"] = score
        for i, o in enumerate(f.get("outcomes", [])):
            for k in ("likely", "best", "worst"):
                initial[f"{k}_{i}"] = o.get(k, "")
        return initial

    def _fields_why(self) -> None:
        self.fields["title"] = _short("What are you deciding?", required=True)
        self.fields["why_now"] = _long("Why now?")

    def _fields_stakes(self) -> None:
        self.fields["stakes"] = _long("What is at stake?")
        self.fields["deadline"] = forms.DateField(
            label="By when must it be decided?", required=False, widget=DATE
        )
        self.fields["who_decides"] = _short(
            "Who decides?", help_text="You alone, you with others, or someone you advise."
        )

    def _fields_options(self) -> None:
        for n in range(1, fw.MAX_OPTIONS + 1):
            self.fields[f"option_{n}"] = _short(f"Option {n}")

    def _fields_criteria(self) -> None:
        for n in range(1, fw.MAX_CRITERIA + 1):
            self.fields[f"criterion_{n}"] = _short(f"Criterion {n}")
            self.fields[f"weight_{n}"] = forms.TypedChoiceField(
                label=f"Weight of criterion {n}",
                choices=_choices(fw.WEIGHTS),
                coerce=int,
                required=False,
                empty_value=None,
            )

    def _fields_matrix(self) -> None:
        for i, option in enumerate(self.options):
            for j, criterion in enumerate(self.criteria):
                self.fields[f"score_{i}_{j}"] = forms.TypedChoiceField(
                    label=f"{option}: {criterion['name']}",
                    choices=_choices(fw.SCORES),
                    coerce=int,
                    required=False,
                    empty_value=None,
                )

    def _fields_outcomes(self) -> None:
        for i, option in enumerate(self.options):
            self.fields[f"likely_{i}"] = _long(f"{option}: the likely outcome")
            self.fields[f"best_{i}"] = _long(f"{option}: the best case")
            self.fields[f"worst_{i}"] = _long(f"{option}: the worst case")

    def _fields_implications(self) -> None:
        self.fields["affected"] = _long("Who is affected, and how?")
        self.fields["ethics"] = _long("What are the ethical implications?")
        self.fields["strategy"] = _long("What are the strategic implications?")

    def _fields_premortem(self) -> None:
        self.fields["premortem"] = _long("A year from now this went badly. What happened?")
        self.fields["prevention"] = _long("What would you do now to prevent it?")

    def _fields_assumptions(self) -> None:
        self.fields["assumptions"] = _long("What must be true for this to work?")

    def _fields_outside(self) -> None:
        self.fields["outside_views"] = _long(
            "Whose view did you seek, and what did they see?",
            help_text="Someone who has made a decision like this, or who will live with it.",
        )

    def answers(self) -> dict[str, Any]:
        """The cleaned data in the shape the service takes."""
        d = self.cleaned_data
        if self.step == "options":
            return {"options": [d[f"option_{n}"] for n in range(1, fw.MAX_OPTIONS + 1)]}
        if self.step == "criteria":
            return {
                "criteria": [
                    {"name": d[f"criterion_{n}"], "weight": d[f"weight_{n}"]}
                    for n in range(1, fw.MAX_CRITERIA + 1)
                ]
            }
        if self.step == "matrix":
            return {
                "scores": {
                    f"{i}-{j}": d[f"score_{i}_{j}"]
                    for i in range(len(self.options))
                    for j in range(len(self.criteria))
                }
            }
        if self.step == "outcomes":
            return {
                "outcomes": [
                    {k: d[f"{k}_{i}"] for k in ("likely", "best", "worst")}
                    for i in range(len(self.options))
                ]
            }
        return dict(d)

    def matrix_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The scoring matrix as rows (one per option) of bound fields (one per criterion)."""
        return [
            (option, [self[f"score_{i}_{j}"] for j in range(len(self.criteria))])
            for i, option in enumerate(self.options)
        ]

    def criteria_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"criterion_{n}"], self[f"weight_{n}"]) for n in range(1, fw.MAX_CRITERIA + 1)
        ]

    def outcome_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (option, [self[f"{k}_{i}"] for k in ("likely", "best", "worst")])
            for i, option in enumerate(self.options)
        ]


class DecideForm(forms.Form):
    kind = forms.ChoiceField(label="What kind of decision is it?", choices=DecisionKind.choices)
    reasons = _long("Why this option?")
    review_on = forms.DateField(
        label="When will you look back at it?",
        widget=DATE,
        required=False,
        help_text="Bearing reminds you on the day: what happened, and what you learned.",
    )

    def __init__(self, decision: Decision, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = fw.options_of(decision.framework or {})
        self.fields["choice"] = forms.TypedChoiceField(
            label="What do you choose?",
            choices=list(enumerate(self.options)),
            coerce=int,
            widget=forms.RadioSelect,
            required=False,
            empty_value=None,
        )
        self.order_fields(["choice", "reasons", "kind", "review_on"])
        for n in range(1, fw.MAX_PREDICTIONS + 1):
            self.fields[f"prediction_{n}_statement"] = forms.CharField(
                label=f"Prediction {n}: what will happen?",
                max_length=300,
                required=False,
                help_text="For example: the new team lead is running the weekly review alone.",
            )
            self.fields[f"prediction_{n}_by"] = forms.DateField(
                label=f"Prediction {n}: by when?", widget=DATE, required=False
            )
            self.fields[f"prediction_{n}_probability"] = forms.IntegerField(
                label=f"Prediction {n}: how sure are you (%)?",
                min_value=0,
                max_value=100,
                required=False,
            )

    def prediction_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"prediction_{n}_{part}"] for part in ("statement", "by", "probability")]
            for n in range(1, fw.MAX_PREDICTIONS + 1)
        ]

    def predictions(self) -> list[tuple[str, date | None, int | None]]:
        d = self.cleaned_data
        return [
            (
                d.get(f"prediction_{n}_statement", ""),
                d.get(f"prediction_{n}_by"),
                d.get(f"prediction_{n}_probability"),
            )
            for n in range(1, fw.MAX_PREDICTIONS + 1)
        ]


class ReflectionForm(forms.Form):
    text = _long("What do you see now that you did not then?", required=False)


RESULT_CHOICES = [("yes", "It came true"), ("no", "It did not"), ("open", "Not known yet")]


class ReviewForm(forms.Form):
    what_happened = _long("What actually happened?")
    outcome_quality = forms.TypedChoiceField(
        label="How good was the outcome?",
        choices=Quality.choices,
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
        help_text="Judge the result alone, whatever you think of how you decided.",
    )
    process_quality = forms.TypedChoiceField(
        label="How good was the way you decided?",
        choices=Quality.choices,
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
        help_text="Judge it by what you knew then, not by how it turned out.",
    )
    lessons = _long("What did you learn?")

    def __init__(self, predictions: list, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_predictions = [p for p in predictions if p.resolved_at is None]
        for p in self.open_predictions:
            self.fields[f"result_{p.code}"] = forms.ChoiceField(
                label=f"{p.statement} (by {p.by_date:%-d %b %Y}, {p.probability}%)",
                choices=RESULT_CHOICES,
                widget=forms.RadioSelect,
                initial="open",
            )

    def prediction_fields(self) -> list[forms.BoundField]:
        return [self[f"result_{p.code}"] for p in self.open_predictions]

    def results(self) -> dict[str, bool | None]:
        return {
            str(p.code): {"yes": True, "no": False}.get(self.cleaned_data[f"result_{p.code}"])
            for p in self.open_predictions
        }


# --- Priority board -----------------------------------------------------------------


class BoardTaskForm(forms.Form):
    title = _short("A task to place", required=True)
    quadrant = forms.ChoiceField(
        label="Where does it go?", choices=Quadrant.choices, initial=Quadrant.INBOX
    )


class DelegateForm(forms.Form):
    delegate_to = _short("To whom?", help_text="A name; it stays private to you.")
    delegation_level = forms.ChoiceField(
        label="How much of the decision goes with it?",
        choices=[("", "Choose a level")] + DelegationLevel.choices,
        required=False,
    )
    follow_up_on = forms.DateField(
        label="When will you follow up?",
        widget=DATE,
        required=False,
        help_text=(
            "It becomes an action due that day; your coach sees your actions, so it names"
            " neither the task nor the person."
        ),
    )


class BoardRhythmForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Weekly review on", choices=Weekday.choices, coerce=int)
    every_weeks = forms.TypedChoiceField(
        label="Every",
        choices=[(1, "week"), (2, "2 weeks"), (3, "3 weeks"), (4, "4 weeks")],
        coerce=int,
    )


class WeeklyReviewForm(forms.Form):
    cleared = _long(
        "Get clear: what is on your mind that is not on your board yet?",
        help_text="Empty your head: loose ends, worries, promises made in passing.",
    )
    time_went = _long("Get current: where did your time go this week?")
    time_should = _long("Get creative: where should it go next week?")
    commitment = forms.CharField(
        label="The one thing you commit to this week",
        max_length=500,
        required=False,
        help_text="It becomes an action, which your coach sees like your other actions.",
    )
    commitment_due = forms.DateField(label="By when?", widget=DATE, required=False)


# --- Transition plans ---------------------------------------------------------------


class TransitionNewForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which transition?", choices=TransitionKind.choices, widget=forms.RadioSelect
    )
    title = _short("The new role, or the change", required=True)
    starts_on = forms.DateField(label="Day 1", widget=DATE, required=False)


class TransitionPlanForm(forms.Form):
    """The plan's situation mix, sections and the five conversations."""

    def __init__(self, plan: TransitionPlan, *args: Any, **kwargs: Any) -> None:
        initial: dict[str, Any] = {key: getattr(plan, key) for key, _, _ in tr.SITUATIONS}
        initial.update(plan.sections or {})
        for key, _, _ in tr.CONVERSATIONS:
            c = (plan.conversations or {}).get(key, {})
            initial[f"{key}_done"] = c.get("done", False)
            initial[f"{key}_notes"] = c.get("notes", "")
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for key, name, meaning in tr.SITUATIONS:
            self.fields[key] = forms.IntegerField(
                label=f"{name} (%)",
                help_text=meaning.capitalize() + ".",
                min_value=0,
                max_value=100,
                required=False,
            )
        for key, _, question in tr.SECTIONS:
            self.fields[key] = _long(question)
        for key, name, question in tr.CONVERSATIONS:
            self.fields[f"{key}_done"] = forms.BooleanField(
                label=f"{name}: had this conversation", required=False
            )
            self.fields[f"{key}_notes"] = _long(question)

    def situation_fields(self) -> list[forms.BoundField]:
        return [self[key] for key, _, _ in tr.SITUATIONS]

    def section_fields(self) -> list[tuple[str, forms.BoundField]]:
        return [(name, self[key]) for key, name, _ in tr.SECTIONS]

    def conversation_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (name, self[f"{key}_done"], self[f"{key}_notes"]) for key, name, _ in tr.CONVERSATIONS
        ]

    def parts(self) -> tuple[dict[str, int | None], dict[str, str], dict[str, tuple[bool, str]]]:
        d = self.cleaned_data
        return (
            {key: d.get(key) for key, _, _ in tr.SITUATIONS},
            {key: d.get(key, "") for key, _, _ in tr.SECTIONS},
            {
                key: (d.get(f"{key}_done", False), d.get(f"{key}_notes", ""))
                for key, _, _ in tr.CONVERSATIONS
            },
        )


def _scale(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=_choices(range(1, 6)),
        coerce=int,
        required=False,
        empty_value=None,
    )


class StakeholderForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120, help_text="Private to you.")
    role = forms.CharField(label="Role", max_length=120, required=False)
    power = _scale("Power over your success (1–5)")
    interest = _scale("Interest in what you do (1–5)")
    stance_now = forms.ChoiceField(
        label="Where they stand now", choices=Stance.choices, initial=Stance.UNKNOWN
    )
    stance_wanted = forms.ChoiceField(
        label="Where you need them", choices=Stance.choices, initial=Stance.SUPPORTIVE
    )
    next_conversation = forms.CharField(
        label="Your next conversation with them", max_length=300, required=False
    )


class PlanGoalForm(forms.Form):
    title = _short(
        "The goal, in your words",
        required=True,
        help_text="Your coach reads your development plan, this goal too.",
    )
    baseline_rating = forms.TypedChoiceField(
        label="Where you are today (1–10)",
        choices=_choices(range(1, 11)),
        coerce=int,
        required=False,
        empty_value=None,
    )
    target_rating = forms.TypedChoiceField(
        label="Where you want to be at day 90 (1–10)",
        choices=_choices(range(1, 11)),
        coerce=int,
        required=False,
        empty_value=None,
    )
