"""Writes: self-assessments, 360 campaigns and raters' answers, the journal.

Keyword-only, each in one transaction: check, save, audit where a confidential
record is read or released, mail after commit. A rater's link token is returned
to the caller once (to put in the email) and never stored: only its digest.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bearing.accounts.models import User
from bearing.engagements.models import Engagement
from bearing.lib.mail import send_after_commit

from . import anonymity
from .instruments import NOT_OBSERVED, instruments_load, valid_answer
from .models import (
    MIN_GROUP,
    Assessment,
    Campaign,
    CampaignStatus,
    CommentKind,
    Competency,
    Instrument,
    InvitationStatus,
    Item,
    JournalEntry,
    RaterAnswers,
    RaterComment,
    RaterGroup,
    RaterInvitation,
    Release,
    SingleManager,
)

COMMENT_MAX = 1000
JOURNAL_MAX = 10_000
TAG_MAX = 40
TAGS_MAX = 8
NAME_MAX = 150


def instruments_sync() -> int:
    """Load instrument files not yet in the database."""
    with transaction.atomic():
        return instruments_load(Instrument, Competency, Item)


def _text(field: str, value: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: "This is needed."})
    if len(value) > limit:
        raise ValidationError({field: f"Please keep this under {limit:,} characters."})
    return value


def _items(instrument: Instrument) -> list[Item]:
    return list(instrument.items.select_related("competency").order_by("position"))


def _clean_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, int]:
    """Answers the instrument knows, as ints; an unknown item or value is refused."""
    keys = {i.key for i in instrument.items.all()}
    low, high = instrument.scale_min, instrument.scale_max
    out: dict[str, int] = {}
    for key, raw in answers.items():
        if key not in keys:
            raise ValidationError({"answers": "That question is not part of this questionnaire."})
        value = valid_answer(raw, low=low, high=high)
        if value is None:
            raise ValidationError({key: "Choose one of the answers offered."})
        out[key] = value
    return out


# --- Self-assessments -------------------------------------------------------------


def _coachee_only(engagement: Engagement, by: User, what: str) -> None:
    if by.id != engagement.coachee_id:
        raise ValidationError(f"Only the coachee can {what}.")


@transaction.atomic
def assessment_start(*, engagement: Engagement, by: User, instrument: Instrument) -> Assessment:
    """Start an instrument, or carry on with the unfinished one already started."""
    _coachee_only(engagement, by, "answer a self-assessment")
    if not engagement.is_open:
        raise ValidationError("This engagement has ended.")
    existing = Assessment.objects.filter(
        engagement=engagement, instrument=instrument, completed_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    assessment = Assessment(engagement=engagement, instrument=instrument)
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def assessment_answer(
    *, assessment: Assessment, by: User, answers: Mapping[str, Any]
) -> Assessment:
    """Save some answers (as they go: one at a time or a page at once)."""
    _coachee_only(assessment.engagement, by, "answer their self-assessment")
    if assessment.completed_at is not None:
        raise ValidationError("This self-assessment is finished; start a new one to answer again.")
    cleaned = _clean_answers(assessment.instrument, answers)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    assessment.answers = {**assessment.answers, **cleaned}
    assessment.updated_at = timezone.now()
    assessment.save(update_fields=["answers", "updated_at"])
    return assessment


@transaction.atomic
def assessment_complete(*, assessment: Assessment, by: User) -> Assessment:
    _coachee_only(assessment.engagement, by, "finish their self-assessment")
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.completed_at is not None:
        return assessment
    missing = [i.key for i in assessment.instrument.items.all() if i.key not in assessment.answers]
    if missing:
        raise ValidationError(
            dict.fromkeys(missing, "Choose an answer (or 'can't say') before finishing.")
        )
    assessment.completed_at = timezone.now()
    assessment.save(update_fields=["completed_at"])
    return assessment


# --- 360 campaigns ----------------------------------------------------------------


def _pair_only(engagement: Engagement, by: User) -> None:
    if by.id not in {engagement.coach_id, engagement.coachee_id}:
        raise ValidationError("Only the coachee or their coach can do this.")


@transaction.atomic
def campaign_create(
    *,
    engagement: Engagement,
    by: User,
    instrument: Instrument,
    deadline: date,
    min_per_group: int = MIN_GROUP,
    single_manager: str = SingleManager.POOL,
    release: str = Release.AFTER_DEBRIEF,
    previous: Campaign | None = None,
) -> Campaign:
    _pair_only(engagement, by)
    if not engagement.is_open:
        raise ValidationError("This engagement has ended.")
    if not instrument.for_raters:
        raise ValidationError({"instrument": "This questionnaire is not made for raters."})
    if min_per_group < MIN_GROUP:
        raise ValidationError(
            {"min_per_group": f"A group needs at least {MIN_GROUP} raters to be shown."}
        )
    if deadline <= timezone.localdate():
        raise ValidationError({"deadline": "Choose a deadline after today."})
    if single_manager not in SingleManager.values:
        raise ValidationError({"single_manager": "Choose how a single manager is shown."})
    if single_manager == SingleManager.OWN_VIEW and by.id != engagement.coachee_id:
        raise ValidationError(
            {"single_manager": "Only the coachee can agree to show their manager's own view."}
        )
    if release not in Release.values:
        raise ValidationError({"release": "Choose when the report is released."})
    campaign = Campaign(
        engagement=engagement,
        instrument=instrument,
        deadline=deadline,
        min_per_group=min_per_group,
        single_manager=single_manager,
        release=release,
        previous=previous,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def rater_nominate(
    *, campaign: Campaign, by: User, name: str, email: str, group: str
) -> RaterInvitation:
    _coachee_only(campaign.engagement, by, "nominate raters")
    campaign = (
        Campaign.objects.select_for_update(of=("self",))  # PostgreSQL locks no outer join
        .select_related("engagement__coachee")
        .get(pk=campaign.pk)
    )
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError("Raters are nominated before the campaign opens.")
    name = _text("name", name, NAME_MAX, required=True)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter an email address."}) from None
    if group not in RaterGroup.values:
        raise ValidationError({"group": "Choose a group."})
    coachee = campaign.engagement.coachee
    if coachee is not None and email == coachee.email.lower():
        raise ValidationError({"email": "Your own view is your self-assessment."})
    if any(i.email == email for i in campaign.invitations.all()):
        raise ValidationError({"email": "This person is already nominated."})
    if (
        group == RaterGroup.MANAGER
        and campaign.invitations.filter(group=RaterGroup.MANAGER).exists()
        and campaign.single_manager == SingleManager.OWN_VIEW
    ):
        raise ValidationError({"group": "A manager's own view is for a single manager."})
    invitation = RaterInvitation(campaign=campaign, name=name, email=email, group=group)
    invitation.full_clean()
    invitation.save()
    return invitation


@transaction.atomic
def rater_remove(*, invitation: RaterInvitation, by: User) -> None:
    _coachee_only(invitation.campaign.engagement, by, "change the raters")
    status = Campaign.objects.select_for_update().get(pk=invitation.campaign_id).status
    if status != CampaignStatus.DRAFT:
        raise ValidationError("Raters are fixed once the campaign opens.")
    invitation.delete()


def answer_group(campaign: Campaign, group: str) -> str:
    """The group a rater's answers are counted in: a single manager is pooled into
    'others' unless the coachee agreed to show the manager's own view."""
    if group == RaterGroup.MANAGER and campaign.single_manager == SingleManager.POOL:
        return RaterGroup.OTHER
    return group


