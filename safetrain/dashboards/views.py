"""Dashboard, notice and archive-PDF pages (docs/dashboards.md). Thin: parse, call a scoped
selector or service, render."""

from __future__ import annotations

import datetime as dt
from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetrain.compliance.selectors import rates_scope
from safetrain.core import dates
from safetrain.core.dates import parse_iso_date
from safetrain.core.errors import NotAllowed, NotFound, ServiceError
from safetrain.dashboards import charts, notices, person_pdf
from safetrain.dashboards.selectors import RATES, Dashboard, Unit, dashboard_get
from safetrain.dashboards.tables import CHARTS, drill_html, table, workbook
from safetrain.people.models import User
from safetrain.people.selectors import person_get
from safetrain.web.nav import SCOPED
from safetrain.web.views import roles_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _on(request: HttpRequest) -> dt.date:
    raw = request.GET.get("on", "").strip()
    if not raw:
        return dates.today()
    try:
        on = parse_iso_date(raw)
    except ValueError:
        messages.error(
            request,
            _("The date “%(raw)s” is not valid (use YYYY-MM-DD); today is shown below.")
            % {"raw": raw},
        )
        return dates.today()
    if on > dates.today():
        messages.error(
            request, _("The date %(raw)s is after today; today is shown below.") % {"raw": raw}
        )
        return dates.today()
    return on


def _scope_kwargs(code: str) -> dict[str, str]:
    return {"region": code} if len(code) == 6 and code.isdigit() else {"enterprise": code}


def _dashboard(request: HttpRequest, code: str, on: dt.date) -> Dashboard:
    try:
        return dashboard_get(viewer=_viewer(request), on=on, **_scope_kwargs(code))
    except NotFound as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied from exc


@roles_required(SCOPED)
def home(request: HttpRequest) -> HttpResponse:
    try:
        scope = rates_scope(viewer=_viewer(request))
    except NotAllowed as exc:
        raise PermissionDenied from exc
    return redirect("dashboards:dashboard", code=scope.code)


def _p(p: float | None) -> str:
    return "—" if p is None else f"{p}%"


def _href(code: str, on: dt.date) -> str:
    return reverse("dashboards:dashboard", args=[code]) + "?" + urlencode({"on": on.isoformat()})


# a county at city scale has some 300 enterprises: a chart of 300 bars reads on no projector
CHART_CHILDREN = 20


def chart_children(children: list[Unit], limit: int = CHART_CHILDREN) -> list[Unit]:
    """The units the level-below chart draws: all of them up to `limit`, else the `limit` with
    the most people (in their original order); the table under the chart lists every unit."""
    if len(children) <= limit:
        return list(children)
    keep = sorted(children, key=lambda u: (-u.counts.population, u.code))[:limit]
    chosen = {u.code for u in keep}
    return [u for u in children if u.code in chosen]


@roles_required(SCOPED)
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    on = _on(request)
    dash = _dashboard(request, code, on)
    labels = dict(RATES)
    rate_bars = charts.bar_chart(
        [
            charts.Bar(str(label), p or 0, f"{_p(p)}  {r.num}/{r.den}")
            for _, label, r, p in dash.rates
        ],
        maximum=100,
        title=_("The four rates"),
    )
    finding_bars = charts.bar_chart(
        [charts.Bar(label, n, str(n)) for _, label, n in dash.findings[:10]],
        title=_("Blocking findings"),
    )
    cert_bars = charts.bar_chart(
        [charts.Bar(label, n, str(n)) for _, label, n in dash.certs],
        title=_("Certificate ledger summary"),
    )

    def unit_bar(u):  # type: ignore[no-untyped-def]
        p = u.pcts["may_work"]
        return charts.Bar(
            u.name,
            p or 0,
            f"{_p(p)}  {u.counts.may_work}/{u.counts.population}",
            _href(u.code, on),
        )

    charted = chart_children(dash.children)
    child_bars = charts.bar_chart(
        [unit_bar(u) for u in charted],
        maximum=100,
        title=_("Allowed to work, level below"),
    )
    bottom_bars = charts.bar_chart(
        [unit_bar(u) for u in dash.bottom], maximum=100, title=_("Bottom ten enterprises")
    )
    trend_chart = charts.line_chart(dash.trend, labels)
    forms_chart = charts.column_chart(
        [(str(label), c.ratios()) for _code, label, c in dash.forms if c.population], labels
    )
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "dash": dash,
            "rate_bars": rate_bars,
            "finding_bars": finding_bars,
            "cert_bars": cert_bars,
            "child_bars": child_bars,
            "children_charted": len(charted),
            "bottom_bars": bottom_bars,
            "trend_chart": trend_chart,
            "forms_chart": forms_chart,
            "tables": {k: table(dash, k) for k in CHARTS},
            "drill_table": drill_html(dash, lambda code: _href(code, on)),
            "code": code,
            "parent_href": _href(dash.parent[1], on) if dash.parent else "",
            "can_notice": dash.level != "enterprise"
            and _viewer(request).role in ("city_admin", "county_admin"),
        },
    )


