"""Writes for decision records. Only the coachee writes; nothing reaches the
coach unless the coachee shares it, and nothing ever reaches the sponsor.

A decision is thought through step by step while it is a draft; deciding
freezes the reasoning as a dated snapshot, creates the predictions and plans a
reminder for the review date; afterwards reflections are appended, never edited
in; the review records what happened and two separate judgements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bearing.accounts.models import User
from bearing.engagements import services as engagement_services
from bearing.engagements.models import Action, CoachingSession, Engagement, SessionStatus
from bearing.growth import services as growth_services
from bearing.growth.models import FocusArea, Goal, GoalKind, Reminder, ReminderKind

from . import framework as fw
from . import transitions as tr
from .models import (
    BoardItem,
    Checkpoint,
    Decision,
    DecisionKind,
    DecisionStatus,
    DelegationLevel,
    Prediction,
    PriorityBoard,
    Quadrant,
    Quality,
    Reflection,
    Stakeholder,
    Stance,
    TransitionKind,
    TransitionPlan,
    WeeklyReview,
)

NOT_OWNER = "Only the coachee works in their decision records."
FROZEN = "This decision is made: its reasoning is kept as it was. Add a reflection instead."


@dataclass(frozen=True)
class PredictionInput:
    statement: str
    by_date: date | None
    probability: int | None


def _text(field: str, value: Any, limit: int) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationError({field: f"Please keep this to {limit:,} characters."})
    return text


def _check_owner(engagement: Engagement, by: User) -> None:
    if engagement.coachee_id is None or by.id != engagement.coachee_id:
        raise ValidationError(NOT_OWNER)


def _locked(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("engagement__coachee")
        .get(pk=decision.pk)
    )


@transaction.atomic
def decision_create(*, engagement: Engagement, by: User, title: str, why_now: str = "") -> Decision:
    _check_owner(engagement, by)
    title = _text("title", title, fw.SHORT)
    if not title:
        raise ValidationError({"title": "What are you deciding? A few words will do."})
    decision = Decision(engagement=engagement, title=title)
    decision.framework = {"why_now": _text("why_now", why_now, fw.LONG)}
    decision.full_clean()
    decision.save()
    return decision


def _step_answers(step: str, answers: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The checked answers of one step, as they are kept in the framework."""
    if step in ("options", "criteria", "matrix", "outcomes"):
        return _list_answers(step, answers, current)
    if step not in fw.TEXT_ANSWERS:
        raise ValidationError(f"There is no step called {step}.")
    kept: dict[str, Any] = {}
    for name in fw.TEXT_ANSWERS[step]:
        value = answers.get(name)
        if name == "deadline":
            kept[name] = value.isoformat() if isinstance(value, date) else ""
        elif name == "who_decides":
            kept[name] = _text(name, value, fw.SHORT)
        else:
            kept[name] = _text(name, value, fw.LONG)
    return kept


def _moved(old: list[str], new: list[str]) -> dict[int, int]:
    """Old index -> new index for each name still there (options or criteria)."""
    return {i: new.index(name) for i, name in enumerate(old) if name in new}


def _follow_options(current: dict[str, Any], options: list[str]) -> dict[str, Any]:
    """Scores and outcomes stay with their option when options are renamed, added,
    removed or reordered; a new option starts unscored."""
    moved = _moved(fw.options_of(current), options)
    scores = {}
    for key, value in current.get("scores", {}).items():
        i, j = (int(x) for x in key.split("-"))
        if i in moved:
            scores[f"{moved[i]}-{j}"] = value
    old_outcomes = current.get("outcomes", [])
    outcomes: list[dict[str, str]] = [{} for _ in options]
    for i, new_i in moved.items():
        if i < len(old_outcomes):
            outcomes[new_i] = old_outcomes[i]
    return {"scores": scores, "outcomes": outcomes}


def _follow_criteria(current: dict[str, Any], criteria: list[dict[str, Any]]) -> dict[str, Any]:
    """Scores stay with their criterion when criteria change."""
    moved = _moved([c["name"] for c in fw.criteria_of(current)], [c["name"] for c in criteria])
    scores = {}
    for key, value in current.get("scores", {}).items():
        i, j = (int(x) for x in key.split("-"))
        if j in moved:
            scores[f"{i}-{moved[j]}"] = value
    return {"scores": scores}


