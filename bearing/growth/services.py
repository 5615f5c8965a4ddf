"""Writes to the development plan, check-ins and wins. The coachee owns the plan;
the coach may suggest goals, which the coachee accepts or not."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bearing.accounts.models import User
from bearing.engagements import services as engagement_services
from bearing.engagements.models import Engagement
from bearing.engagements.queries import agreement_in_force

from .models import (
    CheckIn,
    CheckInRhythm,
    Direction,
    FocusArea,
    Goal,
    GoalKind,
    GoalStatus,
    KeyResult,
    Measure,
    Milestone,
    Reading,
    Win,
    WinSource,
    measure_problem,
)

if TYPE_CHECKING:
    from .models import NotificationPreference, ProgressSummary


@dataclass(frozen=True)
class KeyResultInput:
    metric: str
    baseline: Decimal
    target: Decimal
    unit: str = ""
    direction: str = Direction.UP
    measure: str = Measure.COUNT


def _text(field: str, value: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: "This is needed."})
    if len(value) > limit:
        raise ValidationError({field: f"Please keep this under {limit:,} characters."})
    return value


PAST_MILESTONE = (
    "That date has passed: a milestone is a step still ahead, so choose today or later. "
    "If you have already done it, add it as a win when you next check in."
)
PAST_COMMITMENT = "That date has passed: when will you do it? Choose today or later."
EMPTY_QUIET_HOURS = (
    "Quiet hours that start and end at the same time would be empty. Choose an end "
    "time different from the start (for example 21:00 to 08:00, over the night)."
)


def check_not_past(field: str, when: date | None, message: str) -> None:
    """Refuse a date before today, in the time zone of the person asking."""
    if when is not None and when < timezone.localdate():
        raise ValidationError({field: message})


def _check_rating(field: str, value: int | str | None) -> None:
    if value is not None and not 1 <= int(value) <= 10:
        raise ValidationError({field: "Choose a number from 1 to 10."})


UNIT_MAX = 40  # a key result's unit, as the form allows


def _check_key_result(kr: KeyResultInput) -> None:
    _text("metric", kr.metric, 300, required=True)
    if len(kr.unit.strip()) > UNIT_MAX:  # refused, never cut
        raise ValidationError({"unit": f"Keep the unit under {UNIT_MAX} characters."})
    if kr.direction not in Direction.values:
        raise ValidationError({"direction": "Choose whether higher or lower is better."})
    if kr.measure not in Measure.values:
        raise ValidationError({"measure": "Choose what kind of number it is."})
    for field in ("baseline", "target"):
        problem = measure_problem(kr.measure, getattr(kr, field))
        if problem:
            raise ValidationError({field: problem})
    if kr.direction == Direction.UP and kr.target <= kr.baseline:
        raise ValidationError(
            {"target": "For 'higher is better', the target must be above the baseline."}
        )
    if kr.direction == Direction.DOWN and kr.target >= kr.baseline:
        raise ValidationError(
            {"target": "For 'lower is better', the target must be below the baseline."}
        )


@transaction.atomic
def goal_create(
    *,
    engagement: Engagement,
    by: User,
    title: str,
    focus_area: str,
    custom_focus: str = "",
    kind: str = GoalKind.MEASURABLE,
    key_results: Sequence[KeyResultInput] = (),
    baseline_rating: int | None = None,
    target_rating: int | None = None,
    milestones: Sequence[tuple[str, date]] = (),
) -> Goal:
    """The coachee adds a goal to their plan; a coach's goal is a suggestion."""
    if by.id not in {engagement.coach_id, engagement.coachee_id}:
        raise ValidationError("Only the coachee or their coach can add goals.")
    if not engagement.is_open:
        raise ValidationError("This engagement has ended.")
    if focus_area not in FocusArea.values:
        raise ValidationError({"focus_area": "Choose a focus area."})
    if focus_area == FocusArea.CUSTOM and not custom_focus.strip():
        raise ValidationError({"custom_focus": "Name the focus area."})
    if kind == GoalKind.MEASURABLE and not key_results:
        raise ValidationError({"metric": "A measurable goal needs at least one key result."})
    if kind == GoalKind.QUALITATIVE:
        if baseline_rating is None or target_rating is None:
            raise ValidationError(
                {"target_rating": "Rate where you are now and where you want to be."}
            )
        _check_rating("baseline_rating", baseline_rating)
        _check_rating("target_rating", target_rating)
        if target_rating <= baseline_rating:
            raise ValidationError({"target_rating": "The target rating should be above today's."})
    for kr in key_results:
        _check_key_result(kr)
    for _, due_on in milestones:
        check_not_past("milestone_due", due_on, PAST_MILESTONE)
    is_coach = by.id == engagement.coach_id
    goal = Goal(
        engagement=engagement,
        title=_text("title", title, 300, required=True),
        focus_area=focus_area,
        custom_focus=_text("custom_focus", custom_focus, 100)
        if focus_area == FocusArea.CUSTOM
        else "",
        kind=kind,
        status=GoalStatus.SUGGESTED if is_coach else GoalStatus.ACTIVE,
        suggested_by=by if is_coach else None,
        baseline_rating=baseline_rating if kind == GoalKind.QUALITATIVE else None,
        target_rating=target_rating if kind == GoalKind.QUALITATIVE else None,
        current_rating=baseline_rating if kind == GoalKind.QUALITATIVE else None,
    )
    goal.full_clean()
    goal.save()
    if kind == GoalKind.MEASURABLE:
        for kr in key_results:
            KeyResult.objects.create(
                goal=goal,
                metric=kr.metric.strip(),
                unit=kr.unit.strip(),
                baseline=kr.baseline,
                target=kr.target,
                current=kr.baseline,
                direction=kr.direction,
                measure=kr.measure,
            )
    for title_, due_on in milestones:
        Milestone.objects.create(
            goal=goal, title=_text("milestone", title_, 300, required=True), due_on=due_on
        )
    return goal


