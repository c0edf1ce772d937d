"""Pages of 双随机、一公开 (docs/inspections.md): enforcement plans, the roster and its conflicts
of interest, the draws and their public page. Thin: parse, call a scoped selector or a service
(inspections.planning), render."""

from __future__ import annotations

import secrets
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safetrain.core import dates
from safetrain.core.errors import NotAllowed, ServiceError, ValidationFailed
from safetrain.core.scope import is_citywide
from safetrain.enterprises.selectors import enterprise_get
from safetrain.inspections import planning, selectors
from safetrain.people.models import User
from safetrain.regions.models import CITY_CODE, Region
from safetrain.web.nav import SCOPED, effective_role
from safetrain.web.views import roles_required

BUREAU = frozenset({"city_admin", "county_admin", "inspector"})


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _may_manage(viewer: User, region: str) -> bool:
    try:
        planning.check_may_manage(viewer, region)
    except NotAllowed:
        return False
    return True


def _bureaus(viewer: User) -> list[Region]:
    """The bureaus whose plans and roster the viewer may look at (the city: every one)."""
    qs = Region.objects.filter(code=CITY_CODE) | Region.objects.filter(parent_id=CITY_CODE)
    if not is_citywide(viewer):
        qs = qs.filter(code=viewer.region_id or "")
    return list(qs.order_by("code"))


# ------------------------------------------------------------------------------ plans


