"""Reads of decision records: the coachee's own; the coach's only what the
coachee shares (their reads audited); the sponsor, another coach, staff and
everyone else get 404 from the door."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, cast
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from bearing.accounts.models import User
from bearing.engagements.access import Relation, audit_read, deny, get_for, may_read
from bearing.engagements.models import (
    Action,
    CoachingSession,
    Engagement,
    EngagementStatus,
    SessionStatus,
)
from bearing.lib.brief_sections import BriefItem

from . import framework as fw
from .board import next_review_on
from .models import (
    GOOD_FROM,
    QUADRANTS,
    BoardItem,
    Checkpoint,
    Decision,
    DecisionKind,
    DecisionStatus,
    Prediction,
    PriorityBoard,
    Stakeholder,
    TransitionPlan,
    WeeklyReview,
    stakeholder_quadrant,
)


def decisions_for(user: User, engagement: Engagement, relation: Relation) -> list[Decision]:
    """The engagement's decision records the viewer may see: all for the coachee,
    only the shared ones for the coach, none for anyone else."""
    qs = engagement.decisions.all()
    if relation == Relation.COACH:
        qs = qs.filter(shared_with_coach_at__isnull=False)
    elif relation != Relation.COACHEE:
        return []
    return list(qs.order_by("-created_at"))


def decision_get_for(
    user: User,
    code: UUID | str,
    request: HttpRequest | None = None,
    *,
    want: Iterable[Relation] | Relation | None = None,
) -> tuple[Decision, Relation]:
    """The coachee's decision record; the coach's only once shared (their read audited)."""
    decision, relation = get_for(
        user,
        Decision,
        code,
        want=want,
        queryset=Decision.objects.select_related(
            "engagement__coach", "engagement__coachee", "engagement__organization"
        ),
    )
    audit_read(request or user, decision, relation, label="decision")
    return decision, relation


def prediction_get_for(
    user: User, code: UUID | str, *, want: Relation = Relation.COACHEE
) -> tuple[Prediction, Relation]:
    prediction, relation = get_for(
        user,
        Prediction,
        code,
        want=want,
        queryset=Prediction.objects.select_related("decision__engagement"),
    )
    return prediction, relation


def decisions_due_for_review(engagement: Engagement) -> list[Decision]:
    """The coachee's decided decisions whose review date has come (for the
    coachee only: callers pass an engagement that came through the door as its
    coachee)."""
    return list(
        engagement.decisions.filter(
            status=DecisionStatus.DECIDED, review_on__lte=timezone.localdate()
        ).order_by("review_on")
    )


def resolved_pairs(engagement: Engagement) -> list[tuple[int, bool, str]]:
    """(probability, came true, kind of decision) for every resolved prediction."""
    rows = Prediction.objects.filter(
        decision__engagement=engagement, resolved_at__isnull=False
    ).values_list("probability", "came_true", "decision__kind")
    return [(p, bool(hit), kind) for p, hit, kind in rows]


def calibration_for(engagement: Engagement) -> fw.Calibration:
    return fw.calibration((p, hit) for p, hit, _ in resolved_pairs(engagement))


@dataclass(frozen=True)
class KindRecord:
    """How the coachee does with one kind of decision."""

    kind: str
    label: str
    reviewed: int
    good_outcome: int
    good_process: int
    predictions: int
    came_true: int
    brier: float | None


def record_by_kind(engagement: Engagement) -> list[KindRecord]:
    """Per kind of decision: reviews (good outcomes, good processes) and resolved
    predictions with their Brier score. Kinds with nothing to show are left out."""
    reviewed = [
        (kind, outcome or 0, process or 0)
        for kind, outcome, process in engagement.decisions.filter(
            status=DecisionStatus.REVIEWED
        ).values_list("kind", "outcome_quality", "process_quality")
    ]
    pairs = resolved_pairs(engagement)
    rows = []
    for kind in DecisionKind:
        mine = [(o, p) for k, o, p in reviewed if k == kind]
        preds = [(p, hit) for p, hit, k in pairs if k == kind]
        if not mine and not preds:
            continue
        rows.append(
            KindRecord(
                kind=kind.value,
                label=kind.label,
                reviewed=len(mine),
                good_outcome=sum(1 for o, _ in mine if o >= GOOD_FROM),
                good_process=sum(1 for _, p in mine if p >= GOOD_FROM),
                predictions=len(preds),
                came_true=sum(1 for _, hit in preds if hit),
                brier=fw.brier_score(preds),
            )
        )
    return rows


def review_grid(engagement: Engagement) -> dict[str, int]:
    """How many reviewed decisions fall in each cell of the outcome/process 2x2."""
    counts = {key: 0 for key, _, _ in QUADRANTS.values()}
    for d in engagement.decisions.filter(status=DecisionStatus.REVIEWED).only(
        "outcome_quality", "process_quality"
    ):
        counts[d.quadrant] += 1
    return counts


def review_reminder_relevant(code: str, due_at: datetime) -> bool:
    """For the reminder machinery: is the decision still waiting for its review?
    (No content is read: a reminder carries only a link.)"""
    return Decision.objects.filter(code=code, status=DecisionStatus.DECIDED).exists()


# --- Priority board -----------------------------------------------------------------


def board_of(
    user: User, engagement: Engagement, relation: Relation, request: HttpRequest | None = None
) -> PriorityBoard | None:
    """The engagement's board as the viewer may see it: the coachee's own (None
    before its first use); the coach's only once shared (read audited), else 404.
    ``engagement`` came through the door with ``relation``."""
    board = PriorityBoard.objects.filter(engagement=engagement).first()
    if relation == Relation.COACHEE:
        return board
    if board is None or not may_read(PriorityBoard, relation, board):
        raise deny(user, PriorityBoard._meta.label_lower, engagement.code)
    board.engagement = engagement
    audit_read(request or user, board, relation, kind=BoardItem, label="priority board")
    return board


def board_items(board: PriorityBoard | None) -> list[BoardItem]:
    """The board's open items, with their actions."""
    if board is None:
        return []
    return list(
        board.items.filter(done_at__isnull=True).select_related("action", "follow_up_action")
    )