def _owned(goal: Goal, by: User) -> None:
    if by.id != goal.engagement.coachee_id:
        raise ValidationError("Only the coachee changes their plan.")


@transaction.atomic
def goal_accept(*, goal: Goal, by: User) -> Goal:
    _owned(goal, by)
    if goal.status != GoalStatus.SUGGESTED:
        raise ValidationError("This goal is already in your plan.")
    goal.status = GoalStatus.ACTIVE
    goal.save(update_fields=["status"])
    return goal


@transaction.atomic
def goal_set_sharing(*, goal: Goal, by: User, share: bool) -> Goal:
    """Share a goal's progress (as a percentage) with the sponsor — only where the
    coaching agreement in force allows that signal."""
    _owned(goal, by)
    if share:
        agreement = agreement_in_force(goal.engagement)
        if agreement is None or not agreement.sponsor_sees_goal_progress:
            raise ValidationError(
                "Your coaching agreement does not share goal progress with your sponsor."
            )
        if goal.status == GoalStatus.SUGGESTED:
            raise ValidationError("Accept the goal into your plan first.")
    goal.share_with_sponsor = share
    goal.save(update_fields=["share_with_sponsor"])
    return goal


@transaction.atomic
def goal_set_status(*, goal: Goal, by: User, status: str) -> Goal:
    _owned(goal, by)
    if status not in {GoalStatus.ACTIVE, GoalStatus.ACHIEVED, GoalStatus.DROPPED}:
        raise ValidationError("Choose active, achieved or set aside.")
    goal.status = status
    goal.achieved_at = timezone.now() if status == GoalStatus.ACHIEVED else None
    goal.save(update_fields=["status", "achieved_at"])
    if status == GoalStatus.ACHIEVED:
        Win.objects.create(
            engagement=goal.engagement, source=WinSource.GOAL, text=f"Goal achieved: {goal.title}"
        )
    return goal


RAISE_RATING = "Choose a rating above where you are now to keep growing."


def _raise_message(kr: KeyResult) -> str:
    return f"Set it beyond where you are now ({kr.current.normalize():f}) to keep growing."


