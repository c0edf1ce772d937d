"""Compliance pages (docs/compliance-pages.md). Thin: parse, call a scoped selector, render.

A person or enterprise outside the viewer's jurisdiction is 404; a role with no business on a
page is 403 (roles_required).
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from safetrain.catalog.models import EmploymentForm
from safetrain.compliance import pages
from safetrain.core import dates
from safetrain.core.dates import parse_iso_date
from safetrain.enterprises.models import Enterprise
from safetrain.enterprises.selectors import enterprise_get, enterprise_get_by_id
from safetrain.people.models import Person, User
from safetrain.people.selectors import employment_form_param, person_get
from safetrain.web.nav import SCOPED, effective_role
from safetrain.web.views import roles_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _own_person(viewer: User) -> Person:
    own = viewer.person
    person = person_get(viewer=viewer, uid=str(own.uid)) if own is not None else None
    if person is None:
        raise Http404("该账号未关联人员档案")
    return person


def _on(request: HttpRequest) -> tuple[dt.date, str]:
    """?on=YYYY-MM-DD (default today); a bad date is reported and today is used."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return dates.today(), ""
    try:
        return parse_iso_date(raw), raw
    except ValueError:
        messages.error(request, f"日期“{raw}”无效，请按 YYYY-MM-DD 填写；下面显示今天的结论。")
        return dates.today(), ""


def _enterprise(request: HttpRequest, credit_code: str) -> Enterprise:
    enterprise = enterprise_get(viewer=_viewer(request), credit_code=credit_code)
    if enterprise is None:
        raise Http404
    return enterprise


def _own_enterprise(viewer: User) -> Enterprise:
    enterprise = (
        enterprise_get_by_id(viewer=viewer, pk=viewer.enterprise_id)
        if viewer.enterprise_id
        else None
    )
    if enterprise is None:
        raise Http404
    return enterprise


# ----------------------------------------------------------------------------- persons


@roles_required("worker")
def me(request: HttpRequest) -> HttpResponse:
    person = _own_person(_viewer(request))
    open_todos, _cleared = pages.person_todos(person)
    return render(
        request,
        "compliance/me.html",
        {"card": pages.card_for(person), "open_todos": open_todos},
    )


@roles_required(SCOPED | {"worker"})
def person_card(request: HttpRequest, uid: object) -> HttpResponse:
    person = person_get(viewer=_viewer(request), uid=str(uid))
    if person is None:
        raise Http404
    on, raw = _on(request)
    return render(
        request,
        "compliance/person.html",
        {"card": pages.card_for(person, on), "person": person, "on_raw": raw or on.isoformat()},
    )


# ----------------------------------------------------------------------------- enterprises


@roles_required(SCOPED)
def enterprise_mine(request: HttpRequest) -> HttpResponse:
    """The menu entry 上岗管控: an enterprise admin's own enterprise; others pick one."""
    viewer = _viewer(request)
    if effective_role(viewer) != "enterprise_admin":
        return redirect("enterprise_list")
    return _control_page(request, _own_enterprise(viewer))


@roles_required(SCOPED)
def enterprise_page(request: HttpRequest, credit_code: str) -> HttpResponse:
    return _control_page(request, _enterprise(request, credit_code))


def _control_page(request: HttpRequest, enterprise: Enterprise) -> HttpResponse:
    on, raw = _on(request)
    code = request.GET.get("code", "").strip()
    form_value = employment_form_param(request.GET.get("form"))
    control = pages.enterprise_control(enterprise, on, code=code, form=form_value)
    return render(
        request,
        "compliance/enterprise.html",
        {
            "control": control,
            "code": code,
            "form_value": form_value,
            "employment_forms": EmploymentForm.choices,
            "code_label": pages.code_label(code, on) if code else "",
            "on_raw": raw,
            "is_today": control.on == dates.today(),
        },
    )


@roles_required(SCOPED)
def enterprise_export(request: HttpRequest, credit_code: str) -> HttpResponse:
    enterprise = _enterprise(request, credit_code)
    on, _raw = _on(request)
    control = pages.enterprise_control(
        enterprise,
        on,
        code=request.GET.get("code", "").strip(),
        form=employment_form_param(request.GET.get("form")),
    )
    filename = f"{enterprise.credit_code}-{on.isoformat()}-今日不得安排上岗.xlsx"
    return HttpResponse(
        pages.control_workbook(control),
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


# ----------------------------------------------------------------------------- to-dos


@roles_required("worker")
def todo(request: HttpRequest) -> HttpResponse:
    person = _own_person(_viewer(request))
    open_items, cleared = pages.person_todos(person)
    return render(request, "compliance/todo.html", {"open_items": open_items, "cleared": cleared})


@roles_required("enterprise_admin")
def remedial_mine(request: HttpRequest) -> HttpResponse:
    return _remedial_page(request, _own_enterprise(_viewer(request)))


@roles_required(SCOPED)
def enterprise_remedial(request: HttpRequest, credit_code: str) -> HttpResponse:
    return _remedial_page(request, _enterprise(request, credit_code))


def _remedial_page(request: HttpRequest, enterprise: Enterprise) -> HttpResponse:
    form_value = employment_form_param(request.GET.get("form"))
    groups, cleared = pages.enterprise_todos(enterprise, form=form_value)
    viewer = _viewer(request)
    return render(
        request,
        "compliance/remedial.html",
        {
            "enterprise": enterprise,
            "groups": groups,
            "cleared": cleared,
            "open_count": sum(g.count for g in groups),
            "form_value": form_value,
            "can_record": effective_role(viewer) == "enterprise_admin"
            and viewer.enterprise_id == enterprise.pk,
        },
    )
