"""`safetrain bench [--scale small|city] [--database-url URL]`: the benchmark suite.

Each figure is paired with a reference measured in the same run; the Markdown table goes to
docs/benchmarks.md ("Bench suite"). See safetrain/scale/bench.py.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from safetrain.people.management.base import ExitOneCommand


class Command(ExitOneCommand):
    help = "性能基准：每项与同一次运行中测得的参照值成对给出，结果写入 docs/benchmarks.md"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["tiny", "small", "city"], default="small")
        parser.add_argument(
            "--database-url",
            default="",
            help="postgres://… 基准自建并删除该数据库；默认临时 SQLite 文件",
        )
        parser.add_argument("--repeat", type=int, default=3, help="每项重复次数（取中位数）")
        parser.add_argument("--no-write", action="store_true", help="只打印，不改 docs")
        parser.add_argument("--json", default="", help="另存原始结果 JSON 的路径")
        # internal: one step in this process (the orchestrator starts these)
        parser.add_argument("--step", default="", help="")
        parser.add_argument("--persons", type=int, default=0, help="")
        parser.add_argument("--sample", type=int, default=200, help="")
        parser.add_argument("--on", default="", help="")

    def handle(self, *args: Any, **opts: Any) -> None:
        from safetrain.scale import bench

        if opts["step"]:
            self._step(bench, opts)
            return
        if opts["repeat"] < 1:
            raise CommandError("--repeat 须为正整数")
        try:
            results = bench.run_suite(
                scale=opts["scale"],
                database_url=opts["database_url"] or None,
                repeat=opts["repeat"],
                log=lambda msg: self.stderr.write(msg),
            )
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        results["repeat"] = opts["repeat"]
        if opts["json"]:
            Path(opts["json"]).write_text(json.dumps(results, ensure_ascii=False, indent=1))
        block = bench.render(results)
        self.stdout.write(block)
        if not opts["no_write"]:
            path = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
            bench.write_docs(path, block, f"{results['scale']}:{results['engine']}")
            self.stderr.write(f"已写入 {path}")

    def _step(self, bench: Any, opts: dict[str, Any]) -> None:
        from safetrain.core import dates

        name = opts["step"]
        if name == "seed":
            out = bench.step_seed(opts["persons"], dates.today())
        elif name == "rates":
            out = bench.step_rates(opts["repeat"], dt.date.fromisoformat(opts["on"]))
        elif name in ("recompute", "import"):
            out = bench.STEPS[name](opts["repeat"])
        elif name in ("token", "fixtures"):
            out = bench.STEPS[name](opts["sample"])
        else:
            raise CommandError(f"unknown step {name}")
        self.stdout.write(json.dumps(out, ensure_ascii=False))
