"""Set-based writes for sheet handlers: INSERT … VALUES with executemany.

Django's bulk_create compiles one statement per batch and prepares every value through the
field for every row (for 10,000 persons + employments + posts that was 70 % of a 人员 import,
docs/benchmarks.md "(a)"). ``insert_rows`` prepares each field's value once per distinct value
(dates, codes and ids repeat) and hands plain tuples to the driver, the same work as the raw
``executemany`` the import benchmark compares against. Portable: values still go through
``Field.get_db_prep_save`` for the connection in use (SQLite and PostgreSQL).

The record log (docs/archive.md): the new rows' primary keys are read back in one query (above
the largest before the insert, with the insert's own ``created_at``: one executemany numbers
its rows in the order given, on SQLite and PostgreSQL alike), and a logged model's entries are
built from the values in hand with those keys (archive.specs.items_for_values), not from the
rows read back whole.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, cast

from django.db import DatabaseError, connections, router
from django.db.models import Field, Model
from django.utils import timezone

from safetrain.archive.chain import SPECS, Refs, items_for_values, log_append_many, max_pk

BATCH = 2000


_PLAIN = {"CharField", "TextField", "IntegerField", "BigIntegerField", "PositiveIntegerField"}


def _passthrough(field: Field[Any, Any]) -> bool:
    """Fields whose Python value (str / int, or None) the driver takes as it is."""
    target = field.target_field if field.is_relation and field.many_to_one else field  # type: ignore[attr-defined]
    return not field.choices and target.get_internal_type() in (
        _PLAIN | {"AutoField", "BigAutoField"} if target is not field else _PLAIN
    )


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    created_by: int | None,
    source: str = "import",
    distinct: Collection[str] = (),
    refs: Refs | None = None,
) -> list[int]:
    """INSERT rows of values for `fields` (attnames) plus the attribution columns (created_at
    now, created_by, source); every other column takes its model default, which must then be a
    constant (a per-row default such as a uuid belongs in `fields`). `distinct` names fields
    whose values never repeat (not memoized). No model instances, no signals: callers notify
    compliance themselves (core.events).

    Returns the new rows' primary keys in the order of `rows`. A model the record log keeps
    gets one ``<prefix>.added`` entry per row, from the values given (the fields' Python values,
    as a read-back would return them); `refs` may hold the references the caller knows already
    (persons' uid and masked ID number, enterprises' credit codes, employments' persons)."""
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    given = [
        cast("Field[Any, Any]", meta.get_field(name))
        for name in (*fields, "created_at", "created_by", "source")
    ]
    names = {f.attname for f in given}
    others = [f for f in meta.concrete_fields if f.attname not in names and not f.primary_key]
    all_fields = [*given, *others]
    now = timezone.now()
    constants = (now, created_by, source, *(f.get_default() for f in others))
    preparers: list[Callable[[Any], Any] | None] = []
    for field in all_fields:
        if _passthrough(field):
            preparers.append(None)  # a str or int is already what the driver takes
            continue
        if field.attname in distinct:

            def prepare_each(value: Any, field: Any = field) -> Any:
                return None if value is None else field.get_db_prep_save(value, connection)

            preparers.append(prepare_each)
            continue
        cache: dict[Any, Any] = {}

        def prepare(value: Any, field: Any = field, cache: dict[Any, Any] = cache) -> Any:
            if value is None:
                return None
            try:
                return cache[value]
            except KeyError:
                prepared = cache[value] = field.get_db_prep_save(value, connection)
                return prepared
            except TypeError:  # unhashable
                return field.get_db_prep_save(value, connection)

        preparers.append(prepare)
    q = connection.ops.quote_name
    columns = ", ".join(q(str(f.column)) for f in all_fields)
    marks = ", ".join(["%s"] * len(all_fields))
    sql = f"INSERT INTO {q(meta.db_table)} ({columns}) VALUES ({marks})"
    label = str(meta.label_lower)
    logged = label in SPECS
    width = len(fields)
    # per row only the given values that need it are prepared; the constants once
    to_prepare = [(i, p) for i, p in enumerate(preparers[:width]) if p is not None]
    tail = [c if p is None else p(c) for p, c in zip(preparers[width:], constants, strict=True)]
    kept: list[Sequence[Any]] = []  # the rows given, for the record log
    count = 0
    batch: list[list[Any]] = []
    before = max_pk(model)
    with connection.cursor() as cursor:
        for row in rows:
            if len(row) != width:
                raise ValueError(f"{label}: {len(row)} values for {width} fields")
            if logged:
                kept.append(row)
            values = list(row)
            for i, prepare_at in to_prepare:
                values[i] = prepare_at(values[i])
            values += tail
            batch.append(values)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    ids = (
        list(
            model._base_manager.using(connection.alias)
            .filter(pk__gt=before, created_at=now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if count
        else []
    )
    if len(ids) != count:
        raise DatabaseError(f"{label}: {count} rows inserted but {len(ids)} read back")
    if logged:
        shared = {f.attname: c for f, c in zip(all_fields[width:], constants, strict=True)}
        attnames = [f.attname for f in all_fields[:width]]
        items = items_for_values(label, ids, attnames, kept, "added", refs, shared)
        log_append_many(items, using=connection.alias)
    return ids
