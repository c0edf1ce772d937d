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
        links = {r[spec.person] for r in rows} if spec.person is not None else set()
        ents = (
            {r["enterprise_id"] for r in rows if r["enterprise_id"] is not None}
            if "enterprise_id" in spec.fields
            else set()
        )
        self.load_ids(spec, links, ents)

    def load_ids(self, spec: Spec, links: set[Any], enterprises: set[Any]) -> None:
        """Fetch what is not known yet for rows whose person column (``spec.person``: a person,
        employment or certificate id) holds `links` and whose enterprise column `enterprises`."""
        if spec.person == "employment_id":
            need = links - self.employment_person.keys()
            for pk, person in self._fetch("people.employment", need, ["person_id"]):
                self.employment_person[pk] = person
            persons = {self.employment_person[link] for link in links}
        elif spec.person == "certificate_id":
            need = links - self.certificate_person.keys()
            for pk, person in self._fetch("certificates.certificate", need, ["person_id"]):
                self.certificate_person[pk] = person
            persons = {self.certificate_person[link] for link in links}
        else:
            persons = {int(link) for link in links}
        if spec.person is not None:
            for pk, uid, masked in self._fetch(
                "people.person", persons - self.persons.keys(), ["uid", "id_number_masked"]
            ):
                self.persons[pk] = (str(uid), masked)
        if enterprises:
            for pk, code in self._fetch(
                "enterprises.enterprise", enterprises - self.enterprises.keys(), ["credit_code"]
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


# values that _norm returns unchanged for every field but a decimal or boolean one
_AS_IS = frozenset({str, int, float, type(None)})
_SPECIAL = frozenset({"DecimalField", "BooleanField"})


@dataclass(frozen=True)
class _Field:
    """One field of ``data``: its attname, its key in ``data`` and how its value is written."""

    name: str
    key: str
    kind: tuple[str, int]
    plain: bool  # not a decimal or boolean: a str, int, float or None goes in as it is


_layouts: dict[str, tuple[_Field, ...]] = {}


def _layout(label: str) -> tuple[_Field, ...]:
    """The fields of a logged model's ``data`` but the enterprise (by credit code), worked out
    once per model (the bulk paths build thousands of entries per call)."""
    if label not in _layouts:
        kinds = _kinds(label)
        _layouts[label] = tuple(
            _Field(name, _key(name), kinds[name], kinds[name][0] not in _SPECIAL)
            for name in SPECS[label].fields
            if name != "enterprise_id"
        )
    return _layouts[label]


def record_data(label: str, row: Mapping[str, Any], refs: Refs) -> dict[str, Any]:
    """The ``data`` of one record (its row by attname; ``refs`` loaded for it)."""
    spec = SPECS[label]
    data: dict[str, Any] = {}
    for f in _layout(label):
        value = row[f.name]
        data[f.key] = value if f.plain and type(value) in _AS_IS else _norm(f.kind, value)
    if "enterprise_id" in spec.fields:
        value = row["enterprise_id"]
        data["enterprise"] = row["_code"] if "_code" in row else value and refs.enterprises[value]
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


def items_for_values(
    label: str,
    ids: Sequence[Any],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    kind: str,
    refs: Refs | None = None,
    constants: Mapping[str, Any] | None = None,
) -> Iterator[Item]:
    """Items for rows just written (e.g. by an executemany insert): their primary keys `ids`
    and, in the same order, tuples of their values in `columns` order (attnames; the fields'
    Python values, as a read-back returns them); `constants`: the columns whose value is the
    same in every row (an insert's attribution). Every field of the model's ``data`` must be
    among the two. The same items as items_for_rows gives for those rows read back, without
    reading them back. References `refs` does not know yet are fetched (one query per 900)
    before the first item; the items come one at a time (log_append_many takes them so)."""
    spec = SPECS[label]
    refs = refs or Refs()
    constants = constants or {}
    at = {name: i for i, name in enumerate(columns)}
    person_at = at[spec.person] if spec.person is not None else -1
    ent_at = at["enterprise_id"] if "enterprise_id" in spec.fields else -1
    refs.load_ids(
        spec,
        {row[person_at] for row in rows} if person_at >= 0 else set(),
        {row[ent_at] for row in rows if row[ent_at] is not None} if ent_at >= 0 else set(),
    )
    fields = [(f.key, at[f.name], f.kind, f.plain) for f in _layout(label) if f.name in at]
    # what every row shares, worked out once (each entry starts from a copy)
    shared = {f.key: _norm(f.kind, constants[f.name]) for f in _layout(label) if f.name not in at}
    return _value_items(spec, label, kind, refs, ids, rows, fields, shared, person_at, ent_at)


def _value_items(
    spec: Spec,
    label: str,
    kind: str,
    refs: Refs,
    ids: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    fields: list[tuple[str, int, tuple[str, int], bool]],
    shared: dict[str, Any],
    person_at: int,
    ent_at: int,
) -> Iterator[Item]:
    link = (
        refs.employment_person
        if spec.person == "employment_id"
        else refs.certificate_person
        if spec.person == "certificate_id"
        else None
    )
    persons, enterprises = refs.persons, refs.enterprises
    entry_kind, ref_prefix = f"{spec.prefix}.{kind}", f"{label}:"
    for pk, row in zip(ids, rows, strict=True):
        data = shared.copy()
        for key, i, field_kind, plain in fields:
            value = row[i]
            data[key] = value if plain and type(value) in _AS_IS else _norm(field_kind, value)
        if ent_at >= 0:
            value = row[ent_at]
            data["enterprise"] = value and enterprises[value]
        if person_at >= 0:
            person = row[person_at]
            uid, masked = persons[link[person] if link is not None else int(person)]
            data["person"] = uid
            data["person_masked"] = masked
        yield entry_kind, f"{ref_prefix}{pk}", data


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
