"""Per-person and per-engagement data keys, wrapped by the installation keys.

Every confidential value is encrypted under the data key of the scope it belongs to:

- a record that hangs off an engagement (its declaration names the ``engagement``
  path): ``engagement:<engagement code>``; so when the engagement's records reach
  the end of the period its agreement keeps them, one key is destroyed;
- any other record: ``person:<user id>`` of its declared ``owner``.

A person's erasure destroys their own key and the keys of the engagements in which
they are the coachee. The keys live in ``lib.DataKey``, wrapped (encrypted) under
the current installation key; backups leave them out (see ``bearing.lib.backup``).

Unwrapped keys are cached in the process for a few minutes, so a page that shows
many rows pays one query per key at most once per process and interval.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, models, transaction

from . import crypto, policy

# How long an unwrapped key is trusted before it is read again (a key destroyed by
# another process stops working here within this time; the rows it protected are
# already gone from the live database by then).
CACHE_SECONDS = 300.0

# How long this process trusts that a scope's key still exists before asking again (a
# key destroyed elsewhere is then no longer used for new text; its scope's rows are gone).
SCOPE_SECONDS = 60.0

_cache: dict[str, tuple[bytes, float]] = {}
_scopes: dict[str, tuple[str, float]] = {}  # scope -> (kid, when it was looked up)
_lock = threading.Lock()


def _model() -> type[models.Model]:
    return apps.get_model("lib", "DataKey")


def _wrap_aad(kid: str) -> str:
    return f"lib.datakey.{kid}"


def _unwrap(kid: str, wrapped: str) -> bytes:
    return base64.urlsafe_b64decode(crypto.decrypt(wrapped, _wrap_aad(kid)).encode())


def _remember(kid: str, key: bytes) -> bytes:
    with _lock:
        _cache[kid] = (key, time.monotonic())
    return key


def forget_all() -> None:
    """Drop every unwrapped key from this process (after a key change)."""
    with _lock:
        _cache.clear()
        _scopes.clear()


def forget_scopes() -> None:
    """Forget which key each scope uses (the keys themselves stay): the next write of
    each scope asks the database again."""
    with _lock:
        _scopes.clear()


def _forget(kids: Iterable[str]) -> None:
    gone = set(kids)
    with _lock:
        for kid in gone:
            _cache.pop(kid, None)
        for scope in [s for s, (kid, _) in _scopes.items() if kid in gone]:
            del _scopes[scope]


# --- Which key a row uses --------------------------------------------------------------


def person_scope(user_id: int) -> str:
    return f"person:{user_id}"


def engagement_scope(engagement_code: object) -> str:
    return f"engagement:{engagement_code}"


def _walk(instance: models.Model, path: str) -> models.Model | None:
    obj: models.Model | None = instance
    for part in path.split("__") if path else ():
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _last_id(instance: models.Model, path: str) -> object:
    """The id a path ends on, without fetching its last row (``user`` -> user_id)."""
    head, _, last = path.rpartition("__")
    obj = _walk(instance, head)
    if obj is None:
        return None
    field = obj._meta.get_field(last)
    attname = getattr(field, "attname", last)  # a foreign key's "<name>_id"
    return getattr(obj, attname)


def scope_of(instance: models.Model) -> str:
    """The data key scope of a row, from its record kind's declaration."""
    kind = policy.kind_of(type(instance))
    if kind is None:
        raise ImproperlyConfigured(
            f"{instance._meta.label} holds encrypted fields but declares no record kind"
        )
    if kind.engagement is not None:
        engagement = _walk(instance, kind.engagement)
        code = getattr(engagement, "code", None)
        if code is None:
            raise ValueError(f"{instance._meta.label} needs its engagement to encrypt")
        if getattr(engagement, "records_disposed_at", None) is not None:
            # Its key is destroyed: text written now would never open again.
            raise ValidationError(
                "This engagement's records were disposed of at the end of the period its "
                "agreement kept them; nothing more can be written to it."
            )
        return engagement_scope(code)
    owner = _last_id(instance, kind.owner)
    if owner is None:
        raise ValueError(f"{instance._meta.label} needs its owner to encrypt")
    return person_scope(int(str(owner)))


# --- Keys --------------------------------------------------------------------------------


