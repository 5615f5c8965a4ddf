"""What each companion record kind is, for the confidentiality policy
(``bearing.lib.policy``): the coachee's own, the coach only what is shared."""

from __future__ import annotations

from bearing.lib.policy import Author, Reader, RecordKind, register


def _conversation(conv) -> dict:
    """A conversation or role-play with its messages, in order."""
    return {
        "code": str(conv.code),
        "engagement": str(conv.engagement.code),
        "kind": "role-play" if conv.scenario else "companion conversation",
        "scenario": conv.scenario,
        "title": conv.title,
        "shared_with_coach_at": conv.shared_with_coach_at,
        "created_at": conv.created_at,
        "messages": [
            {"speaker": m.speaker, "text": m.text, "at": m.created_at}
            for m in conv.messages.order_by("created_at", "id")
        ],
    }


KINDS = (
    RecordKind(
        model="companion.CompanionConversation",
        title="Companion conversations and role-plays",
        owner="engagement__coachee",
        readers={Reader.COACHEE, Reader.COACH_IF_SHARED},
        # The engine's state is built from the leader's words.
        authors={"state": Author.COACHEE, "title": Author.COACHEE},
        audit_non_author_reads=True,
        export=_conversation,
        engagement="engagement",
        shared_with_coach="shared_with_coach_at",
    ),
    RecordKind(
        model="companion.CompanionMessage",
        title="Companion messages",
        owner="conversation__engagement__coachee",
        readers={Reader.COACHEE, Reader.COACH_IF_SHARED},
        # The leader's lines, and the companion's replies made for them.
        authors={"text": Author.COACHEE},
        audit_non_author_reads=True,
        export=(),  # exported inside their conversation
        engagement="conversation__engagement",
        shared_with_coach="conversation__shared_with_coach_at",
    ),
    RecordKind(
        model="companion.CompanionConsent",
        title="Companion consent",
        owner="user",
        owner_is=Reader.SELF,
        readers={Reader.SELF},
        authors={},
        audit_non_author_reads=False,
        export=("version", "given_at", "withdrawn_at"),
    ),
)


def register_kinds() -> None:
    register(*KINDS)
