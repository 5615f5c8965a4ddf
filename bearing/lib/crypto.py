"""AES-256-GCM encryption of confidential text at rest.

A stored value looks like ``bx2$<data key id>$<nonce b64>$<ciphertext b64>``: it is
encrypted under a person's or an engagement's data key (``bearing.lib.datakeys``),
which is itself kept wrapped by the installation keys. ``bx1$<key id>$...`` is a
value encrypted directly under an installation key (data keys themselves, and
values written before data keys existed; ``rotate_encryption`` moves those). The
associated data binds each ciphertext to its model, field and row (the row's
``code``), so a value copied to another row or field does not decrypt.

Keys come from ``settings.ENCRYPTION_KEYS`` ("kid:base64,kid:base64"; the first
encrypts, all decrypt) or, on a developer's machine, from a key file that is
created on first use. They are never derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "bx1"  # under an installation key
DATA_PREFIX = "bx2"  # under a data key
PREFIXES = (PREFIX, DATA_PREFIX)
_KID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class DecryptionError(Exception):
    """A stored value could not be decrypted (wrong row, wrong key, or tampered)."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]


def generate_key() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def new_key_id() -> str:
    return "k" + secrets.token_hex(4)


def parse_keys(spec: str) -> Keyring:
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in (p.strip() for p in spec.replace("\n", ",").split(",")):
        if not part:
            continue
        kid, sep, b64 = part.partition(":")
        if not sep or not _KID_RE.match(kid):
            raise ImproperlyConfigured("Encryption keys look like 'kid:base64key,kid2:base64key'.")
        raw = base64.urlsafe_b64decode(b64.encode())
        if len(raw) != 32:
            raise ImproperlyConfigured(f"Encryption key {kid!r} must be 32 bytes (AES-256).")
        if kid in keys:
            raise ImproperlyConfigured(f"Encryption key id {kid!r} appears twice.")
        keys[kid] = raw
        order.append(kid)
    if not order:
        raise ImproperlyConfigured("No encryption key is configured.")
    return Keyring(current_id=order[0], keys=keys)


def _key_spec() -> str:
    if settings.ENCRYPTION_KEYS:
        return settings.ENCRYPTION_KEYS
    path = settings.ENCRYPTION_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{new_key_id()}:{generate_key()}\n")
    return path.read_text()


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    return parse_keys(_key_spec())


# Called when the installation keys change (data keys unwrapped under them are dropped).
on_reset: list[Callable[[], None]] = []


def reset_keyring() -> None:
    keyring.cache_clear()
    for hook in on_reset:
        hook()


def new_raw_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def is_ciphertext(value: object) -> bool:
    return isinstance(value, str) and value.split("$", 1)[0] in PREFIXES and "$" in value


def encrypt(plaintext: str, aad: str) -> str:
    ring = keyring()
    nonce = os.urandom(12)
    ct = AESGCM(ring.keys[ring.current_id]).encrypt(nonce, plaintext.encode(), aad.encode())
    b64 = base64.urlsafe_b64encode
    return f"{PREFIX}${ring.current_id}${b64(nonce).decode()}${b64(ct).decode()}"


def encrypt_with_data_key(kid: str, key: bytes, plaintext: str, aad: str) -> str:
    nonce = os.urandom(12)
    ct = AESGCM(key).encrypt(nonce, plaintext.encode(), aad.encode())
    b64 = base64.urlsafe_b64encode
    return f"{DATA_PREFIX}${kid}${b64(nonce).decode()}${b64(ct).decode()}"


def key_id_of(stored: str) -> str:
    """The key a stored value names: an installation key id (bx1) or a data key id (bx2)."""
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] not in PREFIXES:
        raise DecryptionError("not an encrypted value")
    return parts[1]


def is_under_data_key(stored: str) -> bool:
    return stored.startswith(DATA_PREFIX + "$")


# Finds a data key by its id (set by bearing.lib.datakeys, which reads the database).
data_key_lookup: Callable[[str], bytes] | None = None


def decrypt(stored: str, aad: str) -> str:
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] not in PREFIXES:
        raise DecryptionError("not an encrypted value")
    prefix, kid, nonce_b64, ct_b64 = parts
    if prefix == DATA_PREFIX:
        if data_key_lookup is None:
            raise DecryptionError("data keys are not available")
        key = data_key_lookup(kid)
    else:
        found = keyring().keys.get(kid)
        if found is None:
            raise DecryptionError(f"unknown key id {kid!r}")
        key = found
    try:
        plain = AESGCM(key).decrypt(
            base64.urlsafe_b64decode(nonce_b64), base64.urlsafe_b64decode(ct_b64), aad.encode()
        )
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("value does not decrypt for this row and field") from exc
    return plain.decode()