def board_item_get_for(user: User, code: UUID | str) -> tuple[BoardItem, Relation]:
    """One of the coachee's board items (only the coachee works on the board)."""
    item, relation = get_for(
        user,
        BoardItem,
        code,
        want=Relation.COACHEE,
        queryset=BoardItem.objects.select_related("board__engagement__coachee", "action"),
    )
    return item, relation


def actions_off_board(engagement: Engagement, board: PriorityBoard | None) -> list[Action]:
    """The coachee's open actions in this engagement not on the board yet."""
    qs = engagement.actions.filter(owner_id=engagement.coachee_id, completed_at__isnull=True)
    if board is not None:
        # Neither those on it nor the follow-ups of what it delegates.
        qs = qs.exclude(board_items__board=board).exclude(
            id__in=board.items.filter(follow_up_action__isnull=False).values("follow_up_action")
        )
    return list(qs.order_by("due_on"))


def overdue_actions(engagement: Engagement) -> list[Action]:
    return list(
        engagement.actions.filter(
            owner_id=engagement.coachee_id,
            completed_at__isnull=True,
            due_on__lt=timezone.localdate(),
        ).order_by("due_on")
    )


# --- Transition plans ---------------------------------------------------------------


def transitions_for(user: User, engagement: Engagement, relation: Relation) -> list[TransitionPlan]:
    """The engagement's transition plans the viewer may see: all for the coachee,
    the shared ones for the coach, none for anyone else."""
    qs = engagement.transition_plans.all()
    if relation == Relation.COACH:
        qs = qs.filter(shared_with_coach_at__isnull=False)
    elif relation != Relation.COACHEE:
        return []
    return list(qs.order_by("-created_at"))


