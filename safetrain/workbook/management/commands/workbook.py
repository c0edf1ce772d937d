"""`safetrain workbook bench [--rows 10000]`: time a 人员 import (docs/benchmarks.md).

Builds a 人员 sheet of N rows (valid ID numbers from make_id_number, about 50 enterprises, a
catalogue job type per row, departments) and imports it into a fresh SQLite database in a
temporary directory (the command re-runs itself there, so the configured database is never
touched). Prints the time to build the file, the import time and rows per second.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from django.core.management.base import CommandParser

from safetrain.people.management.base import ExitOneCommand

ENTERPRISES = 50
JOBS = ["采煤机司机", "瓦斯检查工", "井下电钳工", "安全检查工", "绞车司机", "综采维修工", "矿长"]


class Command(ExitOneCommand):
    help = "Workbook tools: `bench [--rows N]` times a 人员 import in a temporary SQLite database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="bench")
        bench = sub.add_parser("bench", help="time importing an N-row 人员 sheet")
        bench.add_argument("--rows", type=int, default=10_000)
        bench.add_argument("--in-place", action="store_true", help=argparse_hidden())

    def handle(self, *args: Any, **options: Any) -> None:
        rows = options["rows"]
        if rows < 1:
            self.stderr.write("--rows 须为正整数")
            raise SystemExit(1)
        if not options["in_place"]:
            self._respawn(rows)
            return
        self._bench(rows)

    def _respawn(self, rows: int) -> None:
        with tempfile.TemporaryDirectory(prefix="safetrain-bench-") as tmp:
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env["SAFETRAIN_DATA_DIR"] = tmp
            python = [sys.executable, "-m", "safetrain"]
            subprocess.run([*python, "migrate", "-v0", "--noinput"], env=env, check=True)
            done = subprocess.run(
                [*python, "workbook", "bench", "--rows", str(rows), "--in-place"], env=env
            )
            if done.returncode:
                raise SystemExit(done.returncode)

    def _bench(self, rows: int) -> None:
        from django.db import connection
        from openpyxl import Workbook

        from safetrain.core.identifiers import make_credit_code, make_id_number
        from safetrain.enterprises.services import enterprise_register
        from safetrain.people.models import Employment, Person
        from safetrain.workbook.engine import import_workbook
        from safetrain.workbook.registry import registry

        counties = ["140502", "140521", "140522", "140524", "140525", "140581"]
        codes = []
        for i in range(ENTERPRISES):
            region = counties[i % len(counties)]
            code = make_credit_code(region, 50_000 + i)
            enterprise_register(
                actor=None,
                credit_code=code,
                name=f"基准测试煤业{i:02d}",
                region_code=region,
                sector_code="coal_mine",
                area_types="矿井,办公",
            )
            codes.append(code)
        t0 = time.perf_counter()
        book = Workbook(write_only=True)
        sheet = book.create_sheet("人员")
        sheet.append(registry.get("人员").all_headers)  # type: ignore[union-attr]
        base = dt.date(1965, 1, 1)
        for n in range(rows):
            region = counties[n % len(counties)]
            birth = base + dt.timedelta(days=(n // 1000) * 7 + n % 997)
            sheet.append(
                [
                    make_id_number(region, birth, n % 1000),
                    f"职工{n:05d}",
                    f"139{n:08d}",
                    codes[n % ENTERPRISES],
                    "一线操作人员",
                    JOBS[n % len(JOBS)],
                    "",
                    (dt.date(2015, 1, 1) + dt.timedelta(days=n % 3000)).isoformat(),
                    "",
                    f"第{n % 5 + 1}车间/{n % 3 + 1}班",
                    "合同工",
                ]
            )
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
        t1 = time.perf_counter()
        result = import_workbook(data, actor=None)
        t2 = time.perf_counter()
        if result.errors:
            for error in result.errors[:20]:
                self.stderr.write(str(error))
            raise SystemExit(1)
        again = import_workbook(data, actor=None)
        t3 = time.perf_counter()
        self.stdout.write(
            f"database: {connection.vendor}; rows: {rows}; file: {len(data) / 1e6:.1f} MB "
            f"(built in {t1 - t0:.1f} s)\n"
            f"import: {t2 - t1:.2f} s ({rows / (t2 - t1):,.0f} rows/s); "
            f"persons {Person.objects.count()}, employments {Employment.objects.count()}\n"
            f"re-import of the same file (nothing to write): {t3 - t2:.2f} s, "
            f"written {sum(c.written for c in again.counts.values())}"
        )


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS
