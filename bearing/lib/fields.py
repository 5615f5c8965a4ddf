"""EncryptedTextField: confidential free text, encrypted per row and field.

The database only ever sees ciphertext, encrypted under the data key of the
person or engagement the row belongs to (``bearing.lib.datakeys``, chosen from the
record kind's declaration). On load the value stays sealed until the
attribute is read, then it is decrypted with the row's ``code`` as associated
data. Writing through ``QuerySet.update()`` with plain text is refused, so no
code path can store plaintext by accident.

EncryptedJSONField does the same for structured state (a dict or a list): the
JSON text is encrypted as a whole, bound to the same row and field.

``encrypt_rows`` and ``decrypt_rows`` are for data migrations that turn a
plaintext column into an encrypted one (and back).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.query_utils import DeferredAttribute

from . import crypto, datakeys


class Sealed(str):
    """A ciphertext as loaded from the database, not yet decrypted."""

    __slots__ = ()


class _Encrypted(str):
    """A ciphertext produced by pre_save, cleared for the database."""

    __slots__ = ()


def associated_data(instance: models.Model, field_name: str) -> str:
    code = getattr(instance, "code", None)
    if code is None:
        raise ValueError(f"{type(instance).__name__} needs a code to encrypt {field_name}")
    return f"{instance._meta.label_lower}.{field_name}.{code}"


RAW_SAVE_FLAG = "_bearing_raw_save"


def mark_raw_save(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any
) -> None:
    """pre_save: loaddata saves 'raw', reading attributes instead of pre_save()."""
    if raw and encrypted_fields(sender):
        instance.__dict__[RAW_SAVE_FLAG] = True


def clear_raw_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    instance.__dict__.pop(RAW_SAVE_FLAG, None)


class EncryptedDescriptor(DeferredAttribute):
    field: EncryptedTextField

    """A data descriptor (it defines __set__), so every read passes through
    __get__ and a sealed value is decrypted on first use."""

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance: models.Model | None, cls: type | None = None) -> Any:
        value = super().__get__(instance, cls)
        if instance is None:
            return self
        if isinstance(value, Sealed) and instance.__dict__.get(RAW_SAVE_FLAG):
            return value  # a raw save (loaddata) stores the ciphertext as it came
        if isinstance(value, Sealed):
            plain = crypto.decrypt(str(value), associated_data(instance, self.field.name))
            value = self.field.from_plaintext(plain)
            instance.__dict__[self.field.attname] = value
        return value


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]  # Any in, Any out
    descriptor_class = EncryptedDescriptor

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if not self.blank:
            kwargs["blank"] = False  # __init__ would otherwise make it True again
        return name, path, args, kwargs

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return "" if value == "" else value
        return Sealed(value)

    def to_plaintext(self, value: Any) -> str:
        return str(value)

    def from_plaintext(self, plain: str) -> Any:
        return plain

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        raw = model_instance.__dict__.get(self.attname)
        if raw is None:
            return None
        if isinstance(raw, Sealed):
            # Not touched since load: keep the stored ciphertext as it is.
            return _Encrypted(raw)
        if raw == "":
            return ""
        return _Encrypted(
            datakeys.seal(
                model_instance, self.to_plaintext(raw), associated_data(model_instance, self.name)
            )
        )

    def get_prep_value(self, value: Any) -> str | None:
        if value is None or value == "" or isinstance(value, _Encrypted | Sealed):
            return None if value is None else str(value)
        raise ValueError(
            f"{self.model.__name__}.{self.name} is encrypted: save it through the model, "
            "not QuerySet.update()"
        )

    def to_python(self, value: Any) -> Any:
        # A ciphertext coming back from a dump (loaddata) stays sealed as it is.
        if isinstance(value, str) and not isinstance(value, Sealed) and crypto.is_ciphertext(value):
            return Sealed(value)
        return super().to_python(value)

    def value_to_string(self, obj: models.Model) -> str:
        # Serialisation (dumpdata) never emits plaintext: the stored ciphertext,
        # or a fresh one bound to the same row and field.
        raw = obj.__dict__.get(self.attname)
        if raw is None or raw == "":
            return ""
        if isinstance(raw, Sealed):
            return str(raw)
        return datakeys.seal(obj, self.to_plaintext(raw), associated_data(obj, self.name))

    def reencrypt(self, instance: models.Model) -> bool:
        """Move a value written directly under an installation key (before data keys)
        to its data key. True if the row changed. (Values under a data key stay as
        they are: rotating the installation keys re-wraps the data keys instead.)"""
        raw = instance.__dict__.get(self.attname)
        if not isinstance(raw, Sealed) or not raw:
            return False
        if crypto.is_under_data_key(str(raw)):
            return False
        instance.__dict__[self.attname] = getattr(instance, self.attname)
        return True


class EncryptedJSONField(EncryptedTextField):
    """A dict or list, stored as encrypted JSON text. Empty containers are
    encrypted too, so the column never holds plaintext; it cannot be queried
    by key (decrypt in Python instead)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def to_plaintext(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def from_plaintext(self, plain: str) -> Any:
        return json.loads(plain)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, Sealed):
            if crypto.is_ciphertext(value):
                return Sealed(value)
            return json.loads(value) if value else self.get_default()
        return value


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


