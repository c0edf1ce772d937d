"""Pages (docs/inspections.md). Thin: parse, call a scoped selector or a service, render.

Something outside the viewer's jurisdiction is 404; a role with no business on a page is 403.
Every list takes ?on=YYYY-MM-DD: the state of the orders as of that day (the test clock of the
browser journey, and "how did it stand at the end of the campaign?")."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safetrain.compliance.pages import code_label, enterprise_control
from safetrain.core import dates
from safetrain.core.errors import ServiceError
from safetrain.core.scope import is_citywide
from safetrain.enterprises.models import Enterprise
from safetrain.enterprises.selectors import enterprise_get
from safetrain.inspections import enforcement, selectors, services
from safetrain.inspections.campaign import CAMPAIGN
from safetrain.inspections.models import Method, Result
from safetrain.inspections.sections import inspection_sections
from safetrain.people.models import Person, User
from safetrain.regions.models import CITY_CODE, Region
from safetrain.web.nav import SCOPED, effective_role
from safetrain.web.views import roles_required

OVERSIGHT = frozenset({"city_admin", "county_admin", "inspector"})


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _on(request: HttpRequest) -> dt.date:
    raw = request.GET.get("on", "").strip()
    if not raw:
        return dates.today()
    try:
        return dates.parse_iso_date(raw)
    except ValueError:
        messages.error(request, _("Invalid date “%(raw)s”; showing today.") % {"raw": raw})
        return dates.today()


def _enterprise(request: HttpRequest, credit_code: str) -> Enterprise:
    ent = enterprise_get(viewer=_viewer(request), credit_code=credit_code)
    if ent is None:
        raise Http404
    return ent


def _error(request: HttpRequest, exc: ServiceError) -> None:
    messages.error(request, exc.message)


def _may_oversee(viewer: User) -> bool:
    return effective_role(viewer) in OVERSIGHT


# ------------------------------------------------------------------------------ inspections


@roles_required(SCOPED)
def home(request: HttpRequest) -> HttpResponse:
    if _may_oversee(_viewer(request)):
        return redirect("inspections:index")
    return redirect("inspections:orders")


@roles_required(SCOPED)
def inspection_index(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    code = request.GET.get("enterprise", "").strip()
    if code and _may_oversee(viewer):
        return redirect("inspections:new", credit_code=code)
    page = Paginator(selectors.inspection_list(viewer=viewer), 25).get_page(request.GET.get("page"))
    planned = (
        list(selectors.planned_inspections(viewer=viewer)[:50]) if _may_oversee(viewer) else []
    )
    return render(
        request,
        "inspections/index.html",
        {"page": page, "may_oversee": _may_oversee(viewer), "planned": planned},
    )


@roles_required(OVERSIGHT)
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest, credit_code: str) -> HttpResponse:
    ent = _enterprise(request, credit_code)
    form: dict[str, Any] = {
        "date": dates.today().isoformat(),
        "methods": [],
        "team": "",
        "findings": "",
    }
    if request.method == "POST":
        form = {
            "date": request.POST.get("date", ""),
            "methods": request.POST.getlist("methods"),
            "team": request.POST.get("team", ""),
            "findings": request.POST.get("findings", ""),
        }
        try:
            day = services._date(form["date"], "date", _("Inspection date"))
            inspection = services.inspection_create(
                actor=_viewer(request),
                enterprise=ent,
                date=day,
                methods=form["methods"],
                team=form["team"],
                findings=form["findings"],
            )
        except ServiceError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect("inspections:detail", pk=inspection.pk)
    return render(
        request,
        "inspections/new.html",
        {"enterprise": ent, "form": form, "methods": Method.choices},
    )


@roles_required(SCOPED)
@require_http_methods(["GET", "POST"])
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    inspection = selectors.inspection_get(viewer=viewer, pk=pk)
    if inspection is None:
        raise Http404
    if request.method == "POST":
        if not _may_oversee(viewer):
            raise Http404
        action = request.POST.get("action", "")
        try:
            if action == "draw":
                rows = services.spot_check_draw(
                    actor=viewer,
                    inspection=inspection,
                    count=int(request.POST.get("count") or 0),
                    seed=request.POST.get("seed", ""),
                )
                messages.success(request, _("Drew %(n)d persons.") % {"n": len(rows)})
            elif action == "record":
                checked = inspection.persons.select_related("inspection__enterprise", "person").get(
                    pk=int(request.POST.get("checked") or 0)
                )
                services.checked_person_record(
                    actor=viewer,
                    checked=checked,
                    result=request.POST.get("result", ""),
                    score=request.POST.get("score", ""),
                    notes=request.POST.get("notes", ""),
                )
                messages.success(request, _("Result recorded."))
            elif action == "findings":
                services.inspection_update_findings(
                    actor=viewer, inspection=inspection, findings=request.POST.get("findings", "")
                )
                messages.success(request, _("Findings saved."))
            elif action == "spot_exam":
                _start_spot_exam(request, inspection)
            elif action == "carry_out":
                from safetrain.inspections.planning import inspection_carry_out

                inspection_carry_out(
                    actor=viewer,
                    inspection=inspection,
                    date=services._date(request.POST.get("date", ""), "date", _("Inspection date")),
                    methods=request.POST.getlist("methods"),
                    findings=request.POST.get("findings", ""),
                )
                messages.success(request, _("Inspection started."))
            else:
                raise Http404
        except ServiceError as exc:
            _error(request, exc)
        except (ValueError, inspection.persons.model.DoesNotExist):
            messages.error(request, _("Invalid input."))
        return redirect("inspections:detail", pk=inspection.pk)
    persons = selectors.checked_persons(inspection)
    return render(
        request,
        "inspections/detail.html",
        {
            "inspection": inspection,
            "persons": persons,
            "may_oversee": _may_oversee(viewer),
            "seed": secrets.randbelow(900000) + 100000,
            "failed": sum(1 for p in persons if p.result == Result.FAIL),
            "passed": sum(1 for p in persons if p.result == Result.PASS),
            "spot_exam_available": _spot_exam_service() is not None,
            "orders": list(inspection.orders.all()),
            "assigned": list(inspection.assigned.all()),
            "draw_pair": getattr(inspection, "draw_pair", None),
            "methods": Method.choices,
            "today": dates.today().isoformat(),
            "sections": [
                part for part in (f(inspection, viewer) for f in inspection_sections) if part
            ],
        },
    )


def _spot_exam_service() -> Any:
    """exams.services.start_spot_check_exam when the exams app is installed (branch exams)."""
    from django.apps import apps

    if not apps.is_installed("safetrain.exams"):
        return None
    try:
        from safetrain.exams import services as exam_services  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return getattr(exam_services, "start_spot_check_exam", None)


def _start_spot_exam(request: HttpRequest, inspection: Any) -> None:
    start = _spot_exam_service()
    if start is None:
        raise Http404
    persons = [c.person for c in selectors.checked_persons(inspection) if not c.result]
    if not persons:
        messages.error(request, _("No persons without a result."))
        return
    start(
        inspector=_viewer(request),
        enterprise=inspection.enterprise,
        persons=persons,
        question_count=int(request.POST.get("question_count") or 20),
    )
    messages.success(request, _("Spot exam started for %(n)d persons.") % {"n": len(persons)})


# ------------------------------------------------------------------------------ orders


@roles_required(SCOPED)
def order_index(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    on = _on(request)
    state = request.GET.get("state", "active")
    if state not in (*selectors.STATES, "active", "all"):
        state = "active"
    region = request.GET.get("region", "").strip() or None
    qs = selectors.order_list(
        viewer=viewer, on=on, state="" if state == "all" else state, region=region
    ).order_by("deadline", "number")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    counts = selectors.order_counts(viewer=viewer, on=on)
    return render(
        request,
        "inspections/orders.html",
        {
            "page": page,
            "rows": [(o, o.state_on(on)) for o in page],
            "state": state,
            "on": on,
            "on_raw": request.GET.get("on", ""),
            "region": region or "",
            "counts": counts,
            "totals": {
                "open": sum(c.open for c in counts),
                "overdue": sum(c.overdue for c in counts),
                "closed": sum(c.closed for c in counts),
            },
            "citywide": is_citywide(viewer),
            "states": [
                ("active", _("Open and overdue")),
                ("open", _("Open")),
                ("overdue", _("Overdue")),
                ("closed", _("Closed")),
                ("all", _("All")),
            ],
        },
    )


@roles_required(OVERSIGHT)
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, credit_code: str) -> HttpResponse:
    """From the enterprise's blocking findings today, choose persons and findings; deadline."""
    viewer = _viewer(request)
    ent = _enterprise(request, credit_code)
    today = dates.today()
    control = enterprise_control(ent, today)
    rows = []
    for row in control.rows:
        findings = [f for f in row.findings if f.code in enforcement.ORDER_CODES]
        if findings:
            rows.append((row, findings))
    deadline = (today + dt.timedelta(days=30)).isoformat()
    if request.method == "POST":
        deadline = request.POST.get("deadline", "")
        pairs = []
        for value in request.POST.getlist("item"):
            uid, _sep, code = value.partition(":")
            pairs.append((uid, code))
        uids = {u for u, _c in pairs}
        by_uid = (
            {str(p.uid): p.pk for p in Person.objects.filter(uid__in=list(uids))} if uids else {}
        )
        try:
            day = services._date(deadline, "deadline", _("Deadline"))
            order = services.order_issue(
                actor=viewer,
                enterprise=ent,
                items=[(by_uid[u], c) for u, c in pairs if u in by_uid],
                deadline=day,
                note=request.POST.get("note", ""),
                inspection=selectors.inspection_list(viewer=viewer, enterprise=ent)
                .filter(pk=request.POST.get("inspection") or 0)
                .first(),
            )
        except ServiceError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Correction order %(n)s issued.") % {"n": order.number})
            return redirect("inspections:order", pk=order.pk)
    return render(
        request,
        "inspections/order_new.html",
        {
            "enterprise": ent,
            "rows": rows,
            "deadline": deadline,
            "groups": enforcement.GROUP_LABELS,
            "group_of": enforcement.ORDER_CODES,
            "inspections": list(selectors.inspection_list(viewer=viewer, enterprise=ent)[:10]),
            "inspection": request.GET.get("inspection", ""),
        },
    )


