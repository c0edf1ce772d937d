"""`safetrain export FILE.xlsx [--sheet NAME ...] [--region CODE | --enterprise CODE]` (DESIGN §5).

The same sheets the import reads, all by default, in dependency order; real ID numbers (the
file is made to be imported again: import → export → import changes nothing). An unknown
sheet, region or enterprise: exit 1 and a message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from safetrain.audit.services import audit_record
from safetrain.core.errors import ValidationFailed
from safetrain.enterprises.models import Enterprise
from safetrain.people.management.base import ExitOneCommand
from safetrain.regions.models import Region
from safetrain.workbook.engine import export_workbook, handlers_for
from safetrain.workbook.registry import ExportScope, registry


class Command(ExitOneCommand):
    help = "Export the workbook sheets (all by default) to an .xlsx file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx file to write")
        parser.add_argument(
            "--sheet",
            action="append",
            default=[],
            metavar="NAME",
            help=f"a sheet to export (repeatable; default all: {' '.join(registry.names())})",
        )
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--region", metavar="CODE", help="only this county (or 140500)")
        where.add_argument("--enterprise", metavar="CODE", help="only this enterprise's data")

    def handle(self, *args: Any, **options: Any) -> None:
        region = (options["region"] or "").strip() or None
        code = (options["enterprise"] or "").strip().upper() or None
        try:
            handlers = handlers_for(options["sheet"])
        except ValidationFailed as exc:
            self.stderr.write(exc.message)
            raise SystemExit(1) from exc
        if region and not Region.objects.filter(code=region).exists():
            self.stderr.write(f"未知的行政区划代码：{region}")
            raise SystemExit(1)
        if code and not Enterprise.objects.filter(credit_code=code).exists():
            self.stderr.write(f"未找到统一社会信用代码为 {code} 的企业")
            raise SystemExit(1)
        path = Path(options["file"])
        if path.suffix.lower() != ".xlsx":
            self.stderr.write(f"{path}: 导出文件须以 .xlsx 结尾")
            raise SystemExit(1)
        data = export_workbook(
            ExportScope(viewer=None, region=region, enterprise=code), [h.name for h in handlers]
        )
        try:
            path.write_bytes(data)
        except OSError as exc:
            self.stderr.write(f"{path}: 无法写入（{exc.strerror}）")
            raise SystemExit(1) from exc
        audit_record(
            event="export",
            obj=str(path),
            detail=(
                f"command line, full ID numbers: {', '.join(h.name for h in handlers)}"
                f"{' region ' + region if region else ''}{' enterprise ' + code if code else ''}"
            ),
        )
        self.stdout.write(f"已导出 {len(handlers)} 张表到 {path}")
