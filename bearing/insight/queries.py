"""Reads, through the engagements door. Rater links are the one way in without
an account: a token whose digest matches an open invitation, within its time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bearing.accounts.models import User
from bearing.engagements.access import Relation, get_for
from bearing.engagements.models import CoachingSession, Engagement, SessionStatus
from bearing.growth.models import CheckIn, GoalStatus
from bearing.lib.crypto import DecryptionError

from . import anonymity
from .models import (
    Assessment,
    Campaign,
    CampaignStatus,
    Competency,
    Instrument,
    InvitationStatus,
    Item,
    JournalEntry,
    RaterAnswers,
    RaterComment,
    RaterInvitation,
)
from .services import resume_hash, token_hash


def instruments(*, for_raters: bool | None = None) -> list[Instrument]:
    """The newest version of each instrument."""
    newest: dict[str, Instrument] = {}
    qs = Instrument.objects.order_by("key", "-version")
    if for_raters is not None:
        qs = qs.filter(for_raters=for_raters)
    for instrument in qs:
        newest.setdefault(instrument.key, instrument)
    return list(newest.values())


def instrument_by_code(code: UUID | str) -> Instrument | None:
    return Instrument.objects.filter(code=code).first()


def competencies_with_items(instrument: Instrument) -> list[Competency]:
    return list(
        instrument.competencies.prefetch_related(
            Prefetch("items", queryset=Item.objects.order_by("position"))
        ).order_by("position")
    )


def assessment_get_for(
    user: User, code: UUID | str, *, want: Iterable[Relation] | Relation | None = None
) -> tuple[Assessment, Relation]:
    return get_for(
        user,
        Assessment,
        code,
        want=want,
        queryset=Assessment.objects.select_related("instrument", "engagement__coachee"),
    )


def assessments_of(engagement: Engagement) -> list[Assessment]:
    return list(engagement.assessments.select_related("instrument").order_by("-started_at"))


def campaign_get_for(
    user: User, code: UUID | str, *, want: Iterable[Relation] | Relation | None = None
) -> tuple[Campaign, Relation]:
    return get_for(
        user,
        Campaign,
        code,
        want=want,
        queryset=Campaign.objects.select_related("instrument", "engagement__coachee"),
    )


def campaigns_of(engagement: Engagement) -> list[Campaign]:
    return list(engagement.campaigns.select_related("instrument").order_by("-created_at"))


def invitation_get_for(
    user: User, code: UUID | str, *, want: Iterable[Relation] | Relation | None = None
) -> tuple[RaterInvitation, Relation]:
    return get_for(
        user,
        RaterInvitation,
        code,
        want=want,
        queryset=RaterInvitation.objects.select_related("campaign__engagement"),
    )


def comment_get_for(
    user: User, code: UUID | str, *, want: Iterable[Relation] | Relation | None = None
) -> tuple[RaterComment, Relation]:
    return get_for(
        user,
        RaterComment,
        code,
        want=want,
        queryset=RaterComment.objects.select_related("campaign__engagement"),
    )


def nominees(campaign: Campaign) -> list[RaterInvitation]:
    """Who was asked, by group; never whether one of them answered."""
    return list(campaign.invitations.order_by("group", "created_at"))


def comments_for(campaign: Campaign, *, screening: bool) -> list[RaterComment]:
    """The comments, pooled, in an order that reveals nothing (a keyed digest of
    the text). The coach screening sees those held back too."""
    qs: QuerySet[RaterComment] = campaign.comments.order_by("competency_key", "kind", "order_key")
    if not screening:
        qs = qs.filter(held_back=False)
    return list(qs)


def report_visible(campaign: Campaign, relation: Relation) -> bool:
    """Group results: the coach once the campaign closes; the coachee once released."""
    if campaign.status != CampaignStatus.CLOSED:
        return False
    return relation == Relation.COACH or campaign.released_at is not None


def report_changes(campaign: Campaign) -> list[dict[str, Any]]:
    """Before and after: the change per competency, where shown in both rounds."""
    before = campaign.previous
    if before is None or before.status != CampaignStatus.CLOSED:
        return []
    return anonymity.compare(before.report, campaign.report)


def rater_focus_areas() -> list[tuple[str, str]]:
    """The focus areas (competencies, key and title) of the newest version of each
    instrument raters answer, in order, each key once: a fixed list, the same
    whoever has or has not run a campaign."""
    areas: dict[str, str] = {}
    newest: dict[str, int] = {}
    rows = (
        Competency.objects.filter(instrument__for_raters=True)
        .order_by("instrument__key", "-instrument__version", "position")
        .values_list("instrument__key", "instrument__version", "key", "title")
    )
    for instrument, version, key, title in rows:
        if newest.setdefault(instrument, version) == version:
            areas.setdefault(key, title)
    return list(areas.items())


@dataclass(frozen=True)
class OthersChange:
    """One coachee's change in others' average rating between a before and an after
    campaign: per focus area (competency) key, title and after minus before, and when
    the later of the two reports was released. Nothing else of either report."""

    engagement_id: int
    released_at: datetime
    areas: tuple[tuple[str, str, float], ...]


def others_changes(engagement_ids: Iterable[int]) -> dict[int, OthersChange]:
    """Per engagement, the latest after campaign (a re-run) whose before campaign (the
    round it repeats) is closed and released too, with the change in the others'
    average per focus area where both frozen reports show it (``anonymity.compare``).
    Only the "others" means are read: never a rater group's figure, an item, the
    coachee's self-ratings or a comment. For programs' aggregates, which decide
    whether an average over coachees may be shown; never shown one engagement at a
    time. A report whose engagement's records were disposed of is left out."""
    found: dict[int, OthersChange] = {}
    campaigns = (
        Campaign.objects.filter(
            engagement_id__in=list(engagement_ids),
            status=CampaignStatus.CLOSED,
            released_at__isnull=False,
            previous__status=CampaignStatus.CLOSED,
            previous__released_at__isnull=False,
        )
        .select_related("previous")
        .order_by("engagement_id", "-closed_at", "-id")
    )
    for after in campaigns:
        if after.engagement_id in found:
            continue
        before = after.previous
        assert before is not None and before.released_at is not None
        assert after.released_at is not None
        try:
            rows = anonymity.compare(before.report, after.report)
        except DecryptionError:
            continue
        areas = tuple(
            (str(r["key"]), str(r["title"]), float(r["others_change"]))
            for r in rows
            if r["others_change"] is not None
        )
        found[after.engagement_id] = OthersChange(
            engagement_id=after.engagement_id,
            released_at=max(before.released_at, after.released_at),
            areas=areas,
        )
    return found


