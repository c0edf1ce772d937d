"""Record pages: forms for the people who record (enterprise admins; bureaus for the training
they organise, and incidents) and an enterprise's lists. Thin: forms parse, services decide,
selectors scope. Outside the viewer's jurisdiction → 404; a role with no business here → 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from safetrain.catalog.models import AreaType
from safetrain.core.dates import parse_iso_date, today
from safetrain.core.errors import ServiceError, add_to_form
from safetrain.enterprises.models import Enterprise
from safetrain.enterprises.selectors import enterprise_get
from safetrain.people.models import Person, User
from safetrain.people.selectors import active_employment, person_lookup
from safetrain.records import selectors, services
from safetrain.records.forms import (
    DrillForm,
    ExamForm,
    IncidentForm,
    TrainingForm,
    ViolationForm,
)
from safetrain.records.models import ExamPurpose, IncidentType, TrainingKind, ViolationType

View = Callable[..., HttpResponse]
ENTERPRISE_ADMIN = "enterprise_admin"
BUREAUS = frozenset({"city_admin", "county_admin"})
LIST_VIEWERS = frozenset({"city_admin", "county_admin", "enterprise_admin", "inspector"})
PAGE = 25


def _role(user: Any) -> str:
    return "city_admin" if getattr(user, "is_superuser", False) else str(getattr(user, "role", ""))


def roles(*allowed: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if _role(request.user) not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorate


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _own_enterprise(viewer: User) -> Enterprise:
    if viewer.enterprise is None:
        raise PermissionDenied
    return viewer.enterprise


def _roster(viewer: User) -> Any:
    return selectors.roster_persons(viewer=viewer, enterprise=_own_enterprise(viewer), on=today())


FIELD_MAP = {
    "date": "date",
    "hours": "hours",
    "kind": "kind",
    "level": "level",
    "title": "title",
    "channel": "channel",
    "purpose": "purpose",
    "score": "score",
    "pass_mark": "pass_mark",
    "type": "type",
    "text": "text",
    "area_type": "area_type",
    "participants": "participants",
}


def _records_url(enterprise: Enterprise, tab: str) -> str:
    return reverse("records:enterprise_records", args=[enterprise.credit_code]) + f"?tab={tab}"


def _render_form(request: HttpRequest, form: Any, title: str, back: str | None) -> HttpResponse:
    return render(request, "records/form.html", {"form": form, "title": title, "back": back})


# ----------------------------------------------------------------------------- forms


@roles(ENTERPRISE_ADMIN, "county_admin", "city_admin")
def training_add(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    is_enterprise = _role(viewer) == ENTERPRISE_ADMIN
    roster = _roster(viewer) if is_enterprise else None
    form = TrainingForm(request.POST or None, roster=roster)
    title = "登记培训记录" if is_enterprise else "登记本局组织的培训"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        persons: list[Person] = []
        enterprises: dict[int, Enterprise | None] | None = None
        enterprise = viewer.enterprise if is_enterprise else None
        if is_enterprise:
            persons = list(data["persons"])
        else:
            enterprises = {}
            for line in form.id_number_lines():
                person = person_lookup(viewer=viewer, id_number=line)
                if person is None:
                    form.add_error("id_numbers", f"“{line}”：身份证号无效、未登记或不在您的辖区内")
                    continue
                persons.append(person)
                job = active_employment(person, data["date"])
                enterprises[person.pk] = job.enterprise if job is not None else None
            if not persons and not form.errors:
                form.add_error("id_numbers", "请至少填写一个身份证号")
        if not form.errors:
            try:
                rows = services.training_session_add(
                    actor=viewer,
                    persons=persons,
                    date=data["date"],
                    hours=data["hours"],
                    kind=data["kind"],
                    level=data["level"],
                    enterprise=enterprise,
                    enterprises=enterprises,
                    title=data["title"],
                    channel=data["channel"],
                    source="web",
                )
            except ServiceError as exc:
                add_to_form(form, exc, FIELD_MAP)
            else:
                messages.success(request, f"已登记 {len(rows)} 条培训记录")
                if is_enterprise:
                    return redirect(_records_url(_own_enterprise(viewer), "training"))
                return redirect("records:training_add")
    back = (
        _records_url(viewer.enterprise, "training") if is_enterprise and viewer.enterprise else None
    )
    return _render_form(request, form, title, back)


@roles(ENTERPRISE_ADMIN)
def exam_add(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    enterprise = _own_enterprise(viewer)
    form = ExamForm(request.POST or None, roster=_roster(viewer))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.exam_result_add(
                actor=viewer,
                person=data["person"],
                date=data["date"],
                purpose=data["purpose"],
                score=data["score"],
                pass_mark=data["pass_mark"],
                enterprise=enterprise,
                title=data["title"],
            )
        except ServiceError as exc:
            add_to_form(form, exc, FIELD_MAP)
        else:
            messages.success(request, "已登记考试成绩")
            return redirect(_records_url(enterprise, "exams"))
    return _render_form(request, form, "登记考试成绩", _records_url(enterprise, "exams"))


@roles(ENTERPRISE_ADMIN)
def violation_add(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    enterprise = _own_enterprise(viewer)
    form = ViolationForm(request.POST or None, roster=_roster(viewer))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.violation_record(
                actor=viewer,
                person=data["person"],
                enterprise=enterprise,
                date=data["date"],
                type=data["type"],
                text=data["text"],
            )
        except ServiceError as exc:
            add_to_form(form, exc, FIELD_MAP)
        else:
            messages.success(request, "已登记三违记录")
            return redirect(_records_url(enterprise, "violations"))
    return _render_form(request, form, "登记三违", _records_url(enterprise, "violations"))


@roles(ENTERPRISE_ADMIN)
def drill_add(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    enterprise = _own_enterprise(viewer)
    form = DrillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.drill_record(
                actor=viewer,
                enterprise=enterprise,
                date=data["date"],
                area_type=data["area_type"],
                title=data["title"],
                participants=data["participants"],
            )
        except ServiceError as exc:
            add_to_form(form, exc, FIELD_MAP)
        else:
            messages.success(request, "已登记应急演练")
            return redirect(_records_url(enterprise, "drills"))
    return _render_form(request, form, "登记应急演练", _records_url(enterprise, "drills"))


@roles(ENTERPRISE_ADMIN, "county_admin", "city_admin")
def incident_add(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    own = _role(viewer) == ENTERPRISE_ADMIN
    form = IncidentForm(request.POST or None, own_enterprise=own)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = (
            _own_enterprise(viewer)
            if own
            else enterprise_get(viewer=viewer, credit_code=data["credit_code"])
        )
        if enterprise is None:
            form.add_error("credit_code", "未找到该企业，或该企业不在您的辖区内")
        else:
            try:
                services.incident_record(
                    actor=viewer,
                    enterprise=enterprise,
                    date=data["date"],
                    type=data["type"],
                    text=data["text"],
                )
            except ServiceError as exc:
                add_to_form(form, exc, FIELD_MAP)
            else:
                messages.success(request, "已登记事故/隐患")
                return redirect(_records_url(enterprise, "incidents"))
    back = _records_url(viewer.enterprise, "incidents") if own and viewer.enterprise else None
    return _render_form(request, form, "登记事故/重大隐患", back)


# ----------------------------------------------------------------------------- lists

TABS = [
    ("training", "培训记录"),
    ("exams", "考试记录"),
    ("violations", "三违"),
    ("drills", "应急演练"),
    ("incidents", "事故"),
]
TYPE_CHOICES: dict[str, list[tuple[str, str]]] = {
    "training": [(str(v), str(label)) for v, label in TrainingKind.choices],
    "exams": [(str(v), str(label)) for v, label in ExamPurpose.choices],
    "violations": [(str(v), str(label)) for v, label in ViolationType.choices],
    "drills": [(str(v), str(label)) for v, label in AreaType.choices],
    "incidents": [(str(v), str(label)) for v, label in IncidentType.choices],
}
ADD_URLS = {
    "training": "records:training_add",
    "exams": "records:exam_add",
    "violations": "records:violation_add",
    "drills": "records:drill_add",
    "incidents": "records:incident_add",
}


def _date_param(request: HttpRequest, name: str, errors: list[str]) -> Any:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_iso_date(raw)
    except ValueError as exc:
        errors.append(str(exc))
        return None


@roles(*LIST_VIEWERS)
def records_home(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if _role(viewer) == ENTERPRISE_ADMIN and viewer.enterprise is not None:
        return redirect("records:enterprise_records", credit_code=viewer.enterprise.credit_code)
    return redirect("enterprise_list")


@roles(*LIST_VIEWERS)
def enterprise_records(request: HttpRequest, credit_code: str) -> HttpResponse:
    viewer = _viewer(request)
    enterprise = enterprise_get(viewer=viewer, credit_code=credit_code)
    if enterprise is None:
        raise Http404
    tab = request.GET.get("tab", "training")
    if tab not in TYPE_CHOICES:
        tab = "training"
    errors: list[str] = []
    date_from = _date_param(request, "from", errors)
    date_to = _date_param(request, "to", errors)
    kind = request.GET.get("type", "")
    if kind not in {v for v, _ in TYPE_CHOICES[tab]}:
        kind = ""
    common = {
        "viewer": viewer,
        "enterprise": enterprise,
        "date_from": date_from,
        "date_to": date_to,
    }
    qs: Any
    if tab == "training":
        qs = selectors.training_list(**common, kind=kind)
    elif tab == "exams":
        qs = selectors.exam_list(**common, purpose=kind)
    elif tab == "violations":
        qs = selectors.violation_list(**common, type=kind)
    elif tab == "drills":
        qs = selectors.drill_list(**common, area_type=kind)
    else:
        qs = selectors.incident_list(**common, type=kind)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    role = _role(viewer)
    can_add = (role == ENTERPRISE_ADMIN and viewer.enterprise_id == enterprise.pk) or (
        role in BUREAUS and tab in ("training", "incidents")
    )
    return render(
        request,
        "records/enterprise_records.html",
        {
            "enterprise": enterprise,
            "tabs": TABS,
            "tab": tab,
            "type_choices": TYPE_CHOICES[tab],
            "type": kind,
            "date_from": request.GET.get("from", ""),
            "date_to": request.GET.get("to", ""),
            "filter_errors": errors,
            "page": page,
            "add_url": reverse(ADD_URLS[tab]) if can_add else None,
        },
    )
