"""Benchmark of the compliance engine (a benchmark, not a test; figures in docs/benchmarks.md).

`safetrain compliance bench --persons N` fills an EMPTY database (use a throwaway one:
SAFETRAIN_DATA_DIR=$(mktemp -d)) with a synthetic city — enterprises in every county, persons
with one or two employments, posts, leaves, ~15 training records, ~3 exam results, certificates
for the special operators and managers, some 三违, incidents and drills — inserted set-based
(executemany), then measures:

- the full recompute of the materialized status (`safetrain compliance recompute`);
- `compliance show` for random persons (lookup by ID hash + evaluation), p50/p95;
- the city's rates for a past date, computed from the records;
- today's city rates from the materialized status.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models, transaction

from safetrain.catalog.data import JOB_TYPES
from safetrain.certificates.matching import default_dates
from safetrain.certificates.models import Certificate
from safetrain.compliance.engine import Scope, evaluate_person, rates, rates_from_records
from safetrain.compliance.services import recompute_all
from safetrain.core import crypto, dates
from safetrain.core.identifiers import make_credit_code, make_id_number, mask_id_number
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Employment, Leave, Person, Post
from safetrain.people.services import id_lookup_hash
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord, Violation

COUNTIES = ["140502", "140521", "140522", "140524", "140525", "140581"]
SECTORS = (
    ["coal_mine"] * 4
    + ["metal_nonmetal_mine", "hazardous_chemicals", "metal_smelting"]
    + ["industry_trade"] * 3
)
BATCH = 20_000  # persons generated and inserted at a time (bounded memory)
HIGH_RISK = {"coal_mine", "metal_nonmetal_mine", "hazardous_chemicals", "metal_smelting"}
KINDS = ["continuing"] * 8 + ["special"] * 4 + ["review", "transfer", "return"]
PURPOSES = ["continuing", "risk_awareness", "spot_check", "practice"]


_seen: set[str] = set()


class Writer(Protocol):
    def write(self, msg: str, /) -> Any: ...
    def flush(self) -> Any: ...


def _insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    table = model._meta.db_table
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(rows))


def generate(persons: int, seed: int, today: dt.date, out: Writer) -> list[tuple[int, str]]:
    """Fill the database; returns (person id, ID number) of every person."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    meta = (now, "seed")  # created_at, source
    n_ent = max(6, persons // 150)
    ops_by_sector: dict[str, list[str | None]] = {}
    for sector, _name, op in JOB_TYPES:
        ops_by_sector.setdefault(sector, []).append(op)
    ents: list[tuple[int, str]] = []
    ent_rows = []
    for i in range(1, n_ent + 1):
        sector = SECTORS[i % len(SECTORS)]
        region = COUNTIES[i % len(COUNTIES)]
        areas = (
            '["underground", "office"]' if sector.endswith("mine") else '["production", "office"]'
        )
        ent_rows.append(
            (i, make_credit_code(region, 50_000 + i), f"合成企业{i}", region, sector, areas, True)
            + meta
        )
        ents.append((i, sector))
    _insert(
        Enterprise,
        [
            "id",
            "credit_code",
            "name",
            "region_id",
            "sector_id",
            "area_types",
            "credit_code_check_ok",
            "created_at",
            "source",
        ],
        ent_rows,
    )
    # persons
    ids: list[tuple[int, str]] = []
    person_rows = []
    for pid in range(1, persons + 1):
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 12_000))
        region = COUNTIES[pid % len(COUNTIES)]
        number = make_id_number(region, birth, pid)
        # the sequence part holds 3 digits: make the number unique through the birth date
        while True:
            h = id_lookup_hash(number)
            if h not in _seen:
                _seen.add(h)
                break
            birth += dt.timedelta(days=1)
            number = make_id_number(region, birth, pid)
        ids.append((pid, number))
        person_rows.append(
            (
                pid,
                f"{pid:032x}",
                crypto.encrypt(number),
                h,
                mask_id_number(number),
                f"人员{pid}",
                birth,
                "",
                "",
                "",
            )
            + meta
        )
    _insert(
        Person,
        [
            "id",
            "uid",
            "id_number_enc",
            "id_number_hash",
            "id_number_masked",
            "name",
            "birth_date",
            "phone_enc",
            "phone_hash",
            "phone_masked",
            "created_at",
            "source",
        ],
        person_rows,
    )
    out.write(f"  {persons} 人, {n_ent} 家企业\n")
    emp_rows: list[tuple[Any, ...]] = []
    post_rows: list[tuple[Any, ...]] = []
    leave_rows: list[tuple[Any, ...]] = []
    cert_rows: list[tuple[Any, ...]] = []
    train_rows: list[tuple[Any, ...]] = []
    exam_rows: list[tuple[Any, ...]] = []
    viol_rows: list[tuple[Any, ...]] = []
    eid = post_id = leave_id = cert_id = tid = xid = vid = 0
    span = (today - dt.date(2019, 1, 1)).days
    counts: dict[str, int] = {}
    for first in range(0, len(ids), BATCH):
        for pid, _number in ids[first : first + BATCH]:
            ent_id, sector = ents[rng.randrange(n_ent)]
            x = rng.random()
            role = (
                "principal"
                if x < 0.02
                else "deputy"
                if x < 0.05
                else "safety_manager"
                if x < 0.10
                else "worker"
            )
            start = dt.date(2015, 1, 1) + dt.timedelta(
                days=rng.randrange(0, (today - dt.date(2015, 1, 1)).days)
            )
            if rng.random() < 0.1:  # an earlier employment elsewhere (lifelong archive)
                eid += 1
                prev_end = start - dt.timedelta(days=rng.randrange(1, 200))
                prev_start = prev_end - dt.timedelta(days=rng.randrange(200, 2000))
                prev_ent = ents[rng.randrange(n_ent)][0]
                emp_rows.append((eid, pid, prev_ent, role, "contract", prev_start, prev_end) + meta)
                post_id += 1
                post_rows.append((post_id, eid, prev_start, "原岗位", None) + meta)
            eid += 1
            end = None
            if rng.random() < 0.05:
                end = start + dt.timedelta(days=rng.randrange(30, 1500))
            emp_rows.append((eid, pid, ent_id, role, "contract", start, end) + meta)
            op = None
            if role == "worker" and rng.random() < 0.25:
                op = rng.choice([o for o in ops_by_sector.get(sector, [None]) if o] or [None])
            post_id += 1
            post_rows.append((post_id, eid, start, "岗位", op) + meta)
            if rng.random() < 0.08 and (today - start).days > 30:
                post_id += 1
                change = start + dt.timedelta(days=rng.randrange(1, (today - start).days))
                post_rows.append((post_id, eid, change, "新岗位", op) + meta)
            if rng.random() < 0.05 and (today - start).days > 200:
                leave_id += 1
                ls = start + dt.timedelta(days=rng.randrange(0, (today - start).days - 100))
                le = ls + dt.timedelta(days=rng.randrange(10, 200)) if rng.random() < 0.8 else None
                leave_rows.append((leave_id, eid, ls, le) + meta)
            needs: list[str | None] = [op] if op else []
            if role != "worker" and sector in HIGH_RISK:
                needs.append(None)
            for need in needs:
                if rng.random() < 0.9:
                    cert_id += 1
                    issued = start - dt.timedelta(days=rng.randrange(-100, 2000))
                    ctype = "special_operation" if need else "safety_management"
                    valid, review = default_dates(ctype, issued)
                    cert_rows.append(
                        (
                            cert_id,
                            pid,
                            ctype,
                            need,
                            f"B{cert_id}",
                            "",
                            issued,
                            valid,
                            review,
                            rng.random() < 0.01,
                        )
                        + meta
                    )
            # ~15 training records over the years, some pre-job training with its three levels
            for _ in range(rng.randrange(10, 21)):
                tid += 1
                day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(span))
                kind = "initial" if role != "worker" and rng.random() < 0.3 else rng.choice(KINDS)
                train_rows.append(
                    (
                        tid,
                        pid,
                        day,
                        rng.choice(["2.0", "4.0", "8.0"]),
                        kind,
                        "",
                        ent_id,
                        "enterprise",
                        "培训",
                        "import",
                    )
                    + meta
                )
            if role == "worker" and rng.random() < 0.9:
                for level in ("company", "workshop", "team"):
                    tid += 1
                    train_rows.append(
                        (
                            tid,
                            pid,
                            start,
                            "24.0",
                            "prejob",
                            level,
                            ent_id,
                            "enterprise",
                            "岗前",
                            "import",
                        )
                        + meta
                    )
                xid += 1
                exam_rows.append(
                    (xid, pid, start, "prejob", "85.0", "80.0", True, ent_id, "") + meta
                )
            for _ in range(rng.randrange(1, 5)):
                xid += 1
                day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(span))
                score = rng.choice([60, 85, 90, 95])
                exam_rows.append(
                    (
                        xid,
                        pid,
                        day,
                        rng.choice(PURPOSES),
                        f"{score}.0",
                        "80.0",
                        score >= 80,
                        ent_id,
                        "",
                    )
                    + meta
                )
            if rng.random() < 0.03:
                vid += 1
                day = start + dt.timedelta(days=rng.randrange(0, max(1, (today - start).days)))
                viol_rows.append((vid, pid, ent_id, day, "operation", "") + meta)
        common = ["created_at", "source"]
        _insert(
            Employment,
            [
                "id",
                "person_id",
                "enterprise_id",
                "role_category",
                "employment_form",
                "start_date",
                "end_date",
                *common,
            ],
            emp_rows,
        )
        _insert(
            Post, ["id", "employment_id", "from_date", "title", "operation_id", *common], post_rows
        )
        _insert(Leave, ["id", "employment_id", "start_date", "end_date", *common], leave_rows)
        _insert(
            Certificate,
            [
                "id",
                "person_id",
                "cert_type",
                "operation_id",
                "number",
                "issuing_authority",
                "issued_on",
                "valid_until",
                "review_due",
                "revoked",
                *common,
            ],
            cert_rows,
        )
        _insert(
            TrainingRecord,
            [
                "id",
                "person_id",
                "date",
                "hours",
                "kind",
                "level",
                "enterprise_id",
                "organiser",
                "title",
                "channel",
                *common,
            ],
            train_rows,
        )
        _insert(
            ExamResult,
            [
                "id",
                "person_id",
                "date",
                "purpose",
                "score",
                "pass_mark",
                "passed",
                "enterprise_id",
                "title",
                *common,
            ],
            exam_rows,
        )
        _insert(
            Violation,
            ["id", "person_id", "enterprise_id", "date", "type", "text", *common],
            viol_rows,
        )
        for name, rows in (
            ("任职", emp_rows),
            ("岗位", post_rows),
            ("离岗", leave_rows),
            ("证书", cert_rows),
            ("培训记录", train_rows),
            ("考试", exam_rows),
            ("三违", viol_rows),
        ):
            counts[name] = counts.get(name, 0) + len(rows)
            rows.clear()
    inc_rows = [
        (
            i,
            ents[rng.randrange(n_ent)][0],
            dt.date(2024, 1, 1)
            + dt.timedelta(days=rng.randrange((today - dt.date(2024, 1, 1)).days)),
            "major_hidden_danger",
            "",
        )
        + meta
        for i in range(1, n_ent // 20 + 2)
    ]
    _insert(Incident, ["id", "enterprise_id", "date", "type", "text", *common], inc_rows)
    drill_rows = [
        (
            i,
            ents[rng.randrange(n_ent)][0],
            dt.date(2024, 1, 1)
            + dt.timedelta(days=rng.randrange((today - dt.date(2024, 1, 1)).days)),
            "office",
            "演练",
            20,
        )
        + meta
        for i in range(1, n_ent * 3)
    ]
    _insert(
        Drill,
        ["id", "enterprise_id", "date", "area_type", "title", "participants", *common],
        drill_rows,
    )
    out.write("  " + ", ".join(f"{n} {name}" for name, n in counts.items()) + "\n")
    return ids


def _timed(label: str, fn: Callable[[], Any], out: Writer) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    out.write(f"{label}: {elapsed:.2f} s\n")
    out.flush()
    return elapsed, result


def run_bench(*, persons: int, seed: int, samples: int, out: Writer) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    if Person.objects.exists():
        raise CommandError("基准需要一个空数据库：请用 SAFETRAIN_DATA_DIR=$(mktemp -d) 运行")
    today = dates.today()
    out.write(f"数据库 {connection.vendor}，今天 {today}，生成 {persons} 人…\n")
    with transaction.atomic():
        gen, ids = _timed("生成合成数据", lambda: generate(persons, seed, today, out), out)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    figures: dict[str, Any] = {"generate_s": gen}
    figures["recompute_s"], count = _timed("全量重算 recompute", recompute_all, out)
    out.write(f"  重算 {count} 人\n")
    rng = random.Random(seed + 1)
    times = []
    for pid, number in rng.sample(ids, min(samples, len(ids))):
        started = time.perf_counter()
        person = Person.objects.filter(id_number_hash=id_lookup_hash(number)).first()
        assert person is not None and person.pk == pid
        evaluate_person(person, today)
        times.append(time.perf_counter() - started)
    times.sort()
    p50 = statistics.median(times) * 1000
    p95 = times[int(0.95 * (len(times) - 1))] * 1000
    out.write(
        f"compliance show（查找+评估，{len(times)} 人）: p50 {p50:.1f} ms, p95 {p95:.1f} ms\n"
    )
    figures["show_p50_ms"], figures["show_p95_ms"] = p50, p95
    past = dt.date(today.year - 1, 6, 30)
    figures["past_rates_s"], past_rates = _timed(
        f"全市三率（过去日期 {past}，从记录计算）",
        lambda: rates_from_records(Scope.city(), past),
        out,
    )
    out.write(f"  {past_rates.as_dict()}\n")
    figures["today_rates_s"], today_rates = _timed(
        "全市今日三率（物化状态）", lambda: rates(Scope.city()), out
    )
    out.write(f"  来源 {today_rates.source}: {today_rates.as_dict()}\n")
    figures["today_rates_source"] = today_rates.source
    figures["recomputed"] = count
    return figures
