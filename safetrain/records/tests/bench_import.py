"""Benchmark: the 培训记录 sheet's check() + write() + export_rows() at scale (not a test).

    SAFETRAIN_DATA_DIR=$(mktemp -d) .venv/bin/python -m safetrain.records.tests.bench_import \
        --persons 20000 --rows 300000

Builds a fresh SQLite database in the data directory, N persons employed at 100 enterprises
(bulk-created), then imports ROWS training rows through the handler as the engine would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=300_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from safetrain.core.identifiers import make_credit_code, make_id_number
    from safetrain.enterprises.models import Enterprise
    from safetrain.people.models import Employment, Person
    from safetrain.people.services import person_fields
    from safetrain.records.models import TrainingRecord
    from safetrain.workbook.registry import ExportScope, ImportContext, Row, registry

    t = time.perf_counter()
    ents = Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=make_credit_code("140502", 500 + i),
            name=f"企业{i}",
            region_id="140502",
            sector_id="coal_mine",
        )
        for i in range(100)
    )
    numbers = []
    persons = []
    for i in range(args.persons):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=i % 15_000)
        number = make_id_number("140502", birth, i // 15_000)
        numbers.append(number)
        persons.append(Person(**person_fields(id_number=number, name=f"工人{i}")))
    seen = set()
    unique = [
        (n, p) for n, p in zip(numbers, persons, strict=True) if not (n in seen or seen.add(n))
    ]
    numbers = [n for n, _ in unique]
    persons = Person.objects.bulk_create([p for _, p in unique], batch_size=2000)
    Employment.objects.bulk_create(
        (
            Employment(
                person=p,
                enterprise=ents[i % 100],
                role_category="worker",
                start_date=dt.date(2020, 1, 1),
            )
            for i, p in enumerate(persons)
        ),
        batch_size=2000,
    )
    print(f"setup: {len(persons)} persons in {time.perf_counter() - t:.1f} s")

    rng = random.Random(7)
    handler = registry.get("培训记录")
    kinds = ["岗前", "再培训", "专题", "初次"]
    rows = []
    for r in range(args.rows):
        i = rng.randrange(len(persons))
        kind = kinds[r % 4]
        rows.append(
            Row(
                number=r + 2,
                cells={
                    "身份证号": numbers[i],
                    "统一社会信用代码": ents[i % 100].credit_code,
                    "培训日期": (dt.date(2024, 1, 1) + dt.timedelta(days=r % 500)).isoformat(),
                    "学时": str(1 + r % 8) + (".5" if r % 3 else ""),
                    "培训类型": kind,
                    "培训层级": "车间级" if kind == "岗前" else "",
                    "培训名称": f"课程{r % 997}",
                },
            )
        )
    ctx = ImportContext(actor=None, today=dt.date(2026, 1, 1))
    t = time.perf_counter()
    plan = handler.check(rows, ctx)
    check_s = time.perf_counter() - t
    assert not ctx.errors, ctx.errors[:3]
    t = time.perf_counter()
    with transaction.atomic():
        written = handler.write(plan, ctx)
    write_s = time.perf_counter() - t
    t = time.perf_counter()
    exported = sum(1 for _ in handler.export_rows(ExportScope()))
    export_s = time.perf_counter() - t
    t = time.perf_counter()
    with transaction.atomic():
        again = handler.write(handler.check(rows, ImportContext(actor=None, today=ctx.today)), ctx)
    again_s = time.perf_counter() - t
    n = args.rows
    print(f"check  {n} rows: {check_s:.1f} s ({n / check_s:,.0f} rows/s)")
    print(f"write  {written} rows: {write_s:.1f} s ({written / write_s:,.0f} rows/s)")
    print(f"export {exported} rows: {export_s:.1f} s ({exported / export_s:,.0f} rows/s)")
    print(f"re-import (all duplicates, {again} written): {again_s:.1f} s")
    assert TrainingRecord.objects.count() == written


if __name__ == "__main__":
    main()