def _list_answers(step: str, answers: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    if step == "options":
        options = [_text(f"option_{i + 1}", o, fw.SHORT) for i, o in enumerate(answers["options"])]
        options = [o for o in options if o][: fw.MAX_OPTIONS]
        if len(options) < 2:
            raise ValidationError({"option_1": "Name at least two options."})
        return {"options": options, **_follow_options(current, options)}
    if step == "criteria":
        criteria = []
        for i, c in enumerate(answers["criteria"][: fw.MAX_CRITERIA]):
            name = _text(f"criterion_{i + 1}", c.get("name"), fw.SHORT)
            if not name:
                continue
            weight = c.get("weight")
            if weight not in fw.WEIGHTS:
                raise ValidationError({f"weight_{i + 1}": "Weigh it from 1 to 5."})
            criteria.append({"name": name, "weight": int(weight)})
        if not criteria:
            raise ValidationError({"criterion_1": "Name at least one thing that matters."})
        return {"criteria": criteria, **_follow_criteria(current, criteria)}
    options, criteria = fw.options_of(current), fw.criteria_of(current)
    if step == "matrix":
        if len(options) < 2 or not criteria:
            raise ValidationError("Name your options and your criteria first.")
        scores: dict[str, int] = {}
        for i in range(len(options)):
            for j in range(len(criteria)):
                value = answers["scores"].get(f"{i}-{j}")
                if value not in fw.SCORES:
                    raise ValidationError({f"score_{i}_{j}": "Score it from 1 to 5."})
                scores[f"{i}-{j}"] = int(value)
        return {"scores": scores}
    # outcomes: the likely, best and worst for each option
    if len(options) < 2:
        raise ValidationError("Name your options first.")
    outcomes = []
    for i in range(len(options)):
        given = answers["outcomes"][i] if i < len(answers["outcomes"]) else {}
        outcomes.append(
            {k: _text(f"{k}_{i}", given.get(k), fw.LONG) for k in ("likely", "best", "worst")}
        )
    return {"outcomes": outcomes}


@transaction.atomic
def decision_step_save(
    *, decision: Decision, by: User, step: str, answers: dict[str, Any]
) -> Decision:
    """Keep one step's answers in a draft decision."""
    decision = _locked(decision)
    _check_owner(decision.engagement, by)
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError(FROZEN)
    fields = ["framework", "updated_at"]
    if step == "why":
        title = _text("title", answers.get("title"), fw.SHORT)
        if not title:
            raise ValidationError({"title": "What are you deciding? A few words will do."})
        decision.title = title
        fields.append("title")
    framework = dict(decision.framework or {})
    framework.update(_step_answers(step, answers, framework))
    decision.framework = framework
    decision.updated_at = timezone.now()
    decision.save(update_fields=fields)
    return decision


def _snapshot(decision: Decision, predictions: list[Prediction], today: date) -> dict[str, Any]:
    framework = decision.framework
    totals = fw.weighted_totals(framework)
    return {
        "decided_on": today.isoformat(),
        "title": decision.title,
        "kind": decision.kind,
        "review_on": decision.review_on.isoformat() if decision.review_on else "",
        "framework": framework,
        "weighted_totals": [
            {"option": t.name, "total": t.total, "best_possible": t.best_possible} for t in totals
        ],
        "predictions": [
            {
                "statement": p.statement,
                "by_date": p.by_date.isoformat(),
                "probability": p.probability,
            }
            for p in predictions
        ],
    }


@dataclass(frozen=True)
class _Checked:
    statement: str
    by_date: date
    probability: int


def _check_predictions(rows: list[PredictionInput], today: date) -> list[_Checked]:
    """The filled-in predictions, each checked; an empty row is left out."""
    kept: list[_Checked] = []
    errors: dict[str, str] = {}
    for n, row in enumerate(rows[: fw.MAX_PREDICTIONS], start=1):
        statement = _text(f"prediction_{n}_statement", row.statement, 300)
        if not statement and row.by_date is None and row.probability is None:
            continue
        if not statement:
            errors[f"prediction_{n}_statement"] = "What do you expect to happen?"
        if row.by_date is None:
            errors[f"prediction_{n}_by"] = "By when?"
        elif row.by_date < today:
            errors[f"prediction_{n}_by"] = "A prediction is about what is still to come."
        if row.probability is None or not 0 <= row.probability <= 100:
            errors[f"prediction_{n}_probability"] = "How sure are you, from 0 to 100%?"
        if row.by_date is not None and row.probability is not None:
            kept.append(_Checked(statement, row.by_date, row.probability))
    if errors:
        raise ValidationError(errors)
    return kept


def review_reminder_key(decision: Decision) -> str:
    return f"decision:{decision.code}:{decision.review_on}"


def _plan_review_reminder(decision: Decision) -> None:
    """A reminder on the review date, at nine in the coachee's morning, through the
    reminder machinery (which respects opt-outs, quiet hours and the daily cap)."""
    coachee = decision.engagement.coachee
    if coachee is None or decision.review_on is None:
        return
    due = datetime.combine(decision.review_on, time(9), tzinfo=coachee.tz)
    Reminder.objects.get_or_create(
        kind=ReminderKind.DECISION_REVIEW,
        user=coachee,
        subject_key=review_reminder_key(decision),
        defaults={"due_at": due},
    )


@transaction.atomic
def decision_decide(
    *,
    decision: Decision,
    by: User,
    choice: int | None,
    reasons: str,
    kind: str,
    review_on: date | None,
    predictions: list[PredictionInput],
    today: date | None = None,
) -> Decision:
    """Make the decision: freeze the reasoning as a dated snapshot, keep the
    predictions and plan the review."""
    decision = _locked(decision)
    _check_owner(decision.engagement, by)
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError(FROZEN)
    today = today or timezone.localdate()
    options = fw.options_of(decision.framework)
    errors: dict[str, str] = {}
    if len(options) < 2:
        raise ValidationError("Name at least two options before you decide.")
    if choice is None or not 0 <= choice < len(options):
        errors["choice"] = "Which option do you choose?"
    reasons = _text("reasons", reasons, fw.LONG)
    if not reasons:
        errors["reasons"] = "Why this option? Your reasons are what the review looks back on."
    if kind not in DecisionKind.values:
        errors["kind"] = "What kind of decision is it?"
    if review_on is None:
        errors["review_on"] = "When will you look back at it?"
    elif review_on <= today:
        errors["review_on"] = "The review is a date after today."
    if errors:
        raise ValidationError(errors)
    rows = _check_predictions(predictions, today)
    now = timezone.now()
    framework = dict(decision.framework)
    framework.update({"choice": choice, "reasons": reasons})
    decision.framework = framework
    decision.kind = kind
    decision.review_on = review_on
    decision.status = DecisionStatus.DECIDED
    decision.decided_at = now
    decision.updated_at = now
    made = [
        Prediction(
            decision=decision,
            statement=row.statement,
            by_date=row.by_date,
            probability=row.probability,
            created_at=now,
        )
        for row in rows
    ]
    for p in made:
        p.full_clean()
        p.save()
    decision.snapshot = _snapshot(decision, made, today)
    decision.full_clean()
    decision.save()
    _plan_review_reminder(decision)
    return decision


@transaction.atomic
def decision_reflect(*, decision: Decision, by: User, text: str) -> Reflection:
    """Append a later thought to a decided decision."""
    decision = _locked(decision)
    _check_owner(decision.engagement, by)
    if decision.status == DecisionStatus.DRAFT:
        raise ValidationError(
            {"text": "While you are still deciding, change the steps themselves."}
        )
    text = _text("text", text, fw.LONG)
    if not text:
        raise ValidationError({"text": "What do you see now?"})
    reflection = Reflection(decision=decision, text=text)
    reflection.full_clean()
    reflection.save()
    return reflection


@transaction.atomic
def decision_review(
    *,
    decision: Decision,
    by: User,
    what_happened: str,
    outcome_quality: int | None,
    process_quality: int | None,
    lessons: str,
    results: dict[str, bool | None],
) -> Decision:
    """Close the loop: what happened, how good the outcome and (separately) the
    process were, what was learned; each prediction came true or not (None: not
    known yet, left open)."""
    decision = _locked(decision)
    _check_owner(decision.engagement, by)
    if decision.status == DecisionStatus.DRAFT:
        raise ValidationError("Decide first; the review looks back on a decision made.")
    if decision.status == DecisionStatus.REVIEWED:
        raise ValidationError("This decision is reviewed already. Add a reflection instead.")
    errors: dict[str, str] = {}
    what_happened = _text("what_happened", what_happened, fw.LONG)
    if not what_happened:
        errors["what_happened"] = "What actually happened?"
    if outcome_quality not in Quality.values:
        errors["outcome_quality"] = "How good was the outcome?"
    if process_quality not in Quality.values:
        errors["process_quality"] = "How good was the way you decided?"
    lessons = _text("lessons", lessons, fw.LONG)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for prediction in decision.predictions.select_for_update().filter(resolved_at__isnull=True):
        came_true = results.get(str(prediction.code))
        if came_true is not None:
            prediction.came_true = came_true
            prediction.resolved_at = now
            prediction.save(update_fields=["came_true", "resolved_at"])
    decision.what_happened = what_happened
    decision.outcome_quality = outcome_quality
    decision.process_quality = process_quality
    decision.lessons = lessons
    decision.status = DecisionStatus.REVIEWED
    decision.reviewed_at = now
    decision.updated_at = now
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def prediction_resolve(*, prediction: Prediction, by: User, came_true: bool) -> Prediction:
    """Settle a prediction left open at the review, once it is known."""
    prediction = (
        Prediction.objects.select_for_update(of=("self",))
        .select_related("decision__engagement")
        .get(pk=prediction.pk)
    )
    _check_owner(prediction.decision.engagement, by)
    if prediction.decision.status == DecisionStatus.DRAFT:
        raise ValidationError("Decide first.")
    if prediction.resolved_at is not None:
        raise ValidationError("This prediction is settled already.")
    prediction.came_true = came_true
    prediction.resolved_at = timezone.now()
    prediction.save(update_fields=["came_true", "resolved_at"])
    return prediction


@transaction.atomic
def decision_share(*, decision: Decision, by: User, share: bool) -> Decision:
    decision = _locked(decision)
    if by.id != decision.engagement.coachee_id:
        raise ValidationError("Only the coachee decides what to share.")
    decision.shared_with_coach_at = timezone.now() if share else None
    if not share:
        decision.brought_to = None
    decision.save(update_fields=["shared_with_coach_at", "brought_to"])
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision, by: User) -> None:
    """A draft can be thrown away; a decision made is kept (its review is the point)."""
    decision = _locked(decision)
    _check_owner(decision.engagement, by)
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError("A decision you made is kept; only a draft can be deleted.")
    decision.delete()


