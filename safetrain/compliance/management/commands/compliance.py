"""`safetrain compliance show|rates|recompute|bench` (DESIGN §5).

The command line runs on the server as its operator: it sees the whole city (no account)."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetrain.compliance.domain import Evaluation
from safetrain.compliance.engine import Rates, Scope, evaluate_person, rates
from safetrain.compliance.policy import policy_for
from safetrain.core import dates
from safetrain.core.identifiers import InvalidIdentifier, mask_id_number, normalize_id_number
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person
from safetrain.regions.models import CITY_CODE, Region

STATUS_LABELS = {"in_post": "在岗", "on_leave": "离岗（休假/停工）", "not_employed": "无在职任职"}


def _day(value: str | None) -> dt.date:
    if not value:
        return dates.today()
    try:
        return dates.parse_iso_date(value)
    except ValueError as exc:
        raise CommandError(f"--on：{exc}") from exc


def render_evaluation(person: Person, ev: Evaluation) -> str:
    policy = policy_for(ev.as_of)
    ent_name = ""
    if ev.enterprise:
        ent = Enterprise.objects.filter(credit_code=ev.enterprise).first()
        ent_name = f"{ent.name}（{ev.enterprise}）" if ent else ev.enterprise
    lines = [
        f"{person.name}（{person.id_number_masked}）  评估日期 {ev.as_of}  策略 {policy.version}",
        f"状态：{STATUS_LABELS.get(ev.status, ev.status)}" + (f"  {ent_name}" if ent_name else ""),
        "结论：" + ("可以上岗" if ev.may_work else "不得上岗"),
    ]
    if not ev.findings:
        lines.append("无问题。" if ev.status == "in_post" else "（不在岗，不评估培训与持证）")
    else:
        blocking = sum(1 for f in ev.findings if f.blocking)
        lines.append(f"问题 {len(ev.findings)} 项（其中阻止上岗 {blocking} 项）：")
        for f in ev.findings:
            meta = policy.meta(f.code)
            tag = "阻止上岗" if f.blocking else "提醒"
            lines.append(f"  [{tag}] {meta.label}（{f.code}）")
            lines.append(f"      整改：{f.remedy}")
            lines.append(f"      依据：{f.basis}")
    return "\n".join(lines)


def render_rates(r: Rates) -> str:
    def pct(num: int, den: int) -> str:
        return f"{num}/{den}" + (f"（{100 * num / den:.1f}%）" if den else "（—）")

    return "\n".join(
        [
            f"范围 {r.scope}  日期 {r.as_of}  在岗人数 {r.population}",
            f"安全教育覆盖率 {pct(r.coverage.num, r.coverage.den)}",
            f"持证上岗率     {pct(r.certified.num, r.certified.den)}",
            f"安全风险知晓率 {pct(r.awareness.num, r.awareness.den)}",
            f"允许上岗率     {pct(r.may_work.num, r.may_work.den)}",
        ]
    )


class Command(BaseCommand):
    help = "合规评估：show 一个人在某日能否上岗；rates 三率；recompute 重算今日状态；bench 基准。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="一个人在某日的合规结论与问题")
        show.add_argument("id_number")
        show.add_argument("--on")
        show.add_argument("--json", action="store_true")
        r = sub.add_parser("rates", help="覆盖率、持证率、知晓率、允许上岗率")
        group = r.add_mutually_exclusive_group()
        group.add_argument("--region")
        group.add_argument("--enterprise")
        r.add_argument("--on")
        r.add_argument("--json", action="store_true")
        sub.add_parser("recompute", help="重算所有人今日的状态（物化缓存）")
        bench = sub.add_parser("bench", help="在空数据库中生成合成人口并计时（基准，不是测试）")
        bench.add_argument("--persons", type=int, default=20000)
        bench.add_argument("--seed", type=int, default=1)
        bench.add_argument("--show-samples", type=int, default=300)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "show":
            self.show(options)
        elif action == "rates":
            self.rates(options)
        elif action == "recompute":
            from safetrain.compliance.services import recompute_all

            started = time.perf_counter()
            count = recompute_all()
            self.stdout.write(
                f"已重算 {count} 人的今日状态（{dates.today()}），用时 {time.perf_counter() - started:.1f} 秒"
            )
        elif action == "bench":
            from safetrain.compliance.bench import run_bench

            run_bench(
                persons=options["persons"],
                seed=options["seed"],
                samples=options["show_samples"],
                out=self.stdout,
            )

    def show(self, options: dict[str, Any]) -> None:
        from safetrain.people.services import id_lookup_hash

        try:
            number = normalize_id_number(options["id_number"])
        except InvalidIdentifier as exc:
            raise CommandError(f"身份证号无效：{exc}") from exc
        on = _day(options.get("on"))
        person = Person.objects.filter(id_number_hash=id_lookup_hash(number)).first()
        if person is None:
            raise CommandError(f"未找到身份证号为 {mask_id_number(number)} 的人员")
        ev = evaluate_person(person, on)
        if options["json"]:
            self.stdout.write(json.dumps(ev.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(render_evaluation(person, ev))

    def rates(self, options: dict[str, Any]) -> None:
        on = _day(options.get("on"))
        scope = Scope.city()
        if options.get("enterprise"):
            code = options["enterprise"].strip().upper()
            ent = Enterprise.objects.filter(credit_code=code).first()
            if ent is None:
                raise CommandError(f"未找到统一社会信用代码为 {code} 的企业")
            scope = Scope.for_enterprise(ent)
        elif options.get("region"):
            code = options["region"].strip()
            if not Region.objects.filter(code=code).exists():
                raise CommandError(f"未知行政区划代码 {code}（晋城市为 {CITY_CODE}）")
            scope = Scope.for_region(code)
        result = rates(scope, on)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(render_rates(result))
