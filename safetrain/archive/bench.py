"""``safetrain archive bench``: what the record log costs (docs/archive.md "Costs").

Imports one 培训记录 sheet of N rows for persons already in the database twice — with the log
and with the log switched off — each inside a transaction that is rolled back, then times
``archive verify`` over the log as it stands. Needs persons with an employment (e.g. a
database filled by ``safetrain seed city``)."""

from __future__ import annotations

import contextlib
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from django.db import transaction


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def _rolled_back() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def _sheet(path: Path, rows: int, seed: int) -> None:
    from openpyxl import Workbook

    from safetrain.people.models import Employment
    from safetrain.people.services import person_id_number

    rng = random.Random(seed)
    emps = list(
        Employment.objects.filter(end_date__isnull=True)
        .select_related("person", "enterprise")
        .order_by("pk")[:2000]
    )
    if not emps:
        raise SystemExit("no employments: fill the database first (safetrain seed city)")
    numbers = {e.pk: person_id_number(e.person) for e in emps}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("培训记录")
    ws.append(
        ["身份证号", "统一社会信用代码", "培训日期", "学时", "培训类型", "培训层级", "培训名称"]
    )
    for i in range(rows):
        e = rng.choice(emps)
        day = f"2025-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
        ws.append([numbers[e.pk], e.enterprise.credit_code, day, "2", "专题", "", f"专题{i}"])
    wb.save(path)


def run(rows: int = 10_000, repeat: int = 2) -> dict[str, Any]:
    from safetrain.archive import chain
    from safetrain.workbook.engine import import_workbook

    out: dict[str, Any] = {"rows": rows, "with_log": [], "without_log": []}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "training.xlsx"
        _sheet(path, rows, seed=7)
        data = path.read_bytes()
        for _ in range(repeat):
            for key, patch in (
                ("with_log", contextlib.nullcontext()),
                ("without_log", mock.patch("safetrain.records.sheets.log_inserted_after")),
            ):
                with _rolled_back(), patch:
                    started = time.perf_counter()
                    result = import_workbook(data, actor=None)
                    out[key].append(time.perf_counter() - started)
                    if getattr(result, "errors", None):
                        raise SystemExit(f"import failed: {result.errors[:3]}")
    started = time.perf_counter()
    report = chain.verify()
    out["verify_seconds"] = time.perf_counter() - started
    out["verify_entries"] = report.entries
    out["verify_ok"] = report.ok
    return out