# --- Priority board -----------------------------------------------------------------

ITEM_TITLE = 200
FOLLOW_UP_MAX = 500  # as an action's title allows
FOLLOW_UP_TITLE = "Follow up on a task I delegated (see my priority board)"


def _board_owner(board: PriorityBoard, by: User) -> None:
    _check_owner(board.engagement, by)


@transaction.atomic
def board_ensure(*, engagement: Engagement, by: User) -> PriorityBoard:
    """The coachee's board for this engagement, made on their first use of it."""
    _check_owner(engagement, by)
    board, _ = PriorityBoard.objects.get_or_create(engagement=engagement)
    return board


@transaction.atomic
def board_item_add(
    *,
    board: PriorityBoard,
    by: User,
    title: str = "",
    action: Action | None = None,
    quadrant: str = Quadrant.INBOX,
) -> BoardItem:
    """Put a task of its own, or one of the coachee's open actions, on the board."""
    _board_owner(board, by)
    if quadrant not in Quadrant.values:
        raise ValidationError({"quadrant": "Choose where it goes."})
    item = BoardItem(board=board, quadrant=quadrant)
    if action is not None:
        if action.engagement_id != board.engagement_id or action.owner_id != by.id:
            raise ValidationError("Only your own actions in this engagement go on your board.")
        if action.completed_at is not None:
            raise ValidationError("That action is done already.")
        if board.items.filter(action=action).exists():
            raise ValidationError("That action is on your board already.")
        item.action = action
    else:
        title = _text("title", title, ITEM_TITLE)
        if not title:
            raise ValidationError({"title": "What is the task?"})
        item.title = title
    item.full_clean()
    item.save()
    return item