def _group_sizes(campaign: Campaign) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for invitation in campaign.invitations.all():
        g = answer_group(campaign, invitation.group)
        sizes[g] = sizes.get(g, 0) + 1
    return sizes


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def resume_hash(token: str) -> str:
    """Where a rater's answers are found: a digest no stored value leads to."""
    return hashlib.sha256(f"answers:{token}".encode()).hexdigest()


def _link_expiry(campaign: Campaign) -> datetime:
    tz = campaign.engagement.coachee.tz if campaign.engagement.coachee else UTC
    return datetime.combine(campaign.deadline + timedelta(days=1), time(0), tzinfo=tz)


@transaction.atomic
def campaign_open(
    *, campaign: Campaign, by: User, send: bool = True
) -> list[tuple[RaterInvitation, str]]:
    """Open to raters: the thresholds are locked, each rater gets a link, and one
    blank answer set per rater is created, all at once and shuffled."""
    _coachee_only(campaign.engagement, by, "open the campaign")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError("This campaign is already open.")
    sizes = _group_sizes(campaign)
    if not sizes:
        raise ValidationError("Nominate raters first.")
    for group, n in sizes.items():
        own_manager = group == RaterGroup.MANAGER  # only when shown as their own view
        if n < campaign.min_per_group and not own_manager:
            raise ValidationError(
                f"{RaterGroup(group).label}: nominate at least {campaign.min_per_group} "
                f"(now {n}). Fewer would never be shown; answers from a group that stays "
                "below the minimum count only within the all-raters figure."
            )
    now = timezone.now()
    expires = _link_expiry(campaign)
    issued: list[tuple[RaterInvitation, str]] = []
    slots: list[RaterAnswers] = []
    for invitation in campaign.invitations.all():
        token = secrets.token_urlsafe(32)
        invitation.token_hash = token_hash(token)
        invitation.expires_at = expires
        invitation.status = InvitationStatus.INVITED
        invitation.invited_at = now
        invitation.save(update_fields=["token_hash", "expires_at", "status", "invited_at"])
        slots.append(
            RaterAnswers(
                campaign=campaign,
                group=answer_group(campaign, invitation.group),
                resume_hash=resume_hash(token),
            )
        )
        issued.append((invitation, token))
    random.SystemRandom().shuffle(slots)
    for slot in slots:  # one at a time: encrypted fields are bound to their row's code
        slot.save()
    campaign.status = CampaignStatus.OPEN
    campaign.opened_at = now
    campaign.save(update_fields=["status", "opened_at"])
    if send:
        for invitation, token in issued:
            _mail_rater(campaign, invitation, token)
    return issued


