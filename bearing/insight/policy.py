"""What each insight record kind is, for the confidentiality policy
(``bearing.lib.policy``).

- Self-assessments: the coachee's own; the coach reads them; the sponsor never.
- Campaigns: the coach and the coachee; the frozen report is the group results,
  which the coachee reads once released (the views hold it back until then).
- Rater invitations: who was asked, which the coachee wrote; never joined to answers.
- Rater answers and comments: nobody reads a row, ever. The report is built from
  them under the anonymity rules; no export carries them as rows, to anyone.
- Journal entries: the coachee's; the coach only while an entry is shared.
"""

from __future__ import annotations

from typing import Any

from bearing.lib.policy import Author, Reader, RecordKind, register

PAIR = {Reader.COACHEE, Reader.COACH}


def _campaign(row: Any) -> dict[str, Any]:
    """A campaign in its coachee's export: the group results once released to them
    (pooled figures only; never an answer set or a rater), and the comments shown."""
    released = row.released_at is not None
    return {
        "code": str(row.code),
        "engagement": str(row.engagement.code),
        "instrument": f"{row.instrument.key} v{row.instrument.version}",
        "status": row.status,
        "deadline": row.deadline,
        "opened_at": row.opened_at,
        "closed_at": row.closed_at,
        "released_at": row.released_at,
        "report": row.report if released else None,
        "comments": [
            {"competency": c.competency_key, "kind": c.kind, "text": c.text}
            for c in row.comments.filter(held_back=False).order_by(
                "competency_key", "kind", "order_key"
            )
        ]
        if released
        else [],
    }


KINDS = (
    RecordKind(
        model="insight.Assessment",
        title="Self-assessments",
        owner="engagement__coachee",
        readers=PAIR,
        authors={"answers": Author.COACHEE},
        audit_non_author_reads=True,
        export=(
            "code",
            "engagement__code",
            "instrument__key",
            "instrument__version",
            "answers",
            "started_at",
            "completed_at",
        ),
        engagement="engagement",
    ),
    RecordKind(
        model="insight.Campaign",
        title="360 campaigns",
        owner="engagement__coachee",
        # The sponsor: only the program's average change per focus area, over three or
        # more coachees whose agreement shares it (bearing/programs/cohort.py).
        readers=PAIR | {Reader.SPONSOR_ALLOW_LIST},
        # The frozen group results: computed by Bearing from raters' answers under
        # the anonymity rules; no one person wrote them. The coach reads them first
        # (they are audited as a read of the coachee's record).
        authors={"report": Author.COACHEE},
        audit_non_author_reads=True,
        export=_campaign,
        engagement="engagement",
    ),
    RecordKind(
        model="insight.RaterInvitation",
        title="People asked for 360 feedback",
        owner="campaign__engagement__coachee",
        readers=PAIR,
        authors={"name": Author.COACHEE, "email": Author.COACHEE},
        audit_non_author_reads=True,
        # Names and groups the coachee nominated; never whether one person answered.
        export=("campaign__code", "group", "name", "email"),
        engagement="campaign__engagement",
    ),
    RecordKind(
        model="insight.RaterAnswers",
        title="360 answers",
        owner="campaign__engagement__coachee",
        readers=set(),  # nobody reads a row; only the report's pooled figures leave
        # Written by raters, who have no account; the figures are about the coachee.
        authors={"answers": Author.RATER, "comments": Author.RATER},
        audit_non_author_reads=True,
        export=(),  # never exported to anyone as rows: only in the report's figures
        engagement="campaign__engagement",
    ),
    RecordKind(
        model="insight.RaterComment",
        title="360 comments",
        owner="campaign__engagement__coachee",
        readers=PAIR,  # pooled, in an order that says nothing; the coachee after release
        authors={"text": Author.RATER},
        audit_non_author_reads=True,
        export=(),  # in the released report only, never as rows
        engagement="campaign__engagement",
    ),
    RecordKind(
        model="insight.JournalEntry",
        title="Journal entries",
        owner="engagement__coachee",
        readers={Reader.COACHEE, Reader.COACH_IF_SHARED},
        authors={"prompt": Author.COACHEE, "body": Author.COACHEE, "tags": Author.COACHEE},
        audit_non_author_reads=True,
        export=(
            "code",
            "engagement__code",
            "created_at",
            "updated_at",
            "prompt",
            "body",
            "tags",
            "shared_at",
        ),
        engagement="engagement",
        shared_with_coach="shared_at",
    ),
)


def register_kinds() -> None:
    register(*KINDS)