@transaction.atomic
def goal_raise_target(
    *,
    goal: Goal,
    by: User,
    targets: dict[int, Decimal] | None = None,
    target_rating: int | None = None,
) -> Goal:
    """The coachee sets a target further on: each changed target lies beyond where
    they are now, within its measure's range; reaching it again is celebrated again."""
    goal = Goal.objects.select_for_update().select_related("engagement").get(pk=goal.pk)
    _owned(goal, by)
    if goal.status != GoalStatus.ACTIVE:
        raise ValidationError("Only an active goal's target can be raised.")
    targets = targets or {}
    key_results = {kr.id: kr for kr in goal.key_results.all()}
    if set(targets) - set(key_results):
        raise ValidationError(
            "Some of these key results are no longer in this goal; please reload."
        )
    changed = [kr_id for kr_id, value in targets.items() if value != key_results[kr_id].target]
    rating_changed = target_rating is not None and target_rating != goal.target_rating
    if not changed and not rating_changed:
        if goal.kind == GoalKind.QUALITATIVE:
            raise ValidationError({"target_rating": RAISE_RATING})
        raise ValidationError({f"target_{i}": _raise_message(kr) for i, kr in key_results.items()})
    for kr_id in changed:
        kr, value = key_results[kr_id], targets[kr_id]
        field = f"target_{kr_id}"
        problem = measure_problem(kr.measure, value)
        if problem:
            raise ValidationError({field: problem})
        beyond = value > kr.current if kr.direction == Direction.UP else value < kr.current
        if not beyond:
            raise ValidationError({field: _raise_message(kr)})
        kr.target = value
        kr.target_hit_at = None
        kr.full_clean()
        kr.save(update_fields=["target", "target_hit_at"])
    if rating_changed:
        if goal.kind != GoalKind.QUALITATIVE:
            raise ValidationError("This goal is measured by its key results.")
        _check_rating("target_rating", target_rating)
        assert target_rating is not None  # rating_changed says so
        if target_rating <= (goal.current_rating or goal.baseline_rating or 0):
            raise ValidationError({"target_rating": RAISE_RATING})
        goal.target_rating = target_rating
        goal.save(update_fields=["target_rating"])
    return goal


@transaction.atomic
def milestone_reach(*, milestone: Milestone, by: User) -> Milestone:
    _owned(milestone.goal, by)
    if milestone.reached_at is None:
        milestone.reached_at = timezone.now()
        milestone.save(update_fields=["reached_at"])
        Win.objects.create(
            engagement=milestone.goal.engagement,
            source=WinSource.MILESTONE,
            text=f"Milestone reached: {milestone.title}",
        )
    return milestone


@transaction.atomic
def check_in_submit(
    *,
    engagement: Engagement,
    by: User,
    values: dict[int, Decimal],
    ratings: dict[int, int],
    confidence: int | None = None,
    energy: int | None = None,
    wins: str = "",
    obstacles: str = "",
    support_needed: str = "",
    next_commitment: str = "",
    next_commitment_due: date | None = None,
) -> CheckIn:
    """Record a check-in: each key result's value and each qualitative goal's rating,
    confidence, energy, wins, obstacles, support needed and the next commitment.
    Confidence and energy may be left unanswered (None): never a score by default."""
    if by.id != engagement.coachee_id:
        raise ValidationError("Only the coachee checks in.")
    _check_rating("confidence", confidence)
    _check_rating("energy", energy)
    for goal_id, rating in ratings.items():
        _check_rating(f"rating_{goal_id}", rating)
    if next_commitment.strip() and next_commitment_due is None:
        raise ValidationError({"next_commitment_due": "By when will you do it?"})
    if next_commitment.strip():
        check_not_past("next_commitment_due", next_commitment_due, PAST_COMMITMENT)
    goals = {g.id: g for g in engagement.goals.filter(status=GoalStatus.ACTIVE)}
    key_results = {
        kr.id: kr for kr in KeyResult.objects.filter(goal__in=goals.values()).select_related("goal")
    }
    unknown = (set(values) - set(key_results)) | (set(ratings) - set(goals))
    if unknown:
        raise ValidationError("Some of these goals are no longer in your plan; please reload.")
    _check_values(values, key_results)
    check_in = CheckIn(
        engagement=engagement,
        confidence=confidence,
        energy=energy,
        wins=_text("wins", wins, 4000),
        obstacles=_text("obstacles", obstacles, 4000),
        support_needed=_text("support_needed", support_needed, 4000),
        next_commitment=_text("next_commitment", next_commitment, 500),
    )
    check_in.full_clean()
    check_in.save()
    readings = []
    for kr_id, value in values.items():
        kr = key_results[kr_id]
        was_reached = kr.target_reached
        kr.current = value
        if kr.target_reached and not was_reached and kr.target_hit_at is None:
            _celebrate_target(kr, check_in)
        kr.save(update_fields=["current", "target_hit_at"])
        readings.append(Reading(check_in=check_in, goal=kr.goal, key_result=kr, value=value))
    for goal_id, rating in ratings.items():
        goal = goals[goal_id]
        goal.current_rating = rating
        goal.save(update_fields=["current_rating"])
        readings.append(Reading(check_in=check_in, goal=goal, value=Decimal(rating)))
    Reading.objects.bulk_create(readings)
    if check_in.wins:
        Win.objects.create(
            engagement=engagement, source=WinSource.CHECK_IN, text=check_in.wins, check_in=check_in
        )
    if check_in.next_commitment and next_commitment_due is not None:
        engagement_services.action_create(
            engagement=engagement, by=by, title=check_in.next_commitment, due_on=next_commitment_due
        )
    return check_in


