"""EncryptedTextField: confidential free text, encrypted per row and field.

The database only ever sees ciphertext. On load the value stays sealed until the
attribute is read, then it is decrypted with the row's ``code`` as associated
data. Writing through ``QuerySet.update()`` with plain text is refused, so no
code path can store plaintext by accident.
"""

from __future__ import annotations

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from . import crypto


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


def mark_raw_save(sender, instance, raw=False, **kwargs):
    """pre_save: loaddata saves 'raw', reading attributes instead of pre_save()."""
    if raw and encrypted_fields(sender):
        instance.__dict__[RAW_SAVE_FLAG] = True


def clear_raw_save(sender, instance, **kwargs):
    instance.__dict__.pop(RAW_SAVE_FLAG, None)


class EncryptedDescriptor(DeferredAttribute):
    """A data descriptor (it defines __set__), so every read passes through
    __get__ and a sealed value is decrypted on first use."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if instance is None:
            return self
        if isinstance(value, Sealed) and instance.__dict__.get(RAW_SAVE_FLAG):
            return value  # a raw save (loaddata) stores the ciphertext as it came
        if isinstance(value, Sealed):
            value = crypto.decrypt(str(value), associated_data(instance, self.field.name))
            instance.__dict__[self.field.attname] = value
        return value


class EncryptedTextField(models.TextField):
    descriptor_class = EncryptedDescriptor

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return "" if value == "" else value
        return Sealed(value)

    def pre_save(self, model_instance, add):
        raw = model_instance.__dict__.get(self.attname)
        if raw is None:
            return None
        if isinstance(raw, Sealed):
            # Not touched since load: keep the stored ciphertext as it is.
            return _Encrypted(raw)
        if raw == "":
            return ""
        return _Encrypted(crypto.encrypt(str(raw), associated_data(model_instance, self.name)))

    def get_prep_value(self, value):
        if value is None or value == "" or isinstance(value, _Encrypted | Sealed):
            return None if value is None else str(value)
        raise ValueError(
            f"{self.model.__name__}.{self.name} is encrypted: save it through the model, "
            "not QuerySet.update()"
        )

    def to_python(self, value):
        # A ciphertext coming back from a dump (loaddata) stays sealed as it is.
        if (
            isinstance(value, str)
            and not isinstance(value, Sealed)
            and value.startswith(crypto.PREFIX + "$")
        ):
            return Sealed(value)
        return super().to_python(value)

    def value_to_string(self, obj):
        # Serialisation (dumpdata) never emits plaintext: the stored ciphertext,
        # or a fresh one bound to the same row and field.
        raw = obj.__dict__.get(self.attname)
        if not raw:
            return ""
        if isinstance(raw, Sealed):
            return str(raw)
        return crypto.encrypt(str(raw), associated_data(obj, self.name))

    def reencrypt(self, instance: models.Model) -> bool:
        """Decrypt and re-encrypt under the current key. True if the row changed."""
        raw = instance.__dict__.get(self.attname)
        if not isinstance(raw, Sealed) or not raw:
            return False
        if crypto.key_id_of(str(raw)) == crypto.keyring().current_id:
            return False
        instance.__dict__[self.attname] = getattr(instance, self.attname)
        return True


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