def _locked_item(item: BoardItem) -> BoardItem:
    return (
        BoardItem.objects.select_for_update(of=("self",))
        .select_related("board__engagement", "action")
        .get(pk=item.pk)
    )


@transaction.atomic
def board_item_move(*, item: BoardItem, by: User, quadrant: str) -> BoardItem:
    """Move an item to another quadrant. Leaving "delegate" forgets to whom (the
    follow-up action, if any, stays: it is the coachee's to close)."""
    item = _locked_item(item)
    _board_owner(item.board, by)
    if quadrant not in Quadrant.values:
        raise ValidationError({"quadrant": "Choose where it goes."})
    item.quadrant = quadrant
    item.moved_at = timezone.now()
    fields = ["quadrant", "moved_at"]
    if quadrant != Quadrant.DELEGATE:
        item.delegate_to, item.delegation_level, item.follow_up_on = "", "", None
        fields += ["delegate_to", "delegation_level", "follow_up_on"]
    item.save(update_fields=fields)
    return item


@transaction.atomic
def board_item_delegate(
    *,
    item: BoardItem,
    by: User,
    delegate_to: str,
    level: str,
    follow_up_on: date | None,
) -> BoardItem:
    """Delegate an item: to whom, how much, and a follow-up date that becomes an action."""
    item = _locked_item(item)
    _board_owner(item.board, by)
    errors: dict[str, str] = {}
    delegate_to = _text("delegate_to", delegate_to, fw.SHORT)
    if not delegate_to:
        errors["delegate_to"] = "To whom?"
    if level not in DelegationLevel.values:
        errors["delegation_level"] = "How much of the decision goes with it?"
    if follow_up_on is None:
        errors["follow_up_on"] = "When will you follow up?"
    elif follow_up_on < timezone.localdate():
        errors["follow_up_on"] = "The follow-up is a date from today on."
    if errors:
        raise ValidationError(errors)
    assert follow_up_on is not None
    # An action is read by the coach too: its title names neither the task nor the
    # person (the board, private unless shared, has them).
    title = FOLLOW_UP_TITLE
    engagement = item.board.engagement
    if item.follow_up_action_id and item.follow_up_action is not None:
        action = engagement_services.action_update(
            action=item.follow_up_action, by=by, title=title, due_on=follow_up_on
        )
    else:
        action = engagement_services.action_create(
            engagement=engagement, by=by, title=title, due_on=follow_up_on
        )
    item.quadrant = Quadrant.DELEGATE
    item.delegate_to = delegate_to
    item.delegation_level = level
    item.follow_up_on = follow_up_on
    item.follow_up_action = action
    item.moved_at = timezone.now()
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def board_item_done(*, item: BoardItem, by: User) -> BoardItem:
    """Done: off the board; an action it came from is marked done too."""
    item = _locked_item(item)
    _board_owner(item.board, by)
    if item.done_at is not None:
        return item
    item.done_at = timezone.now()
    item.save(update_fields=["done_at"])
    if item.action is not None and item.action.completed_at is None:
        engagement_services.action_set_done(action=item.action, by=by, done=True)
    return item


