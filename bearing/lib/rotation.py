"""Re-encrypt every confidential value under the current key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.apps import apps
from django.db import transaction
from django.db.models import Model

from . import crypto
from .fields import EncryptedTextField, encrypted_fields


def _models_with_encrypted_fields() -> Iterator[tuple[type[Model], list[EncryptedTextField]]]:
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if fields:
            yield model, fields


def keys_in_use() -> Counter[str]:
    """How many stored values each key id protects."""
    counts: Counter[str] = Counter()
    for model, fields in _models_with_encrypted_fields():
        for field in fields:
            for value in (
                model._base_manager.exclude(**{field.attname: ""})
                .values_list(field.attname, flat=True)
                .iterator(chunk_size=2000)
            ):
                if value:
                    counts[crypto.key_id_of(str(value))] += 1
    return counts


def rotate_all(batch_size: int = 500) -> int:
    """Re-encrypt values not under the current key, batch by batch. Returns the count."""
    changed = 0
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
