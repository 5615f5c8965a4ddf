"""Rotate the installation keys: re-wrap every data key under the current one, and
move any value still written directly under an installation key to its data key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.apps import apps
from django.db import transaction
from django.db.models import Model

from . import crypto, datakeys
from .fields import EncryptedTextField, encrypted_fields


def _models_with_encrypted_fields() -> Iterator[tuple[type[Model], list[EncryptedTextField]]]:
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if fields:
            yield model, fields


def keys_in_use() -> Counter[str]:
    """How many stored values each installation key id protects: directly (values
    from before data keys) or through the data key they are under."""
    wrapping = datakeys.wrapping_key_ids()
    counts: Counter[str] = Counter()
    for model, fields in _models_with_encrypted_fields():
        for field in fields:
            for value in (
                model._base_manager.exclude(**{field.attname: ""})
                .values_list(field.attname, flat=True)
                .iterator(chunk_size=2000)
            ):
                if value:
                    kid = crypto.key_id_of(str(value))
                    counts[wrapping.get(kid, kid) if crypto.is_under_data_key(value) else kid] += 1
    return counts


def values_not_under_data_keys() -> int:
    """Values still encrypted directly under an installation key: an erasure cannot
    reach them in backups until ``rotate_encryption`` moves them."""
    count = 0
    for model, fields in _models_with_encrypted_fields():
        for field in fields:
            count += model._base_manager.filter(**{f"{field.attname}__startswith": "bx1$"}).count()
    return count


def rotate_all(batch_size: int = 500) -> int:
    """Re-wrap data keys under the current key and move values still directly under an
    installation key to their data keys, batch by batch. Returns the count."""
    changed = datakeys.rewrap_all()
    for model, fields in _models_with_encrypted_fields():
        last_pk = 0
        while True:
            with transaction.atomic():
                rows = list(
                    model._base_manager.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")[:batch_size]
                )
                if not rows:
                    break
                for row in rows:
                    touched = [f.attname for f in fields if f.reencrypt(row)]
                    if touched:
                        row.save(update_fields=touched)
                        changed += len(touched)
                last_pk = rows[-1].pk
    return changed