def transition_plan_get_for(
    user: User,
    code: UUID | str,
    request: HttpRequest | None = None,
    *,
    want: Iterable[Relation] | Relation | None = None,
) -> tuple[TransitionPlan, Relation]:
    """The coachee's plan; the coach's only once shared (their read audited)."""
    plan, relation = get_for(
        user,
        TransitionPlan,
        code,
        want=want,
        queryset=TransitionPlan.objects.select_related(
            "engagement__coach", "engagement__coachee", "goal"
        ),
    )
    audit_read(request or user, plan, relation, label="transition plan")
    return plan, relation


def stakeholder_get_for(user: User, code: UUID | str) -> tuple[Stakeholder, Relation]:
    person, relation = get_for(
        user,
        Stakeholder,
        code,
        want=Relation.COACHEE,
        queryset=Stakeholder.objects.select_related("plan__engagement"),
    )
    return person, relation


def plan_checkpoints(plan: TransitionPlan) -> list[Checkpoint]:
    return list(plan.checkpoints.select_related("action"))


@dataclass(frozen=True)
class GridCell:
    power: int
    interest: int
    quadrant: str
    people: tuple[Stakeholder, ...]


def stakeholder_grid(people: list[Stakeholder]) -> list[list[GridCell]]:
    """The 5x5 power/interest grid, highest power first, each cell with its
    quadrant and the people in it."""
    return [
        [
            GridCell(
                power=power,
                interest=interest,
                quadrant=stakeholder_quadrant(power, interest),
                people=tuple(p for p in people if p.power == power and p.interest == interest),
            )
            for interest in range(1, 6)
        ]
        for power in range(5, 0, -1)
    ]


# --- What the coachee brings to a coaching session -----------------------------------


@dataclass(frozen=True)
class Brought:
    """One of the coachee's working tools, shared with the coach, for the brief."""

    kind: str  # "decision", "transition plan", "priority board"
    title: str
    url_name: str
    code: UUID
    shared_at: datetime
    for_this_session: bool


def brought_to_session(
    user: User, engagement: Engagement, relation: Relation, session_id: int
) -> list[Brought]:
    """For the coach's session brief: what the coachee shared from their working
    tools, those brought to this session first. Nothing for anyone but the coach
    (the coachee sees their own tools on their own pages)."""
    if relation != Relation.COACH:
        return []
    rows: list[Brought] = []
    for d in engagement.decisions.filter(shared_with_coach_at__isnull=False):
        if d.shared_with_coach_at is not None:
            rows.append(
                Brought(
                    "decision",
                    d.title,
                    "practice:decision",
                    d.code,
                    d.shared_with_coach_at,
                    d.brought_to_id == session_id,
                )
            )
    for p in engagement.transition_plans.filter(shared_with_coach_at__isnull=False):
        if p.shared_with_coach_at is not None:
            rows.append(
                Brought(
                    "transition plan",
                    p.title,
                    "practice:transition",
                    p.code,
                    p.shared_with_coach_at,
                    p.brought_to_id == session_id,
                )
            )
    board = PriorityBoard.objects.filter(
        engagement=engagement, shared_with_coach_at__isnull=False
    ).first()
    if board is not None and board.shared_with_coach_at is not None:
        rows.append(
            Brought(
                "priority board",
                "Priority board",
                "practice:board",
                engagement.code,
                board.shared_with_coach_at,
                board.brought_to_id == session_id,
            )
        )
    return sorted(rows, key=lambda r: (not r.for_this_session, -r.shared_at.timestamp()))


# --- For the reminder machinery (no content is read: a reminder carries only a link) --


