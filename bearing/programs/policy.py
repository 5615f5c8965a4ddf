"""What each programs record kind is, for the confidentiality policy
(``bearing.lib.policy``): who reads it, who writes it, how it leaves.

``PulseAnswer`` has no declaration on purpose: it names no person and hangs off
no engagement (answers are stored apart from who gave them), so it is nobody's
personal data; the sponsor reads it only as program aggregates of three or more.
"""

from __future__ import annotations

from bearing.lib.policy import Author, Erase, Reader, RecordKind, register

KINDS = (
    RecordKind(
        model="programs.Program",
        title="Programs you set up",
        owner="created_by",
        owner_is=Reader.SPONSOR_ALLOW_LIST,
        # The sponsors of its organization (and staff) through allow-list rows.
        readers={Reader.SPONSOR_ALLOW_LIST, Reader.STAFF_META},
        authors={},
        audit_non_author_reads=False,
        export=(),  # the organization's record, not the person's: in no personal export
        # Kept when its creator is erased: it is the organization's, and holds nothing of
        # theirs but the link to their (then anonymised) account.
        erase=Erase.KEEP,
    ),
    RecordKind(
        model="programs.ProgramEstimate",
        title="Estimates you entered for a program",
        owner="created_by",
        owner_is=Reader.SPONSOR_ALLOW_LIST,
        readers={Reader.SPONSOR_ALLOW_LIST, Reader.STAFF_META},
        authors={},
        audit_non_author_reads=False,
        export=(),  # the organization's figures, as the program
        erase=Erase.KEEP,
    ),
    RecordKind(
        model="programs.CoachProfile",
        title="Your roster profiles",
        owner="coach",
        owner_is=Reader.SELF,
        # SELF: the coach; COACHEE: a leader it is proposed to; staff: the roster.
        readers={Reader.SELF, Reader.COACHEE, Reader.STAFF_META},
        authors={"bio": Author.SELF},
        audit_non_author_reads=False,  # a professional biography written to be shown
        export=(
            "practice__name",
            "bio",
            "focus_areas",
            "languages",
            "time_zone",
            "years_experience",
            "capacity",
            "updated_at",
        ),
    ),
    RecordKind(
        model="programs.Seat",
        title="Programs you were invited to",
        owner="leader",
        readers={Reader.COACHEE, Reader.SPONSOR_ALLOW_LIST, Reader.STAFF_META},
        authors={},
        audit_non_author_reads=False,
        export=("program__name", "program__starts_on", "program__ends_on", "created_at"),
    ),
    RecordKind(
        model="programs.MatchingProfile",
        title="Your matching profiles",
        owner="seat__leader",
        # COACH here: the coaches proposed to the leader (programs.queries), never
        # another coach; staff: the structured fields, never the leader's words.
        readers={Reader.COACHEE, Reader.COACH, Reader.STAFF_META},
        authors={"hopes": Author.COACHEE},
        audit_non_author_reads=True,
        export=(
            "seat__program__name",
            "themes",
            "hopes",
            "languages",
            "time_zone",
            "coach_style",
            "updated_at",
        ),
    ),
    RecordKind(
        model="programs.Proposal",
        title="Coaches proposed to you",
        owner="seat__leader",
        readers={Reader.COACHEE, Reader.COACH},  # the leader, and the coach proposed
        authors={},
        audit_non_author_reads=False,
        export=(
            "seat__program__name",
            "round",
            "rank",
            "coach__name",
            "reasons",
            "status",
            "created_at",
            "decided_at",
        ),
    ),
    RecordKind(
        model="programs.ChemistryCall",
        title="Calls to meet a coach proposed to you",
        owner="proposal__seat__leader",
        readers={Reader.COACHEE, Reader.COACH},  # the leader and the coach proposed
        authors={},
        audit_non_author_reads=False,
        export=("proposal__coach__name", "scheduled_for", "duration_minutes"),
    ),
    RecordKind(
        model="programs.SessionTheme",
        title="Coaching themes you tagged",
        owner="tagged_by",
        owner_is=Reader.COACH,
        # The coach's own tags; the sponsor only program counts over three or more.
        readers={Reader.COACH, Reader.SPONSOR_ALLOW_LIST},
        authors={},
        audit_non_author_reads=False,
        export=("session__code", "session__scheduled_for", "theme", "tagged_at"),
        engagement="session__engagement",
    ),
    RecordKind(
        model="programs.PulseRequest",
        title="Satisfaction pulses you were asked for",
        owner="engagement__coachee",
        readers={Reader.COACHEE},  # whether they answered; never what
        authors={},
        audit_non_author_reads=False,
        export=("engagement__code", "moment", "answered", "created_at"),
        engagement="engagement",
    ),
)


def register_kinds() -> None:
    register(*KINDS)