def key_for_scope(scope: str) -> tuple[str, bytes]:
    """The data key (id, key) of a scope, made on first use. Writing many rows of one
    scope (a seed, a migration) asks the database once a minute, not once a row."""
    with _lock:
        known = _scopes.get(scope)
    if known is not None and time.monotonic() - known[1] <= SCOPE_SECONDS:
        key = _cached(known[0])
        if key is not None:
            return known[0], key
    kid, key = _key_for_scope(scope)
    # Remembered only once committed: a key made in a transaction that rolls back is
    # gone, and text sealed under it later would never open again.
    transaction.on_commit(lambda: _remember_scope(scope, kid))
    return kid, key


def _remember_scope(scope: str, kid: str) -> None:
    with _lock:
        _scopes[scope] = (kid, time.monotonic())


def _key_for_scope(scope: str) -> tuple[str, bytes]:
    DataKey = _model()
    row = DataKey._default_manager.filter(scope=scope).values_list("kid", "wrapped").first()
    if row is None:
        kid = "d" + secrets.token_hex(8)
        key = crypto.new_raw_key()
        wrapped = crypto.encrypt(base64.urlsafe_b64encode(key).decode(), _wrap_aad(kid))
        try:
            with transaction.atomic():
                DataKey._default_manager.create(kid=kid, scope=scope, wrapped=wrapped)
        except IntegrityError:
            # Another writer made this scope's key first: use theirs.
            row = DataKey._default_manager.filter(scope=scope).values_list("kid", "wrapped").get()
        else:
            return kid, _remember(kid, key)
    kid, wrapped = row
    cached = _cached(kid)
    return kid, cached if cached is not None else _remember(kid, _unwrap(kid, wrapped))


def _cached(kid: str) -> bytes | None:
    with _lock:
        hit = _cache.get(kid)
    if hit is None or time.monotonic() - hit[1] > CACHE_SECONDS:
        return None
    return hit[0]


def key_by_id(kid: str) -> bytes:
    """The data key a ciphertext names; DecryptionError once it was destroyed."""
    cached = _cached(kid)
    if cached is not None:
        return cached
    wrapped = _model()._default_manager.filter(kid=kid).values_list("wrapped", flat=True).first()
    if wrapped is None:
        _forget([kid])
        raise crypto.DecryptionError(f"data key {kid!r} does not exist (erased or disposed of)")
    return _remember(kid, _unwrap(kid, wrapped))


def seal(instance: models.Model, plaintext: str, aad: str) -> str:
    """Encrypt a row's value under its scope's data key."""
    kid, key = key_for_scope(scope_of(instance))
    return crypto.encrypt_with_data_key(kid, key, plaintext, aad)


def destroy(scopes: Iterable[str]) -> int:
    """Destroy the data keys of these scopes: whatever they protected, here or in any
    backup, can no longer be read. Returns how many keys were destroyed."""
    DataKey = _model()
    rows = DataKey._default_manager.filter(scope__in=list(scopes))
    kids = list(rows.values_list("kid", flat=True))
    deleted, _ = rows.delete()
    _forget(kids)
    return deleted


def scopes_exist(scopes: Iterable[str]) -> set[str]:
    return set(
        _model()._default_manager.filter(scope__in=list(scopes)).values_list("scope", flat=True)
    )


def rewrap_all() -> int:
    """Wrap every data key under the current installation key. Returns the count."""
    DataKey = _model()
    current = crypto.keyring().current_id
    changed = 0
    for row in DataKey._default_manager.order_by("pk").iterator(chunk_size=500):
        if crypto.key_id_of(row.wrapped) == current:  # type: ignore[attr-defined]
            continue
        kid = row.kid  # type: ignore[attr-defined]
        key = _unwrap(kid, row.wrapped)  # type: ignore[attr-defined]
        DataKey._default_manager.filter(pk=row.pk).update(
            wrapped=crypto.encrypt(base64.urlsafe_b64encode(key).decode(), _wrap_aad(kid))
        )
        changed += 1
    return changed


def wrapping_key_ids() -> dict[str, str]:
    """Each data key's id -> the installation key id it is wrapped under."""
    return {
        kid: crypto.key_id_of(wrapped)
        for kid, wrapped in _model()._default_manager.values_list("kid", "wrapped")
    }


crypto.data_key_lookup = key_by_id
crypto.on_reset.append(forget_all)