@roles_required(BUREAU)
@require_http_methods(["GET", "POST"])
def plan_index(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    bureaus = _bureaus(viewer)
    managed = [r for r in bureaus if _may_manage(viewer, r.code)]
    form = {
        "region": (viewer.region_id or CITY_CODE),
        "year": str(dates.today().year),
        "title": "",
        "note": "",
    }
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            year = int(form["year"] or 0)
        except ValueError:
            year = 0
        try:
            plan = planning.plan_create(
                actor=viewer,
                region=form["region"],
                year=year,
                title=form["title"],
                note=form["note"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Enforcement plan created."))
            return redirect("inspections:plan", pk=plan.pk)
    return render(
        request,
        "inspections/plans.html",
        {"plans": list(selectors.plan_list(viewer=viewer)), "managed": managed, "form": form},
    )


@roles_required(BUREAU)
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    plan = selectors.plan_get(viewer=viewer, pk=pk)
    if plan is None:
        raise Http404
    may_manage = _may_manage(viewer, plan.region_id)
    if request.method == "POST":
        if not may_manage:
            raise Http404
        action = request.POST.get("action", "")
        try:
            if action == "update":
                planning.plan_update(
                    actor=viewer,
                    plan=plan,
                    title=request.POST.get("title", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("Plan saved."))
            elif action in ("add", "upload"):
                if action == "upload":
                    upload = request.FILES.get("file")
                    if upload is None:
                        raise ValidationFailed(_("Choose a file."))
                    codes = planning.read_code_list(upload)
                else:
                    lines = request.POST.get("codes", "").splitlines()
                    codes = [(n, line) for n, line in enumerate(lines, 1)]
                added = planning.plan_enterprises_add(actor=viewer, plan=plan, codes=codes)
                messages.success(request, _("%(n)d enterprises added.") % {"n": added})
            elif action == "remove":
                planning.plan_enterprise_remove(
                    actor=viewer, plan=plan, credit_code=request.POST.get("code", "")
                )
                messages.success(request, _("Enterprise removed from the plan."))
            else:
                raise Http404
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("inspections:plan", pk=plan.pk)
    entries = selectors.plan_entries(plan)
    risks = planning.enterprise_risks(entries, dates.today()) if len(entries) <= 300 else {}
    rows = [(e, risks.get(e.credit_code)) for e in entries]
    from safetrain.inspections.draw import risk_weight

    return render(
        request,
        "inspections/plan.html",
        {
            "plan": plan,
            "rows": [(e, r, risk_weight(r) if r else None) for e, r in rows],
            "may_manage": may_manage,
            "draws": list(plan.draws.all()[:20]),
            "current": plan.year == dates.today().year,
        },
    )


# ------------------------------------------------------------------------------ roster


@roles_required(BUREAU)
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    bureaus = _bureaus(viewer)
    codes = [r.code for r in bureaus]
    code = request.GET.get("region") or request.POST.get("region") or viewer.region_id or ""
    if code not in codes:
        code = codes[0] if codes else ""
    if not code:
        raise Http404
    region = next(r for r in bureaus if r.code == code)
    may_manage = _may_manage(viewer, code)
    if request.method == "POST":
        if not may_manage:
            raise Http404
        action = request.POST.get("action", "")
        try:
            if action == "add":
                inspector = next(
                    (
                        u
                        for u in planning.roster(code)
                        if u.username == request.POST.get("inspector")
                    ),
                    None,
                )
                ent = enterprise_get(viewer=viewer, credit_code=request.POST.get("enterprise", ""))
                if inspector is None or ent is None:
                    raise ValidationFailed(
                        _(
                            "Choose an inspector of the roster and an enterprise of the jurisdiction."
                        )
                    )
                planning.conflict_record(
                    actor=viewer,
                    inspector=inspector,
                    enterprise=ent,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Conflict of interest recorded."))
            elif action == "remove":
                conflict = (
                    selectors.conflict_list(viewer=viewer, region=code)
                    .filter(pk=int(request.POST.get("conflict") or 0))
                    .first()
                )
                if conflict is None:
                    raise Http404
                planning.conflict_remove(actor=viewer, conflict=conflict)
                messages.success(request, _("Conflict of interest removed."))
            else:
                raise Http404
        except ServiceError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("Invalid input."))
        return redirect(f"{request.path}?region={code}")
    return render(
        request,
        "inspections/roster.html",
        {
            "region": region,
            "bureaus": bureaus,
            "inspectors": planning.roster(code),
            "conflicts": list(selectors.conflict_list(viewer=viewer, region=code)),
            "may_manage": may_manage,
        },
    )


# ------------------------------------------------------------------------------ draws


@roles_required(SCOPED)
@require_http_methods(["GET", "POST"])
def draw_index(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    managed = (
        [r for r in _bureaus(viewer) if _may_manage(viewer, r.code)]
        if effective_role(viewer) in BUREAU
        else []
    )
    form: dict[str, Any] = {
        "region": viewer.region_id or CITY_CODE,
        "count": "5",
        "seed": str(secrets.randbelow(900000) + 100000),
    }
    if request.method == "POST":
        if not managed:
            raise Http404
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            count = int(form["count"] or 0)
        except ValueError:
            count = 0
        try:
            draw = planning.draw_publish(
                actor=viewer, region_code=form["region"], count=count, seed=form["seed"]
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Draw published."))
            return redirect("inspections:draw", pk=draw.pk)
    page = Paginator(selectors.draw_list(viewer=viewer), 25).get_page(request.GET.get("page"))
    current = {r.code: planning.current_plan(r, dates.today()) for r in managed}
    return render(
        request,
        "inspections/draws.html",
        {
            "page": page,
            "managed": [(r, current[r.code]) for r in managed],
            "form": form,
            "bureau": effective_role(viewer) in BUREAU,
            "max_count": planning.MAX_DRAW_COUNT,
        },
    )


@roles_required(SCOPED)
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    draw = selectors.draw_get(viewer=viewer, pk=pk)
    if draw is None:
        raise Http404
    try:
        replay_ok = planning.draw_replay(draw) == draw.result
    except ValueError:
        replay_ok = False
    digest_ok = planning.inputs_digest(draw.inputs) == draw.inputs_digest
    weights = {c: w for c, w in draw.inputs.get("enterprises", [])}
    return render(
        request,
        "inspections/draw.html",
        {
            "draw": draw,
            "pairs": selectors.draw_pairs_of(draw),
            "replay_ok": replay_ok,
            "digest_ok": digest_ok,
            "pool": len(weights),
            "roster_size": len(draw.inputs.get("inspectors", [])),
            "conflicts": len(draw.inputs.get("conflicts", [])),
            "bureau": effective_role(viewer) in BUREAU,
        },
    )
