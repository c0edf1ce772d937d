"""Appending to and checking the tamper-evident record log (docs/archive.md).

An entry is the canonical JSON of ``{"seq", "kind", "ref", "at", "data"}`` (sorted keys, no
whitespace, UTF-8, dates ISO 8601, decimals as strings) and
``hash = sha256(prev_hash || canonical_json)`` (the previous entry's hash as its 64 hex
characters, then the JSON's UTF-8 bytes; the first entry's prev_hash is 64 zeros).

``data`` never holds a plaintext ID number: a person appears as their opaque id (``uid``) and the
masked ID number. Enterprises appear by credit code, other rows by primary key.

Writers call ``log_objects`` (model instances they just wrote), ``log_ids`` (rows read back by
primary key) or ``log_append_many`` (ready items, e.g. the city seed loader); every path ends in
``log_append_many``, which locks the head row, hashes in a tight loop and inserts with one
executemany (COPY on PostgreSQL for large batches). It must run inside the writer's transaction.

This module imports only Django and resolves record models by label, so the lower apps
(people, records, certificates …) may call it without importing the archive's higher parts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connections, models, router, transaction
from django.utils import timezone

from safetrain.archive.specs import (  # noqa: F401 - re-exported for the writers
    SPECS,
    Item,
    Refs,
    current_rows,
    items_for_rows,
    items_for_values,
    record_data,
    ref_of,
    row_fields,
    rows_qs,
)

GENESIS = "0" * 64
LOG_TABLE = "archive_logentry"
HEAD_TABLE = "archive_chainhead"
COPY_FROM = 500  # batches at least this long go through COPY on PostgreSQL


def _label(obj: models.Model | type[models.Model]) -> str:
    return str(obj._meta.label_lower)


def log_objects(
    kind: str | Callable[[Mapping[str, Any]], str],
    objs: Iterable[models.Model],
    *,
    using: str | None = None,
) -> int:
    """Append one entry per model instance just written (same model), e.g.
    ``log_objects("added", [record])`` → kind ``training.added``. Uses the instances' values."""
    objs = list(objs)
    if not objs:
        return 0
    label = _label(objs[0])
    names = row_fields(SPECS[label])
    rows = [{n: getattr(o, n) for n in names} for o in objs]
    refs = Refs()
    for obj in objs:
        refs.prime(obj)
    return log_append_many(items_for_rows(label, rows, kind, refs), using=using)


def log_ids(
    kind: str | Callable[[Mapping[str, Any]], str],
    model: type[models.Model],
    ids: Iterable[int],
    *,
    using: str | None = None,
) -> int:
    """Append one entry per row of `model` with these ids, read back as stored (bulk paths)."""
    label = _label(model)
    refs = Refs()
    count = 0
    rows: list[dict[str, Any]] = []
    for row in current_rows(label, ids):
        rows.append(row)
        if len(rows) >= 5000:
            count += log_append_many(items_for_rows(label, rows, kind, refs), using=using)
            rows = []
    if rows:
        count += log_append_many(items_for_rows(label, rows, kind, refs), using=using)
    return count


def log_inserted_after(
    kind: str | Callable[[Mapping[str, Any]], str],
    model: type[models.Model],
    after_pk: int,
    *,
    created_at: dt.datetime,
    using: str | None = None,
) -> int:
    """Append the rows an executemany INSERT just wrote: primary key above `after_pk` (taken
    before the insert) and the insert's own ``created_at`` stamp."""
    if _label(model) not in SPECS:
        return 0
    label = _label(model)
    rows = list(rows_qs(label).filter(pk__gt=after_pk, created_at=created_at))
    return log_append_many(items_for_rows(label, rows, kind), using=using)


def max_pk(model: type[models.Model]) -> int:
    return int(model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0)


def added_or_corrected(row: Mapping[str, Any]) -> str:
    return "corrected" if row.get("supersedes_id") else "added"


# ----------------------------------------------------------------------------- the chain


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_encoder() -> Callable[[Any], str]:
    """canonical_json() for many values in a tight loop: json.dumps sets up the C encoder anew
    for every call; this sets it up once (same encoder, same arguments, so the same text; without
    the circular-reference check, which flat entry data does not need). Falls back to the plain
    encoder where the C accelerator is missing."""
    encoder = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    iterencode = make(
        None,
        encoder.default,
        json.encoder.encode_basestring,
        None,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )

    def encode(value: Any) -> str:
        return "".join(iterencode(value, 0))

    return encode


