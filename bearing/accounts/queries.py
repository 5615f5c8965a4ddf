"""Reads about people and their roles."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from .models import (
    ROLES_NEEDING_APPROVAL,
    ErasureRequest,
    ErasureState,
    Invitation,
    Membership,
    Organization,
    Practice,
    PracticeOrganization,
    Role,
    User,
)


@dataclass
class Roles:
    """The roles one person holds, loaded once per request."""

    coach_practices: list[Practice] = field(default_factory=list)
    sponsor_organizations: list[Organization] = field(default_factory=list)
    coachee_organizations: list[Organization] = field(default_factory=list)
    is_staff: bool = False

    @property
    def is_coach(self) -> bool:
        return bool(self.coach_practices)

    @property
    def is_sponsor(self) -> bool:
        return bool(self.sponsor_organizations)

    @property
    def is_coachee(self) -> bool:
        return bool(self.coachee_organizations)

    @property
    def any(self) -> bool:
        return self.is_coach or self.is_sponsor or self.is_coachee or self.is_staff


def roles_of(user: User) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return Roles()
    cached: Roles | None = getattr(user, "_bearing_roles", None)
    if cached is not None:
        return cached
    roles = Roles()
    for m in Membership.objects.filter(user=user).select_related("practice", "organization"):
        if m.role == Role.COACH:
            if m.practice is not None:
                roles.coach_practices.append(m.practice)
        elif m.role == Role.SPONSOR:
            if m.organization is not None:
                roles.sponsor_organizations.append(m.organization)
        elif m.role == Role.COACHEE:
            if m.organization is not None:
                roles.coachee_organizations.append(m.organization)
        elif m.role == Role.STAFF:
            roles.is_staff = True
    user._bearing_roles = roles  # type: ignore[attr-defined]  # cached on the request's user
    return roles


def organizations_served_by(practices: Iterable[Practice]) -> list[Organization]:
    """The organizations any of these practices works with."""
    return list(Organization.objects.filter(practices__in=[p.pk for p in practices]).distinct())


def practice_serves(practice: Practice, organization: Organization) -> bool:
    return PracticeOrganization.objects.filter(
        practice=practice, organization=organization
    ).exists()


def sponsors_in(organization: Organization) -> QuerySet[User]:
    return User.objects.filter(
        memberships__role=Role.SPONSOR, memberships__organization=organization, is_active=True
    ).order_by("name")


@dataclass
class StaffOverview:
    people: list[User]
    organizations: Sequence[Any]
    practices: Sequence[Practice]
    pending_invitations: list[Invitation]
    # The people shown are one page of those matching the search (by name or email).
    people_search: str = ""
    people_page: int = 1
    people_has_next: bool = False
    # Organizations and practices: one page each, counted; every one by name for the
    # forms' selects.
    organizations_page: int = 1
    organizations_has_next: bool = False
    practices_page: int = 1
    practices_has_next: bool = False
    organization_choices: list[tuple[int, str]] = field(default_factory=list)
    practice_choices: list[tuple[int, str]] = field(default_factory=list)


# People on one page of the staff page: it pages and searches, never lists thousands.
PEOPLE_PER_PAGE = 25


def require_staff(user: User) -> None:
    """Staff pages answer 404 to anyone else: nothing says they exist."""
    if not roles_of(user).is_staff:
        raise Http404("Not found")


def staff_overview(
    *,
    search: str = "",
    page: int = 1,
    organizations_page: int = 1,
    practices_page: int = 1,
    per_page: int = 25,
) -> StaffOverview:
    """What staff may see: accounts, organizations, practices, invitations. No content.
    People come a page at a time (by name, then id), filtered by ``search``.
    Organizations and practices come a page at a time too (by name, then id): only
    those on the page are counted and carry their practice's organizations; every
    one is read by name, in the same query, for the forms' selects."""
    from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Subquery, When

    from .models import Invitation

    page = max(1, page)
    found = User.objects.only("code", "name", "email", "is_active", "created_at", "last_login")
    if search:
        found = found.filter(Q(name__icontains=search) | Q(email__icontains=search))
    start = (page - 1) * PEOPLE_PER_PAGE
    people = list(
        found.prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("practice", "organization"),
            )
        ).order_by("name", "id")[start : start + PEOPLE_PER_PAGE + 1]
    )

    def on_page(model: type[Organization] | type[Practice], number: int) -> QuerySet[Any]:
        first = (max(1, number) - 1) * per_page
        return model.objects.order_by("name", "id").values("id")[first : first + per_page + 1]

    def counted_on_page(rows: QuerySet[Any], shown: QuerySet[Any]) -> Case:
        """The count for the rows on the page; None (not counted) for the others."""
        return Case(
            When(id__in=shown, then=Subquery(rows.filter(pk=OuterRef("pk")).values("n"))),
            default=None,
            output_field=IntegerField(),
        )

    every_organization = list(
        Organization.objects.annotate(
            engagement_count=counted_on_page(
                Organization.objects.annotate(n=Count("engagements")),
                on_page(Organization, organizations_page),
            )
        )
        .order_by("name", "id")
        .values("id", "code", "name", "companion_model_enabled", "engagement_count")
    )
    organizations = [o for o in every_organization if o["engagement_count"] is not None]
    every_practice = list(
        Practice.objects.annotate(
            coach_count=counted_on_page(
                Practice.objects.annotate(n=Count("memberships", filter=models_q_coach())),
                on_page(Practice, practices_page),
            )
        )
        .only("id", "code", "name")
        .order_by("name", "id")
    )
    practices = [p for p in every_practice if p.coach_count is not None]
    prefetch_related_objects(
        practices[:per_page],
        Prefetch("organizations", queryset=Organization.objects.order_by("name")),
    )
    from django.utils import timezone

    pending = list(
        Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).select_related("practice", "organization")[:200]
    )
    return StaffOverview(
        people[:PEOPLE_PER_PAGE],
        organizations[:per_page],
        practices[:per_page],
        pending,
        people_search=search,
        people_page=page,
        people_has_next=len(people) > PEOPLE_PER_PAGE,
        organizations_page=max(1, organizations_page),
        organizations_has_next=len(organizations) > per_page,
        practices_page=max(1, practices_page),
        practices_has_next=len(practices) > per_page,
        organization_choices=[(o["id"], o["name"]) for o in every_organization],
        practice_choices=[(p.pk, p.name) for p in every_practice],
    )