@roles_required(SCOPED)
def export(request: HttpRequest, code: str, chart: str) -> HttpResponse:
    if chart not in CHARTS:
        raise Http404
    dash = _dashboard(request, code, _on(request))
    response = HttpResponse(workbook(dash, chart), content_type=XLSX)
    name = f"{_('Dashboard')}-{dash.name}-{chart}-{dash.on.isoformat()}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


# ----------------------------------------------------------------------------- notices


@roles_required(SCOPED)
def notice_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    return render(
        request,
        "dashboards/notice_list.html",
        {
            "published": notices.notice_list(viewer=viewer),
            "drafts": notices.draft_list(viewer=viewer),
            "can_create": viewer.role in ("city_admin", "county_admin") or viewer.is_superuser,
            "today": dates.today(),
            "month_start": dates.today().replace(day=1),
        },
    )


@roles_required("city_admin", "county_admin")
@require_POST
def notice_new(request: HttpRequest) -> HttpResponse:
    try:
        start = parse_iso_date(request.POST.get("period_start", ""))
        end = parse_iso_date(request.POST.get("period_end", ""))
    except ValueError:
        messages.error(request, _("The notice period's dates are not valid (use YYYY-MM-DD)."))
        return redirect("dashboards:notices")
    try:
        notice = notices.notice_generate(
            actor=_viewer(request),
            region=request.POST.get("region", "").strip() or None,
            period_start=start,
            period_end=end,
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("dashboards:notices")
    return redirect("dashboards:notice", pk=notice.pk)


def _notice(request: HttpRequest, pk: int) -> notices.Notice:
    notice = notices.notice_get(viewer=_viewer(request), pk=pk)
    if notice is None:
        raise Http404
    return notice


@roles_required(SCOPED)
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    return render(
        request,
        "dashboards/notice.html",
        {
            "notice": notice,
            "c": notice.content,
            "can_publish": notice.published_at is None
            and notices.may_write(_viewer(request), notice.scope),
        },
    )


@roles_required("city_admin", "county_admin")
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notices.notice_publish(actor=_viewer(request), pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The notice is published: every unit in the jurisdiction can read it.")
        )
    return redirect("dashboards:notice", pk=pk)


@roles_required(SCOPED)
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    response = HttpResponse(notices.notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{notice.title}.pdf") or ""
    return response


@roles_required(SCOPED)
def notice_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    response = HttpResponse(notices.notice_xlsx(notice), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{notice.title}.xlsx") or ""
    return response


# ----------------------------------------------------------------------------- archive PDF


@login_required
def person_archive_pdf(request: HttpRequest, uid: str) -> HttpResponse:
    person = person_get(viewer=_viewer(request), uid=str(uid))
    if person is None:
        raise Http404
    data = person_pdf.archive_pdf(person, request=request)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, f"一人一档-{person.name}.pdf") or ""
    )
    return response


def verify_archive(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what a printed archive's QR code links to (signed; reveals only masked data)."""
    info = person_pdf.verify(token)
    return render(request, "dashboards/verify.html", {"info": info}, status=200 if info else 404)
