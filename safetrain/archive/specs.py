"""What the record log holds of each record (docs/archive.md "An entry"): the logged models,
the fields of their ``data``, and how a row becomes ``data`` — persons as their opaque id and
masked ID number (never the ID number), enterprises by credit code, other rows by primary key.

Resolves models by label only (no imports of the record apps), like chain.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models

CHUNK = 900  # ids per IN (SQLite's variable limit)

Item = tuple[str, str, dict[str, Any]]  # kind, ref, data


@dataclass(frozen=True)
class Spec:
    """A logged model: its kind prefix, the fields in ``data`` and how to reach the person."""

    prefix: str
    fields: tuple[str, ...]
    person: str | None = None  # attname of the person FK, or "employment_id"/"certificate_id"


ATTRIBUTION = ("source", "created_by_id")

SPECS: dict[str, Spec] = {
    "records.trainingrecord": Spec(
        "training",
        ("date", "hours", "kind", "level", "enterprise_id", "organiser", "title", "channel")
        + ("supersedes_id", *ATTRIBUTION),
        "person_id",
    ),
    "records.examresult": Spec(
        "exam",
        ("date", "purpose", "score", "pass_mark", "passed", "enterprise_id", "title")
        + ("supersedes_id", *ATTRIBUTION),
        "person_id",
    ),
    "records.violation": Spec(
        "violation", ("enterprise_id", "date", "type", "text", *ATTRIBUTION), "person_id"
    ),
    "records.incident": Spec("incident", ("enterprise_id", "date", "type", "text", *ATTRIBUTION)),
    "records.drill": Spec(
        "drill", ("enterprise_id", "date", "area_type", "title", "participants", *ATTRIBUTION)
    ),
    "certificates.certificate": Spec(
        "certificate",
        ("cert_type", "operation_id", "number", "issuing_authority", "issued_on", "valid_until")
        + ("review_due", "revoked", "supersedes_id", *ATTRIBUTION),
        "person_id",
    ),
    "certificates.certificatereview": Spec(
        "review",
        ("certificate_id", "passed_on", "cleared_due", "hours", "notes", *ATTRIBUTION),
        "certificate_id",
    ),
    "people.employment": Spec(
        "employment",
        ("enterprise_id", "role_category", "employment_form", "start_date", "end_date")
        + ATTRIBUTION,
        "person_id",
    ),
    "people.post": Spec(
        "post",
        ("employment_id", "from_date", "title", "job_type_id", "operation_id", "org_unit_id")
        + ATTRIBUTION,
        "employment_id",
    ),
    "people.leave": Spec(
        "leave", ("employment_id", "start_date", "end_date", *ATTRIBUTION), "employment_id"
    ),
    "inspections.correctionorder": Spec(
        "order",
        ("number", "enterprise_id", "inspection_id", "issued_by_id", "issued_on", "deadline")
        + ("note", "closed_on"),
    ),
}


def _key(attname: str) -> str:
    return attname[:-3] if attname.endswith("_id") else attname


class Refs:
    """Resolves the references in ``data`` in bulk: person id → (uid, masked ID number),
    enterprise id → credit code, employment / certificate id → person id. Loaders that know
    these already prime the caches (no query)."""

    def __init__(self) -> None:
        self.persons: dict[int, tuple[str, str]] = {}
        self.enterprises: dict[int, str] = {}
        self.employment_person: dict[int, int] = {}
        self.certificate_person: dict[int, int] = {}

    @staticmethod
    def _fetch(label: str, ids: Iterable[int], cols: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        model = apps.get_model(label)
        todo = sorted(set(ids))
        for i in range(0, len(todo), CHUNK):
            yield from model._base_manager.filter(pk__in=todo[i : i + CHUNK]).values_list(
                "pk", *cols
            )

    def load(self, spec: Spec, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows or "_uid" in rows[0] or "_code" in rows[0]:
            return  # nothing to resolve, or read back with the references joined in
        if spec.person == "employment_id":
            need = {r["employment_id"] for r in rows} - self.employment_person.keys()
            for pk, person in self._fetch("people.employment", need, ["person_id"]):
                self.employment_person[pk] = person
        elif spec.person == "certificate_id":
            need = {r["certificate_id"] for r in rows} - self.certificate_person.keys()
            for pk, person in self._fetch("certificates.certificate", need, ["person_id"]):
                self.certificate_person[pk] = person
        if spec.person is not None:
            persons = {self.person_of(spec, r) for r in rows} - self.persons.keys()
            for pk, uid, masked in self._fetch(
                "people.person", persons, ["uid", "id_number_masked"]
            ):
                self.persons[pk] = (str(uid), masked)
        if "enterprise_id" in spec.fields:
            ents = {r["enterprise_id"] for r in rows if r["enterprise_id"] is not None}
            for pk, code in self._fetch(
                "enterprises.enterprise", ents - self.enterprises.keys(), ["credit_code"]
            ):
                self.enterprises[pk] = code

    def prime(self, obj: models.Model) -> None:
        """Take the references an instance already holds (its cached person, enterprise …)."""
        cached = obj._state.fields_cache
        holder: Any = obj
        for name, store in (("employment", self.employment_person), ("certificate", None)):
            rel = cached.get(name)
            if rel is not None:
                if store is not None:
                    store[rel.pk] = rel.person_id
                else:
                    self.certificate_person[rel.pk] = rel.person_id
                holder = rel
        person = holder._state.fields_cache.get("person")
        if person is not None:
            self.persons[person.pk] = (str(person.uid), person.id_number_masked)
        for rel_holder in (obj, holder):
            ent = rel_holder._state.fields_cache.get("enterprise")
            if ent is not None:
                self.enterprises[ent.pk] = ent.credit_code

    def person_of(self, spec: Spec, row: Mapping[str, Any]) -> int:
        if spec.person == "employment_id":
            return self.employment_person[row["employment_id"]]
        if spec.person == "certificate_id":
            return self.certificate_person[row["certificate_id"]]
        return int(row[str(spec.person)])


_field_kinds: dict[str, dict[str, tuple[str, int]]] = {}


def _kinds(label: str) -> dict[str, tuple[str, int]]:
    """attname → (internal type, decimal places) of a logged model's fields."""
    if label not in _field_kinds:
        model = apps.get_model(label)
        out = {}
        for f in model._meta.concrete_fields:
            out[f.attname] = (f.get_internal_type(), getattr(f, "decimal_places", 0) or 0)
        _field_kinds[label] = out
    return _field_kinds[label]


