"""Writing to and verifying the audit log. Nothing confidential is ever passed in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from bearing.lib import ratelimit
from bearing.lib.net import client_ip

from . import chain
from .models import GENESIS, AuditAction, AuditEntry, AuditHead

_ALLOWED_DETAIL_KEYS = {"reason", "field", "path", "version", "status", "kind", "count", "via"}


def email_hash(email: str) -> str:
    """A keyed digest: the same address gives the same value, but nobody without the
    audit key can test guesses against the log."""
    return chain.email_digest(email)


def _denial_limit() -> ratelimit.Limit:
    return ratelimit.Limit("audit-denied", settings.AUDIT_DENIALS_PER_MINUTE, 60)


def audit_record(
    *,
    action: AuditAction | str,
    actor: AbstractBaseUser | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_code: str = "",
    request: HttpRequest | None = None,
    email: str = "",
    **detail: object,
) -> AuditEntry | None:
    """Append one entry. ``detail`` takes only short, non-confidential keys.

    Denied access is recorded at most AUDIT_DENIALS_PER_MINUTE times per person a
    minute, then once more as a summary, then not until the minute is over: a
    person probing URLs cannot flood the log. Returns None when nothing is written.
    """
    unknown = set(detail) - _ALLOWED_DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit detail keys not allowed: {sorted(unknown)}")
    if str(action) == AuditAction.DENIED and actor is not None:
        limit = _denial_limit()
        seen = ratelimit.hit(limit, str(actor.pk))
        if seen > limit.count + 1:
            return None
        if seen == limit.count + 1:
            target, target_type, target_code = None, "", ""
            detail = {"kind": "rate_limited", "count": limit.count}
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
            target_type=str(target_type),
            target_code=str(target_code),  # as stored, so the MAC verifies
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
    last_id: int = 0  # the newest entry verified
    last_hash: str = GENESIS


def audit_verify_chain(
    batch_size: int = 2000, checkpoint: dict[str, Any] | None = None
) -> ChainReport:
    """Walk the chain from the first entry, recomputing each MAC under the audit key.

    With a ``checkpoint`` (see ``audit_checkpoint``) the entry it names must still be
    there, with the same MAC and the same number of entries up to it: cutting off
    the newest rows and rewinding the head is then detected too.
    """
    if checkpoint is not None and not chain.checkpoint_valid(checkpoint):
        return ChainReport(False, 0, None, "the checkpoint's signature does not match")
    mark = int(checkpoint["entry_id"]) if checkpoint else None
    prev = GENESIS
    checked = 0
    last_id = 0
    passed_mark = mark == 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            head = AuditHead.objects.filter(id=1).first()
            if head is None or head.last_hash == prev:
                break
            if not AuditEntry.objects.filter(id__gt=last_id).exists():
                return ChainReport(False, checked, None, "the newest entries were removed")
            continue  # entries were appended while we walked
        for row in rows:
            if row.prev_hash != prev:
                return ChainReport(False, checked, row.id, "previous hash does not match")
            if row.compute_hash() != row.entry_hash:
                return ChainReport(False, checked, row.id, "entry was altered")
            prev = row.entry_hash
            checked += 1
            last_id = row.id
            if row.id == mark and checkpoint is not None:
                if row.entry_hash != checkpoint["entry_hash"] or checked != checkpoint["count"]:
                    return ChainReport(False, checked, row.id, "differs from the checkpoint")
                passed_mark = True
    if mark is not None and not passed_mark:
        return ChainReport(
            False, checked, None, "entries up to the checkpoint were removed (the log was cut back)"
        )
    return ChainReport(True, checked, last_id=last_id, last_hash=prev)


def audit_checkpoint() -> dict[str, Any]:
    """A signed statement of the head: its id, MAC and the number of entries. Kept
    outside the database, it lets ``audit_verify --checkpoint`` see truncation."""
    report = audit_verify_chain()
    if not report.ok:
        raise ValueError(f"The audit chain does not verify: {report.reason}")
    return chain.checkpoint_sign(
        {
            "version": 1,
            "entry_id": report.last_id,
            "entry_hash": report.last_hash,
            "count": report.checked,
            "created_at": timezone.now().isoformat(timespec="seconds"),
        }
    )
