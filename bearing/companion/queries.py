"""Reads of companion conversations: the coachee's own; the coach's only if shared."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Q
from django.http import HttpRequest

from bearing.accounts.models import Organization, User
from bearing.engagements.access import Relation, audit_read, get_for
from bearing.engagements.models import Engagement

from .models import CompanionConversation, SupportResources
from .safety import Resources


def conversations_for(
    user: User, engagement: Engagement, relation: Relation
) -> list[CompanionConversation]:
    qs = engagement.companion_conversations.all()
    if relation == Relation.COACH:
        qs = qs.filter(shared_with_coach_at__isnull=False)
    elif relation != Relation.COACHEE:
        return []
    return list(qs.order_by("-updated_at"))


def conversation_get_for(
    user: User,
    code: UUID | str,
    request: HttpRequest | None = None,
    *,
    want: Iterable[Relation] | Relation | None = None,
) -> tuple[CompanionConversation, Relation]:
    """The coachee's conversation; the coach's only once shared (their read audited)."""
    conv, relation = get_for(
        user,
        CompanionConversation,
        code,
        want=want,
        queryset=CompanionConversation.objects.select_related(
            "engagement__coach", "engagement__coachee", "engagement__organization"
        ),
    )
    audit_read(request or user, conv, relation, label="conversation")
    return conv, relation


def support_resources_rows(
    organizations: Iterable[Organization],
) -> tuple[SupportResources | None, dict[int, SupportResources]]:
    """The installation's configured row and each organization's (by organization
    id), for the staff page. Configuration only: no coaching content."""
    rows = list(SupportResources.objects.all())
    installation = next((r for r in rows if r.organization_id is None), None)
    return installation, {r.organization_id: r for r in rows if r.organization_id}


def resources_for(organization: Organization | None) -> Resources:
    """Where the companion's referrals point for this organization's coachees: the
    organization's own values, then the installation's, then Bearing's defaults.
    Not confidential (configuration). One query."""
    scope = Q(organization__isnull=True)
    if organization is not None:
        scope |= Q(organization=organization)
    rows = {row.organization_id: row for row in SupportResources.objects.filter(scope)}
    resources = Resources.default()
    scopes = [None] + ([organization.pk] if organization is not None else [])
    for key in scopes:  # the installation's first, so the organization's wins
        row = rows.get(key)
        if row is not None:
            resources = resources.merged_over(
                **{name: getattr(row, name) for name in Resources.field_names()}
            )
    return resources