def entry_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _lock_head(cursor: Any, q: Callable[[str], str]) -> tuple[int, str]:
    """Lock the head row (an UPDATE: a row lock on PostgreSQL, the write lock on SQLite) and
    return (seq, hash). A missing head row (a fresh or flushed database) is rebuilt from the
    last entry."""
    lock = f"UPDATE {q(HEAD_TABLE)} SET seq = seq WHERE id = 1 RETURNING seq, hash"
    cursor.execute(lock)
    row = cursor.fetchone()
    if row is None:
        cursor.execute(f"SELECT seq, hash FROM {q(LOG_TABLE)} ORDER BY seq DESC LIMIT 1")
        last = cursor.fetchone()
        seq, h = (int(last[0]), str(last[1])) if last else (0, GENESIS)
        cursor.execute(
            f"INSERT INTO {q(HEAD_TABLE)} (id, seq, hash) VALUES (1, %s, %s) "
            "ON CONFLICT (id) DO NOTHING",
            [seq, h],
        )
        cursor.execute(lock)
        row = cursor.fetchone()
    return int(row[0]), str(row[1])


def log_append_many(items: Iterable[Item], *, using: str | None = None) -> int:
    """Append entries (kind, ref, data) in order; returns how many. Serialised through the head
    row; one executemany (or COPY) for all of them. Joins the caller's transaction. `items` may
    be a generator: each item is dropped once its entry row is made (a bulk path's 10,000 data
    dicts need not all be alive at once)."""
    pending = iter(items)
    first = next(pending, None)
    if first is None:
        return 0
    alias = using or router.db_for_write(apps.get_model("archive", "LogEntry"))
    connection = connections[alias]
    q = connection.ops.quote_name
    at = timezone.now().astimezone(dt.UTC).isoformat()
    # the canonical JSON of {"seq", "kind", "ref", "at", "data"} (keys sorted: at, data, kind,
    # ref, seq), put together from the JSON of its parts: the same text as canonical_json() of
    # the whole (test_entry_text_is_the_canonical_json), without a dict and a sort per entry
    dumps, string = canonical_encoder(), json.encoder.encode_basestring
    opening = '{"at":' + string(at) + ',"data":'
    sha = hashlib.sha256
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        seq, prev = _lock_head(cursor, q)
        rows: list[tuple[int, str, str, str, str, str]] = []
        for kind, ref, data in itertools.chain((first,), pending):
            seq += 1
            text = f'{opening}{dumps(data)},"kind":{string(kind)},"ref":{string(ref)},"seq":{seq}}}'
            h = sha((prev + text).encode("utf-8")).hexdigest()
            rows.append((seq, kind, ref, prev, text, h))
            prev = h
        cols = "seq, kind, ref, prev_hash, canonical, hash"
        if connection.vendor == "postgresql" and len(rows) >= COPY_FROM:
            with cursor.cursor.copy(f"COPY {q(LOG_TABLE)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {q(LOG_TABLE)} ({cols}) VALUES (%s, %s, %s, %s, %s, %s)", rows
            )
        cursor.execute(f"UPDATE {q(HEAD_TABLE)} SET seq = %s, hash = %s WHERE id = 1", [seq, prev])
    return len(rows)


def head(using: str = "default") -> tuple[int, str]:
    """The chain head as stored: (seq, hash); (0, 64 zeros) for an empty log."""
    with connections[using].cursor() as cursor:
        q = connections[using].ops.quote_name
        cursor.execute(f"SELECT seq, hash FROM {q(HEAD_TABLE)} WHERE id = 1")
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def log_head_label(using: str = "default") -> str:
    """The head as documents print it: "seq · first 12 hex of the hash" (e.g. "1042 · 3fa9…")."""
    seq, h = head(using)
    return f"{seq} · {h[:12]}"


# ----------------------------------------------------------------------------- verify


@dataclass
class Problem:
    seq: int
    what: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.what}"


@dataclass
class Report:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problem: Problem | None = None
    records_checked: int = 0
    record_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.record_problems


def verify_rows(
    rows: Iterable[Sequence[Any]], head_row: tuple[int, str] | None
) -> tuple[int, str, Problem | None]:
    """Check entries (seq, kind, ref, prev_hash, canonical, hash) given in seq order, and the
    stored head. Returns (entries seen, last hash, the first problem or None). Pure."""
    expected = 1
    prev = GENESIS
    count = 0
    for seq, kind, ref, prev_hash, canonical, stored in rows:
        seq = int(seq)
        count += 1
        if seq != expected:
            if seq > expected:
                missing = (
                    f"entry {expected} is missing"
                    if seq == expected + 1
                    else f"entries {expected}–{seq - 1} are missing"
                )
                return count, prev, Problem(expected, f"{missing} (deleted)")
            return count, prev, Problem(seq, f"seq out of order after {expected - 1}")
        try:
            body = json.loads(canonical)
        except ValueError:
            return count, prev, Problem(seq, "its JSON does not parse (modified)")
        if entry_hash(prev_hash, canonical) != stored:
            return count, prev, Problem(seq, "its hash does not match its content (modified)")
        if body.get("seq") != seq:
            return (
                count,
                prev,
                Problem(seq, f"it holds entry {body.get('seq')}'s content (reordered)"),
            )
        if (body.get("kind"), body.get("ref")) != (kind, ref):
            return count, prev, Problem(seq, "its kind or ref differ from its JSON (modified)")
        if prev_hash != prev:
            return (
                count,
                prev,
                Problem(
                    seq,
                    f"its prev_hash is not the hash of entry {seq - 1} "
                    f"(entry {seq - 1} rewritten with a new hash, or entries moved)",
                ),
            )
        prev = stored
        expected += 1
    last = expected - 1
    if head_row is not None:
        head_seq, head_hash = head_row
        if head_seq > last:
            return (
                count,
                prev,
                Problem(
                    last + 1, f"entries {last + 1}–{head_seq} are missing (deleted from the end)"
                ),
            )
        if head_seq < last:
            return (
                count,
                prev,
                Problem(head_seq + 1, f"the head names entry {head_seq}, not {last}"),
            )
        if head_hash != prev:
            return count, prev, Problem(last, "the head's hash differs from the last entry's")
    return count, prev, None


