"""`safetrain demo load [--seed S] [--size full|small] [--on YYYY-MM-DD] [--reset [--force]] [--url URL]`."""

from __future__ import annotations

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetrain.core.dates import parse_iso_date
from safetrain.core.errors import ServiceError
from safetrain.demo.context import DEMO_PASSWORD, SIZES
from safetrain.demo.services import demo_load
from safetrain.people.models import Role

URL = "http://127.0.0.1:8000/"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    lines = [
        rule,
        "| " + " | ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)) + " |",
        rule,
    ]
    for row in rows:
        lines.append("| " + " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)) + " |")
    lines.append(rule)
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "演示数据：`safetrain demo load` 生成晋城市演示数据（可重复运行，结果相同）并打印演示账号。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument("--seed", type=int, default=2024, help="随机种子（默认 2024）")
        parser.add_argument(
            "--size", choices=sorted(SIZES), default="full", help="规模：full（默认）或 small"
        )
        parser.add_argument(
            "--on", default=None, help="基准日 YYYY-MM-DD（默认今天；再次加载沿用首次的基准日）"
        )
        parser.add_argument("--url", default=URL, help=f"打印的访问地址（默认 {URL}）")
        parser.add_argument("--reset", action="store_true", help="先删除全部非参考数据")
        parser.add_argument(
            "--force", action="store_true", help="与 --reset 同用：库中有非演示数据时也删除"
        )

    def handle(self, *args: object, **options: object) -> None:
        on = None
        if options["on"]:
            try:
                on = parse_iso_date(options["on"])
            except ValueError as exc:
                raise CommandError(f"--on: {exc}") from exc
        started = time.monotonic()
        try:
            result = demo_load(
                seed=int(str(options["seed"])),
                size=str(options["size"]),
                reset=bool(options["reset"]),
                force=bool(options["force"]),
                on=on,
                say=self.stdout.write,
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        elapsed = time.monotonic() - started
        out = self.stdout.write
        if result.wiped:
            out(f"已清空非参考数据：{sum(result.wiped.values())} 行")
        created = result.created
        made = "、".join(
            f"{label} {created[key]}"
            for key, label in [
                ("enterprises", "企业"),
                ("persons", "人员"),
                ("employments", "任职"),
                ("post_changes", "岗位变动"),
                ("leaves", "离岗"),
            ]
        )
        out(
            f"晋城市演示数据已就绪（seed={result.seed}，规模 {result.size}，基准日 {result.anchor}，"
            f"用时 {elapsed:.1f} 秒）"
        )
        out(f"本次新建：{made}" if any(created.values()) else "本次新建：无（演示数据已是最新）")
        out(
            f"库中共有：企业 {result.totals['enterprises']}，人员 {result.totals['persons']}，"
            f"账号 {result.totals['accounts']}"
        )
        out("")
        out("演示账号（所有账号密码相同）：")
        labels = dict(Role.choices)
        rows = [
            [login.username, f"{labels[login.role]} {login.role}", login.scope, DEMO_PASSWORD]
            for login in result.logins
        ]
        out(table(["用户名", "角色", "范围", "密码"], rows))
        for login in result.logins:
            if login.note:
                out(f"{login.username}：{login.note}")
        out("")
        out("管理员与执法人员须双因素认证：密码之后输入动态口令（身份验证器 App 添加下列密钥；")
        out("或运行 safetrain user otp 用户名 打印当前口令，演示与运维用）：")
        for login in result.logins:
            if login.otp_secret:
                out(f"  {login.username}：动态口令密钥 {login.otp_secret}")
        out("")
        out(f"打开 {options['url']} 登录。")
