"""`safetrain questions bench` — paper-draw benchmark (docs/benchmarks.md, docs/questions.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "题库工具：bench（抽题基准测试）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action")
        bench = sub.add_parser("bench", help="抽题基准测试：N 题的题库，重复抽题，报告 p50/p95")
        bench.add_argument("--size", type=int, default=20000, help="题库题数（默认 20000）")
        bench.add_argument("--draws", type=int, default=200, help="抽题次数（默认 200）")
        bench.add_argument("--keep", action="store_true", help="保留生成的题库（默认回滚）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("action") != "bench":
            raise CommandError("用法：safetrain questions bench [--size N] [--draws N] [--keep]")
        if options["size"] < 200 or options["draws"] < 1:
            raise CommandError("--size 至少 200，--draws 至少 1")
        from safetrain.questions.bench import run

        run(
            size=options["size"],
            draws=options["draws"],
            keep=options["keep"],
            out=self.stdout.write,
        )
