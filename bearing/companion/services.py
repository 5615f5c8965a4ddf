"""Writes for companion conversations. Only the coachee writes; nothing reaches the
coach unless the coachee shares it."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from bearing.accounts.models import User
from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record
from bearing.engagements import services as engagement_services
from bearing.engagements.models import Engagement
from bearing.engagements.queries import agreement_in_force
from bearing.lib import ratelimit
from bearing.lib.mail import send_after_commit

from .engine import Conversation, Turn, respond
from .models import CompanionConsent, CompanionConversation, CompanionMessage, Speaker
from .queries import resources_for
from .safety import assess, referral_reply

if TYPE_CHECKING:
    from bearing.accounts.models import Organization
    from bearing.engagements.models import Action

    from .models import SupportResources
    from .roleplay import RolePlay

CONSENT_VERSION = 1
MAX_MESSAGE = 2000


def has_consent(user: User) -> bool:
    return CompanionConsent.objects.filter(
        user=user, version=CONSENT_VERSION, withdrawn_at__isnull=True
    ).exists()


@transaction.atomic
def consent_give(*, user: User, request: HttpRequest | None = None) -> CompanionConsent:
    consent, _ = CompanionConsent.objects.get_or_create(user=user, version=CONSENT_VERSION)
    if consent.withdrawn_at:
        consent.withdrawn_at = None
        consent.given_at = timezone.now()
        consent.save(update_fields=["withdrawn_at", "given_at"])
    audit_record(
        action=AuditAction.CONSENT,
        actor=user,
        target_type="companion",
        target_code=str(user.code),
        request=request,
        version=CONSENT_VERSION,
        kind="companion_consent",
    )
    return consent


def companion_offered(engagement: Engagement) -> bool:
    agreement = agreement_in_force(engagement)
    return bool(agreement and agreement.companion_offered and engagement.status == "active")


@transaction.atomic
def conversation_start(*, engagement: Engagement, by: User) -> CompanionConversation:
    if by.id != engagement.coachee_id:
        raise ValidationError("Only the coachee talks with the companion.")
    if not companion_offered(engagement):
        raise ValidationError("The companion is not part of this coaching agreement.")
    if not has_consent(by):
        raise ValidationError("Please read and accept how the companion works first.")
    conv = CompanionConversation(engagement=engagement)
    conv.state = plan_context(engagement, conversation=conv).to_dict()
    conv.save()
    return conv


def plan_context(
    engagement: Engagement, conversation: CompanionConversation | None = None
) -> Conversation:
    """Start from what the coachee is working on: the focus areas of their active
    goals, and what got in the way in their latest check-in (or their first goal),
    make the companion's questions specific. It stays in the coachee's own
    conversation. Each conversation is seeded by its own code and numbered among the
    coachee's conversations, so one opens differently from the last."""
    from bearing.growth.models import Goal, GoalStatus

    from .engine import topic_from

    goals = list(
        Goal.objects.filter(engagement=engagement, status=GoalStatus.ACTIVE).order_by("created_at")[
            :5
        ]
    )
    aliases = {"decision_making": "decision"}
    focus = [aliases.get(g.focus_area, g.focus_area) for g in goals if g.focus_area != "custom"]
    latest = engagement.check_ins.order_by("-submitted_at").first()
    topic = ""
    if latest is not None and latest.obstacles:
        topic = topic_from(latest.obstacles)
    elif goals:
        topic = topic_from(goals[0].title)
    number = CompanionConversation.objects.filter(
        engagement__coachee_id=engagement.coachee_id, scenario=""
    ).count()
    return Conversation(
        seed=str(conversation.code if conversation else f"{engagement.code}:{number}"),
        series=str(engagement.code),
        number=number,
        focus=list(dict.fromkeys(focus)),
        context_topic="" if topic == "this" else topic,
    )


def _engine_reply(conv: CompanionConversation, state: Conversation, text: str) -> Turn:
    """The configured engine: a language model if staff switched it on for this
    organization and one is configured; otherwise (and on any failure) offline."""
    org = conv.engagement.organization
    if org.companion_model_enabled and settings.COMPANION_MODEL_URL:
        from .llm import ModelConfig, model_respond

        history = [(m.speaker, m.text) for m in conv.messages.order_by("created_at", "id")]
        coachee = conv.engagement.coachee
        assert coachee is not None  # a companion conversation is its coachee's
        config = ModelConfig(
            url=settings.COMPANION_MODEL_URL,
            model=settings.COMPANION_MODEL_NAME,
            key=settings.COMPANION_MODEL_KEY,
            timeout=settings.COMPANION_MODEL_TIMEOUT,
        )
        names = [
            coachee.name,
            *coachee.name.split(),
            coachee.email,
            conv.engagement.coach.name,
            *conv.engagement.coach.name.split(),
        ]
        turn, _source = model_respond(
            state, history, text, config, names=names, resources=resources_for(org)
        )
        return turn
    return respond(state, text, resources=resources_for(org))