@transaction.atomic
def board_share(*, board: PriorityBoard, by: User, share: bool) -> PriorityBoard:
    if by.id != board.engagement.coachee_id:
        raise ValidationError("Only the coachee decides what to share.")
    board.shared_with_coach_at = timezone.now() if share else None
    if not share:
        board.brought_to = None
    board.save(update_fields=["shared_with_coach_at", "brought_to"])
    return board


@transaction.atomic
def board_rhythm_set(
    *, board: PriorityBoard, by: User, weekday: int, every_weeks: int
) -> PriorityBoard:
    _board_owner(board, by)
    errors: dict[str, str] = {}
    if weekday not in range(7):
        errors["weekday"] = "Choose a day."
    if every_weeks not in range(1, 5):
        errors["every_weeks"] = "Every 1 to 4 weeks."
    if errors:
        raise ValidationError(errors)
    board.review_weekday = weekday
    board.review_every_weeks = every_weeks
    board.full_clean()
    board.save(update_fields=["review_weekday", "review_every_weeks"])
    return board


@transaction.atomic
def weekly_review_save(
    *,
    board: PriorityBoard,
    by: User,
    cleared: str,
    time_went: str,
    time_should: str,
    commitment: str,
    commitment_due: date | None,
) -> WeeklyReview:
    """The weekly review, ending with one commitment (which becomes an action)."""
    _board_owner(board, by)
    errors: dict[str, str] = {}
    commitment = _text("commitment", commitment, FOLLOW_UP_MAX)
    if not commitment:
        errors["commitment"] = "What is the one thing you commit to this week?"
    if commitment_due is None:
        errors["commitment_due"] = "By when?"
    elif commitment_due < timezone.localdate():
        errors["commitment_due"] = "A commitment is for today or later."
    review = WeeklyReview(
        board=board,
        cleared=_text("cleared", cleared, fw.LONG),
        time_went=_text("time_went", time_went, fw.LONG),
        time_should=_text("time_should", time_should, fw.LONG),
        commitment=commitment,
    )
    if errors:
        raise ValidationError(errors)
    assert commitment_due is not None
    review.commitment_action = engagement_services.action_create(
        engagement=board.engagement, by=by, title=commitment, due_on=commitment_due
    )
    review.full_clean()
    review.save()
    return review