@roles_required(SCOPED)
@require_http_methods(["GET", "POST"])
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    order = selectors.order_get(viewer=viewer, pk=pk)
    if order is None:
        raise Http404
    on = _on(request)
    if request.method == "POST":
        if not _may_oversee(viewer):
            raise Http404
        action = request.POST.get("action", "")
        try:
            if action == "penalty":
                services.penalty_add(
                    actor=viewer,
                    order=order,
                    amount=request.POST.get("amount", ""),
                    basis=request.POST.get("basis", ""),
                    decided_on=services._date(
                        request.POST.get("decided_on") or dates.today().isoformat(),
                        "decided_on",
                        _("Decision date"),
                    ),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("Penalty recorded."))
            elif action == "refresh":
                result = services.orders_refresh(
                    person_ids=order.items.values_list("person_id", flat=True)
                )
                messages.success(
                    request,
                    _("Checked again: %(c)d findings cleared, %(o)d orders closed.")
                    % {"c": result["cleared"], "o": result["closed"]},
                )
            else:
                raise Http404
        except ServiceError as exc:
            _error(request, exc)
        return redirect("inspections:order", pk=order.pk)
    items = list(order.items.select_related("person").order_by("person__name", "code"))
    return render(
        request,
        "inspections/order.html",
        {
            "order": order,
            "state": order.state_on(on),
            "on": on,
            "items": [(i, code_label(i.code, order.issued_on)) for i in items],
            "penalties": list(order.penalties.all()),
            "may_oversee": _may_oversee(viewer),
            "bases": enforcement.BASES,
            "basis": enforcement.suggested_basis(
                [i.code for i in items],
                selectors.order_cert_types(order) if _may_oversee(viewer) else None,
            ),
            "today": dates.today().isoformat(),
        },
    )


