"""The workbook engine: read an .xlsx, check every known sheet, write all or nothing; export.

Import (DESIGN §5, docs/workbook.md):
1. refuse what is not an .xlsx (zip signature, then it must open as a workbook) and anything
   larger than settings.SAFETRAIN_MAX_UPLOAD_BYTES, before parsing it;
2. for every registered sheet present in the file (other sheets: a warning), check the header
   row (a missing or unknown header is an error naming the expected headers), turn cells into
   strings (dates → YYYY-MM-DD, 13800138000.0 → '13800138000') and skip empty rows;
3. run every handler's check() in registry order (earlier sheets leave lookups in ctx.state);
4. only when no error was collected run every write() inside one transaction.atomic; a dry run
   runs the writes too and rolls back, so database-level problems surface as well.

Export writes the requested sheets (all by default) in registry order: header row =
handler.all_headers, then handler.export_rows(scope). A template is the header rows alone.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, transaction

from safetrain.core.errors import ServiceError, ValidationFailed
from safetrain.workbook.registry import (
    ExportScope,
    ImportContext,
    Row,
    RowError,
    SheetHandler,
    registry,
)

if TYPE_CHECKING:
    from safetrain.people.models import User

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary .xls format

Source = bytes | str | Path | IO[bytes]


class WorkbookRefused(ValidationFailed):
    """The file as a whole is refused (not an .xlsx, too large): nothing was read."""

    code = "workbook_refused"


@dataclass
class SheetCount:
    rows: int = 0  # data rows read
    written: int = 0  # rows created or changed (what write() reported)


@dataclass
class ImportResult:
    dry_run: bool
    counts: dict[str, SheetCount] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# ----------------------------------------------------------------------------- reading


def _size_of(source: Source) -> int | None:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, str | Path):
        return os.path.getsize(source)
    size = getattr(source, "size", None)  # Django's UploadedFile
    if isinstance(size, int):
        return size
    try:
        pos = source.tell()
        source.seek(0, os.SEEK_END)
        end = source.tell()
        source.seek(pos)
        return end - pos
    except (OSError, AttributeError):
        return None


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read()


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size} 字节"


def load_sheets(source: Source) -> dict[str, list[list[Any]]]:
    """The raw cell values of every sheet, or WorkbookRefused with a clear reason.

    The size is checked before anything is parsed (a 50 MB upload is refused unread)."""
    from python_calamine import CalamineWorkbook

    limit = int(settings.SAFETRAIN_MAX_UPLOAD_BYTES)
    size = _size_of(source)
    if size is not None and size > limit:
        raise WorkbookRefused(
            f"文件过大（{_human(size)}），上限为 {_human(limit)}", fields={"file": "too_large"}
        )
    data = _read_bytes(source)
    if len(data) > limit:
        raise WorkbookRefused(
            f"文件过大（{_human(len(data))}），上限为 {_human(limit)}", fields={"file": "too_large"}
        )
    if data[:4] == OLE_SIGNATURE:
        raise WorkbookRefused(
            "这是旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入", fields={"file": "not_xlsx"}
        )
    if data[:4] != ZIP_SIGNATURE:
        raise WorkbookRefused(
            "文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写", fields={"file": "not_xlsx"}
        )
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {}
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            sheets[name] = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own zip/xml/format errors
        raise WorkbookRefused(
            f"文件无法作为 Excel 工作簿（.xlsx）打开：{type(exc).__name__}",
            fields={"file": "not_xlsx"},
        ) from exc
    return sheets


def cell_text(value: Any) -> str:
    """A cell as the text a person typed: dates YYYY-MM-DD, 8.0 → '8', 13800138000.0 → '13800138000'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value).strip()


def _header_errors(handler: SheetHandler, header: list[str]) -> list[RowError]:
    expected = handler.all_headers
    wanted = "、".join(expected)
    errors = []
    seen: set[str] = set()
    for title in header:
        if not title:
            continue
        if title in seen:
            errors.append(RowError(handler.name, 1, title, f"列“{title}”重复（应为：{wanted}）"))
        elif title not in expected:
            errors.append(RowError(handler.name, 1, title, f"未知的列“{title}”（应为：{wanted}）"))
        seen.add(title)
    for title in handler.headers:
        if title not in seen:
            errors.append(RowError(handler.name, 1, title, f"缺少列“{title}”（应为：{wanted}）"))
    return errors


