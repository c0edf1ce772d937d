"""`safetrain inspections draw|refresh-orders` (DESIGN §5, docs/inspections.md).

The command line runs on the server as its operator: it sees the whole city (no account)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetrain.core import dates
from safetrain.enterprises.models import Enterprise
from safetrain.inspections.draw import draw_pairs
from safetrain.inspections.services import orders_refresh
from safetrain.people.models import User
from safetrain.regions.models import CITY_CODE, Region


class Command(BaseCommand):
    help = "执法检查：draw 双随机抽取企业和执法人员；refresh-orders 核查责令改正是否整改完毕。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        draw = sub.add_parser("draw", help="双随机：抽取企业，每家配两名不同的执法人员")
        draw.add_argument("--region", required=True, help="行政区划代码（市或县）")
        draw.add_argument("--count", type=int, required=True, help="抽取企业数")
        draw.add_argument(
            "--seed", type=int, required=True, help="随机种子（同样的种子和数据得到同样的结果）"
        )
        draw.add_argument("--json", action="store_true")
        refresh = sub.add_parser(
            "refresh-orders",
            help="用合规引擎核查未办结的责令改正，问题消除的自动办结（供定时任务）",
        )
        refresh.add_argument("--on", help="核查日期 YYYY-MM-DD（默认今天）")
        bench = sub.add_parser("bench", help="基准：在回滚的事务中写入 N 件责令改正并计时")
        bench.add_argument("--orders", type=int, default=500)
        bench.add_argument("--repeat", type=int, default=5)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "draw":
            self._draw(opts)
        elif opts["action"] == "bench":
            self._bench(opts)
        else:
            self._refresh(opts)

    def _bench(self, opts: dict[str, Any]) -> None:
        from safetrain.inspections.bench import run

        try:
            result = run(orders=opts["orders"], repeat=opts["repeat"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"orders {result['orders']}, items {result['items']} (rolled back)")
        for key in ("open_orders_city", "order_counts", "order_list_page", "draw_candidates"):
            if key in result:
                ms, queries = result[key]
                self.stdout.write(f"{key:<18} {ms:8.1f} ms  {queries} queries (median)")
        ms, counts = result["refresh_orders"]
        self.stdout.write(
            f"{'refresh_orders':<18} {ms:8.1f} ms  cleared {counts['cleared']}, closed {counts['closed']}"
        )

    def _draw(self, opts: dict[str, Any]) -> None:
        code = str(opts["region"]).strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"行政区划代码 {code} 不存在")
        enterprises = Enterprise.objects.all()
        if code != CITY_CODE:
            enterprises = enterprises.filter(region_id=code)
        inspectors = User.objects.filter(role="inspector", region_id=code, is_active=True)
        try:
            pairs = draw_pairs(
                list(enterprises.values_list("credit_code", flat=True)),
                list(inspectors.values_list("username", flat=True)),
                opts["count"],
                opts["seed"],
            )
        except ValueError as exc:
            raise CommandError(f"{region.name}（{code}）：{exc}") from exc
        if opts["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "seed": opts["seed"],
                        "region": code,
                        "pairs": [{"enterprise": e, "inspectors": i} for e, i in pairs],
                    },
                    ensure_ascii=False,
                )
            )
            return
        names = dict(
            Enterprise.objects.filter(credit_code__in=[e for e, _ in pairs]).values_list(
                "credit_code", "name"
            )
        )
        self.stdout.write(f"{region.name}（{code}）双随机抽取 {len(pairs)} 家，种子 {opts['seed']}")
        for n, (e, insp) in enumerate(pairs, 1):
            self.stdout.write(f"{n:>3}. {names.get(e, '')}（{e}）  执法人员：{'、'.join(insp)}")

    def _refresh(self, opts: dict[str, Any]) -> None:
        on = dates.today()
        if opts.get("on"):
            try:
                on = dates.parse_iso_date(opts["on"])
            except ValueError as exc:
                raise CommandError(f"--on：{exc}") from exc
        result = orders_refresh(on=on)
        self.stdout.write(
            f"{on.isoformat()}：消除问题 {result['cleared']} 项，办结责令改正 {result['closed']} 件"
        )
