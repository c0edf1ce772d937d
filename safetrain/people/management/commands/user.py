"""`safetrain user create USERNAME --role ROLE [--region CODE | --enterprise CODE] [--id-number N]`

Bootstraps accounts from the command line (DESIGN §5). The password is read from standard input:
one line, without its line break, so that it never shows in the process list or shell history:

    printf '%s\\n' "$PASSWORD" | safetrain user create chengqu --role county_admin --region 140502

Operator aids of account security (safetrain.accounts, docs/security.md#accounts):

    safetrain user otp USERNAME              # the current TOTP code of a pre-enrolled account (demo)
    safetrain user otp USERNAME --reset      # remove a lost authenticator: enrol again at sign-in
    safetrain user reset-password USERNAME   # a one-time reset code, valid 30 minutes
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from safetrain.core.errors import ServiceError
from safetrain.core.identifiers import InvalidIdentifier, mask_id_number, normalize_id_number
from safetrain.enterprises.models import Enterprise
from safetrain.people.management.base import ExitOneCommand
from safetrain.people.models import Person, Role, User
from safetrain.people.services import id_lookup_hash, user_create

REGION_ROLES = ("city_admin", "county_admin", "inspector")


class Command(ExitOneCommand):
    help = (
        "Accounts: `safetrain user create USERNAME --role ROLE ...`; the password comes from stdin."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{create,otp,reset-password}"
        )
        create = sub.add_parser("create", help="create an account (password from standard input)")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=Role.values)
        anchor = create.add_mutually_exclusive_group()
        anchor.add_argument(
            "--region", help="region code (city_admin: 140500; county_admin, inspector)"
        )
        anchor.add_argument("--enterprise", help="credit code of the enterprise (enterprise_admin)")
        create.add_argument("--id-number", dest="id_number", help="the worker's ID number (worker)")
        otp = sub.add_parser(
            "otp", help="print the current TOTP code of USERNAME (a demo and operator aid)"
        )
        otp.add_argument("username")
        otp.add_argument(
            "--reset",
            action="store_true",
            help="remove the account's authenticator (lost phone); it enrols again at sign-in",
        )
        reset = sub.add_parser(
            "reset-password", help="print a one-time password reset code (valid 30 minutes)"
        )
        reset.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "otp":
            return self.otp(options["username"], reset=options["reset"])
        if options["action"] == "reset-password":
            return self.reset_password(options["username"])
        return self.create(**options)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"未知用户 {username}")
        return user

    def otp(self, username: str, *, reset: bool) -> None:
        from safetrain.accounts.services import otp_current_code, otp_reset

        user = self._user(username)
        if reset:
            otp_reset(actor=None, user=user)
            self.stdout.write(f"已清除 {username} 的动态口令，并结束其全部会话、吊销其接口令牌")
            return
        try:
            self.stdout.write(otp_current_code(user=user))
        except ServiceError as exc:
            raise CommandError(exc.message) from exc

    def reset_password(self, username: str) -> None:
        from safetrain.accounts.services import RESET_MINUTES, reset_issue

        code = reset_issue(actor=None, user=self._user(username))
        self.stdout.write(
            f"{username} 的一次性密码重置码（{RESET_MINUTES} 分钟内有效）：{code}\n"
            "本人在登录页“忘记密码” → “我有重置码”输入用户名、重置码和新密码。"
        )

    def create(self, **options: Any) -> None:
        role: str = options["role"]
        region: str | None = options.get("region")
        credit_code: str | None = options.get("enterprise")
        id_number: str | None = options.get("id_number")
        if region and role not in REGION_ROLES:
            raise CommandError(f"--region 只适用于 {'、'.join(REGION_ROLES)}，不适用于 {role}")
        if credit_code and role != "enterprise_admin":
            raise CommandError(f"--enterprise 只适用于 enterprise_admin，不适用于 {role}")
        if id_number and role != "worker":
            raise CommandError(f"--id-number 只适用于 worker，不适用于 {role}")

        enterprise = None
        if credit_code:
            enterprise = Enterprise.objects.filter(credit_code=credit_code.strip().upper()).first()
            if enterprise is None:
                raise CommandError(f"未找到统一社会信用代码为 {credit_code} 的企业")
        person = None
        if id_number:
            try:
                number = normalize_id_number(id_number)
            except InvalidIdentifier as exc:
                raise CommandError(f"--id-number：{exc}") from exc
            person = Person.objects.filter(id_number_hash=id_lookup_hash(number)).first()
            if person is None:
                raise CommandError(
                    f"未找到身份证号为 {mask_id_number(number)} 的人员：请先导入人员名单或在网页中登记"
                )

        stdin = options.get("stdin") or sys.stdin
        line = stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password.removesuffix("\r")
        if not password:
            raise CommandError(
                "请从标准输入提供密码（一行），例如：printf '%s\\n' \"$PASSWORD\" | safetrain user create ..."
            )
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                password=password,
                role=role,
                region_code=region,
                enterprise=enterprise,
                person=person,
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        anchor = ""
        if user.region_id:
            anchor = f"，辖区 {user.region_id}"
        elif user.enterprise is not None:
            anchor = f"，企业 {user.enterprise.name}"
        elif user.person is not None:
            anchor = f"，人员 {user.person}"
        self.stdout.write(f"已创建账号 {user.username}（{user.get_role_display()}{anchor}）")
