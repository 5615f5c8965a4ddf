"""Reads of presentation practice: the coachee's own; the coach's only once the coachee
shares the talk (each read by the coach audited); never the sponsor, another coach or
staff."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from bearing.accounts.models import User
from bearing.engagements.access import Relation, audit_read, get_for
from bearing.engagements.models import CoachingSession, Engagement, SessionStatus
from bearing.lib.brief_sections import BriefItem

from .models import QuestionRound, Rehearsal, Status, Talk
from .observations import Observations, observe
from .timed import Timed


def talks_for(user: User, engagement: Engagement, relation: Relation) -> list[Talk]:
    """The engagement's talks the viewer may see (the engagement came through the door)."""
    qs = engagement.talks.select_related("brought_to")
    if relation == Relation.COACH:
        qs = qs.filter(shared_with_coach_at__isnull=False)
    elif relation != Relation.COACHEE:
        return []
    return list(qs.order_by("-updated_at"))


def talk_get_for(
    user: User,
    code: UUID | str,
    request: HttpRequest | None = None,
    *,
    want: Iterable[Relation] | Relation | None = None,
) -> tuple[Talk, Relation]:
    """The coachee's talk; the coach's only once shared (their read audited)."""
    talk, relation = get_for(
        user,
        Talk,
        code,
        want=want,
        queryset=Talk.objects.select_related(
            "engagement__coach", "engagement__coachee", "goal", "brought_to"
        ),
    )
    audit_read(request or user, talk, relation, label="talk")
    return talk, relation


def rehearsal_get_for(
    user: User,
    code: UUID | str,
    request: HttpRequest | None = None,
    *,
    want: Iterable[Relation] | Relation | None = None,
    with_audio: bool = False,
) -> tuple[Rehearsal, Relation]:
    """The coachee's rehearsal; the coach's only once its talk is shared (audited).
    The audio is left in the database unless asked for."""
    qs = Rehearsal.objects.select_related("talk__engagement__coach", "talk__engagement__coachee")
    if not with_audio:
        qs = qs.defer("audio")
    rehearsal, relation = get_for(user, Rehearsal, code, want=want, queryset=qs)
    audit_read(
        request or user,
        rehearsal,
        relation,
        fields=["transcript", *(["audio"] if with_audio else [])],
        label="rehearsal",
    )
    return rehearsal, relation


def rehearsals_of(talk: Talk) -> list[Rehearsal]:
    """A talk's rehearsals (the talk came through the door), oldest first, no audio."""
    return list(talk.rehearsals.defer("audio").order_by("created_at", "id"))


def observations_of(talk: Talk, rehearsal: Rehearsal) -> Observations | None:
    if rehearsal.status != Status.READY:
        return None
    return observe(
        Timed.from_json(rehearsal.transcript, rehearsal.duration_seconds),
        minutes_allowed=talk.minutes_allowed,
        key_messages=talk.key_message_list(),
        band=(talk.pace_low, talk.pace_high),
    )


@dataclass(frozen=True)
class Attempt:
    """One ready rehearsal, summed up beside the others."""

    number: int
    rehearsal: Rehearsal
    observations: Observations


def attempts_of(talk: Talk, rehearsals: list[Rehearsal]) -> list[Attempt]:
    attempts = []
    for number, rehearsal in enumerate(rehearsals, start=1):
        found = observations_of(talk, rehearsal)
        if found is not None:
            attempts.append(Attempt(number, rehearsal, found))
    return attempts


def question_round_get_for(
    user: User,
    code: UUID | str,
    request: HttpRequest | None = None,
    *,
    want: Iterable[Relation] | Relation | None = None,
) -> tuple[QuestionRound, Relation]:
    """The coachee's round of questions; the coach's only once the talk is shared."""
    round_, relation = get_for(
        user,
        QuestionRound,
        code,
        want=want,
        queryset=QuestionRound.objects.select_related(
            "talk__engagement__coach", "talk__engagement__coachee"
        ),
    )
    audit_read(request or user, round_, relation, label="question round")
    return round_, relation


def question_rounds_of(talk: Talk) -> list[QuestionRound]:
    """A talk's rounds of questions (the talk came through the door), newest first."""
    return list(talk.question_rounds.order_by("-created_at"))


def brief_items(request: HttpRequest, session: CoachingSession, relation: str) -> list[BriefItem]:
    """For the coach's session brief: the talks the coachee shared, those brought to this
    session first (the read of their titles audited). For the coachee's page of their next
    coaching session: their talks, each to bring (or brought)."""
    engagement = session.engagement
    viewer = Relation(relation)
    if viewer == Relation.COACHEE:
        # Only the next coaching session takes what the coachee brings.
        if session.status != SessionStatus.SCHEDULED or session.scheduled_for <= timezone.now():
            return []
        next_one = (
            engagement.sessions.filter(
                status=SessionStatus.SCHEDULED, scheduled_for__gt=timezone.now()
            )
            .order_by("scheduled_for")
            .values_list("id", flat=True)
            .first()
        )
        if next_one != session.id:
            return []
        talks = list(engagement.talks.order_by("-updated_at"))
    elif viewer == Relation.COACH:
        talks = list(engagement.talks.filter(shared_with_coach_at__isnull=False))
        talks.sort(key=lambda t: (t.brought_to_id != session.id, -t.updated_at.timestamp()))
        if talks:
            audit_read(request, engagement, relation, kind=Talk, fields=["title"], label="brought")
    else:
        return []
    items = []
    for talk in talks:
        here = talk.brought_to_id == session.id
        if viewer == Relation.COACH:
            note = (
                "brought to this session"
                if here
                else f"shared {date_format(talk.shared_with_coach_at.date(), 'j M Y')}"  # type: ignore[union-attr]
            )
        else:
            note = (
                "brought to this session"
                if here
                else "shared with your coach"
                if talk.shared_with_coach_at
                else "private"
            )
        items.append(
            BriefItem(
                kind="talk",
                title=talk.title,
                url=reverse("rehearsals:talk", args=[talk.code]),
                note=note,
                bring_url=""
                if here or viewer == Relation.COACH
                else reverse("rehearsals:bring", args=[talk.code]),
            )
        )
    return items
