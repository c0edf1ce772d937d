"""One middleware for two rules that hold for every response:

- a 403 (web page or API, a jurisdiction refusal, a CSRF failure) is written to the audit log as
  `permission_denied`; a downloaded file (Excel, CSV, PDF) as `export`, so that every list
  export of every app is logged without each view remembering to;
- `Cache-Control: no-store` (Django's never-cache headers) on every response to a signed-in user
  and on every /api/ response: they may carry personal data, which must not stay in a browser's
  or a proxy's cache. Static files are left cacheable.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from safetrain.audit.models import AuditEventKind, AuditResult
from safetrain.audit.services import audit_record, current_request

logger = logging.getLogger("safetrain.audit")

FILE_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/pdf": "pdf",
    "text/csv": "csv",
}
# course media (lesson PDFs and videos) are teaching material, not data exports
NOT_EXPORTS = ("/courses/", "/study/", "/media/")
NOT_EXPORT_NAMES = ("template",)  # empty import templates
_FILENAME = re.compile(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)")


def _file_kind(response: HttpResponse) -> str:
    ctype = str(response.get("Content-Type", "")).split(";")[0].strip().lower()
    return FILE_TYPES.get(ctype, "")


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.static_prefix = "/" + str(settings.STATIC_URL or "static/").lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        path = request.path
        if path.startswith(self.static_prefix):
            return response
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and getattr(user, "is_authenticated", False))
        if signed_in or path.startswith("/api/"):
            add_never_cache_headers(response)
        if response.status_code == 403:
            self._record(
                request,
                AuditEventKind.PERMISSION_DENIED,
                AuditResult.FAILURE,
                f"{request.method} {path}",
            )
        elif (
            response.status_code == 200
            and not path.startswith(NOT_EXPORTS)
            and not any(n in path for n in NOT_EXPORT_NAMES)
        ):
            kind = _file_kind(response)
            if kind:
                match = _FILENAME.search(str(response.get("Content-Disposition", "")))
                name = unquote(match.group(1)) if match else ""
                self._record(
                    request,
                    AuditEventKind.EXPORT,
                    AuditResult.SUCCESS,
                    f"{kind} {request.method} {path} {name}".strip(),
                )
        return response

    def _record(self, request: HttpRequest, event: str, result: str, detail: str) -> None:
        try:
            audit_record(
                event=event, result=result, request=request, obj=request.path, detail=detail
            )
        except DatabaseError:  # the refusal or the download stands; the failure is logged
            logger.exception("audit event %s could not be written", event)
