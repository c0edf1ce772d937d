"""`safetrain audit purge --before YYYY-MM-DD`: delete audit events dated before that day.
Refused (exit 1, nothing deleted) for any date later than today minus six months: network logs
are kept at least six months (网络安全法 Art. 21)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser

from safetrain.audit.services import audit_purge
from safetrain.core.errors import ServiceError
from safetrain.people.management.base import ExitOneCommand


class Command(ExitOneCommand):
    help = "Audit log: `audit purge --before YYYY-MM-DD` (at least six months are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="purge")
        purge = sub.add_parser("purge", help="delete events dated before a day (≥ 6 months ago)")
        purge.add_argument("--before", required=True, metavar="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options["before"]
        try:
            before = dt.date.fromisoformat(raw)
        except ValueError as exc:
            self.stderr.write(f"--before：“{raw}”不是有效日期（YYYY-MM-DD）")
            raise SystemExit(1) from exc
        try:
            deleted = audit_purge(before=before)
        except ServiceError as exc:
            self.stderr.write(f"{exc.message}；未删除任何记录")
            raise SystemExit(1) from exc
        self.stdout.write(f"已删除 {before.isoformat()} 之前的审计记录 {deleted} 条")
