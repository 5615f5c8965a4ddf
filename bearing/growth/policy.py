"""What each growth record kind is, for the confidentiality policy
(``bearing.lib.policy``): the coachee's plan, which the coach reads."""

from __future__ import annotations

from bearing.lib.policy import Author, Reader, RecordKind, register

PLAN_READERS = {Reader.COACHEE, Reader.COACH}

KINDS = (
    RecordKind(
        model="growth.Goal",
        title="Goals",
        owner="engagement__coachee",
        # The sponsor: progress % of goals marked shared, through an allow-list row.
        readers=PLAN_READERS | {Reader.SPONSOR_ALLOW_LIST},
        authors={"title": Author.COACH_AND_COACHEE, "custom_focus": Author.COACH_AND_COACHEE},
        audit_non_author_reads=True,
        export=(
            "code",
            "engagement__code",
            "title",
            "focus_area",
            "custom_focus",
            "kind",
            "status",
            "baseline_rating",
            "target_rating",
            "current_rating",
            "share_with_sponsor",
            "created_at",
            "achieved_at",
        ),
        engagement="engagement",
    ),
    RecordKind(
        model="growth.KeyResult",
        title="Key results",
        owner="goal__engagement__coachee",
        readers=PLAN_READERS | {Reader.SPONSOR_ALLOW_LIST},
        authors={"metric": Author.COACH_AND_COACHEE, "unit": Author.COACH_AND_COACHEE},
        audit_non_author_reads=True,
        export=(
            "code",
            "goal__code",
            "metric",
            "unit",
            "measure",
            "direction",
            "baseline",
            "target",
            "current",
            "created_at",
            "target_hit_at",
        ),
        engagement="goal__engagement",
    ),
    RecordKind(
        model="growth.Milestone",
        title="Milestones",
        owner="goal__engagement__coachee",
        readers=PLAN_READERS,
        authors={"title": Author.COACH_AND_COACHEE},
        audit_non_author_reads=True,
        export=("code", "goal__code", "title", "due_on", "reached_at"),
        engagement="goal__engagement",
    ),
    RecordKind(
        model="growth.CheckIn",
        title="Check-ins",
        owner="engagement__coachee",
        readers=PLAN_READERS,
        authors={
            "wins": Author.COACHEE,
            "obstacles": Author.COACHEE,
            "support_needed": Author.COACHEE,
            "next_commitment": Author.COACHEE,
        },
        audit_non_author_reads=True,
        export=(
            "code",
            "engagement__code",
            "submitted_at",
            "confidence",
            "energy",
            "wins",
            "obstacles",
            "support_needed",
            "next_commitment",
            "corrected_at",
        ),
        engagement="engagement",
    ),
    RecordKind(
        model="growth.Win",
        title="Wins",
        owner="engagement__coachee",
        readers=PLAN_READERS,
        authors={"text": Author.COACHEE},
        audit_non_author_reads=True,
        export=("code", "engagement__code", "source", "text", "occurred_at"),
        engagement="engagement",
    ),
    RecordKind(
        model="growth.ProgressSummary",
        title="Progress summaries",
        owner="engagement__coachee",
        readers=PLAN_READERS | {Reader.SPONSOR_ALLOW_LIST},  # approved, if the agreement says so
        authors={"body": Author.COACH, "coachee_comment": Author.COACHEE},
        audit_non_author_reads=True,
        export=(
            "code",
            "engagement__code",
            "status",
            "body",
            "coachee_comment",
            "created_at",
            "approved_at",
        ),
        engagement="engagement",
    ),
    RecordKind(
        model="growth.Reminder",
        title="Reminders",
        owner="user",
        owner_is=Reader.SELF,
        readers={Reader.SELF, Reader.STAFF_META},
        authors={},
        audit_non_author_reads=False,
        export=("kind", "due_at", "status", "sent_at"),
    ),
    RecordKind(
        model="growth.NotificationPreference",
        title="Reminder settings",
        owner="user",
        owner_is=Reader.SELF,
        readers={Reader.SELF},
        authors={},
        audit_non_author_reads=False,
        export=("quiet_start", "quiet_end", "daily_cap", "opted_out"),
    ),
)


def register_kinds() -> None:
    register(*KINDS)
