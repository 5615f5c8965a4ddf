from typing import Any

from django.db import models
from django.utils import timezone

from . import chain


class AuditAction(models.TextChoices):
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Login failed"
    LOGOUT = "logout", "Logged out"
    READ = "read", "Read a confidential record"
    DENIED = "denied", "Access denied"
    CONSENT = "consent", "Consent changed"
    EXPORT = "export", "Exported"
    INVITATION_ACCEPTED = "invitation_accepted", "Accepted an invitation"
    INVITATION_REVOKED = "invitation_revoked", "Revoked an invitation"
    PASSWORD_RESET = "password_reset", "Password reset"
    CALENDAR_TOKEN_RESET = "calendar_token_reset", "Calendar link replaced"
    KEY_ROTATION = "key_rotation", "Encryption key rotated"
    PRACTICE_ORGANIZATION = "practice_organization", "Organizations a practice works with changed"
    ROLE_GRANT_REQUESTED = "role_grant_requested", "Asked for a role to be granted"
    ROLE_GRANT_APPROVED = "role_grant_approved", "Approved a role grant"
    ROLE_GRANTED = "role_granted", "Role granted"
    CHAIN_KEYED = "chain_keyed", "Audit chain keyed"
    SECOND_FACTOR_OK = "second_factor_ok", "Second factor accepted"
    SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor refused"
    FACTOR_ADDED = "factor_added", "Second factor added"
    FACTOR_REMOVED = "factor_removed", "Second factor removed"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    RECOVERY_CODES_MADE = "recovery_codes_made", "New recovery codes made"
    REAUTHENTICATED = "reauthenticated", "Confirmed it was them again"
    SESSION_ENDED = "session_ended", "Sign-in ended"
    ERASURE_REQUESTED = "erasure_requested", "Asked for their data to be erased"
    ERASURE_CANCELLED = "erasure_cancelled", "Cancelled an erasure"
    ERASED = "erased", "A person's data erased"
    RECORDS_DISPOSED = "records_disposed", "An engagement's records disposed of"


GENESIS = chain.GENESIS


class AuditEntry(models.Model):
    """Append-only. Each row carries the MAC of the one before it in its lane (keyed:
    see ``chain``); never the content. ``actor_email_hash`` is a keyed digest.

    The actor is kept as plain ids (not a foreign key) so that the chain does not
    change when an account is erased.

    ``lane`` is not part of the MAC (entries written before lanes verify unchanged)
    and need not be: an entry moved to another lane no longer links in either, as
    each lane starts from its own keyed genesis value.
    """

    at = models.DateTimeField(default=timezone.now)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_email_hash = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    target_type = models.CharField(max_length=64, blank=True)
    target_code = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    lane = models.PositiveSmallIntegerField(default=1)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["target_type", "target_code"], name="audit_target_idx"),
            models.Index(fields=["lane", "id"], name="audit_lane_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries are append-only")

    def canonical(self) -> bytes:
        return chain.canonical(
            {
                "at": self.at.isoformat(),
                "actor_id": self.actor_id,
                "actor_email_hash": self.actor_email_hash,
                "action": self.action,
                "target_type": self.target_type,
                "target_code": self.target_code,
                "ip_address": self.ip_address,
                "detail": self.detail,
                "prev_hash": self.prev_hash,
            }
        )

    def compute_hash(self) -> str:
        return chain.entry_mac(self.canonical())


class AuditHead(models.Model):
    """The head of one lane (its id is the lane's number, from 1): locked while an
    entry is appended to that lane, so each lane stays one chain while writers in
    other lanes go ahead. Lane 1 is the chain as it was before there were lanes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id__gte=1), name="audit_head_lane")
        ]

    def __str__(self):
        return f"audit lane {self.id} head {self.last_hash[:12]}"
