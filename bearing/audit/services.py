"""Writing to and verifying the audit log. Nothing confidential is ever passed in."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bearing.lib.net import client_ip

from .models import GENESIS, AuditAction, AuditEntry, AuditHead

_ALLOWED_DETAIL_KEYS = {"reason", "field", "path", "version", "status", "kind", "count", "via"}


def email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest() if email else ""


def audit_record(
    *,
    action: AuditAction | str,
    actor=None,
    target=None,
    target_type: str = "",
    target_code: str = "",
    request=None,
    email: str = "",
    **detail,
) -> AuditEntry:
    """Append one entry. ``detail`` takes only short, non-confidential keys."""
    unknown = set(detail) - _ALLOWED_DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit detail keys not allowed: {sorted(unknown)}")
    if target is not None:
        target_type = target._meta.label_lower
        target_code = str(getattr(target, "code", target.pk))
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_email = getattr(actor, "email", "") if actor is not None else email
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        entry = AuditEntry(
            at=timezone.now(),
            actor_id=actor_id,
            actor_email_hash=email_hash(actor_email),
            action=str(action),
            target_type=target_type,
            target_code=target_code,
            ip_address=client_ip(request),
            detail={k: str(v) for k, v in detail.items()},
            prev_hash=head.last_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        AuditHead.objects.filter(id=1).update(last_hash=entry.entry_hash)
    return entry


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""


def audit_verify_chain(batch_size: int = 2000) -> ChainReport:
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev:
                return ChainReport(False, checked, row.id, "previous hash does not match")
            if row.compute_hash() != row.entry_hash:
                return ChainReport(False, checked, row.id, "entry was altered")
            prev = row.entry_hash
            checked += 1
            last_id = row.id
    head = AuditHead.objects.filter(id=1).first()
    if head and head.last_hash != prev:
        return ChainReport(False, checked, None, "the newest entries were removed")
    return ChainReport(True, checked)
