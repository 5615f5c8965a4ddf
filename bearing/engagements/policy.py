"""What each engagements record kind is, for the confidentiality policy
(``bearing.lib.policy``): who reads it, who writes it, how it leaves."""

from __future__ import annotations

from bearing.lib.policy import Author, Erase, Reader, RecordKind, register

PAIR = {Reader.COACH, Reader.COACHEE}

KINDS = (
    RecordKind(
        model="engagements.Engagement",
        title="Engagements",
        owner="coachee",
        readers=PAIR | {Reader.SPONSOR_ALLOW_LIST, Reader.STAFF_META},
        authors={"title": Author.COACH, "end_reason": Author.COACH},
        audit_non_author_reads=False,  # the title names the engagement on every page
        export=(
            "code",
            "title",
            "status",
            "coach__name",
            "organization__name",
            "created_at",
            "started_at",
            "ended_at",
            "end_reason",
        ),
        engagement="",
        # The sponsor's status and attendance figures stay; who it was and why it ended go.
        erase=Erase.SCRUB,
        erase_plain=("invited_email", "invited_name"),
    ),
    RecordKind(
        model="engagements.Agreement",
        title="Agreements you accepted",
        owner="engagement__coachee",
        readers=PAIR | {Reader.SPONSOR_ALLOW_LIST},  # the sponsor: the terms, never objectives
        authors={
            "objectives": Author.COACH,
            "cadence": Author.COACH,
            "confidentiality_limits": Author.COACH,
        },
        audit_non_author_reads=True,
        export=(
            "engagement__code",
            "version",
            "objectives",
            "cadence",
            "session_minutes",
            "session_count",
            "confidentiality_limits",
            "sponsor_sees_status",
            "sponsor_sees_attendance",
            "sponsor_sees_goal_progress",
            "sponsor_sees_summaries",
            "sponsor_sees_360_change",
            "companion_offered",
            "accepted_at",
        ),
        engagement="engagement",
        export_only={"accepted_at__isnull": False},
        erase=Erase.SCRUB,  # the terms the sponsor saw stay; the words go
    ),
    RecordKind(
        model="engagements.CoachingSession",
        title="Coaching sessions, agendas and shared notes",
        owner="engagement__coachee",
        readers=PAIR | {Reader.SPONSOR_ALLOW_LIST, Reader.STAFF_META},  # attendance counts
        authors={
            "location": Author.COACH_AND_COACHEE,
            "agenda_outcome": Author.COACHEE,
            "agenda_measure": Author.COACHEE,
            "agenda_why": Author.COACHEE,
            "shared_notes": Author.COACH_AND_COACHEE,
            "cancel_reason": Author.COACH_AND_COACHEE,
        },
        audit_non_author_reads=True,
        export=(
            "code",
            "engagement__code",
            "scheduled_for",
            "duration_minutes",
            "status",
            "location",
            "agenda_outcome",
            "agenda_measure",
            "agenda_why",
            "shared_notes",
            "shared_notes_updated_at",
            "cancel_reason",
        ),
        engagement="engagement",
        coach_notes=("code", "scheduled_for", "status", "shared_notes", "shared_notes_updated_at"),
        erase=Erase.SCRUB,  # dates and attendance stay for the sponsor; every word goes
    ),
    RecordKind(
        model="engagements.SharedNotesVersion",
        title="Earlier versions of shared notes",
        owner="session__engagement__coachee",
        readers=PAIR,
        authors={"body": Author.COACH_AND_COACHEE},
        audit_non_author_reads=True,
        export=("session__code", "version", "body", "saved_at"),
        engagement="session__engagement",
    ),
    RecordKind(
        model="engagements.PrivateNote",
        title="Private notes",
        owner="author",
        owner_is=Reader.COACH,
        readers={Reader.COACH},  # the coach who wrote them; nobody else, ever
        authors={"body": Author.COACH},
        audit_non_author_reads=True,
        export=("session__code", "session__scheduled_for", "body", "updated_at"),
        engagement="session__engagement",
        coach_notes=("session__code", "session__scheduled_for", "body", "updated_at"),
    ),
    RecordKind(
        model="engagements.Action",
        title="Actions",
        owner="engagement__coachee",
        readers=PAIR,
        authors={"title": Author.COACH_AND_COACHEE},
        audit_non_author_reads=True,
        export=("code", "engagement__code", "title", "due_on", "created_at", "completed_at"),
        engagement="engagement",
    ),
)


def register_kinds() -> None:
    register(*KINDS)
