"""`safetrain seed city [--persons N] [--seed S] [--today YYYY-MM-DD]`: the synthetic Jincheng.

Writes an empty database (SQLite or PostgreSQL via DATABASE_URL). Deterministic: the same seed,
person count and end date give the same data. See safetrain/scale/city.py and
docs/benchmarks.md (City seed).
"""

from __future__ import annotations

import datetime as dt
import resource
from typing import Any

from django.core.management.base import CommandError, CommandParser

from safetrain.core import dates
from safetrain.core.errors import ServiceError
from safetrain.people.management.base import ExitOneCommand


def _date(value: str) -> dt.date:
    try:
        return dates.parse_iso_date(value)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


class Command(ExitOneCommand):
    help = "生成合成城市数据（晋城市6县区、约1200家企业、20万从业人员的五年履历）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["city"], help="city：合成晋城市")
        parser.add_argument("--persons", type=int, default=200_000, help="人员数（默认 200000）")
        parser.add_argument("--seed", type=int, default=2024, help="随机种子（默认 2024）")
        parser.add_argument(
            "--today", default="", help="历史截止日 YYYY-MM-DD（默认今天，Asia/Shanghai）"
        )
        parser.add_argument("--batch", type=int, default=2000, help="每批写入的人员数")
        parser.add_argument("--quiet", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **opts: Any) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from safetrain.scale.load import seed_city

        persons = opts["persons"]
        if persons < 1:
            raise CommandError("--persons 须为正整数")
        today = _date(opts["today"]) if opts["today"] else dates.today()
        progress = Progress(
            TextColumn("[bold]合成城市"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("人"),
            TimeElapsedColumn(),
            TextColumn("剩余"),
            TimeRemainingColumn(),
            disable=opts["quiet"],
        )
        with progress:
            task = progress.add_task("seed", total=persons)
            try:
                result = seed_city(
                    persons=persons,
                    seed=opts["seed"],
                    today=today,
                    batch_size=opts["batch"],
                    on_progress=lambda n: progress.advance(task, n),
                )
            except ServiceError as exc:
                raise CommandError(exc.message) from exc
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"合成城市（种子 {result.seed}，截至 {result.today}）：{result.seconds:.1f} 秒，"
            f"峰值内存 {peak_mb:.0f} MB"
        )
        for table, n in result.counts.items():
            self.stdout.write(f"  {table}: {n}")