# --- Rater links ------------------------------------------------------------------


@dataclass(frozen=True)
class RaterLink:
    invitation: RaterInvitation
    answers: RaterAnswers | None


def rater_link(token: str) -> RaterLink | None:
    """The invitation and answer set a link's token opens, or None: unknown, used,
    declined, expired, or the campaign is not open. One answer for all of these."""
    if not token or len(token) > 100:
        return None
    invitation = (
        RaterInvitation.objects.select_related("campaign__instrument", "campaign__engagement")
        .filter(token_hash=token_hash(token), status=InvitationStatus.INVITED)
        .first()
    )
    if invitation is None or invitation.campaign.status != CampaignStatus.OPEN:
        return None
    if invitation.expires_at is None or invitation.expires_at <= timezone.now():
        return None
    answers = RaterAnswers.objects.filter(
        campaign=invitation.campaign, resume_hash=resume_hash(token)
    ).first()
    return RaterLink(invitation, answers)


# --- The journal --------------------------------------------------------------------


def journal_entry_get_for(
    user: User, code: UUID | str, *, want: Iterable[Relation] | Relation | None = None
) -> tuple[JournalEntry, Relation]:
    return get_for(
        user,
        JournalEntry,
        code,
        want=want,
        queryset=JournalEntry.objects.select_related("engagement"),
    )


def journal_of(
    engagement: Engagement, relation: Relation, *, search: str = "", tag: str = ""
) -> list[JournalEntry]:
    """The coachee's entries (the coach: only those shared). Search and tags work on
    the decrypted text, in memory, for this engagement alone."""
    qs = engagement.journal_entries.order_by("-created_at")
    if relation != Relation.COACHEE:
        qs = qs.filter(shared_at__isnull=False)
    entries = list(qs)
    needle = search.strip().lower()
    if needle:
        entries = [
            e for e in entries if needle in e.body.lower() or needle in (e.prompt or "").lower()
        ]
    if tag:
        entries = [e for e in entries if tag in e.tags]
    return entries


def journal_tags(engagement: Engagement) -> list[str]:
    tags: set[str] = set()
    for entry in engagement.journal_entries.all():
        tags.update(entry.tags)
    return sorted(tags)


def journal_prompts(engagement: Engagement) -> list[str]:
    """Prompts from the coachee's focus areas, last coaching session, latest
    check-in and latest released 360 report (no confidential text is quoted)."""
    prompts: list[str] = []
    goals = engagement.goals.filter(status=GoalStatus.ACTIVE).order_by("created_at")[:2]
    for goal in goals:
        prompts.append(
            f"Your plan works on {goal.get_focus_area_display().lower()}. "
            "Where did you notice it this week, and what did you do?"
        )
    last = (
        CoachingSession.objects.filter(engagement=engagement, status=SessionStatus.HELD)
        .order_by("-scheduled_for")
        .first()
    )
    if last is not None:
        prompts.append(
            f"Since your coaching session on {last.scheduled_for:%-d %B}: "
            "what have you tried, and what surprised you?"
        )
    check_in = CheckIn.objects.filter(engagement=engagement).order_by("-submitted_at").first()
    if check_in is not None and check_in.confidence is not None:
        prompts.append(
            f"In your last check-in you rated your confidence {check_in.confidence}/10. "
            "What would move it one point higher?"
        )
    campaign = (
        engagement.campaigns.filter(released_at__isnull=False).order_by("-released_at").first()
    )
    if campaign is not None:
        flagged = [c["title"] for c in campaign.report.get("competencies", []) if c.get("flag")][:1]
        if flagged:
            prompts.append(
                f"Your 360 showed a gap between how you and others see {flagged[0].lower()}. "
                "What might others see that you do not?"
            )
        else:
            prompts.append("What in your 360 report stayed with you, and why?")
    prompts.append("What is taking most of your energy right now, and is it worth it?")
    return prompts