def _check_values(values: dict[int, Decimal], key_results: dict[int, KeyResult]) -> None:
    """Each reading within its key result's range: a count is never negative, a
    percentage stays within 0–100."""
    errors = {}
    for kr_id, value in values.items():
        problem = measure_problem(key_results[kr_id].measure, value)
        if problem:
            errors[f"kr_{kr_id}"] = problem
    if errors:
        raise ValidationError(errors)


def _celebrate_target(kr: KeyResult, check_in: CheckIn) -> None:
    kr.target_hit_at = timezone.now()
    Win.objects.create(
        engagement_id=check_in.engagement_id,
        source=WinSource.TARGET,
        text=f"Target hit: {kr.metric} reached {kr.target} {kr.unit}".strip(),
        check_in=check_in,
        key_result=kr,
    )


def _owns_check_in(check_in: CheckIn, by: User) -> None:
    if by.id != check_in.engagement.coachee_id:
        raise ValidationError("Only the coachee corrects or withdraws their check-ins.")


def _follow_readings(
    *, key_results: list[KeyResult], goals: list[Goal], uncelebrate: Collection[int | None] = ()
) -> None:
    """After a check-in is corrected or withdrawn, each key result stands at its latest
    remaining reading (or its baseline), and each qualitative goal at its latest rating
    (or where it started). ``uncelebrate``: key results whose "Target hit" win was
    taken back; their next hit is celebrated again."""
    for kr in key_results:
        latest = (
            Reading.objects.filter(key_result=kr)
            .select_related("check_in")
            .order_by("-check_in__submitted_at", "-id")
            .first()
        )
        kr.current = latest.value if latest else kr.baseline
        if kr.id in uncelebrate:
            kr.target_hit_at = None
        if latest and kr.target_reached and kr.target_hit_at is None:
            _celebrate_target(kr, latest.check_in)
        kr.save(update_fields=["current", "target_hit_at"])
    for goal in goals:
        latest = (
            Reading.objects.filter(goal=goal, key_result__isnull=True)
            .order_by("-check_in__submitted_at", "-id")
            .first()
        )
        goal.current_rating = int(latest.value) if latest else goal.baseline_rating
        goal.save(update_fields=["current_rating"])


@transaction.atomic
def check_in_correct(
    *,
    check_in: CheckIn,
    by: User,
    values: dict[int, Decimal],
    ratings: dict[int, int],
    confidence: int | None = None,
    energy: int | None = None,
    wins: str = "",
    obstacles: str = "",
    support_needed: str = "",
) -> CheckIn:
    """The coachee corrects a check-in: the values it recorded, confidence, energy,
    wins, obstacles and support needed. The plan, the charts and the sponsor's
    figure follow the corrected readings."""
    check_in = CheckIn.objects.select_for_update().select_related("engagement").get(pk=check_in.pk)
    _owns_check_in(check_in, by)
    _check_rating("confidence", confidence)
    _check_rating("energy", energy)
    for goal_id, rating in ratings.items():
        _check_rating(f"rating_{goal_id}", rating)
    readings = list(check_in.readings.select_related("key_result", "goal"))
    by_kr = {r.key_result_id: r for r in readings if r.key_result_id}
    by_goal = {r.goal_id: r for r in readings if r.key_result_id is None}
    if set(values) - set(by_kr) or set(ratings) - set(by_goal):
        raise ValidationError("Only the values this check-in recorded can be corrected.")
    _check_values(
        values, {kr_id: r.key_result for kr_id, r in by_kr.items() if r.key_result is not None}
    )
    check_in.confidence = confidence
    check_in.energy = energy
    check_in.wins = _text("wins", wins, 4000)
    check_in.obstacles = _text("obstacles", obstacles, 4000)
    check_in.support_needed = _text("support_needed", support_needed, 4000)
    check_in.corrected_at = timezone.now()
    check_in.full_clean()
    check_in.save()
    changed = []
    for kr_id, value in values.items():
        reading = by_kr[kr_id]
        if reading.value != value:
            reading.value = value
            reading.save(update_fields=["value"])
            changed.append(reading)
    for goal_id, rating in ratings.items():
        reading = by_goal[goal_id]
        if reading.value != Decimal(rating):
            reading.value = Decimal(rating)
            reading.save(update_fields=["value"])
            changed.append(reading)
    # A target this check-in celebrated, and no longer reaches, is taken back.
    taken_back = set()
    for win in Win.objects.filter(check_in=check_in, source=WinSource.TARGET):
        celebrated = by_kr.get(win.key_result_id or 0)
        kr = celebrated.key_result if celebrated is not None else None
        if celebrated is not None and kr is not None and not kr.reaches(celebrated.value):
            taken_back.add(win.key_result_id)
            win.delete()
    _follow_readings(
        key_results=[r.key_result for r in changed if r.key_result is not None],
        goals=[r.goal for r in changed if r.key_result_id is None],
        uncelebrate=taken_back,
    )
    _correct_check_in_win(check_in)
    return check_in