def verify(*, using: str = "default", records: bool = False) -> Report:
    """Check the whole chain (and with `records`, that every logged record's current row still
    matches its latest entry)."""
    connection = connections[using]
    q = connection.ops.quote_name
    report = Report()
    stored_head: tuple[int, str] | None = None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {q(HEAD_TABLE)} WHERE id = 1")
        row = cursor.fetchone()
        if row:
            stored_head = (int(row[0]), str(row[1]))

    def entries() -> Iterator[tuple[Any, ...]]:
        LogEntry = apps.get_model("archive", "LogEntry")
        yield from (
            LogEntry.objects.using(using)
            .order_by("seq")
            .values_list("seq", "kind", "ref", "prev_hash", "canonical", "hash")
            .iterator(chunk_size=5000)
        )

    count, last, problem = verify_rows(entries(), stored_head)
    report.entries = count
    report.head_seq, report.head_hash = stored_head or (0, GENESIS)
    report.problem = problem
    if records:
        report.records_checked, report.record_problems = verify_records(using=using)
    return report


def verify_records(*, using: str = "default", limit: int = 20) -> tuple[int, list[str]]:
    """Compare every logged record's current row with the data of its latest entry."""
    LogEntry = apps.get_model("archive", "LogEntry")
    latest: dict[str, str] = {}
    for ref, canonical in (
        LogEntry.objects.using(using)
        .order_by("seq")
        .values_list("ref", "canonical")
        .iterator(chunk_size=5000)
    ):
        latest[ref] = canonical_json(json.loads(canonical)["data"])
    checked = 0
    problems: list[str] = []
    for label in SPECS:
        refs = Refs()
        batch: list[dict[str, Any]] = []

        def check(rows: list[dict[str, Any]], label: str = label, refs: Refs = refs) -> None:
            nonlocal checked
            refs.load(SPECS[label], rows)
            for row in rows:
                checked += 1
                ref = ref_of(label, row["id"])
                logged = latest.pop(ref, None)
                if logged is None:
                    problems.append(f"{ref}: no log entry")
                elif canonical_json(record_data(label, row, refs)) != logged:
                    problems.append(f"{ref}: the row differs from its latest log entry")

        for row in current_rows(label):
            batch.append(row)
            if len(batch) >= 5000:
                check(batch)
                batch = []
        if batch:
            check(batch)
    for ref in sorted(latest):
        problems.append(f"{ref}: logged, but the row is gone")
    return checked, problems[: limit or None] + (
        [f"… and {len(problems) - limit} more"] if limit and len(problems) > limit else []
    )


def backfill(*, using: str = "default") -> dict[str, int]:
    """Append a ``<prefix>.backfilled`` entry for every logged record that has none yet (records
    written before the log existed, e.g. a database from an earlier version). Idempotent."""
    LogEntry = apps.get_model("archive", "LogEntry")
    logged = set(LogEntry.objects.using(using).values_list("ref", flat=True).iterator(5000))
    counts: dict[str, int] = {}
    for label in SPECS:
        model = apps.get_model(label)
        ids = [
            pk
            for pk in model._base_manager.using(using).order_by("pk").values_list("pk", flat=True)
            if ref_of(label, pk) not in logged
        ]
        with transaction.atomic(using=using):
            counts[label] = log_ids("backfilled", model, ids, using=using)
    return counts


# ----------------------------------------------------------------------------- maintenance

_maintenance = threading.local()


def maintenance_on() -> int:
    """1 while this thread runs a log maintenance operation (the SQLite triggers ask)."""
    return 1 if getattr(_maintenance, "on", False) else 0


@contextlib.contextmanager
def log_maintenance(using: str = "default") -> Iterator[None]:
    """Allow DELETE and TRUNCATE of the log for the duration (Django's flush, which tests run
    between TransactionTestCases, and ``demo load --reset``). UPDATE stays refused. PostgreSQL:
    the session setting ``safetrain.log_maintenance``; SQLite: a flag read by a function the
    triggers call."""
    connection = connections[using]
    _maintenance.on = True
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('safetrain.log_maintenance', 'on', false)")
    try:
        yield
    finally:
        _maintenance.on = False
        if connection.vendor == "postgresql" and connection.connection is not None:
            with contextlib.suppress(Exception), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('safetrain.log_maintenance', 'off', false)")
