"""`safetrain import FILE.xlsx [--dry-run]` (DESIGN §5).

Reads every sheet it knows, in dependency order, all or nothing. Exit 0 and the counts per sheet
on standard output; on any bad row exit 1, every error as `sheet, row, column: message` on
standard error, and nothing written. Warnings (an unknown sheet, a credit code whose check digit
fails) go to standard error and do not fail the import. The command line acts for the city
(no jurisdiction limit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from safetrain.audit.services import audit_record
from safetrain.people.management.base import ExitOneCommand
from safetrain.workbook.engine import WorkbookRefused, import_workbook


class Command(ExitOneCommand):
    help = "Import a workbook (.xlsx): every known sheet, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report counts, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            self.stderr.write(f"{path}: 文件不存在")
            raise SystemExit(1)
        try:
            result = import_workbook(path, actor=None, dry_run=options["dry_run"])
        except WorkbookRefused as exc:
            audit_record(event="import", result="failure", obj=str(path), detail=exc.message)
            self.stderr.write(f"{path}: {exc.message}")
            raise SystemExit(1) from exc
        if result.errors:
            detail = f"command line: {len(result.errors)} errors, nothing written"
        else:
            detail = (
                "command line, dry run: " if result.dry_run else "command line: "
            ) + ", ".join(f"{s} {c.written}" for s, c in result.counts.items())
        audit_record(
            event="import",
            result="failure" if result.errors else "success",
            obj=str(path),
            detail=detail,
        )
        for warning in result.warnings:
            self.stderr.write(f"警告：{warning}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            self.stderr.write(f"共 {len(result.errors)} 处错误，未写入任何数据")
            raise SystemExit(1)
        if result.dry_run:
            self.stdout.write("试运行：检查通过，未写入任何数据")
        for sheet, count in result.counts.items():
            verb = "将写入" if result.dry_run else "写入"
            self.stdout.write(f"{sheet}: 读取 {count.rows} 行，{verb} {count.written} 行")
