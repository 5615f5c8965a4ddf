"""Writing to and verifying the audit log. Nothing confidential is ever passed in.

The log is ``BEARING_AUDIT_LANES`` chains ("lanes"), each with its own head row.
A writer locks one lane's head, so audited pages of different people do not
queue behind one row; each lane is still a keyed chain in id order, and a
checkpoint names every lane's head, so alteration, deletion, insertion,
reordering and (against a checkpoint) truncation of any lane are detected. The
order of entries across lanes is given by their times, which are MACed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Mod
from django.http import HttpRequest
from django.utils import timezone

from bearing.lib import ratelimit
from bearing.lib.net import client_ip

from . import chain
from .models import GENESIS, AuditAction, AuditEntry, AuditHead

MAX_LANES = 1024
_ALLOWED_DETAIL_KEYS = {"reason", "field", "path", "version", "status", "kind", "count", "via"}


def email_hash(email: str) -> str:
    """A keyed digest: the same address gives the same value, but nobody without the
    audit key can test guesses against the log."""
    return chain.email_digest(email)


def _denial_limit() -> ratelimit.Limit:
    return ratelimit.Limit("audit-denied", settings.AUDIT_DENIALS_PER_MINUTE, 60)


def audit_lanes() -> int:
    """How many lanes new entries are spread over (``BEARING_AUDIT_LANES``)."""
    lanes = int(settings.AUDIT_LANES)
    if not 1 <= lanes <= MAX_LANES:
        raise ImproperlyConfigured(f"BEARING_AUDIT_LANES must be from 1 to {MAX_LANES}.")
    return lanes


def _free_lane(preferred: int, lanes: int) -> AuditHead | None:
    """Lock the first lane head no other transaction holds, starting from
    ``preferred`` and going round; None if every one is held (or none exists yet).
    A lane this transaction already holds counts as free: a transaction that
    holds a lane never waits for another, so lanes cannot deadlock."""
    going_round = Mod(F("id") + (lanes - preferred), lanes)
    heads = AuditHead.objects.select_for_update(skip_locked=True).filter(id__lte=lanes)
    return heads.order_by(going_round).first()


def _lock_lane(actor_id: int | None) -> AuditHead:
    lanes = audit_lanes()
    preferred = (actor_id or 0) % lanes + 1
    head = _free_lane(preferred, lanes)
    # The actor's lane is held by another writer, or not open yet (a new
    # installation, or more lanes than before): open any that are missing.
    if (head is None or head.id != preferred) and (
        AuditHead.objects.filter(id__lte=lanes).count() < lanes
    ):
        AuditHead.objects.bulk_create(
            [AuditHead(id=n, last_hash=chain.lane_genesis(n)) for n in range(1, lanes + 1)],
            ignore_conflicts=True,
        )
        if head is None:
            head = _free_lane(preferred, lanes)
    if head is None:  # every lane is held: wait for one (this transaction holds none)
        head = AuditHead.objects.select_for_update().get(id=preferred)
    return head


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

    The entry goes to a lane no other transaction holds (the actor's own, when
    free): writers lock one lane's head, never one row for the whole log, and wait
    only when every lane is held at once.

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
        head = _lock_lane(actor_id)
        entry = AuditEntry(
            at=timezone.now(),
            actor_id=actor_id,
            actor_email_hash=email_hash(actor_email),
            action=str(action),
            target_type=str(target_type),
            target_code=str(target_code),  # as stored, so the MAC verifies
            ip_address=client_ip(request),
            detail={k: str(v) for k, v in detail.items()},
            lane=head.id,
            prev_hash=head.last_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        AuditHead.objects.filter(id=head.id).update(last_hash=entry.entry_hash)
    return entry


@dataclass
class LaneHead:
    entry_id: int  # the newest entry of the lane verified (0: none)
    entry_hash: str
    count: int


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""
    last_id: int = 0  # the newest entry verified, in any lane
    last_hash: str = GENESIS  # its MAC
    lane: int | None = None  # the lane that broke
    lanes: dict[int, LaneHead] = field(default_factory=dict)  # every lane verified


class _Broken(Exception):
    def __init__(self, reason: str, entry_id: int | None = None):
        super().__init__(reason)
        self.reason, self.entry_id = reason, entry_id


def _verify_lane(lane: int, batch_size: int, mark: dict[str, Any] | None) -> LaneHead:
    """Walk one lane in id order. Within a lane, ids follow commit order (an entry
    is inserted while its lane's head is locked), so entries appended while we walk
    only ever come after the last one read."""
    entries = AuditEntry.objects.filter(lane=lane)
    prev = chain.lane_genesis(lane)
    checked = last_id = 0
    mark_id = int(mark["entry_id"]) if mark else 0
    passed_mark = not mark_id
    while True:
        rows = list(entries.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            head = AuditHead.objects.filter(id=lane).first()
            if head is None:
                if checked:
                    raise _Broken("the lane's head is missing")
                break  # a lane only the checkpoint names: it was removed
            if head.last_hash == prev:
                break
            if not entries.filter(id__gt=last_id).exists():
                raise _Broken("the newest entries were removed")
            continue  # entries were appended while we walked
        for row in rows:
            if row.prev_hash != prev:
                raise _Broken("previous hash does not match", row.id)
            if row.compute_hash() != row.entry_hash:
                raise _Broken("entry was altered", row.id)
            prev = row.entry_hash
            checked += 1
            last_id = row.id
            if mark and row.id == mark_id:
                if row.entry_hash != mark["entry_hash"] or checked != int(mark["count"]):
                    raise _Broken("differs from the checkpoint", row.id)
                passed_mark = True
    if not passed_mark:
        raise _Broken("entries up to the checkpoint were removed (the log was cut back)")
    return LaneHead(last_id, prev, checked)


def audit_verify_chain(
    batch_size: int = 2000, checkpoint: dict[str, Any] | None = None
) -> ChainReport:
    """Walk every lane from its first entry, recomputing each MAC under the audit key.

    With a ``checkpoint`` (see ``audit_checkpoint``) the entry it names in each lane
    must still be there, with the same MAC and the same number of entries up to it:
    cutting off the newest rows of any lane and rewinding its head is then detected
    too. A checkpoint written before there were lanes names lane 1.
    """
    if checkpoint is not None and not chain.checkpoint_valid(checkpoint):
        return ChainReport(False, 0, None, "the checkpoint's signature does not match")
    marks = chain.checkpoint_lanes(checkpoint) if checkpoint is not None else {}
    lanes = set(AuditHead.objects.values_list("id", flat=True))
    lanes |= set(AuditEntry.objects.order_by().values_list("lane", flat=True).distinct())
    lanes |= {lane for lane, mark in marks.items() if int(mark["count"])}
    heads: dict[int, LaneHead] = {}
    checked = 0
    for lane in sorted(lanes):
        try:
            heads[lane] = _verify_lane(lane, batch_size, marks.get(lane))
        except _Broken as broken:
            return ChainReport(False, checked, broken.entry_id, broken.reason, lane=lane)
        checked += heads[lane].count
    newest = max(heads.values(), key=lambda head: head.entry_id, default=LaneHead(0, GENESIS, 0))
    return ChainReport(
        True, checked, last_id=newest.entry_id, last_hash=newest.entry_hash, lanes=heads
    )


def audit_checkpoint() -> dict[str, Any]:
    """A signed statement of every lane's head: its id, MAC and the number of
    entries in the lane. Kept outside the database, it lets ``audit_verify
    --checkpoint`` see truncation of any lane."""
    report = audit_verify_chain()
    if not report.ok:
        raise ValueError(f"The audit chain does not verify: {report.reason}")
    return chain.checkpoint_sign(
        {
            "version": 2,
            "lanes": {
                str(lane): {"entry_id": h.entry_id, "entry_hash": h.entry_hash, "count": h.count}
                for lane, h in sorted(report.lanes.items())
                if h.count
            },
            "count": report.checked,
            "created_at": timezone.now().isoformat(timespec="seconds"),
        }
    )