def rater_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('insight:rate', args=[token])}"


def _mail_rater(campaign: Campaign, invitation: RaterInvitation, token: str) -> None:
    send_after_commit(
        direct=True,  # the link is a credential: it never rests in the task table
        to=[invitation.email],
        template="rater_invitation",
        context={
            "rater_name": invitation.name,
            "leader": campaign.engagement.coachee_display,
            "deadline": campaign.deadline,
            "url": rater_url(token),
            "own_view": invitation.group == RaterGroup.MANAGER
            and campaign.single_manager == SingleManager.OWN_VIEW,
        },
    )


@transaction.atomic
def campaign_rerun(*, campaign: Campaign, by: User, deadline: date) -> Campaign:
    """The same campaign again (the 'after' round), with the same raters nominated."""
    if campaign.status != CampaignStatus.CLOSED:
        raise ValidationError("A campaign is re-run once it has closed.")
    if hasattr(campaign, "rerun"):
        raise ValidationError("This campaign has been re-run already.")
    after = campaign_create(
        engagement=campaign.engagement,
        by=by,
        instrument=campaign.instrument,
        deadline=deadline,
        min_per_group=campaign.min_per_group,
        single_manager=campaign.single_manager
        if by.id == campaign.engagement.coachee_id
        else SingleManager.POOL,
        release=campaign.release,
        previous=campaign,
    )
    for old in campaign.invitations.all():
        RaterInvitation.objects.create(
            campaign=after, group=old.group, name=old.name, email=old.email
        )
    return after


# --- Raters, through their link ---------------------------------------------------


def _comment_map(
    instrument: Instrument, comments: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, str]]:
    keys = {c.key for c in instrument.competencies.all()}
    out: dict[str, dict[str, str]] = {}
    for comp, kinds in comments.items():
        if comp not in keys:
            raise ValidationError({"comments": "That competency is not in this questionnaire."})
        for kind, text in kinds.items():
            if kind not in CommentKind.values:
                raise ValidationError({"comments": "Unknown kind of comment."})
            text = _text(f"comment_{comp}_{kind}", text, COMMENT_MAX)
            if text:
                out.setdefault(comp, {})[kind] = text
    return out


@transaction.atomic
def rater_save(
    *,
    invitation: RaterInvitation,
    answers_set: RaterAnswers,
    answers: Mapping[str, Any],
    comments: Mapping[str, Mapping[str, str]] | None = None,
) -> RaterAnswers:
    """Keep a rater's answers as they go (the link stays usable until they hand in)."""
    instrument = invitation.campaign.instrument
    cleaned = _clean_answers(instrument, answers)
    slot = RaterAnswers.objects.select_for_update().get(pk=answers_set.pk)
    if slot.submitted or not slot.resume_hash:
        raise ValidationError("These answers have been handed in.")
    slot.answers = {**slot.answers, **cleaned}
    if comments is not None:
        merged = {k: dict(v) for k, v in slot.comments.items()}
        for comp, kinds in comments.items():
            merged.setdefault(comp, {})
            for kind, text in kinds.items():
                merged[comp][kind] = text
        slot.comments = _comment_map(instrument, merged)
    slot.save(update_fields=["answers", "comments"])
    return slot


