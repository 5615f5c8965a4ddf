"""Writes about people: invitations, accepting them, calendar links."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record
from bearing.lib.mail import send_after_commit

from .models import (
    ROLES_NEEDING_APPROVAL,
    Invitation,
    Membership,
    Organization,
    Practice,
    PracticeOrganization,
    Role,
    User,
    new_calendar_token,
)
from .queries import roles_of
from .signals import invitation_accepted


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return f"{settings.SITE_URL}/invitations/{token}/"


def _send_invitation(invitation: Invitation, token: str) -> None:
    send_after_commit(
        direct=True,  # the link is a credential: never stored in the task table
        to=[invitation.email],
        template="invitation",
        context={
            "invitation": invitation,
            "url": invitation_url(token),
            "inviter": invitation.invited_by,
            "days": settings.INVITATION_DAYS,
        },
    )


@transaction.atomic
def invitation_create(
    *,
    invited_by: User | None,
    email: str,
    role: str,
    name: str = "",
    practice: Practice | None = None,
    organization: Organization | None = None,
    send: bool = True,
    request: HttpRequest | None = None,
) -> tuple[Invitation, str | None]:
    """Create an invitation. Returns it with the raw token, which is stored
    nowhere (only its hash is), and emails the link.

    An invitation to a coach, sponsor or staff role grants access to other people's
    work, so it waits for a second person (``invitation_approve``): no link exists
    yet and the token returned is None. ``invited_by=None`` is the installation's
    operator at the command line, the root of trust, whose invitations need no
    second approval. Nobody can invite themselves.
    """
    email = email.strip().lower()
    if invited_by is not None and invited_by.email == email:
        raise ValidationError({"email": "You cannot invite yourself."})
    now = timezone.now()
    needs_approval = role in ROLES_NEEDING_APPROVAL and invited_by is not None
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        # While awaiting approval the stored hash is of a token nobody is given.
        token_hash=token_hash(token),
        email=email,
        name=name.strip(),
        role=role,
        practice=practice,
        organization=organization,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
        approved_at=None if needs_approval else now,
    )
    invitation.full_clean()
    invitation.save()
    if needs_approval:
        audit_record(
            action=AuditAction.ROLE_GRANT_REQUESTED,
            actor=invited_by,
            target=invitation,
            request=request,
            kind=role,
        )
        return invitation, None
    if role in ROLES_NEEDING_APPROVAL:
        audit_record(
            action=AuditAction.ROLE_GRANT_APPROVED, target=invitation, kind=role, via="operator"
        )
    if send:
        _send_invitation(invitation, token)
    return invitation, token


def may_approve(user: User, invitation: Invitation) -> bool:
    """A second person: staff other than whoever asked, or, for a sponsor, a sponsor
    already in that organization. Never the person the role would go to."""
    if not invitation.grants_role or not user.is_active:
        return False
    if user.pk == invitation.invited_by_id or user.email == invitation.email:
        return False
    roles = roles_of(user)
    if roles.is_staff:
        return True
    return invitation.role == Role.SPONSOR and any(
        o.pk == invitation.organization_id for o in roles.sponsor_organizations
    )


@transaction.atomic
def invitation_approve(
    *, invitation: Invitation, by: User, send: bool = True, request: HttpRequest | None = None
) -> tuple[Invitation, str]:
    """The second person approves a role grant: the link is made and emailed now,
    and works for INVITATION_DAYS from here."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.awaiting_approval:
        raise ValidationError("This invitation is not waiting for approval.")
    if not may_approve(by, invitation):
        raise ValidationError("A role is granted only with a second person's approval.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = token_hash(token)
    invitation.approved_at = now
    invitation.approved_by = by
    invitation.expires_at = now + timedelta(days=settings.INVITATION_DAYS)
    invitation.save(update_fields=["token_hash", "approved_at", "approved_by", "expires_at"])
    audit_record(
        action=AuditAction.ROLE_GRANT_APPROVED,
        actor=by,
        target=invitation,
        request=request,
        kind=invitation.role,
    )
    if send:
        _send_invitation(invitation, token)
    return invitation, token


def invitation_lookup(token: str) -> Invitation | None:
    """The usable invitation for a token, or None (used, expired, revoked, unknown)."""
    if not token or len(token) > 128:
        return None
    invitation = (
        Invitation.objects.select_related("practice", "organization", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


def _membership_for(invitation: Invitation, user: User) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=user,
        role=invitation.role,
        practice=invitation.practice if invitation.role == Role.COACH else None,
        organization=(
            invitation.organization if invitation.role in {Role.COACHEE, Role.SPONSOR} else None
        ),
    )
    return membership


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    name: str,
    password: str,
    time_zone: str = "UTC",
    existing_user: User | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Accept an invitation: create the account (or use the signed-in one whose
    email matches) and the membership; attach any engagement waiting for them."""
    invitation = invitation_lookup(token)
    if invitation is None:
        raise ValidationError("This invitation link is no longer valid.")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError("This invitation link is no longer valid.")
    if existing_user is not None:
        if existing_user.email != invitation.email:
            raise ValidationError("This invitation was sent to a different email address.")
        if existing_user.pk in {invitation.invited_by_id, invitation.approved_by_id}:
            raise ValidationError("Nobody can accept an invitation they made or approved.")
        user = existing_user
    else:
        if User.objects.filter(email=invitation.email).exists():
            raise ValidationError(
                "An account with this email already exists. Sign in first, then open the link."
            )
        name = name.strip()
        if not name:
            raise ValidationError({"name": "Please tell us your name."})
        user = User(email=invitation.email, name=name, time_zone=time_zone or "UTC")
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            raise ValidationError("An account with this email already exists.") from exc
    _membership_for(invitation, user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # What waits on this invitation (an engagement) is attached by its own app.
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    if invitation.grants_role:
        audit_record(
            action=AuditAction.ROLE_GRANTED,
            actor=user,
            target=invitation,
            request=request,
            kind=invitation.role,
        )
    else:
        audit_record(
            action=AuditAction.INVITATION_ACCEPTED, actor=user, target=invitation, request=request
        )
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(action=AuditAction.INVITATION_REVOKED, actor=by, target=invitation)
    return invitation


@transaction.atomic
def calendar_token_reset(*, user: User, request: HttpRequest | None = None) -> str:
    """A new private calendar link; any old one stops working. Only the token's
    hash is kept: the returned token is shown to the person once, never again."""
    token = new_calendar_token()
    user.calendar_token_hash = token_hash(token)
    user.save(update_fields=["calendar_token_hash"])
    audit_record(action=AuditAction.CALENDAR_TOKEN_RESET, actor=user, target=user, request=request)
    return token


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: str,
    practice: Practice | None = None,
    organization: Organization | None = None,
) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=user, role=role, practice=practice, organization=organization
    )
    return membership


@transaction.atomic
def account_update(*, user: User, name: str, time_zone: str) -> User:
    user.name = name.strip()
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["name", "time_zone"])
    return user


@transaction.atomic
def organization_create(*, name: str) -> Organization:
    organization = Organization(name=name.strip())
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def practice_create(*, name: str) -> Practice:
    practice = Practice(name=name.strip())
    practice.full_clean()
    practice.save()
    return practice


@transaction.atomic
def organization_set_companion_model(*, organization: Organization, enabled: bool) -> Organization:
    organization.companion_model_enabled = enabled
    organization.save(update_fields=["companion_model_enabled"])
    return organization


@transaction.atomic
def practice_organization_add(
    *, practice: Practice, organization: Organization, by: User
) -> PracticeOrganization:
    """The practice now works with the organization: its coaches may start
    engagements there."""
    link, created = PracticeOrganization.objects.get_or_create(
        practice=practice, organization=organization
    )
    if created:
        audit_record(
            action=AuditAction.PRACTICE_ORGANIZATION, actor=by, target=practice, kind="added"
        )
    return link


@transaction.atomic
def practice_organization_remove(
    *, practice: Practice, organization: Organization, by: User
) -> None:
    """No new engagements there; engagements already running go on."""
    deleted, _ = PracticeOrganization.objects.filter(
        practice=practice, organization=organization
    ).delete()
    if deleted:
        audit_record(
            action=AuditAction.PRACTICE_ORGANIZATION, actor=by, target=practice, kind="removed"
        )
