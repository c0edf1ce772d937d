"""`safetrain inspections draw|refresh-orders` (DESIGN §5, docs/inspections.md).

The command line runs on the server as its operator: it sees the whole city (no account)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetrain.core import dates
from safetrain.core.errors import ServiceError
from safetrain.enterprises.models import Enterprise
from safetrain.inspections.services import orders_refresh


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
        draw.add_argument(
            "--publish",
            action="store_true",
            help="同时记录并公示本次抽取，生成待检查任务（默认只显示结果，不写入）",
        )
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
        from safetrain.inspections import planning

        code = str(opts["region"]).strip()
        try:
            inputs = planning.draw_inputs(code)
            pairs = planning.draw_compute(inputs, opts["count"], opts["seed"])
            draw = (
                planning.draw_publish(
                    actor=None,
                    region_code=code,
                    count=opts["count"],
                    seed=opts["seed"],
                    inputs=inputs,
                )
                if opts["publish"]
                else None
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
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
        region = inputs.region
        names = dict(
            Enterprise.objects.filter(credit_code__in=[e for e, _ in pairs]).values_list(
                "credit_code", "name"
            )
        )
        source = f"执法计划“{inputs.plan.title}”" if inputs.plan else "全部企业（无执法计划）"
        self.stdout.write(
            f"{region.name}（{code}）双随机抽取 {len(pairs)} 家，种子 {opts['seed']}，"
            f"范围：{source}，输入摘要 {inputs.digest()[:16]}"
        )
        for n, (e, insp) in enumerate(pairs, 1):
            self.stdout.write(
                f"{n:>3}. {names.get(e, '')}（{e}，风险权重 {inputs.weights[e]}）  "
                f"执法人员：{'、'.join(insp)}"
            )
        if draw is not None:
            self.stdout.write(f"已公示（抽取记录 #{draw.pk}），生成待检查任务 {len(pairs)} 项")

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