# --- Transition plans ---------------------------------------------------------------


def _plan_owner(plan: TransitionPlan, by: User) -> None:
    _check_owner(plan.engagement, by)


def _locked_plan(plan: TransitionPlan) -> TransitionPlan:
    return (
        TransitionPlan.objects.select_for_update(of=("self",))
        .select_related("engagement__coachee")
        .get(pk=plan.pk)
    )


@transaction.atomic
def transition_plan_create(
    *, engagement: Engagement, by: User, kind: str, title: str, starts_on: date | None
) -> TransitionPlan:
    """A plan from a template: its sections start from the template's questions;
    its checkpoints (day 1, week 1, days 30, 60, 90) become dated actions."""
    _check_owner(engagement, by)
    errors: dict[str, str] = {}
    if kind not in TransitionKind.values:
        errors["kind"] = "Which kind of transition is it?"
    title = _text("title", title, fw.SHORT)
    if not title:
        errors["title"] = "Name the role or the change."
    if starts_on is None:
        errors["starts_on"] = "When is (or was) day 1?"
    elif starts_on < timezone.localdate() - timedelta(days=90):
        errors["starts_on"] = "Day 1 was more than 90 days ago; the first 90 days are over."
    if errors:
        raise ValidationError(errors)
    assert starts_on is not None
    template = tr.TEMPLATES[TransitionKind(kind)]
    plan = TransitionPlan(engagement=engagement, kind=kind, title=title, starts_on=starts_on)
    plan.sections = {key: template.prompts.get(key, "") for key, _, _ in tr.SECTIONS}
    plan.conversations = {key: {"done": False, "notes": ""} for key, _, _ in tr.CONVERSATIONS}
    plan.full_clean()
    plan.save()
    today = timezone.localdate()
    for day in tr.CHECKPOINT_DAYS:
        due = starts_on + timedelta(days=day - 1)
        action = None
        if due >= today:
            action = engagement_services.action_create(
                engagement=engagement,
                by=by,
                # The coach reads actions: the plan's title stays on the plan.
                title=f"{tr.CHECKPOINT_NAMES[day]} checkpoint of my transition plan",
                due_on=due,
            )
        Checkpoint.objects.create(plan=plan, day=day, action=action)
    return plan


