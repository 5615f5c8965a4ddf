"""Reads of the development plan, through the engagements door."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from bearing.accounts.models import User
from bearing.engagements.access import Relation, get_for
from bearing.engagements.models import Action, CoachingSession, Engagement, SessionStatus
from bearing.engagements.queries import agreements_in_force_for

from .models import CheckIn, CheckInRhythm, Goal, GoalStatus, KeyResult, Milestone, Reading

if TYPE_CHECKING:
    from .models import ProgressSummary, Win


def plan_goals(engagement: Engagement) -> list[Goal]:
    return list(
        engagement.goals.exclude(status=GoalStatus.DROPPED)
        .prefetch_related(
            Prefetch("key_results", queryset=KeyResult.objects.order_by("created_at")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on")),
        )
        .order_by("status", "created_at")
    )


def goal_get_for(
    user: User, code: UUID | str, *, want: Iterable[Relation] | Relation | None = None
) -> tuple[Goal, Relation]:
    return get_for(
        user,
        Goal,
        code,
        want=want,
        queryset=Goal.objects.select_related("engagement__coach", "engagement__coachee"),
    )


def milestone_get_for(
    user: User, code: UUID | str, *, want: Iterable[Relation] | Relation | None = None
) -> tuple[Milestone, Relation]:
    return get_for(user, Milestone, code, want=want)


@dataclass(frozen=True)
class Point:
    when: datetime
    value: float


def series_for_goal(goal: Goal) -> dict[int | None, list[Point]]:
    """Readings per key result (None: the goal's own rating), oldest first, one query."""
    series: dict[int | None, list[Point]] = {}
    rows = (
        Reading.objects.filter(goal=goal)
        .select_related("check_in")
        .only("key_result_id", "value", "check_in__submitted_at")
        .order_by("check_in__submitted_at")
    )
    for row in rows:
        series.setdefault(row.key_result_id, []).append(
            Point(row.check_in.submitted_at, float(row.value))
        )
    return series


def check_in_get_for(
    user: User, code: UUID | str, *, want: Iterable[Relation] | Relation | None = None
) -> tuple[CheckIn, Relation]:
    return get_for(
        user,
        CheckIn,
        code,
        want=want,
        queryset=CheckIn.objects.select_related("engagement__coach", "engagement__coachee"),
    )


def check_in_readings(check_in: CheckIn) -> list[Reading]:
    """What a check-in recorded, in the plan's order."""
    return list(
        check_in.readings.select_related("goal", "key_result").order_by(
            "goal__created_at", "key_result__created_at"
        )
    )


def check_ins_of(engagement: Engagement, limit: int = 50) -> list[CheckIn]:
    return list(engagement.check_ins.order_by("-submitted_at")[:limit])


def wins_of(engagement: Engagement, limit: int = 100) -> list[dict[str, Any]]:
    """Wins recorded, plus actions completed, newest first."""
    items = [
        {"when": w.occurred_at, "text": w.text, "source": w.get_source_display()}
        for w in engagement.wins.order_by("-occurred_at")[:limit]
    ]
    done = engagement.actions.filter(completed_at__isnull=False).order_by("-completed_at")[:limit]
    items += [{"when": a.completed_at, "text": a.title, "source": "Action completed"} for a in done]
    return sorted(items, key=lambda i: i["when"], reverse=True)[:limit]


def rhythm_of(engagement: Engagement) -> CheckInRhythm:
    rhythm = CheckInRhythm.objects.filter(engagement=engagement).first()
    if rhythm is None:
        tz = engagement.coachee.time_zone if engagement.coachee is not None else "UTC"
        rhythm = CheckInRhythm(engagement=engagement, time_zone=tz)
    return rhythm


# --- The sponsor: progress % of shared goals, where the agreement allows ---------


def sponsor_goal_progress(engagement_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Per engagement: focus area and progress % of each goal the coachee shares,
    only where the agreement in force shares goal progress. Never titles or text."""
    engagement_ids = list(engagement_ids)
    agreements = agreements_in_force_for(engagement_ids)
    return goal_progress_where_shared(
        [eid for eid, a in agreements.items() if a.sponsor_sees_goal_progress]
    )


def goal_progress_where_shared(allowed: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """``sponsor_goal_progress`` for engagements the caller has already found to
    share goal progress in their agreement in force (a cohort reads those flags with
    its other terms): focus area and progress % of each goal the coachee shares."""
    result: dict[int, list[dict[str, Any]]] = {}
    goals = (
        Goal.objects.filter(
            engagement_id__in=list(allowed),
            share_with_sponsor=True,
            status__in=[GoalStatus.ACTIVE, GoalStatus.ACHIEVED],
        )
        .defer("title")
        .prefetch_related(Prefetch("key_results", queryset=KeyResult.objects.defer("metric")))
        .order_by("created_at")
    )
    for goal in goals:
        result.setdefault(goal.engagement_id, []).append(
            {"focus": goal.focus_label, "progress": goal_progress(goal)}
        )
    return result


@dataclass(frozen=True)
class SponsorGoalRow:
    """Everything a sponsor may read of one goal: its focus area and progress %."""

    focus: str
    progress: int


def sponsor_goals(viewer: User, engagement_code: UUID | str) -> list[SponsorGoalRow]:
    """The goals of an engagement its coachee shares with the sponsor, where the
    agreement in force shares goal progress; 404 (audited) for anyone but a
    sponsor in the engagement's organization."""
    engagement, _ = get_for(viewer, Engagement, engagement_code, want=Relation.SPONSOR)
    return [
        SponsorGoalRow(focus=g["focus"], progress=g["progress"])
        for g in sponsor_goal_progress([engagement.id]).get(engagement.id, [])
    ]


def goal_progress(goal: Goal) -> int:
    from .models import GoalKind, progress_percent

    if goal.status == GoalStatus.ACHIEVED:
        return 100
    if goal.kind == GoalKind.QUALITATIVE:
        return progress_percent(
            goal.baseline_rating, goal.target_rating, goal.current_rating or goal.baseline_rating
        )
    krs = list(goal.key_results.all())
    if not krs:
        return 0
    return round(sum(kr.progress for kr in krs) / len(krs))


def goal_target_reached(goal: Goal, key_results: Iterable[KeyResult] | None = None) -> bool:
    """An active goal at its target: every key result reached, or the coachee's own
    rating at the target rating. ``key_results``: already fetched, to save a query."""
    from .models import GoalKind

    if goal.status != GoalStatus.ACTIVE:
        return False
    if goal.kind == GoalKind.QUALITATIVE:
        return (
            goal.current_rating is not None
            and goal.target_rating is not None
            and goal.current_rating >= goal.target_rating
        )
    krs = list(goal.key_results.all()) if key_results is None else list(key_results)
    return bool(krs) and all(kr.target_reached for kr in krs)


def goals_reaching_target(engagement: Engagement) -> list[Goal]:
    """Active goals whose target is reached: each waits for the coachee to mark it
    achieved or to raise the target."""
    goals = engagement.goals.filter(status=GoalStatus.ACTIVE).prefetch_related("key_results")
    return [g for g in goals.order_by("created_at") if goal_target_reached(g)]


# --- The coach's attention list -------------------------------------------------------


@dataclass
class Attention:
    engagement: Engagement
    reasons: list[str]


def attention_list(coach: User, *, now: datetime | None = None) -> list[Attention]:
    """Coachees who may need the coach's attention, each with the reasons shown.

    One query however many coachees there are: every signal is a correlated subquery
    of the coach's active engagement, each answered from its own index (the last
    check-in, overdue actions, the last held and the next coaching session, the
    rhythm, an active goal, the last three answers about confidence)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    mine = OuterRef("pk")
    # Answers only: a check-in that left confidence unanswered says nothing about it.
    answered = (
        CheckIn.objects.filter(
            engagement=mine,
            submitted_at__gte=now - timedelta(days=120),
            confidence__isnull=False,
        )
        .order_by("-submitted_at")
        .values("confidence")
    )
    engagements = (
        Engagement.objects.filter(coach=coach, status="active")
        .select_related("coachee")
        .annotate(
            last_check_in=Subquery(
                CheckIn.objects.filter(engagement=mine)
                .order_by("-submitted_at")
                .values("submitted_at")[:1]
            ),
            overdue=Subquery(
                Action.objects.filter(engagement=mine, completed_at__isnull=True, due_on__lt=today)
                .order_by()
                .values("engagement")
                .annotate(n=Count("id"))
                .values("n")
            ),
            last_held=Subquery(
                CoachingSession.objects.filter(engagement=mine, status=SessionStatus.HELD)
                .order_by("-scheduled_for")
                .values("scheduled_for")[:1]
            ),
            has_upcoming=Exists(
                CoachingSession.objects.filter(
                    engagement=mine, status=SessionStatus.SCHEDULED, scheduled_for__gte=now
                )
            ),
            every_weeks=Subquery(
                CheckInRhythm.objects.filter(engagement=mine).values("every_weeks")[:1]
            ),
            has_goals=Exists(Goal.objects.filter(engagement=mine, status=GoalStatus.ACTIVE)),
            confidence_0=Subquery(answered[:1]),
            confidence_1=Subquery(answered[1:2]),
            confidence_2=Subquery(answered[2:3]),
        )
        .order_by("coachee__name")
    )
    result = []
    for e in engagements:
        reasons = []
        grace = timedelta(weeks=e.every_weeks or 1, days=3)
        since = e.last_check_in or e.started_at
        if e.has_goals and since and now - since > grace:
            reasons.append(f"No check-in for {(now - since).days} days")
        newest, middle, oldest = e.confidence_0, e.confidence_1, e.confidence_2
        if oldest is not None and newest < middle < oldest:
            reasons.append(
                "Confidence falling over the last three check-ins that rated it "
                f"({oldest} → {newest})"
            )
        if e.overdue:
            n = e.overdue
            reasons.append(f"{n} overdue action{'s' if n != 1 else ''}")
        last = e.last_held
        if not e.has_upcoming and (last is None or now - last > timedelta(days=30)):
            reasons.append(
                "No coaching session for over 30 days and none scheduled"
                if last
                else "No coaching session held yet and none scheduled"
            )
        if reasons:
            result.append(Attention(e, reasons))
    return result


def shared_goal_progress(engagement: Engagement) -> list[dict[str, Any]]:
    """What a progress summary may draw on: the goals the coachee shares."""
    return (
        sponsor_goal_progress([engagement.id]).get(engagement.id, [])
        if _shares_progress(engagement)
        else []
    )


def _shares_progress(engagement: Engagement) -> bool:
    from bearing.engagements.queries import agreement_in_force

    agreement = agreement_in_force(engagement)
    return bool(agreement and agreement.sponsor_sees_goal_progress)


def summary_get_for(
    user: User, code: UUID | str, *, want: Iterable[Relation] | Relation | None = None
) -> tuple[ProgressSummary, Relation]:
    from .models import ProgressSummary

    return get_for(user, ProgressSummary, code, want=want)


@dataclass(frozen=True)
class SponsorSummaryRow:
    """Everything a sponsor may read of one progress summary: the text the coachee
    approved for them and when. Never the coachee's comment, drafts or returns."""

    code: str
    body: str
    approved_at: datetime


def sponsor_summaries(viewer: User, engagement_code: UUID | str) -> list[SponsorSummaryRow]:
    """The approved summaries of an engagement, newest first, for a sponsor in its
    organization and only where the agreement in force shares summaries; 404 (and
    audited) for anyone else. Each read is the caller's to audit (``audit_read``)."""
    from .models import ProgressSummary, SummaryStatus

    engagement, _ = get_for(viewer, Engagement, engagement_code, want=Relation.SPONSOR)
    agreement = agreements_in_force_for([engagement.id]).get(engagement.id)
    if agreement is None or not agreement.sponsor_sees_summaries:
        return []
    rows = (
        ProgressSummary.objects.filter(engagement_id=engagement.id, status=SummaryStatus.APPROVED)
        .only("code", "body", "approved_at", "engagement_id")
        .order_by("-approved_at")
    )
    return [
        # An approved summary always has its approval time.
        SponsorSummaryRow(code=str(r.code), body=r.body, approved_at=r.approved_at)  # type: ignore[arg-type]
        for r in rows
    ]


@dataclass
class Brief:
    since: datetime
    check_ins: list[CheckIn]
    changes: list[dict[str, Any]]
    wins: list[Win]
    actions_done: list[Action]
    actions_overdue: list[Action]


def session_brief(session: CoachingSession) -> Brief:
    """What happened since the last coaching session: one page for the coach."""
    engagement = session.engagement
    previous = (
        engagement.sessions.filter(
            status=SessionStatus.HELD, scheduled_for__lt=session.scheduled_for
        )
        .order_by("-scheduled_for")
        .values_list("scheduled_for", flat=True)
        .first()
    )
    since = previous or engagement.started_at or engagement.created_at
    # What the brief shows of each check-in (the texts stay sealed until read).
    check_ins = list(
        engagement.check_ins.filter(submitted_at__gte=since)
        .only(
            "code",
            "engagement_id",
            "submitted_at",
            "confidence",
            "energy",
            "obstacles",
            "support_needed",
        )
        .order_by("submitted_at")
    )
    changes = []
    readings = (
        Reading.objects.filter(
            check_in__engagement=engagement,
            check_in__submitted_at__gte=since,
            key_result__isnull=False,
        )
        .select_related("key_result")
        .order_by("key_result_id", "check_in__submitted_at")
    )
    by_kr: dict[int, list[Reading]] = {}
    for r in readings:
        if r.key_result_id is not None:  # always: readings of key results only
            by_kr.setdefault(r.key_result_id, []).append(r)
    # Where each measure stood at the last session: its last reading before it
    # (or its baseline), so a single reading since still shows the move.
    before = dict(
        KeyResult.objects.filter(id__in=by_kr)
        .annotate(
            before=Subquery(
                Reading.objects.filter(key_result=OuterRef("pk"), check_in__submitted_at__lt=since)
                .order_by("-check_in__submitted_at")
                .values("value")[:1]
            )
        )
        .values_list("id", "before")
        if by_kr
        else ()
    )
    for kr_id, rows in by_kr.items():
        kr = rows[0].key_result
        assert kr is not None  # readings of key results only
        start = before.get(kr_id)
        changes.append(
            {
                "metric": kr.metric,
                "unit": kr.unit,
                "first": kr.baseline if start is None else start,
                "last": rows[-1].value,
                "target": kr.target,
            }
        )
    today = timezone.localdate()
    # Done since, and overdue: one read, split here.
    actions = list(
        engagement.actions.filter(
            Q(completed_at__gte=since) | Q(completed_at__isnull=True, due_on__lt=today)
        ).order_by("due_on", "created_at", "id")
    )
    return Brief(
        since=since,
        check_ins=check_ins,
        changes=changes,
        wins=list(engagement.wins.filter(occurred_at__gte=since).order_by("-occurred_at")),
        actions_done=[a for a in actions if a.completed_at is not None],
        actions_overdue=[a for a in actions if a.completed_at is None],
    )
