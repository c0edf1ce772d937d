"""Data-key rotation: every encrypted value re-encrypted under the current key, and every lookup
hash recomputed with the current lookup key, in batches, inside one transaction (all or nothing).

The encrypted columns of the project (grep `encrypt(` and `lookup_hash(`): people.Person's
id_number_enc + id_number_hash and phone_enc + phone_hash. Another app that stores an encrypted
value or a keyed hash adds its column to ENCRYPTED here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction

from safetrain.core import crypto


@dataclass(frozen=True)
class EncryptedColumn:
    model: str  # app_label.Model
    enc_field: str
    hash_field: str = ""  # the keyed lookup hash of the same plaintext, if any
    hash_fn: str = ""  # dotted path of the function plaintext → hash


ENCRYPTED: list[EncryptedColumn] = [
    EncryptedColumn(
        "people.Person",
        "id_number_enc",
        "id_number_hash",
        "safetrain.people.services.id_lookup_hash",
    ),
    EncryptedColumn(
        "people.Person", "phone_enc", "phone_hash", "safetrain.people.services.phone_lookup_hash"
    ),
]


@dataclass
class RotationResult:
    key_id: str
    rows: int  # rows rewritten (over all columns)
    values: int  # encrypted values rewritten


def _function(path: str) -> Callable[[str], str]:
    import importlib

    module, name = path.rsplit(".", 1)
    fn: Callable[[str], str] = getattr(importlib.import_module(module), name)
    return fn


def rotate(*, batch_size: int = 1000) -> RotationResult:
    """Rewrite every value under the current key. A value no known key can decrypt stops the
    rotation and rolls every batch back (ValueError naming the row)."""
    key_id = crypto.current_keys()[0]
    encrypt = crypto.encryptor()
    rows = values = 0
    by_model: dict[str, list[EncryptedColumn]] = {}
    for column in ENCRYPTED:
        by_model.setdefault(column.model, []).append(column)
    with transaction.atomic():
        for label, columns in by_model.items():
            model = apps.get_model(label)
            hashers = {c.enc_field: _function(c.hash_fn) for c in columns if c.hash_fn}
            fields = [c.enc_field for c in columns] + [
                c.hash_field for c in columns if c.hash_field
            ]
            last = 0
            while True:
                batch = list(
                    model._default_manager.filter(pk__gt=last)
                    .order_by("pk")
                    .only("pk", *fields)[:batch_size]
                )
                if not batch:
                    break
                last = batch[-1].pk
                for obj in batch:
                    for c in columns:
                        token = getattr(obj, c.enc_field)
                        if not token:
                            continue
                        try:
                            plain = crypto.decrypt(token)
                        except Exception as exc:
                            raise ValueError(
                                f"{label} #{obj.pk} {c.enc_field}: cannot decrypt ({exc})"
                            ) from exc
                        setattr(obj, c.enc_field, encrypt(plain))
                        if c.hash_field:
                            setattr(obj, c.hash_field, hashers[c.enc_field](plain))
                        values += 1
                model._default_manager.bulk_update(batch, fields, batch_size=batch_size)
                rows += len(batch)
    return RotationResult(key_id=key_id, rows=rows, values=values)
