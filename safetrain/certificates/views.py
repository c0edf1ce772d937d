"""Certificate pages: the ledger (with Excel export), entry, detail (QR), review, renewal,
revocation, reminders, and the public verification page. Thin: selectors and services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safetrain.archive.chain import log_head_label
from safetrain.catalog.models import SpecialOperation
from safetrain.certificates.export import ledger_workbook
from safetrain.certificates.forms import CertificateForm, RenewForm, ReviewForm
from safetrain.certificates.matching import STATE_LABELS
from safetrain.certificates.models import Certificate
from safetrain.certificates.selectors import (
    STATE_ORDER,
    certificate_get,
    certificate_state,
    ledger,
    notification_list,
    reminder_lists,
    state_badge,
    supersession_chain,
)
from safetrain.certificates.services import (
    can_manage_person,
    certificate_issue,
    certificate_renew,
    certificate_review_record,
    certificate_revoke,
    notification_mark_read,
)
from safetrain.certificates.verification import (
    certificate_id_from_token,
    qr_svg,
    rate_limited,
    verify_url,
)
from safetrain.core.dates import parse_iso_date, today
from safetrain.core.errors import ServiceError

# The page shows at most this many rows (the Excel export has them all).
PAGE_ROWS = 500
LEDGER_ROLES = ("city_admin", "county_admin", "enterprise_admin", "inspector")
ENTRY_ROLES = ("city_admin", "county_admin", "enterprise_admin")


def _require_role(request: HttpRequest, roles: tuple[str, ...]) -> Any:
    user: Any = request.user
    if not (user.is_superuser or user.role in roles):
        raise PermissionDenied("无权访问该页面")
    return user


def _day(raw: str | None) -> dt.date:
    if not raw:
        return today()
    try:
        return parse_iso_date(raw)
    except ValueError:
        return today()


def _apply_error(form: forms.Form, exc: ServiceError, mapping: dict[str, str]) -> None:
    """Show a service error on the form field it names (or on the form as a whole)."""
    placed = False
    for key in exc.fields:
        field = mapping.get(key, key)
        if field in form.fields:
            form.add_error(field, exc.message)
            placed = True
            break
    if not placed:
        form.add_error(None, exc.message)


# ----------------------------------------------------------------------------- ledger


@login_required
def ledger_view(request: HttpRequest) -> HttpResponse:
    from safetrain.catalog.models import EmploymentForm
    from safetrain.enterprises.selectors import enterprise_list
    from safetrain.people.selectors import employment_form_param
    from safetrain.regions.models import Region

    viewer = _require_role(request, LEDGER_ROLES)
    on = _day(request.GET.get("on"))
    state = request.GET.get("state", "").strip()
    if state not in {s.value for s in STATE_ORDER}:
        state = ""
    operation = request.GET.get("operation", "").strip()
    enterprise = request.GET.get("enterprise", "").strip()
    region = request.GET.get("region", "").strip()
    form_value = employment_form_param(request.GET.get("form"))
    result = ledger(
        viewer=viewer,
        on=on,
        state=state or None,
        operation=operation or None,
        enterprise=enterprise or None,
        region=region or None,
        form=form_value,
    )
    enterprises = list(enterprise_list(viewer=viewer))
    if request.GET.get("format") == "xlsx":
        scope = "晋城市"
        if enterprise:
            scope = next(
                (e.name for e in enterprises if e.credit_code == enterprise.upper()), enterprise
            )
        elif viewer.role == "enterprise_admin" and viewer.enterprise_id:
            scope = viewer.enterprise.name
        elif region or (viewer.region_id and viewer.region_id != "140500"):
            code = region or viewer.region_id
            scope = Region.objects.filter(code=code).values_list("name", flat=True).first() or code
        if state:
            scope += f"（{STATE_LABELS[next(s for s in STATE_ORDER if s.value == state)]}）"
        if form_value:
            scope += f"（{EmploymentForm(form_value).label}）"
        content = ledger_workbook(result, scope_label=scope)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"certificate-ledger-{on.isoformat()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    query = request.GET.copy()
    query.pop("state", None)
    query.pop("format", None)
    export_query = request.GET.copy()
    export_query["format"] = "xlsx"
    regions = []
    if viewer.is_superuser or viewer.region_id == "140500":
        regions = list(Region.objects.exclude(code="140500").order_by("code"))
    return render(
        request,
        "certificates/ledger.html",
        {
            "ledger": result,
            "rows": result.rows[:PAGE_ROWS],
            "truncated": len(result.rows) > PAGE_ROWS,
            "page_rows": PAGE_ROWS,
            "on": on,
            "state": state,
            "operation": operation,
            "enterprise": enterprise,
            "region": region,
            "form_value": form_value,
            "employment_forms": EmploymentForm.choices,
            "enterprises": enterprises,
            "regions": regions,
            "operations": SpecialOperation.objects.order_by("ordering"),
            "states": [(s.value, STATE_LABELS[s]) for s in STATE_ORDER],
            "base_query": query.urlencode(),
            "export_query": export_query.urlencode(),
            "can_add": viewer.is_superuser or viewer.role in ENTRY_ROLES,
        },
    )


# ----------------------------------------------------------------------------- entry


@login_required
def add_view(request: HttpRequest) -> HttpResponse:
    from safetrain.people.selectors import person_lookup

    viewer = _require_role(request, ENTRY_ROLES)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = person_lookup(viewer=viewer, id_number=data["id_number"])
        if person is None:
            form.add_error("id_number", "该身份证号未登记，或该人员不在您的管辖范围内")
        else:
            try:
                cert = certificate_issue(
                    actor=viewer,
                    person=person,
                    cert_type=data["cert_type"],
                    operation_code=data["operation"],
                    number=data["number"],
                    issuing_authority=data["issuing_authority"],
                    issued_on=data["issued_on"],
                    valid_until=data["valid_until"],
                    review_due=data["review_due"],
                    source="web",
                )
            except ServiceError as exc:
                _apply_error(form, exc, {})
            else:
                messages.success(request, f"已登记证书 {cert.number}")
                return redirect("certificates:detail", pk=cert.pk)
    return render(request, "certificates/form.html", {"form": form, "title": "登记证书"})


def _managed_certificate(request: HttpRequest, pk: int) -> tuple[Any, Certificate]:
    viewer: Any = request.user
    cert = certificate_get(viewer=viewer, pk=pk)
    if cert is None:
        raise Http404("未找到该证书")
    if not can_manage_person(viewer, cert.person):
        raise PermissionDenied("无权变更该证书")
    return viewer, cert


@login_required
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Any = request.user
    cert = certificate_get(viewer=viewer, pk=pk)
    if cert is None:
        raise Http404("未找到该证书")
    on = today()
    state = certificate_state(cert, on)
    url = verify_url(request, cert.pk)
    chain = supersession_chain(cert)
    return render(
        request,
        "certificates/detail.html",
        {
            "cert": cert,
            "on": on,
            "state_label": STATE_LABELS[state],
            "badge": state_badge(state),
            "reviews": list(cert.reviews.order_by("passed_on")),
            "chain": chain if len(chain) > 1 else [],
            "verify_url": url,
            "qr": qr_svg(url),
            "can_manage": can_manage_person(viewer, cert.person),
        },
    )


@login_required
def review_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, cert = _managed_certificate(request, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            certificate_review_record(
                actor=viewer,
                certificate=cert,
                passed_on=data["passed_on"],
                hours=data["hours"],
                notes=data["notes"],
            )
        except ServiceError as exc:
            _apply_error(form, exc, {})
        else:
            messages.success(request, "已记录复审")
            return redirect("certificates:detail", pk=cert.pk)
    return render(
        request, "certificates/form.html", {"form": form, "title": "记录复审", "cert": cert}
    )


@login_required
def renew_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, cert = _managed_certificate(request, pk)
    form = RenewForm(request.POST or None, initial={"issuing_authority": cert.issuing_authority})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = certificate_renew(
                actor=viewer,
                certificate=cert,
                number=data["number"],
                issuing_authority=data["issuing_authority"],
                issued_on=data["issued_on"],
                valid_until=data["valid_until"],
                review_due=data["review_due"],
            )
        except ServiceError as exc:
            _apply_error(form, exc, {})
        else:
            messages.success(request, f"已换证：新证 {new.number} 取代 {cert.number}")
            return redirect("certificates:detail", pk=new.pk)
    return render(request, "certificates/form.html", {"form": form, "title": "换证", "cert": cert})


@login_required
@require_POST
def revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, cert = _managed_certificate(request, pk)
    certificate_revoke(actor=viewer, certificate=cert)
    messages.success(request, f"证书 {cert.number} 已吊销")
    return redirect("certificates:detail", pk=cert.pk)


# ----------------------------------------------------------------------------- reminders


@login_required
def reminders_view(request: HttpRequest) -> HttpResponse:
    viewer: Any = request.user
    on = today()
    groups = []
    if viewer.is_superuser or viewer.role in LEDGER_ROLES:
        groups = reminder_lists(
            viewer=viewer, on=on, enterprise=request.GET.get("enterprise", "").strip() or None
        )
    return render(
        request,
        "certificates/reminders.html",
        {"groups": groups, "on": on, "notifications": list(notification_list(viewer=viewer)[:100])},
    )


@login_required
@require_POST
def notification_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    notification_mark_read(actor=request.user, notification_id=pk)  # type: ignore[arg-type]
    return redirect("certificates:reminders")


@login_required
def mine_view(request: HttpRequest) -> HttpResponse:
    from safetrain.certificates.archive import archive_section

    viewer: Any = request.user
    if viewer.person is None:
        raise Http404("该账号未关联人员")
    title, template, context = archive_section(viewer.person, viewer, request=request)
    return render(
        request,
        "certificates/mine.html",
        {"section_title": title, "section_template": template, **context},
    )


# ----------------------------------------------------------------------------- verification


@never_cache
def verify_view(request: HttpRequest, token: str) -> HttpResponse:
    """Public: no sign-in. A bad token shows 证书验证失败 and nothing else."""
    if rate_limited(request):
        response = render(
            request,
            "certificates/verify_failed.html",
            {"reason": "查询过于频繁，请稍后再试（每分钟次数有限）。"},
            status=429,
        )
        response["Retry-After"] = "60"
        return response
    cert_id = certificate_id_from_token(token)
    if cert_id is None:
        return render(
            request,
            "certificates/verify_failed.html",
            {"reason": "二维码链接无效或已被篡改。"},
            status=400,
        )
    cert = Certificate.objects.select_related("person", "operation").filter(pk=cert_id).first()
    if cert is None:
        return render(
            request,
            "certificates/verify_failed.html",
            {"reason": "未找到该证书。"},
            status=404,
        )
    on = today()
    state = certificate_state(cert, on)
    successor = Certificate.objects.filter(supersedes=cert).exclude(issued_on__gt=on).first()
    response = render(
        request,
        "certificates/verify.html",
        {
            "cert": cert,
            "on": on,
            "state_label": "已换证（以新证为准）" if successor else STATE_LABELS[state],
            "badge": "badge" if successor else state_badge(state),
            "log_head": log_head_label(),  # the record log's head (docs/archive.md)
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response