def _correct_check_in_win(check_in: CheckIn) -> None:
    win = Win.objects.filter(check_in=check_in, source=WinSource.CHECK_IN).first()
    if not check_in.wins:
        if win is not None:
            win.delete()
    elif win is None:
        Win.objects.create(
            engagement_id=check_in.engagement_id,
            source=WinSource.CHECK_IN,
            text=check_in.wins,
            check_in=check_in,
            occurred_at=check_in.submitted_at,
        )
    elif win.text != check_in.wins:
        win.text = check_in.wins
        win.save(update_fields=["text"])


@transaction.atomic
def check_in_withdraw(*, check_in: CheckIn, by: User) -> None:
    """The coachee withdraws a check-in: its readings and the wins it recorded go;
    each measure goes back to its latest remaining reading. An action made from its
    next commitment stays: the coachee manages it with their other actions."""
    check_in = CheckIn.objects.select_for_update().select_related("engagement").get(pk=check_in.pk)
    _owns_check_in(check_in, by)
    readings = list(check_in.readings.select_related("key_result", "goal"))
    taken_back = set(
        Win.objects.filter(check_in=check_in, source=WinSource.TARGET).values_list(
            "key_result_id", flat=True
        )
    )
    check_in.delete()  # its readings and wins with it
    _follow_readings(
        key_results=[r.key_result for r in readings if r.key_result is not None],
        goals=[r.goal for r in readings if r.key_result_id is None],
        uncelebrate=taken_back,
    )


@transaction.atomic
def rhythm_set(
    *,
    engagement: Engagement,
    by: User,
    every_weeks: int,
    weekday: int,
    time_of_day: time,
    time_zone: str,
) -> CheckInRhythm:
    if by.id != engagement.coachee_id:
        raise ValidationError("The coachee chooses their check-in rhythm.")
    rhythm, _ = CheckInRhythm.objects.get_or_create(engagement=engagement)
    rhythm.every_weeks = every_weeks
    rhythm.weekday = weekday
    rhythm.time_of_day = time_of_day
    rhythm.time_zone = time_zone
    rhythm.full_clean()
    rhythm.save()
    return rhythm


@transaction.atomic
def preference_set(
    *, user: User, kinds: list[str], quiet_start: time, quiet_end: time, daily_cap: int
) -> NotificationPreference:
    from .models import NotificationPreference, ReminderKind

    if quiet_start == quiet_end:
        raise ValidationError({"quiet_end": EMPTY_QUIET_HOURS})
    pref, _ = NotificationPreference.objects.get_or_create(user=user)
    pref.opted_out = [k for k in ReminderKind.values if k not in kinds]
    pref.quiet_start = quiet_start
    pref.quiet_end = quiet_end
    pref.daily_cap = daily_cap
    pref.full_clean()
    pref.save()
    return pref


@transaction.atomic
def summary_draft(*, engagement: Engagement, by: User, body: str) -> ProgressSummary:
    from .models import ProgressSummary

    if by.id != engagement.coach_id:
        raise ValidationError("The coach drafts progress summaries.")
    summary = ProgressSummary(engagement=engagement, body=_text("body", body, 6000, required=True))
    summary.full_clean()
    summary.save()
    return summary


@transaction.atomic
def summary_decide(
    *, summary: ProgressSummary, by: User, approve: bool, comment: str = ""
) -> ProgressSummary:
    from .models import SummaryStatus

    if by.id != summary.engagement.coachee_id:
        raise ValidationError("Only the coachee approves a summary about them.")
    if summary.status != SummaryStatus.DRAFT:
        raise ValidationError("This summary has been decided already.")
    summary.status = SummaryStatus.APPROVED if approve else SummaryStatus.RETURNED
    summary.approved_at = timezone.now() if approve else None
    summary.coachee_comment = _text("comment", comment, 2000)
    summary.save(update_fields=["status", "approved_at", "coachee_comment"])
    return summary
