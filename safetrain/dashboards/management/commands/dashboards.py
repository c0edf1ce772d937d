"""`safetrain dashboards warm [--on D] [--months N]` and `safetrain dashboards bench`."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetrain.core import dates


class Command(BaseCommand):
    help = "监管看板：warm 预先计算某日及其前 12 个月末的统计缓存；bench 基准（空数据库）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        warm = sub.add_parser(
            "warm", help="预先计算看板缓存（建议每日凌晨在 compliance recompute 之后运行）"
        )
        warm.add_argument("--on", help="统计日期 YYYY-MM-DD（默认今天）")
        bench = sub.add_parser(
            "bench",
            help="计时市、县、企业看板页面（冷/新的一天/变更后/热，p50/p95）；"
            "空数据库时先生成合成城市。请使用单独的数据库",
        )
        bench.add_argument("--persons", type=int, default=20000, help="空数据库时生成的人数")
        bench.add_argument("--seed", type=int, default=1)
        bench.add_argument("--requests", type=int, default=40, help="热缓存下每个页面的请求数")
        bench.add_argument("--on", help="统计日期 YYYY-MM-DD（默认今天）")
        bench.add_argument(
            "--skip-cold", action="store_true", help="保留已有缓存，不测冷启动（13 天全部重算）"
        )

    def handle(self, *args: object, **opts: object) -> None:
        if opts["action"] == "warm":
            from safetrain.dashboards.selectors import trend_dates
            from safetrain.dashboards.stats import ensure_days

            raw = str(opts.get("on") or "")
            try:
                on = dates.parse_iso_date(raw) if raw else dates.today()
            except ValueError as exc:
                raise CommandError(f"--on：{exc}") from exc
            started = time.perf_counter()
            days = ensure_days(trend_dates(on), certs=on)
            self.stdout.write(
                f"看板缓存：{len(days)} 天（{min(days)} 至 {max(days)}），"
                f"{time.perf_counter() - started:.1f} 秒"
            )
            return
        from django.core.management import call_command

        from safetrain.dashboards.bench import run_bench

        raw = str(opts.get("on") or "")
        try:
            bench_on = dates.parse_iso_date(raw) if raw else None
        except ValueError as exc:
            raise CommandError(f"--on：{exc}") from exc
        call_command("migrate", verbosity=0)
        run_bench(
            on=bench_on,
            skip_cold=bool(opts.get("skip_cold")),
            persons=int(str(opts["persons"])),
            seed=int(str(opts["seed"])),
            requests=int(str(opts["requests"])),
            say=lambda s: self.stdout.write(s),
        )