def models_q_coach() -> Q:
    return Q(memberships__role=Role.COACH)


def installation_counts() -> dict[str, int]:
    """Headline counts for the staff dashboard."""
    from django.utils import timezone

    from .models import Invitation

    return {
        "people": User.objects.count(),
        "organizations": Organization.objects.count(),
        "practices": Practice.objects.count(),
        "pending_invitations": Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).count(),
    }


# --- Added for the accounts pages ---------------------------------------------------


def user_for_calendar_token(token: str) -> User | None:
    """The active person whose private calendar link this is, or None.

    The token is the credential, so anything that is not shaped like one is
    refused before it reaches the database.
    """
    if not token or len(token) < 20 or len(token) > 64:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()  # only the hash is stored
    return User.objects.filter(calendar_token_hash=digest, is_active=True).only("id").first()


def account_exists(email: str) -> bool:
    return User.objects.filter(email=email.strip().lower()).exists()


def pending_invitation_get(code: UUID | str) -> Invitation:
    """A pending (not accepted, not revoked, not expired) invitation for staff, or 404."""
    from django.http import Http404
    from django.utils import timezone

    from .models import Invitation

    invitation = Invitation.objects.filter(
        code=code, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
    if invitation is None:
        raise Http404("Not found")
    return invitation


def _role_grants_awaiting(user: User) -> QuerySet[Invitation]:
    roles = roles_of(user)
    if not (roles.is_staff or roles.is_sponsor):
        return Invitation.objects.none()
    pending = (
        Invitation.objects.filter(
            role__in=ROLES_NEEDING_APPROVAL,
            approved_at__isnull=True,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(invited_by=user)
        .exclude(email=user.email)
        .select_related("practice", "organization", "invited_by")
    )
    if not roles.is_staff:
        pending = pending.filter(
            role=Role.SPONSOR, organization__in=[o.pk for o in roles.sponsor_organizations]
        )
    return pending


def role_grants_awaiting(user: User) -> list[Invitation]:
    """Invitations to a role that this person may approve: staff see every one they
    did not ask for themselves; a sponsor sees sponsor invitations in their
    organizations. Never one addressed to the viewer."""
    return list(_role_grants_awaiting(user).order_by("created_at")[:200])


def role_grant_get_for(user: User, code: UUID | str) -> Invitation:
    """One invitation this person may approve or decline, or 404."""
    invitation = _role_grants_awaiting(user).filter(code=code).first()
    if invitation is None:
        raise Http404("Not found")
    return invitation


def erasures_pending(person_ids: Iterable[int] | None = None) -> dict[int, ErasureRequest]:
    """Erasures waiting for their grace period to end, by person id (all, or these)."""
    rows = (
        ErasureRequest.objects.filter(state=ErasureState.PENDING)
        .select_related("person")
        .order_by("erase_after")
    )
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    return {e.person_id: e for e in rows}