@transaction.atomic
def rater_submit(*, invitation: RaterInvitation, answers_set: RaterAnswers) -> None:
    """Hand in: the link stops working and nothing leads to the answers any more."""
    slot = RaterAnswers.objects.select_for_update().get(pk=answers_set.pk)
    if not any(v != NOT_OBSERVED for v in slot.answers.values()):
        raise ValidationError("Answer at least one question, or decline instead.")
    slot.submitted = True
    slot.resume_hash = ""
    slot.save(update_fields=["submitted", "resume_hash"])
    _finish(invitation, InvitationStatus.ANSWERED)


@transaction.atomic
def rater_decline(*, invitation: RaterInvitation, answers_set: RaterAnswers | None) -> None:
    """Decline: anything kept so far is dropped, and the link stops working."""
    if answers_set is not None:
        slot = RaterAnswers.objects.select_for_update().get(pk=answers_set.pk)
        slot.answers = {}
        slot.comments = {}
        slot.resume_hash = ""
        slot.save(update_fields=["answers", "comments", "resume_hash"])
    _finish(invitation, InvitationStatus.DECLINED)


def _finish(invitation: RaterInvitation, status: str) -> None:
    # Coarse time only (the day): the hand-in moment is not a key to anything.
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    RaterInvitation.objects.filter(pk=invitation.pk).update(
        status=status, token_hash="", finished_at=today
    )


# --- Closing, screening, release ------------------------------------------------------


def _order_key(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def _report_for(campaign: Campaign, sets: Sequence[RaterAnswers]) -> dict[str, Any]:
    instrument = campaign.instrument
    items = _items(instrument)
    self_assessment = (
        Assessment.objects.filter(
            engagement=campaign.engagement, instrument=instrument, completed_at__isnull=False
        )
        .order_by("-completed_at")
        .first()
    )
    own_view = [RaterGroup.MANAGER] if campaign.single_manager == SingleManager.OWN_VIEW else []
    report = anonymity.build_report(
        competencies=[(c.key, c.title) for c in instrument.competencies.all()],
        items=[anonymity.ItemSpec(i.key, i.competency.key, i.reverse_keyed) for i in items],
        sets=[anonymity.AnswerSet(s.group, s.answers) for s in sets],
        self_answers=self_assessment.answers if self_assessment else None,
        groups=[g for g in RaterGroup.values if g != RaterGroup.MANAGER or own_view],
        min_n=campaign.min_per_group,
        low=instrument.scale_min,
        high=instrument.scale_max,
        own_view=own_view,
    )
    report["completion"] = completion_counts(campaign)
    report["answered"] = len(sets)
    return report


def completion_counts(campaign: Campaign) -> dict[str, dict[str, int]]:
    """Per group (as answers are counted): asked, answered, declined. Counts only."""
    counts: dict[str, dict[str, int]] = {}
    for invitation in campaign.invitations.all():
        g = answer_group(campaign, invitation.group)
        row = counts.setdefault(g, {"asked": 0, "answered": 0, "declined": 0})
        row["asked"] += 1
        if invitation.status == InvitationStatus.ANSWERED:
            row["answered"] += 1
        elif invitation.status == InvitationStatus.DECLINED:
            row["declined"] += 1
    return counts


@transaction.atomic
def campaign_close(*, campaign: Campaign, by: User | None) -> Campaign:
    """Close (the coach, or the deadline): no more answers; the report is computed
    once and frozen; comments move, shuffled, to their own rows; answers of a group
    below the minimum are dropped (they live on only inside the pooled figures)."""
    if by is not None and by.id != campaign.engagement.coach_id:
        raise ValidationError("The coach closes the campaign.")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError("Only an open campaign can be closed.")
    sets = list(campaign.answer_sets.filter(submitted=True))
    total = len(sets)
    campaign.report = _report_for(campaign, sets)
    comments: list[RaterComment] = []
    if total >= campaign.min_per_group:
        for s in sets:
            for comp, kinds in s.comments.items():
                for kind, text in kinds.items():
                    comments.append(
                        RaterComment(
                            campaign=campaign,
                            competency_key=comp,
                            kind=kind,
                            text=text,
                            order_key=_order_key(text),
                        )
                    )
    random.SystemRandom().shuffle(comments)
    for comment in comments:
        comment.save()
    sizes: dict[str, int] = {}
    for s in sets:
        sizes[s.group] = sizes.get(s.group, 0) + 1
    own_view = campaign.single_manager == SingleManager.OWN_VIEW
    small = [
        g
        for g, n in sizes.items()
        if n < campaign.min_per_group and not (own_view and g == RaterGroup.MANAGER)
    ]
    campaign.answer_sets.filter(group__in=small).delete()
    campaign.answer_sets.filter(submitted=False).delete()
    for s in campaign.answer_sets.all():
        s.comments = {}
        s.save(update_fields=["comments"])
    RaterInvitation.objects.filter(campaign=campaign).update(token_hash="")
    now = timezone.now()
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = now
    fields = ["status", "closed_at", "report"]
    if campaign.release == Release.AT_ONCE:
        campaign.released_at = now
        fields.append("released_at")
    campaign.save(update_fields=fields)
    return campaign


@transaction.atomic
def comment_hold(*, comment: RaterComment, by: User, held: bool) -> RaterComment:
    campaign = comment.campaign
    if by.id != campaign.engagement.coach_id:
        raise ValidationError("The coach screens the comments.")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.released_at is not None:
        raise ValidationError("The report has been released; its comments are fixed.")
    comment.held_back = held
    comment.save(update_fields=["held_back"])
    return comment


@transaction.atomic
def campaign_debriefed(*, campaign: Campaign, by: User) -> Campaign:
    """The coach marks the debrief done: the coachee now reads the report."""
    if by.id != campaign.engagement.coach_id:
        raise ValidationError("The coach marks the debrief done.")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.CLOSED:
        raise ValidationError("Close the campaign first.")
    now = timezone.now()
    campaign.debriefed_at = campaign.debriefed_at or now
    campaign.released_at = campaign.released_at or now
    campaign.save(update_fields=["debriefed_at", "released_at"])
    return campaign


def campaigns_close_due(now: datetime | None = None) -> int:
    """Close open campaigns whose deadline has passed (from the background tick)."""
    now = now or timezone.now()
    closed = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN, deadline__lt=now.date()):
        campaign_close(campaign=campaign, by=None)
        closed += 1
    return closed


