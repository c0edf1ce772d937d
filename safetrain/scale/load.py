"""Bulk loading of the synthetic city: explicit primary keys, one executemany per table and batch.

The rows are exactly what the services write (DESIGN: bulk loading may bypass the per-row
services but not their results): person columns come from people.services.person_fields (the
AES-GCM ciphertext, the keyed lookup hash, the masked values), every enterprise gets its
org-unit root, every employment its first post on its start date, an exam's ``passed`` is
``score >= pass_mark``, certificates take certificates.matching.default_dates and a passed
review clears ``review_due`` and keeps the cleared date on the review. Rows are attributed to
the source ``seed``.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from safetrain.archive.chain import SPECS, Item, Refs, items_for_rows, log_append_many
from safetrain.catalog.models import JobType
from safetrain.certificates.models import Certificate, CertificateReview
from safetrain.core.errors import Conflict
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.people.models import Employment, Leave, Person, Post
from safetrain.people.services import person_fields
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord, Violation
from safetrain.scale.city import TABLES, Batch, CityGenerator, Ids

ATTRIBUTION = ["created_at", "created_by_id", "source"]

# table → (model, columns in the order the loader writes them)
COLUMNS: dict[str, tuple[type[models.Model], list[str]]] = {
    "enterprise": (
        Enterprise,
        ["id", *ATTRIBUTION, "credit_code", "credit_code_check_ok", "name", "region_id"]
        + ["sector_id", "area_types"],
    ),
    "orgunit": (OrgUnit, ["id", "enterprise_id", "parent_id", "name", "kind"]),
    "incident": (Incident, ["id", *ATTRIBUTION, "enterprise_id", "date", "type", "text"]),
    "drill": (
        Drill,
        ["id", *ATTRIBUTION, "enterprise_id", "date", "area_type", "title", "participants"],
    ),
    "person": (
        Person,
        ["id", *ATTRIBUTION, "uid", "id_number_enc", "id_number_hash", "id_number_masked"]
        + ["name", "birth_date", "phone_enc", "phone_hash", "phone_masked"],
    ),
    "employment": (
        Employment,
        ["id", *ATTRIBUTION, "person_id", "enterprise_id", "role_category", "employment_form"]
        + ["start_date", "end_date"],
    ),
    "post": (
        Post,
        ["id", *ATTRIBUTION, "employment_id", "from_date", "title", "job_type_id"]
        + ["operation_id", "org_unit_id"],
    ),
    "leave": (Leave, ["id", *ATTRIBUTION, "employment_id", "start_date", "end_date"]),
    "training": (
        TrainingRecord,
        ["id", *ATTRIBUTION, "person_id", "date", "hours", "kind", "level", "enterprise_id"]
        + ["organiser", "title", "channel", "supersedes_id"],
    ),
    "exam": (
        ExamResult,
        ["id", *ATTRIBUTION, "person_id", "date", "purpose", "score", "pass_mark", "passed"]
        + ["enterprise_id", "title", "supersedes_id"],
    ),
    "violation": (
        Violation,
        ["id", *ATTRIBUTION, "person_id", "enterprise_id", "date", "type", "text"],
    ),
    "certificate": (
        Certificate,
        ["id", *ATTRIBUTION, "person_id", "cert_type", "operation_id", "number"]
        + ["issuing_authority", "issued_on", "valid_until", "review_due", "revoked"]
        + ["supersedes_id"],
    ),
    "review": (
        CertificateReview,
        ["id", *ATTRIBUTION, "certificate_id", "passed_on", "cleared_due", "hours", "notes"],
    ),
}


class NotEmpty(Conflict):
    code = "not_empty"


@dataclass
class SeedResult:
    persons: int
    seed: int
    today: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


def job_type_map() -> dict[str, tuple[int, str | None]]:
    return {
        name: (pk, op) for pk, name, op in JobType.objects.values_list("id", "name", "operation_id")
    }


def next_ids() -> Ids:
    ids = Ids()
    for table in TABLES:
        model = COLUMNS[table][0]
        top = model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
        setattr(ids, table, top + 1)
    return ids


class Loader:
    """Writes generator batches through the connection (executemany, one transaction each)."""

    def __init__(self) -> None:
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.vendor = connection.vendor
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.sql: dict[str, str] = {}
        self.refs = Refs()
        self.employment_start: dict[int, str] = {}
        self.log_items: list[Item] = []
        for table, (model, cols) in COLUMNS.items():
            qn = connection.ops.quote_name
            self.sql[table] = (
                f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) "
                f"VALUES ({', '.join(['%s'] * len(cols))})"
            )

    @contextlib.contextmanager
    def bulk_phase(self) -> Iterator[None]:
        """SQLite: no fsync per commit and a larger page cache while loading (restored after)."""
        if self.vendor != "sqlite" or connection.in_atomic_block:
            yield
            return
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-262144")  # 256 MB
            cur.execute("PRAGMA temp_store=MEMORY")
        try:
            yield
        finally:
            with connection.cursor() as cur:
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA cache_size=-2000")

    def _rows(self, table: str, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        meta = (self.now, None, "seed")
        if table == "enterprise":
            return [
                (ent.id, *meta, ent.credit_code, True, ent.name, region, sector, json.dumps(areas))
                for ent, region, sector, areas in rows
            ]
        if table == "orgunit":
            return [tuple(r) for r in rows]
        if table == "person":
            out = []
            sqlite = self.vendor == "sqlite"
            for pid, uid, number, name, phone in rows:
                v = person_fields(id_number=number, name=name, phone=phone)
                out.append(
                    (
                        pid,
                        *meta,
                        uid.hex if sqlite else str(uid),
                        v["id_number_enc"],
                        v["id_number_hash"],
                        v["id_number_masked"],
                        v["name"],
                        v["birth_date"].isoformat(),  # type: ignore[attr-defined]
                        v["phone_enc"],
                        v["phone_hash"],
                        v["phone_masked"],
                    )
                )
            return out
        if table == "training":
            return [(r[0], *meta, *r[1:], None) for r in rows]
        if table == "exam":
            return [(r[0], *meta, *r[1:], None) for r in rows]
        return [(r[0], *meta, *r[1:]) for r in rows]

    def write(self, batch: Batch) -> None:
        """One transaction per batch: COPY on PostgreSQL, executemany on SQLite."""
        with transaction.atomic(), connection.cursor() as cur:
            for table in TABLES:
                rows = batch.rows[table]
                if not rows:
                    continue
                values = self._rows(table, rows)
                if self.vendor == "postgresql":
                    model, cols = COLUMNS[table]
                    qn = connection.ops.quote_name
                    copy_sql = (
                        f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) "
                        "FROM STDIN"
                    )
                    with cur.cursor.copy(copy_sql) as copy:
                        for row in values:
                            copy.write_row(row)
                else:
                    cur.executemany(self.sql[table], values)
                self.counts[table] += len(rows)
                self.log_items.extend(self._log_items(table, values))
            # the record log (docs/archive.md): one entry per record, one append per batch
            log_append_many(self.log_items)
            self.log_items = []

    def _log_items(self, table: str, values: list[tuple[Any, ...]]) -> list[Item]:
        """Record-log items for rows as written (no read-back): the refs primed from the batch."""
        model, cols = COLUMNS[table]
        rows = [dict(zip(cols, row, strict=True)) for row in values]
        refs = self.refs
        if table == "enterprise":
            refs.enterprises.update((r["id"], r["credit_code"]) for r in rows)
        elif table == "person":
            refs.persons.update(
                (r["id"], (str(uuid.UUID(str(r["uid"]))), r["id_number_masked"])) for r in rows
            )
        elif table == "employment":
            refs.employment_person.update((r["id"], r["person_id"]) for r in rows)
            self.employment_start.update((r["id"], str(r["start_date"])) for r in rows)
        elif table == "certificate":
            refs.certificate_person.update((r["id"], r["person_id"]) for r in rows)
        label = model._meta.label_lower
        if label not in SPECS:
            return []
        kind: Any = "added"
        if table == "post":

            def kind(r: dict[str, Any]) -> str:
                first = self.employment_start.get(r["employment_id"]) == str(r["from_date"])
                return "added" if first else "changed"

        elif table == "certificate":

            def kind(r: dict[str, Any]) -> str:
                return "renewed" if r.get("supersedes_id") else "issued"

        elif table == "review":
            kind = "recorded"
        return items_for_rows(label, rows, kind, refs)

    def finish(self) -> None:
        """PostgreSQL: move the id sequences past the explicit keys; both: fresh statistics."""
        models_ = [COLUMNS[t][0] for t in TABLES]
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                cur.execute(sql)
            if self.vendor == "sqlite":
                cur.execute("ANALYZE")
            elif self.vendor == "postgresql":
                for model in models_:
                    cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def seed_city(
    *,
    persons: int,
    seed: int,
    today: Any,
    batch_size: int = 2000,
    on_progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Fill an empty database with the synthetic city. Refuses a database with enterprises or
    persons (the generator owns the whole history)."""
    if Enterprise.objects.exists() or Person.objects.exists():
        raise NotEmpty(
            "数据库中已有企业或人员：合成城市只写入空数据库（请用新的 SAFETRAIN_DATA_DIR 或 DATABASE_URL）"
        )
    started = time.perf_counter()
    result = SeedResult(persons=persons, seed=seed, today=today.isoformat())
    gen = CityGenerator(
        persons=persons, seed=seed, today=today, job_types=job_type_map(), ids=next_ids()
    )
    loader = Loader()
    with loader.bulk_phase():
        loader.write(gen.enterprises())
        for batch in gen.persons(batch_size):
            loader.write(batch)
            if on_progress is not None:
                on_progress(batch.persons)
    result.phases["load"] = time.perf_counter() - started
    t = time.perf_counter()
    loader.finish()
    result.phases["analyze"] = time.perf_counter() - t
    result.counts = dict(loader.counts)
    result.seconds = time.perf_counter() - started
    return result