class EncryptedConstraintsMixin:
    """For a model with a check constraint on an encrypted field: Django checks
    constraints in ``full_clean()`` by sending the values in a query, which would
    put the plaintext in SQL (the field refuses). Such constraints are left to the
    database, which checks the ciphertext; the model's ``clean()`` says the same
    in Python."""

    def validate_constraints(self, exclude: Any = None) -> None:
        encrypted = {f.name for f in encrypted_fields(type(self))}  # type: ignore[arg-type]
        # Mixed into a Model, which has validate_constraints.
        super().validate_constraints(exclude={*(exclude or ()), *encrypted})  # type: ignore[misc]


def _is_ciphertext(value: Any) -> bool:
    return crypto.is_ciphertext(value)


def encrypt_rows(model: type[models.Model], field_names: list[str], batch_size: int = 500) -> int:
    """Data migration: encrypt values still stored as plaintext, in place, bound
    to their row and field. Safe to run twice. Returns the number of rows changed.

    Works on a migration's historical model: the column must already be an
    encrypted field in the migration state (AlterField first, then this)."""
    label = model._meta.label_lower
    fields = {name: model._meta.get_field(name) for name in field_names}
    changed = 0
    rows = model._base_manager.order_by("pk").values_list("pk", "code", *field_names)
    for pk, code, *values in rows.iterator(chunk_size=batch_size):
        updates = {}
        for name, value in zip(field_names, values, strict=True):
            if value is None or value == "" or _is_ciphertext(value):
                continue
            field = fields[name]
            if isinstance(field, EncryptedJSONField) and isinstance(value, str):
                value = json.loads(value)  # a JSON column's text, read before encryption
            plain = field.to_plaintext(value) if isinstance(field, EncryptedJSONField) else value
            updates[name] = _Encrypted(crypto.encrypt(str(plain), f"{label}.{name}.{code}"))
        if updates:
            model._base_manager.filter(pk=pk).update(**updates)
            changed += 1
    return changed


def decrypt_rows(model: type[models.Model], field_names: list[str], batch_size: int = 500) -> int:
    """The reverse of encrypt_rows, for rolling a migration back: plaintext again
    (JSON text for an encrypted JSON field)."""
    label = model._meta.label_lower
    changed = 0
    rows = model._base_manager.order_by("pk").values_list("pk", "code", *field_names)
    for pk, code, *values in rows.iterator(chunk_size=batch_size):
        updates = {
            name: _Encrypted(crypto.decrypt(str(value), f"{label}.{name}.{code}"))
            for name, value in zip(field_names, values, strict=True)
            if _is_ciphertext(value)
        }
        if updates:
            model._base_manager.filter(pk=pk).update(**updates)
            changed += 1
    return changed