# --- The journal --------------------------------------------------------------------


def _tags(raw: Sequence[str] | str) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    tags: list[str] = []
    for tag in items:
        tag = tag.strip().lower()
        if not tag:
            continue
        if len(tag) > TAG_MAX:
            raise ValidationError({"tags": f"Keep each tag under {TAG_MAX} characters."})
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise ValidationError({"tags": f"Up to {TAGS_MAX} tags."})
    return tags


@transaction.atomic
def journal_write(
    *,
    engagement: Engagement,
    by: User,
    body: str,
    prompt: str = "",
    tags: Sequence[str] | str = (),
) -> JournalEntry:
    _coachee_only(engagement, by, "write in the journal")
    entry = JournalEntry(
        engagement=engagement,
        body=_text("body", body, JOURNAL_MAX, required=True),
        prompt=_text("prompt", prompt, 500),
        tags=cast(Any, _tags(tags)),  # an encrypted JSON list
    )
    entry.save()
    return entry


@transaction.atomic
def journal_edit(
    *, entry: JournalEntry, by: User, body: str, tags: Sequence[str] | str = ()
) -> JournalEntry:
    _coachee_only(entry.engagement, by, "edit their journal")
    entry.body = _text("body", body, JOURNAL_MAX, required=True)
    entry.tags = cast(Any, _tags(tags))  # an encrypted JSON list
    entry.updated_at = timezone.now()
    entry.save(update_fields=["body", "tags", "updated_at"])
    return entry


@transaction.atomic
def journal_share(*, entry: JournalEntry, by: User, share: bool) -> JournalEntry:
    _coachee_only(entry.engagement, by, "share their journal")
    entry.shared_at = (entry.shared_at or timezone.now()) if share else None
    entry.save(update_fields=["shared_at"])
    return entry


@transaction.atomic
def journal_delete(*, entry: JournalEntry, by: User) -> None:
    _coachee_only(entry.engagement, by, "delete their journal entries")
    entry.delete()