def weekly_reviews_due(now: datetime, horizon: datetime) -> list[tuple[int, str, datetime]]:
    """(coachee id, subject key, due at) for each board whose weekly review falls by
    the horizon: at nine in the morning of the chosen weekday, in the coachee's zone."""
    due: list[tuple[int, str, datetime]] = []
    boards = PriorityBoard.objects.filter(
        engagement__status=EngagementStatus.ACTIVE, engagement__coachee__isnull=False
    ).select_related("engagement__coachee")
    for board in boards:
        coachee = board.engagement.coachee
        if coachee is None:
            continue
        tz = coachee.tz
        last = board.reviews.order_by("-created_at").values_list("created_at", flat=True).first()
        on = next_review_on(
            weekday=board.review_weekday,
            every_weeks=board.review_every_weeks,
            last_review=last.astimezone(tz).date() if last else None,
            today=now.astimezone(tz).date(),
        )
        at = datetime.combine(on, time(9), tzinfo=tz)
        if at <= horizon:
            due.append((coachee.id, f"weekly:{board.code}:{on}", max(at, now)))
    return due


def weekly_review_relevant(code: str, due_at: datetime) -> bool:
    """Still no weekly review since the day before it fell due."""
    return (
        PriorityBoard.objects.filter(code=code).exists()
        and not WeeklyReview.objects.filter(
            board__code=code, created_at__gte=due_at - timedelta(days=1)
        ).exists()
    )


def weekly_review_path(code: str) -> str:
    engagement_code = (
        PriorityBoard.objects.filter(code=code).values_list("engagement__code", flat=True).first()
    )
    return reverse("practice:weekly_review", args=[engagement_code])


def brief_items(request: HttpRequest, session: CoachingSession, relation: str) -> list[BriefItem]:
    """For the coach's session brief: what the coachee shared from their working
    tools, what they brought to this session first (the read audited)."""
    engagement = session.engagement
    if Relation(relation) == Relation.COACHEE:
        return _to_bring(engagement, session)
    rows = brought_to_session(cast(User, request.user), engagement, Relation(relation), session.id)
    if rows:
        audit_read(request, engagement, relation, kind=Decision, fields=["title"], label="brought")
    return [
        BriefItem(
            kind=r.kind,
            title=r.title,
            url=reverse(r.url_name, args=[r.code]),
            note="brought to this session"
            if r.for_this_session
            else f"shared {date_format(r.shared_at.date(), 'j M Y')}",
        )
        for r in rows
    ]


def _to_bring(engagement: Engagement, session: CoachingSession) -> list[BriefItem]:
    """For the coachee's page of their next coaching session: their decision records
    (not yet reviewed), transition plans and board, each to bring (or brought)."""
    if session.status != SessionStatus.SCHEDULED or session.scheduled_for <= timezone.now():
        return []
    next_one = (
        engagement.sessions.filter(status=SessionStatus.SCHEDULED, scheduled_for__gt=timezone.now())
        .order_by("scheduled_for")
        .values_list("id", flat=True)
        .first()
    )
    if next_one != session.id:
        return []

    def item(kind: str, title: str, url: str, bring: str, record: Any) -> BriefItem:
        here = record.brought_to_id == session.id
        note = (
            "brought to this session"
            if here
            else "shared with your coach"
            if record.shared_with_coach_at
            else "private"
        )
        return BriefItem(
            kind=kind, title=title, url=url, note=note, bring_url="" if here else bring
        )

    items = [
        item(
            "decision",
            d.title,
            reverse("practice:decision", args=[d.code]),
            reverse("practice:decision_bring", args=[d.code]),
            d,
        )
        for d in engagement.decisions.exclude(status=DecisionStatus.REVIEWED).order_by(
            "-created_at"
        )
    ]
    items += [
        item(
            "transition plan",
            p.title,
            reverse("practice:transition", args=[p.code]),
            reverse("practice:transition_bring", args=[p.code]),
            p,
        )
        for p in engagement.transition_plans.order_by("-created_at")
    ]
    board = PriorityBoard.objects.filter(engagement=engagement).first()
    if board is not None:
        items.append(
            item(
                "priority board",
                "Your priority board",
                reverse("practice:board", args=[engagement.code]),
                reverse("practice:board_bring", args=[engagement.code]),
                board,
            )
        )
    return items
