"""REST: GET /api/v1/persons/{id}/archive.pdf (DESIGN §5), scoped like every other endpoint
(a person outside the caller's jurisdiction is 404), and GET /api/v1/dashboards for the numbers
behind a dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Router

from safetrain.core import dates
from safetrain.core.errors import NotFound, ValidationFailed
from safetrain.dashboards.person_pdf import archive_pdf
from safetrain.dashboards.selectors import dashboard_get
from safetrain.dashboards.tables import CHARTS, table
from safetrain.people.selectors import person_get

router = Router(tags=["dashboards"])


def _on(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dates.parse_iso_date(value)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"on": str(exc)}) from exc


@router.get("/persons/{person_id}/archive.pdf", summary="一人一档 PDF", response={200: None})
def person_archive_pdf(request: HttpRequest, person_id: str) -> HttpResponse:
    person = person_get(viewer=request.user, uid=person_id)  # type: ignore[arg-type]
    if person is None:
        raise NotFound("未找到该人员，或不在您的管辖范围内")
    response = HttpResponse(archive_pdf(person, request=request), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, f"archive-{person.uid}.pdf") or ""
    )
    return response


@router.get("/dashboards", summary="监管看板的数据（四率、阻断项、台账、趋势、下级、后十名）")
def dashboard_numbers(
    request: HttpRequest,
    region: str | None = None,
    enterprise: str | None = None,
    on: str | None = None,
) -> Any:
    dash = dashboard_get(
        viewer=request.user,  # type: ignore[arg-type]
        region=region or None,
        enterprise=enterprise or None,
        on=_on(on),
    )
    out: dict[str, Any] = {"scope": dash.scope.code, "name": dash.name, "as_of": str(dash.on)}
    for key in CHARTS:
        t = table(dash, key)
        out[key] = {"title": t.title, "headers": t.headers, "rows": t.rows}
    return out
