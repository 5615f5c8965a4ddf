"""What each presentation-practice record kind is, for the confidentiality policy
(``bearing.lib.policy``): the coachee's own; the coach reads a talk and its rehearsals
only once the coachee shares the talk, and never the audio."""

from __future__ import annotations

from bearing.lib.policy import Author, Reader, RecordKind, register


def _talk(talk) -> dict:
    """A talk with each rehearsal's timed words (and its audio, base64, if kept)."""
    return {
        "code": str(talk.code),
        "engagement": str(talk.engagement.code),
        "title": talk.title,
        "audience": talk.audience,
        "minutes_allowed": talk.minutes_allowed,
        "key_messages": talk.key_messages,
        "slides_text": talk.slides_text,
        "pace_band_wpm": [talk.pace_low, talk.pace_high],
        "shared_with_coach_at": talk.shared_with_coach_at,
        "created_at": talk.created_at,
        "question_rounds": [
            {"questions": r.questions, "answers": r.answers or [], "created_at": r.created_at}
            for r in talk.question_rounds.order_by("created_at", "id")
        ],
        "rehearsals": [
            {
                "code": str(r.code),
                "source": r.source,
                "status": r.status,
                "created_at": r.created_at,
                "duration_seconds": r.duration_seconds,
                "transcript": r.transcript or {},
                "audio_type": r.audio_type,
                "audio_base64": r.audio,
            }
            for r in talk.rehearsals.order_by("created_at", "id")
        ],
    }


KINDS = (
    RecordKind(
        model="rehearsals.Talk",
        title="Presentation practice",
        owner="engagement__coachee",
        readers={Reader.COACHEE, Reader.COACH_IF_SHARED},
        authors={
            "title": Author.COACHEE,
            "audience": Author.COACHEE,
            "key_messages": Author.COACHEE,
            "slides_text": Author.COACHEE,
        },
        audit_non_author_reads=True,
        export=_talk,
        engagement="engagement",
        shared_with_coach="shared_with_coach_at",
    ),
    RecordKind(
        model="rehearsals.Rehearsal",
        title="Rehearsals",
        owner="talk__engagement__coachee",
        readers={Reader.COACHEE, Reader.COACH_IF_SHARED},
        # The leader's own voice and words (the transcriber writes them for the leader).
        authors={"audio": Author.COACHEE, "transcript": Author.COACHEE},
        audit_non_author_reads=True,
        export=(),  # exported inside their talk
        engagement="talk__engagement",
        shared_with_coach="talk__shared_with_coach_at",
    ),
    RecordKind(
        model="rehearsals.QuestionRound",
        title="Rehearsed questions",
        owner="talk__engagement__coachee",
        readers={Reader.COACHEE, Reader.COACH_IF_SHARED},
        # Questions drafted from the leader's words, and the leader's answers.
        authors={"questions": Author.COACHEE, "answers": Author.COACHEE},
        audit_non_author_reads=True,
        export=(),  # exported inside their talk
        engagement="talk__engagement",
        shared_with_coach="talk__shared_with_coach_at",
    ),
)


def register_kinds() -> None:
    register(*KINDS)