def _norm(kind: tuple[str, int], value: Any) -> Any:
    if value is None:
        return None
    internal, places = kind
    if internal == "DecimalField":
        return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-places)))
    if internal == "BooleanField":
        return bool(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def record_data(label: str, row: Mapping[str, Any], refs: Refs) -> dict[str, Any]:
    """The ``data`` of one record (its row by attname; ``refs`` loaded for it)."""
    spec = SPECS[label]
    kinds = _kinds(label)
    data: dict[str, Any] = {}
    for name in spec.fields:
        value = row[name]
        if name == "enterprise_id":
            code = row["_code"] if "_code" in row else value and refs.enterprises[value]
            data["enterprise"] = code
        else:
            data[_key(name)] = _norm(kinds[name], value)
    if spec.person is not None:
        if "_uid" in row:
            uid, masked = str(row["_uid"]), row["_masked"]
        else:
            uid, masked = refs.persons[refs.person_of(spec, row)]
        data["person"] = uid
        data["person_masked"] = masked
    return data


def ref_of(label: str, pk: Any) -> str:
    return f"{label}:{pk}"


def row_fields(spec: Spec) -> list[str]:
    names = ["id", *spec.fields]
    if spec.person is not None and spec.person not in names:
        names.append(spec.person)
    return names


def items_for_rows(
    label: str,
    rows: Sequence[Mapping[str, Any]],
    kind: str | Callable[[Mapping[str, Any]], str],
    refs: Refs | None = None,
) -> list[Item]:
    """Items for rows of a logged model (dicts by attname, with ``id``)."""
    spec = SPECS[label]
    refs = refs or Refs()
    refs.load(spec, rows)
    out: list[Item] = []
    for row in rows:
        k = kind(row) if callable(kind) else kind
        out.append((f"{spec.prefix}.{k}", ref_of(label, row["id"]), record_data(label, row, refs)))
    return out


_PERSON_PATH = {"person_id": "person", "employment_id": "employment__person"}
_PERSON_PATH["certificate_id"] = "certificate__person"


def rows_qs(label: str) -> Any:
    """The stored rows of a logged model by attname, with the references joined in
    (``_uid``, ``_masked``, ``_code``) so that no further query resolves them."""
    spec = SPECS[label]
    model = apps.get_model(label)
    joined: dict[str, Any] = {}
    if spec.person is not None:
        path = _PERSON_PATH[spec.person]
        joined["_uid"] = models.F(f"{path}__uid")
        joined["_masked"] = models.F(f"{path}__id_number_masked")
    if "enterprise_id" in spec.fields:
        joined["_code"] = models.F("enterprise__credit_code")
    return model._base_manager.order_by("pk").values(*row_fields(spec), **joined)


def current_rows(label: str, ids: Iterable[int] | None = None) -> Iterator[dict[str, Any]]:
    """The stored rows (by attname) of a logged model, all or these ids, in chunks."""
    qs = rows_qs(label)
    if ids is None:
        yield from qs.iterator(chunk_size=2000)
        return
    todo = sorted(set(ids))
    for i in range(0, len(todo), CHUNK):
        yield from qs.filter(pk__in=todo[i : i + CHUNK])
