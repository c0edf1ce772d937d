"""Building workbooks for the tests."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from safetrain.workbook.registry import registry

PERSON_HEADERS = registry.get("人员").all_headers if registry.get("人员") else []


def xlsx(
    sheets: dict[str, list[list[Any]]], *, headers: dict[str, list[str]] | None = None
) -> bytes:
    """An .xlsx with these sheets; each sheet's header row is the handler's (or `headers`)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        handler = registry.get(name)
        header = (headers or {}).get(name) or (handler.all_headers if handler else ["列"])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def person_row(
    id_number: str,
    name: str,
    code: str,
    *,
    phone: str = "",
    role: str = "一线操作人员",
    post: str = "采煤机司机",
    op: str = "",
    start: str = "2023-01-01",
    end: str = "",
    dept: str = "",
    form: str = "",
) -> list[str]:
    return [id_number, name, phone, code, role, post, op, start, end, dept, form]


def enterprise_row(
    code: str, name: str, region: str = "140502", sector: str = "煤矿", areas: str = "矿井,办公"
) -> list[str]:
    return [code, name, region, sector, areas]


def messages(result) -> list[str]:
    return [str(e) for e in result.errors]