@transaction.atomic
def transition_plan_update(
    *,
    plan: TransitionPlan,
    by: User,
    situation: dict[str, int | None],
    sections: dict[str, str],
    conversations: dict[str, tuple[bool, str]],
) -> TransitionPlan:
    """Save the situation mix (per cent, adding up to 100, or all 0 while unsure),
    the sections and the five conversations' checklist."""
    plan = _locked_plan(plan)
    _plan_owner(plan, by)
    errors: dict[str, str] = {}
    mix = {key: situation.get(key) or 0 for key, _, _ in tr.SITUATIONS}
    for key, value in mix.items():
        if not 0 <= value <= 100:
            errors[key] = "A share from 0 to 100%."
    total = sum(mix.values())
    if not errors and total not in (0, 100):
        errors["situation_startup"] = f"The shares add up to {total}%; make them 100%."
    kept_sections = {key: _text(key, sections.get(key), fw.LONG) for key, _, _ in tr.SECTIONS}
    kept_conversations = {
        key: {
            "done": bool(conversations.get(key, (False, ""))[0]),
            "notes": _text(f"{key}_notes", conversations.get(key, (False, ""))[1], fw.LONG),
        }
        for key, _, _ in tr.CONVERSATIONS
    }
    if errors:
        raise ValidationError(errors)
    for key, value in mix.items():
        setattr(plan, key, value)
    plan.sections = kept_sections
    plan.conversations = kept_conversations
    plan.updated_at = timezone.now()
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def stakeholder_add(
    *,
    plan: TransitionPlan,
    by: User,
    name: str,
    role: str,
    power: int | None,
    interest: int | None,
    stance_now: str,
    stance_wanted: str,
    next_conversation: str,
) -> Stakeholder:
    _plan_owner(plan, by)
    errors: dict[str, str] = {}
    name = _text("name", name, 120)
    if not name:
        errors["name"] = "Who is it?"
    if power not in range(1, 6):
        errors["power"] = "Their power over your success, from 1 to 5."
    if interest not in range(1, 6):
        errors["interest"] = "Their interest in what you do, from 1 to 5."
    if stance_now not in Stance.values:
        errors["stance_now"] = "Where do they stand now?"
    if stance_wanted not in Stance.values:
        errors["stance_wanted"] = "Where do you need them to stand?"
    if errors or power is None or interest is None:
        raise ValidationError(errors)
    person = Stakeholder(
        plan=plan,
        name=name,
        role=_text("role", role, 120),
        power=power,
        interest=interest,
        stance_now=stance_now,
        stance_wanted=stance_wanted,
        next_conversation=_text("next_conversation", next_conversation, 300),
    )
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def stakeholder_remove(*, stakeholder: Stakeholder, by: User) -> None:
    _plan_owner(stakeholder.plan, by)
    stakeholder.delete()


@transaction.atomic
def transition_plan_share(*, plan: TransitionPlan, by: User, share: bool) -> TransitionPlan:
    plan = _locked_plan(plan)
    if by.id != plan.engagement.coachee_id:
        raise ValidationError("Only the coachee decides what to share.")
    plan.shared_with_coach_at = timezone.now() if share else None
    if not share:
        plan.brought_to = None
    plan.save(update_fields=["shared_with_coach_at", "brought_to"])
    return plan


@transaction.atomic
def transition_plan_goal(
    *,
    plan: TransitionPlan,
    by: User,
    title: str,
    baseline_rating: int | None,
    target_rating: int | None,
) -> Goal:
    """A goal in the development plan that comes from the transition plan: rated
    1–10 by the coachee, with day 90 as its milestone."""
    plan = _locked_plan(plan)
    _plan_owner(plan, by)
    if plan.goal_id:
        raise ValidationError("This plan has its goal already.")
    day_90 = plan.starts_on + timedelta(days=89)
    goal = growth_services.goal_create(
        engagement=plan.engagement,
        by=by,
        title=title,
        focus_area=FocusArea.CHANGE,
        kind=GoalKind.QUALITATIVE,
        baseline_rating=baseline_rating,
        target_rating=target_rating,
        milestones=[("Day 90 of my transition", day_90)] if day_90 >= timezone.localdate() else [],
    )
    plan.goal = goal
    plan.save(update_fields=["goal"])
    return goal


# --- Bring this to my next session ---------------------------------------------------

Broughtable = Decision | PriorityBoard | TransitionPlan


def next_session_of(engagement: Engagement) -> CoachingSession | None:
    return (
        engagement.sessions.filter(status=SessionStatus.SCHEDULED, scheduled_for__gt=timezone.now())
        .order_by("scheduled_for")
        .first()
    )


@transaction.atomic
def bring_to_next_session(*, record: Broughtable, by: User) -> CoachingSession:
    """Share the record with the coach and put it on the next coaching session's
    list of what the coachee brings (the coach's session brief shows it)."""
    model = type(record)
    locked = (
        model.objects.select_for_update(of=("self",)).select_related("engagement").get(pk=record.pk)
    )
    _check_owner(locked.engagement, by)
    session = next_session_of(locked.engagement)
    if session is None:
        raise ValidationError("No coaching session is scheduled yet.")
    if locked.shared_with_coach_at is None:
        locked.shared_with_coach_at = timezone.now()
    locked.brought_to = session
    locked.save(update_fields=["shared_with_coach_at", "brought_to"])
    return session
