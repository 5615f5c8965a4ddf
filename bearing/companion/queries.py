"""Reads of companion conversations: the coachee's own; the coach's only if shared."""

from __future__ import annotations

from bearing.accounts.models import User
from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record
from bearing.engagements.models import Engagement
from bearing.engagements.queries import Relation, _deny, relation_to

from .models import CompanionConversation


def conversations_for(user: User, engagement: Engagement, relation: Relation):
    qs = engagement.companion_conversations.all()
    if relation == Relation.COACH:
        qs = qs.filter(shared_with_coach_at__isnull=False)
    elif relation != Relation.COACHEE:
        return []
    return list(qs.order_by("-updated_at"))


def conversation_get_for(user: User, code, request=None) -> tuple[CompanionConversation, Relation]:
    conv = (
        CompanionConversation.objects.select_related(
            "engagement", "engagement__coach", "engagement__coachee", "engagement__organization"
        )
        .filter(code=code)
        .first()
    )
    relation = relation_to(user, conv.engagement) if conv else None
    allowed = relation == Relation.COACHEE or (
        relation == Relation.COACH and conv.shared_with_coach_at is not None
    )
    if conv is None or not allowed:
        raise _deny(user, "companion.companionconversation", code)
    if relation == Relation.COACH:
        audit_record(
            action=AuditAction.READ, actor=user, target=conv, request=request, field="conversation"
        )
    return conv, relation