# ------------------------------------------------------------------------------ retests


@roles_required(SCOPED)
def retest_index(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    show_all = request.GET.get("all") == "1"
    rows = list(selectors.retests(viewer=viewer, open_only=not show_all)[:200])
    return render(request, "inspections/retests.html", {"rows": rows, "show_all": show_all})


# ------------------------------------------------------------------------------ calendar


def _plan_progress(viewer: User, on: dt.date) -> Any:
    """An enterprise viewer's annual training plan and its progress (safetrain.classes)."""
    from safetrain.classes.selectors import plan_progress

    if viewer.enterprise is None:
        return None
    return plan_progress(viewer.enterprise, on.year, on)


@roles_required(SCOPED)
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    on = _on(request)
    role = effective_role(viewer)
    if request.method == "POST":
        if role not in ("county_admin", "city_admin"):
            raise Http404
        code = request.POST.get("region") or (viewer.region_id or "")
        region = Region.objects.filter(code=code).first()
        upload = request.FILES.get("file")
        if region is None or upload is None:
            messages.error(request, _("Choose a county and a file."))
        else:
            try:
                services.plan_submit(
                    actor=viewer, campaign=CAMPAIGN.code, region=region, upload=upload
                )
            except ServiceError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("Implementation plan submitted."))
        return redirect("inspections:calendar")
    submissions = (
        []
        if role == "enterprise_admin"
        else selectors.plan_submissions(viewer=viewer, campaign=CAMPAIGN.code)
    )
    rows = []
    for region, subs in submissions:
        first = subs[0] if subs else None
        rows.append(
            {
                "region": region,
                "latest": subs[-1] if subs else None,
                "first": first,
                "count": len(subs),
                "on_time": first is not None and first.submitted_on <= CAMPAIGN.plan_deadline,
            }
        )
    may_upload = role == "city_admin" or (
        role == "county_admin" and viewer.region_id not in (None, CITY_CODE)
    )
    return render(
        request,
        "inspections/calendar.html",
        {
            "campaign": CAMPAIGN,
            "phases": [(p, p.state_on(on)) for p in CAMPAIGN.phases],
            "on": on,
            "rows": rows,
            "may_upload": may_upload,
            "counties": Region.objects.filter(parent_id=CITY_CODE).order_by("code")
            if role == "city_admin"
            else [],
            "progress": _plan_progress(viewer, on),
            "max_mb": services.PLAN_MAX_BYTES // 1024 // 1024,
        },
    )


@roles_required(OVERSIGHT)
def plan_download(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    allowed = {
        r.code for r, _subs in selectors.plan_submissions(viewer=viewer, campaign=CAMPAIGN.code)
    }
    from safetrain.inspections.models import PlanSubmission

    sub = PlanSubmission.objects.filter(pk=pk, region_id__in=allowed).first()
    if sub is None:
        raise Http404
    response = FileResponse(sub.file.open("rb"), as_attachment=True, filename=sub.filename)
    return cast(HttpResponse, response)  # roles_required is typed for HttpResponse