def sheet_rows(handler: SheetHandler, raw: list[list[Any]]) -> tuple[list[Row], list[RowError]]:
    """Rows of one sheet keyed by header (the header is row 1); empty rows skipped."""
    if not raw:
        return [], _header_errors(handler, [])
    header = [cell_text(v) for v in raw[0]]
    while header and not header[-1]:
        header.pop()
    errors = _header_errors(handler, header)
    if errors:
        return [], errors
    columns = [(i, title) for i, title in enumerate(header) if title]
    rows = []
    for index, values in enumerate(raw[1:], start=2):
        cells = {}
        filled = False
        width = len(values)
        for i, title in columns:
            value = values[i] if i < width else None
            # most cells are text: cell_text's first case, without the call
            text = value.strip() if type(value) is str else cell_text(value)
            if text:
                filled = True
            cells[title] = text
        if filled:
            rows.append(Row(number=index, cells=cells))
    return rows, []


# ----------------------------------------------------------------------------- importing


def _sort_errors(errors: list[RowError]) -> list[RowError]:
    order = {h.name: h.order for h in registry}
    return sorted(errors, key=lambda e: (order.get(e.sheet, 0), e.sheet, e.row))


def import_workbook(
    source: Source,
    *,
    actor: User | None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportResult:
    """Import every known sheet, all or nothing. Raises WorkbookRefused for an unreadable file;
    row problems come back in result.errors (and then nothing was written)."""
    from safetrain.core.dates import today as today_cn

    sheets = load_sheets(source)
    ctx = ImportContext(actor=actor, dry_run=dry_run, today=today or today_cn())
    result = ImportResult(dry_run=dry_run)
    known = set(registry.names())
    for name in sheets:
        if name not in known:
            result.warnings.append(f"工作表“{name}”不是可导入的表，已忽略")
    plans: list[tuple[SheetHandler, Any]] = []
    for handler in registry:
        if handler.name not in sheets:
            continue
        # the raw cells are not needed once the rows are built (10,000 rows: let them go)
        rows, header_errors = sheet_rows(handler, sheets.pop(handler.name))
        result.counts[handler.name] = SheetCount(rows=len(rows))
        if header_errors:
            ctx.errors.extend(header_errors)
            continue
        plans.append((handler, handler.check(rows, ctx)))
        del rows  # the plan holds what the write needs: the rows' cells can go before it
    if not ctx.errors:
        current = ""
        try:
            with transaction.atomic():
                for handler, plan in plans:
                    current = handler.name
                    result.counts[handler.name].written = handler.write(plan, ctx)
                if dry_run:
                    transaction.set_rollback(True)
        except ServiceError as exc:
            ctx.error(current, 0, "", f"写入失败：{exc.message}")
        except DatabaseError as exc:
            ctx.error(current, 0, "", f"写入数据库失败：{exc}")
    result.errors = _sort_errors(ctx.errors)
    result.warnings.extend(ctx.warnings)
    if result.errors:
        for count in result.counts.values():
            count.written = 0
    return result


# ----------------------------------------------------------------------------- exporting


def _export_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0, 0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    return value


def handlers_for(names: Iterable[str] | None) -> list[SheetHandler]:
    """The handlers named (registry order), all by default; an unknown name is a ValidationFailed."""
    if not names:
        return list(registry)
    wanted = list(dict.fromkeys(names))
    unknown = [n for n in wanted if registry.get(n) is None]
    if unknown:
        raise ValidationFailed(
            f"未知的工作表：{'、'.join(unknown)}（可选：{'、'.join(registry.names())}）",
            fields={"sheet": unknown},
        )
    return [h for h in registry if h.name in wanted]


def _masks(headers: list[str]) -> dict[int, Any]:
    """Column index → masking function for the personal columns (身份证号, 手机号)."""
    from safetrain.core.identifiers import mask_id_number, mask_phone

    by_header = {"身份证号": mask_id_number, "手机号": mask_phone}
    return {i: by_header[h] for i, h in enumerate(headers) if h in by_header}


def _workbook(handlers: list[SheetHandler], scope: ExportScope | None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for handler in handlers:
        sheet = book.create_sheet(handler.name)
        for i, header in enumerate(handler.all_headers, start=1):
            wide = header in ("身份证号", "统一社会信用代码", "企业名称", "培训名称", "描述")
            sheet.column_dimensions[get_column_letter(i)].width = 22 if wide else 14
        sheet.freeze_panes = "A2"
        sheet.append(handler.all_headers)
        if scope is not None:
            masks = _masks(handler.all_headers) if scope.masked else {}
            for row in handler.export_rows(scope):
                values = [_export_value(v) for v in row]
                for i, mask in masks.items():
                    if values[i]:
                        values[i] = mask(str(values[i]))
                sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_workbook(scope: ExportScope, sheets: Iterable[str] | None = None) -> bytes:
    """The .xlsx bytes with the requested sheets (all by default) for the scope."""
    return _workbook(handlers_for(sheets), scope)


def template_workbook(sheets: Iterable[str] | None = None) -> bytes:
    """An empty workbook: every sheet with its header row only."""
    return _workbook(handlers_for(sheets), None)
