"""The audit log's key and what is computed with it.

Each entry's MAC is HMAC-SHA256 over the entry (with the MAC of the one before
it), under a key kept apart from the database and from ``SECRET_KEY``: someone who
can write to the database but does not hold the key cannot delete rows and
recompute the chain. Email addresses are stored only as keyed digests, so the
log cannot be searched with a list of guessed addresses. A checkpoint (each
lane's head: id, MAC and count, itself signed) kept outside the database shows
when the newest rows of any lane have been cut off.

The log is several chains ("lanes", see ``services``). Each lane starts from its
own keyed genesis value (lane 1 from the all-zero one the single chain always
had, so entries written before lanes still verify unchanged): an entry copied
from one lane into another never links there, and a lane cannot be relabelled.

The key comes from ``settings.AUDIT_KEY`` (``BEARING_AUDIT_KEY``, base64 of 32
bytes or more) or, on a developer's machine, from a key file created on first use,
as the encryption keys do. Separate subkeys are derived for each use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS = "0" * 64


def generate_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _key_text() -> str:
    if settings.AUDIT_KEY:
        return settings.AUDIT_KEY
    path = settings.AUDIT_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(generate_key() + "\n")
    return path.read_text()


def parse_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("The audit key must be base64 (audit_keygen).") from exc
    if len(raw) < 32:
        raise ImproperlyConfigured("The audit key must be at least 32 bytes.")
    return raw


@lru_cache(maxsize=1)
def audit_key() -> bytes:
    return parse_key(_key_text())


def reset_audit_key() -> None:
    audit_key.cache_clear()
    _subkey.cache_clear()


@lru_cache(maxsize=8)
def _subkey(purpose: str) -> bytes:
    return hmac.new(audit_key(), b"bearing-audit/" + purpose.encode(), hashlib.sha256).digest()


def _mac(purpose: str, data: bytes) -> str:
    return hmac.new(_subkey(purpose), data, hashlib.sha256).hexdigest()


def canonical(fields: dict) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def entry_mac(canonical_bytes: bytes) -> str:
    return _mac("chain", canonical_bytes)


def lane_genesis(lane: int) -> str:
    """The value the first entry of ``lane`` links to: the all-zero one for lane 1
    (the chain as it was before lanes), a keyed value of its own for every other."""
    if lane < 1:
        raise ValueError(f"audit lanes are numbered from 1, not {lane}")
    return GENESIS if lane == 1 else _mac("lane", str(lane).encode())


def unsalted_email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest() if email else ""


def salt_email_digest(digest: str) -> str:
    """The keyed form of an (unsalted) email digest; also how rows written before the
    log was keyed are converted."""
    return _mac("email", digest.encode()) if digest else ""


def email_digest(email: str) -> str:
    return salt_email_digest(unsalted_email_digest(email))


# --- Checkpoints --------------------------------------------------------------------

# Version 1 named the head of the single chain; version 2 names every lane's head
# ({"<lane>": {"entry_id", "entry_hash", "count"}}) and the total count.
CHECKPOINT_FIELDS = {
    1: ("version", "entry_id", "entry_hash", "count", "created_at"),
    2: ("version", "lanes", "count", "created_at"),
}


def _checkpoint_fields(document: dict) -> tuple[str, ...] | None:
    version = document.get("version") if isinstance(document, dict) else None
    if type(version) is not int:
        return None
    fields = CHECKPOINT_FIELDS.get(version)
    if fields is None or not all(k in document for k in fields):
        return None
    return fields


def checkpoint_sign(body: dict) -> dict:
    fields = _checkpoint_fields(body)
    if fields is None:
        raise ValueError("not a checkpoint body")
    signed = {k: body[k] for k in fields}
    signed["mac"] = _mac("checkpoint", canonical(signed))
    return signed


def checkpoint_valid(document: dict) -> bool:
    fields = _checkpoint_fields(document)
    if fields is None:
        return False
    expected = _mac("checkpoint", canonical({k: document[k] for k in fields}))
    return hmac.compare_digest(expected, str(document.get("mac", "")))


def checkpoint_lanes(document: dict) -> dict[int, dict]:
    """What a valid checkpoint says each lane held: {lane: {entry_id, entry_hash,
    count}}. A version 1 checkpoint predates lanes: its chain is lane 1."""
    if document["version"] == 1:
        return {1: {k: document[k] for k in ("entry_id", "entry_hash", "count")}}
    return {int(lane): dict(head) for lane, head in document["lanes"].items()}