def _clean_message(text: str, empty: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": empty})
    if len(text) > MAX_MESSAGE:
        raise ValidationError({"text": f"Please keep it under {MAX_MESSAGE:,} characters."})
    return text


def _for_turn(conversation: CompanionConversation, *, lock: bool) -> CompanionConversation:
    rows = CompanionConversation.objects.select_related(
        "engagement", "engagement__organization", "engagement__coachee", "engagement__coach"
    )
    if lock:
        rows = rows.select_for_update(of=("self",))
    return rows.get(pk=conversation.pk)


def conversation_reply(
    *, conversation: CompanionConversation, by: User, text: str
) -> CompanionMessage:
    """Store the leader's message and the companion's reply. Returns the reply.

    Read, reply, then write: a language model is asked outside any transaction, so
    a slow model never holds the database's write lock. If the conversation moved
    on meanwhile (another window), the reply is made again, offline, under the lock.
    """
    current = _for_turn(conversation, lock=False)
    if by.id != current.engagement.coachee_id:
        raise ValidationError("Only the coachee talks with the companion.")
    text = _clean_message(text, "Write something first.")
    state = Conversation.from_dict(current.state)
    turn = _engine_reply(current, state, text)
    with transaction.atomic():
        locked = _for_turn(conversation, lock=True)
        if locked.updated_at != current.updated_at:
            state = Conversation.from_dict(locked.state)
            turn = respond(state, text, resources=resources_for(locked.engagement.organization))
        now = timezone.now()
        CompanionMessage.objects.create(
            conversation=locked, speaker=Speaker.LEADER, text=text, created_at=now
        )
        reply = CompanionMessage.objects.create(
            conversation=locked,
            speaker=Speaker.COMPANION,
            text=turn.reply,
            stage=turn.stage,
            referred=turn.referred,
            created_at=now + timedelta(microseconds=1),
        )
        if not locked.title:
            locked.title = text[:80]  # a label for the list; the message keeps every word
        locked.state = state.to_dict()
        locked.updated_at = now
        locked.save(update_fields=["state", "title", "updated_at"])
    return reply


@transaction.atomic
def conversation_share(
    *, conversation: CompanionConversation, by: User, share: bool
) -> CompanionConversation:
    if by.id != conversation.engagement.coachee_id:
        raise ValidationError("Only the coachee decides what to share.")
    conversation.shared_with_coach_at = timezone.now() if share else None
    conversation.save(update_fields=["shared_with_coach_at"])
    return conversation


@transaction.atomic
def conversation_delete(*, conversation: CompanionConversation, by: User) -> None:
    if by.id != conversation.engagement.coachee_id:
        raise ValidationError("Only the coachee deletes their conversations.")
    conversation.delete()


ACTION_TITLE_MAX = 500  # as Action.title allows


@transaction.atomic
def commitment_to_action(*, conversation: CompanionConversation, by: User) -> Action:
    state = Conversation.from_dict(conversation.state)
    if not state.commitment:
        raise ValidationError("There is no commitment in this conversation yet.")
    import re

    title = re.sub(
        r"^(i will|i'll|i am going to|i'm going to)\s+", "", state.commitment, flags=re.I
    ).rstrip(".!")
    if len(title) > ACTION_TITLE_MAX:
        # Refused, never cut: the coachee writes a shorter action themselves.
        raise ValidationError(
            f"This commitment is longer than an action can hold ({ACTION_TITLE_MAX} "
            "characters); add it to your plan with a shorter title."
        )
    return engagement_services.action_create(
        engagement=conversation.engagement,
        by=by,
        title=title,
        due_on=timezone.localdate() + timedelta(days=7),
    )


@transaction.atomic
def roleplay_start(*, engagement: Engagement, by: User, scenario: str) -> CompanionConversation:
    from .roleplay import RolePlay, scenarios

    if scenario not in scenarios():
        raise ValidationError({"scenario": "Choose a scenario."})
    conv = conversation_start(engagement=engagement, by=by)
    conv.scenario = scenario
    conv.state = RolePlay.start(scenario).to_dict()
    conv.title = scenarios()[scenario].title
    conv.save(update_fields=["scenario", "state", "title"])
    return conv


def _roleplay_reply(
    conversation: CompanionConversation, play: RolePlay, text: str, *, offline: bool
) -> tuple[str, bool]:
    """The counterpart's answer to one leader turn (or a referral); updates ``play``."""
    from .roleplay import counterpart_reply, paused_reply, record_referral

    assessment = assess(text)
    if assessment.crisis:  # safety first, in role-play too
        reply_text = referral_reply(
            assessment.category,  # type: ignore[arg-type]  # a crisis always has a category
            resources_for(conversation.engagement.organization),
            assessment.language,
        )
        # Kept as a turn of its own: no tension change, never quoted in the debrief.
        record_referral(play, text, reply_text, assessment.language)
        return reply_text, True
    aside = paused_reply(play, text)
    if aside is not None:  # careful after a referral: the practice waits, out of character
        return aside, True
    org = conversation.engagement.organization
    if not offline and org.companion_model_enabled and settings.COMPANION_MODEL_URL:
        from .llm import ModelConfig
        from .roleplay import model_counterpart_reply

        config = ModelConfig(
            url=settings.COMPANION_MODEL_URL,
            model=settings.COMPANION_MODEL_NAME,
            key=settings.COMPANION_MODEL_KEY,
            timeout=settings.COMPANION_MODEL_TIMEOUT,
        )
        coachee = conversation.engagement.coachee
        assert coachee is not None  # a role-play is its coachee's
        reply_text, _source = model_counterpart_reply(
            play, text, config, names=[coachee.name, *coachee.name.split(), coachee.email]
        )
        return reply_text, False
    return counterpart_reply(play, text), False


def roleplay_turn(*, conversation: CompanionConversation, by: User, text: str) -> CompanionMessage:
    """Store the leader's turn and the counterpart's answer. As with the companion,
    a model is asked outside any transaction; if the play moved on meanwhile, the
    answer is made again offline under the lock."""
    from .roleplay import RolePlay

    current = _for_turn(conversation, lock=False)
    if by.id != current.engagement.coachee_id or not current.scenario:
        raise ValidationError("Only the coachee plays their role-play.")
    text = _clean_message(text, "Write what you would say.")
    play = RolePlay.from_dict(current.state)
    reply_text, referred = _roleplay_reply(current, play, text, offline=False)
    with transaction.atomic():
        locked = _for_turn(conversation, lock=True)
        if locked.updated_at != current.updated_at:
            play = RolePlay.from_dict(locked.state)
            reply_text, referred = _roleplay_reply(locked, play, text, offline=True)
        now = timezone.now()
        CompanionMessage.objects.create(
            conversation=locked, speaker=Speaker.LEADER, text=text, created_at=now
        )
        reply = CompanionMessage.objects.create(
            conversation=locked,
            speaker=Speaker.COMPANION,
            text=reply_text,
            referred=referred,
            created_at=now + timedelta(microseconds=1),
        )
        locked.state = play.to_dict()
        locked.updated_at = now
        locked.save(update_fields=["state", "updated_at"])
    return reply


@transaction.atomic
def support_resources_save(
    *, organization: Organization | None, values: dict[str, str]
) -> SupportResources:
    """Staff set where the companion's referrals point, for the installation
    (``organization`` None) or one organization. Empty values fall back."""
    from .models import SupportResources
    from .safety import Resources

    row, _ = SupportResources.objects.select_for_update().get_or_create(organization=organization)
    for name in Resources.field_names():
        setattr(row, name, (values.get(name) or "").strip())
    row.updated_at = timezone.now()
    row.full_clean()
    row.save()
    return row


# One request to the coach per conversation in this time.
COACH_CONTACT_LIMIT = ratelimit.Limit("coach-contact", 1, 12 * 60 * 60)


@transaction.atomic
def coach_contact_request(
    *, conversation: CompanionConversation, by: User, request: HttpRequest | None = None
) -> None:
    """After a referral the coachee may ask their coach to get in touch. The coach
    is emailed that much and nothing else: no words of the conversation, no kind of
    crisis. Audited as the coachee's say-so, without content."""
    engagement = conversation.engagement
    if by.id != engagement.coachee_id:
        raise ValidationError("Only the coachee asks their coach to get in touch.")
    if not conversation.messages.filter(referred=True).exists():
        raise ValidationError(
            "Your coach can be asked from here after the companion points to help."
        )
    # Once is enough: a second press (or a script) does not email the coach again.
    if ratelimit.hit(COACH_CONTACT_LIMIT, str(conversation.code)) > COACH_CONTACT_LIMIT.count:
        raise ValidationError(
            "Your coach has already been asked to get in touch. If it cannot wait, "
            "use the help above."
        )
    send_after_commit(
        to=[engagement.coach.email],
        template="companion_coach_contact",
        context={"coach": engagement.coach, "engagement": engagement},
    )
    audit_record(
        action=AuditAction.CONSENT,
        actor=by,
        target=engagement,
        request=request,
        kind="coach_contact_requested",
    )
