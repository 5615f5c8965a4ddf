"""The audit log's key and what is computed with it.

Each entry's MAC is HMAC-SHA256 over the entry (with the MAC of the one before
it), under a key kept apart from the database and from ``SECRET_KEY``: someone who
can write to the database but does not hold the key cannot delete rows and
recompute the chain. Email addresses are stored only as keyed digests, so the
log cannot be searched with a list of guessed addresses. A checkpoint (the head's
id and MAC, itself signed) kept outside the database shows when the newest rows
have been cut off.

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


def unsalted_email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest() if email else ""


def salt_email_digest(digest: str) -> str:
    """The keyed form of an (unsalted) email digest; also how rows written before the
    log was keyed are converted."""
    return _mac("email", digest.encode()) if digest else ""


def email_digest(email: str) -> str:
    return salt_email_digest(unsalted_email_digest(email))


# --- Checkpoints --------------------------------------------------------------------

CHECKPOINT_FIELDS = ("version", "entry_id", "entry_hash", "count", "created_at")


def checkpoint_sign(body: dict) -> dict:
    signed = {k: body[k] for k in CHECKPOINT_FIELDS}
    signed["mac"] = _mac("checkpoint", canonical(signed))
    return signed


def checkpoint_valid(document: dict) -> bool:
    if not isinstance(document, dict) or not all(k in document for k in CHECKPOINT_FIELDS):
        return False
    expected = _mac("checkpoint", canonical({k: document[k] for k in CHECKPOINT_FIELDS}))
    return hmac.compare_digest(expected, str(document.get("mac", "")))
