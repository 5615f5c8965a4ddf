"""What each practice record kind is, for the confidentiality policy
(``bearing.lib.policy``): the coachee's own working tools; the coach reads only
what the coachee shares; never the sponsor, never staff."""

from __future__ import annotations

from bearing.lib.policy import Author, Reader, RecordKind, register

OWN = {Reader.COACHEE, Reader.COACH_IF_SHARED}


def _decision(decision) -> dict:
    """A decision record with its predictions and reflections, in order."""
    return {
        "code": str(decision.code),
        "engagement": str(decision.engagement.code),
        "title": decision.title,
        "kind": decision.kind,
        "status": decision.status,
        "framework": decision.framework,
        "snapshot": decision.snapshot,
        "review_on": decision.review_on,
        "what_happened": decision.what_happened,
        "outcome_quality": decision.outcome_quality,
        "process_quality": decision.process_quality,
        "lessons": decision.lessons,
        "shared_with_coach_at": decision.shared_with_coach_at,
        "created_at": decision.created_at,
        "decided_at": decision.decided_at,
        "reviewed_at": decision.reviewed_at,
        "predictions": [
            {
                "statement": p.statement,
                "by_date": p.by_date,
                "probability": p.probability,
                "came_true": p.came_true,
                "resolved_at": p.resolved_at,
            }
            for p in decision.predictions.all()
        ],
        "reflections": [
            {"text": r.text, "created_at": r.created_at} for r in decision.reflections.all()
        ],
    }


KINDS = (
    RecordKind(
        model="practice.Decision",
        title="Decision records",
        owner="engagement__coachee",
        readers=OWN,
        authors={
            "title": Author.COACHEE,
            "framework": Author.COACHEE,
            "snapshot": Author.COACHEE,
            "what_happened": Author.COACHEE,
            "lessons": Author.COACHEE,
        },
        audit_non_author_reads=True,
        export=_decision,
        engagement="engagement",
        shared_with_coach="shared_with_coach_at",
    ),
    RecordKind(
        model="practice.Prediction",
        title="Decision predictions",
        owner="decision__engagement__coachee",
        readers=OWN,
        authors={"statement": Author.COACHEE},
        audit_non_author_reads=True,
        export=(),  # exported inside their decision record
        engagement="decision__engagement",
        shared_with_coach="decision__shared_with_coach_at",
    ),
    RecordKind(
        model="practice.Reflection",
        title="Decision reflections",
        owner="decision__engagement__coachee",
        readers=OWN,
        authors={"text": Author.COACHEE},
        audit_non_author_reads=True,
        export=(),  # exported inside their decision record
        engagement="decision__engagement",
        shared_with_coach="decision__shared_with_coach_at",
    ),
)


def _board(board) -> dict:
    """The board with its items and weekly reviews."""
    return {
        "code": str(board.code),
        "engagement": str(board.engagement.code),
        "review_weekday": board.review_weekday,
        "review_every_weeks": board.review_every_weeks,
        "shared_with_coach_at": board.shared_with_coach_at,
        "items": [
            {
                "title": item.label,
                "from_action": str(item.action.code) if item.action_id else "",
                "quadrant": item.quadrant,
                "delegate_to": item.delegate_to,
                "delegation_level": item.delegation_level,
                "follow_up_on": item.follow_up_on,
                "done_at": item.done_at,
                "created_at": item.created_at,
            }
            for item in board.items.select_related("action")
        ],
        "weekly_reviews": [
            {
                "created_at": r.created_at,
                "cleared": r.cleared,
                "time_went": r.time_went,
                "time_should": r.time_should,
                "commitment": r.commitment,
            }
            for r in board.reviews.all()
        ],
    }


BOARD_KINDS = (
    RecordKind(
        model="practice.PriorityBoard",
        title="Priority board",
        owner="engagement__coachee",
        readers=OWN,
        authors={},
        audit_non_author_reads=True,
        export=_board,
        engagement="engagement",
        shared_with_coach="shared_with_coach_at",
    ),
    RecordKind(
        model="practice.BoardItem",
        title="Priority board items",
        owner="board__engagement__coachee",
        readers=OWN,
        authors={"title": Author.COACHEE, "delegate_to": Author.COACHEE},
        audit_non_author_reads=True,
        export=(),  # exported inside their board
        engagement="board__engagement",
        shared_with_coach="board__shared_with_coach_at",
    ),
    RecordKind(
        model="practice.WeeklyReview",
        title="Weekly reviews",
        owner="board__engagement__coachee",
        readers=OWN,
        authors={
            "cleared": Author.COACHEE,
            "time_went": Author.COACHEE,
            "time_should": Author.COACHEE,
            "commitment": Author.COACHEE,
        },
        audit_non_author_reads=True,
        export=(),  # exported inside their board
        engagement="board__engagement",
        shared_with_coach="board__shared_with_coach_at",
    ),
)


def _plan(plan) -> dict:
    """A transition plan with its stakeholders and checkpoints."""
    return {
        "code": str(plan.code),
        "engagement": str(plan.engagement.code),
        "kind": plan.kind,
        "title": plan.title,
        "starts_on": plan.starts_on,
        "situation": {
            "start-up": plan.situation_startup,
            "turnaround": plan.situation_turnaround,
            "accelerated growth": plan.situation_growth,
            "realignment": plan.situation_realignment,
            "sustaining success": plan.situation_sustaining,
        },
        "sections": plan.sections,
        "conversations": plan.conversations,
        "goal": str(plan.goal.code) if plan.goal_id else "",
        "shared_with_coach_at": plan.shared_with_coach_at,
        "created_at": plan.created_at,
        "checkpoints": [{"day": c.day} for c in plan.checkpoints.all()],
        "stakeholders": [
            {
                "name": p.name,
                "role": p.role,
                "power": p.power,
                "interest": p.interest,
                "stance_now": p.stance_now,
                "stance_wanted": p.stance_wanted,
                "next_conversation": p.next_conversation,
            }
            for p in plan.stakeholders.all()
        ],
    }


TRANSITION_KINDS = (
    RecordKind(
        model="practice.TransitionPlan",
        title="Transition plans",
        owner="engagement__coachee",
        readers=OWN,
        authors={
            "title": Author.COACHEE,
            "sections": Author.COACHEE,
            "conversations": Author.COACHEE,
        },
        audit_non_author_reads=True,
        export=_plan,
        engagement="engagement",
        shared_with_coach="shared_with_coach_at",
    ),
    RecordKind(
        model="practice.Checkpoint",
        title="Transition checkpoints",
        owner="plan__engagement__coachee",
        readers=OWN,
        authors={},
        audit_non_author_reads=False,
        export=(),  # exported inside their plan
        engagement="plan__engagement",
        shared_with_coach="plan__shared_with_coach_at",
    ),
    RecordKind(
        model="practice.Stakeholder",
        title="Stakeholders",
        owner="plan__engagement__coachee",
        readers=OWN,
        authors={
            "name": Author.COACHEE,
            "role": Author.COACHEE,
            "next_conversation": Author.COACHEE,
        },
        audit_non_author_reads=True,
        export=(),  # exported inside their plan
        engagement="plan__engagement",
        shared_with_coach="plan__shared_with_coach_at",
    ),
)


def register_kinds() -> None:
    register(*KINDS, *BOARD_KINDS, *TRANSITION_KINDS)
