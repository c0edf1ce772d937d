"""Workbook pages: import (upload, dry run, a table of row errors or the counts), the template
download (every sheet, header rows only) and the export of the viewer's jurisdiction.

For enterprise admins and county/city admins; every other role gets a 403. Jurisdiction is the
sheets' (an enterprise admin imports only rows of its enterprise) and ExportScope's.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from safetrain.core.dates import today
from safetrain.people.models import User
from safetrain.web.nav import ADMINS
from safetrain.web.views import roles_required
from safetrain.workbook.engine import (
    ImportResult,
    WorkbookRefused,
    export_workbook,
    import_workbook,
    template_workbook,
)
from safetrain.workbook.registry import ExportScope, registry

IMPORTERS = frozenset(ADMINS | {"enterprise_admin"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _audit_import(
    request: HttpRequest, filename: str, result: ImportResult | None, refused: str
) -> None:
    from safetrain.audit.services import audit_record

    if result is not None and not result.errors:
        counts = ", ".join(f"{s} {c.written}" for s, c in result.counts.items())
        detail = ("dry run: " if result.dry_run else "") + counts
        outcome = "success"
    else:
        errors = len(result.errors) if result is not None else 0
        detail = refused or f"{errors} errors, nothing written"
        outcome = "failure"
    audit_record(event="import", result=outcome, request=request, obj=filename, detail=detail)


@roles_required(IMPORTERS)
def import_view(request: HttpRequest) -> HttpResponse:
    result: ImportResult | None = None
    refused = ""
    dry_run = request.method == "POST" and bool(request.POST.get("dry_run"))
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            refused = "请选择要导入的 .xlsx 文件"
        else:
            try:
                result = import_workbook(upload, actor=cast(User, request.user), dry_run=dry_run)
            except WorkbookRefused as exc:
                refused = exc.message
            _audit_import(request, upload.name or "", result, refused)
    status = 400 if refused or (result is not None and result.errors) else 200
    return render(
        request,
        "workbook/import.html",
        {
            "result": result,
            "refused": refused,
            "dry_run": dry_run,
            "sheets": list(registry),
        },
        status=status,
    )


@roles_required(IMPORTERS)
def template_view(request: HttpRequest) -> HttpResponse:
    return _xlsx(template_workbook(), "safetrain-导入模板.xlsx")


@roles_required(IMPORTERS)
def export_view(request: HttpRequest) -> HttpResponse:
    # masked: a web download never carries full ID numbers or phones (docs/security.md)
    data = export_workbook(ExportScope(viewer=cast(User, request.user), masked=True))
    return _xlsx(data, f"safetrain-导出-{today():%Y%m%d}.xlsx")
