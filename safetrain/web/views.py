"""HTML pages. Thin: parse the request, call selectors or services, render.

Jurisdiction: every object comes from a scoped selector; what is outside the viewer's scope is
a 404 (its existence is not revealed). A page a role has no business on is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetrain.catalog.selectors import sector_list
from safetrain.core.dates import today
from safetrain.core.errors import NotAllowed, ServiceError
from safetrain.core.identifiers import looks_like_id_number
from safetrain.core.scope import is_citywide, region_codes
from safetrain.enterprises.selectors import (
    enterprise_code_taken,
    enterprise_get,
    enterprise_get_by_id,
    enterprise_list,
)
from safetrain.enterprises.services import enterprise_register
from safetrain.people.models import Person, User
from safetrain.people.selectors import (
    employment_form_param,
    person_get,
    person_list,
    person_lookup,
    user_list,
)
from safetrain.people.services import user_create
from safetrain.regions.selectors import county_list
from safetrain.web import labels
from safetrain.web import selectors as web_selectors
from safetrain.web.archive import (
    render_enterprise_sections,
    render_home_sections,
    render_sections,
)
from safetrain.web.forms import (
    AccountForm,
    EnterpriseForm,
    LookupForm,
    PersonSearchForm,
    creatable_roles,
)
from safetrain.web.nav import ADMINS, SCOPED, effective_role

View = Callable[..., HttpResponse]
ENTERPRISE_PAGE = 25
PERSON_PAGE = 25
STAFF_PAGE = 50


def roles_required(*roles: str | frozenset[str]) -> Callable[[View], View]:
    """Signed in, and one of the roles (a superuser counts as city admin); otherwise 403."""
    allowed: set[str] = set()
    for r in roles:
        allowed |= {r} if isinstance(r, str) else set(r)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if effective_role(request.user) not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorate


def _viewer(request: HttpRequest) -> User:
    """The signed-in account (every view below is behind login_required)."""
    return cast(User, request.user)


def _own_person(viewer: User) -> Person | None:
    """A worker's own person, through the scoped selector like everyone else's."""
    own = viewer.person
    return person_get(viewer=viewer, uid=str(own.uid)) if own is not None else None


def _page(request: HttpRequest, items: Any, per_page: int) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


# ----------------------------------------------------------------------------- home


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    role = effective_role(viewer)
    on = today()
    ctx: dict[str, Any] = {"role": role, "on": on}
    if role in ADMINS:
        tiles = web_selectors.dashboard_by_sector(viewer=viewer, on=on)
        ctx["tiles"] = tiles
        ctx["total_enterprises"] = sum(t.enterprises for t in tiles)
        ctx["total_in_post"] = sum(t.in_post for t in tiles)
        region = viewer.region
        ctx["scope_name"] = labels.region_name(region.code, region.name) if region else ""
    elif role == "enterprise_admin":
        enterprise = (
            enterprise_get_by_id(viewer=viewer, pk=viewer.enterprise_id)
            if viewer.enterprise_id
            else None
        )
        ctx["enterprise"] = enterprise
        if enterprise is not None:
            ctx["in_post"] = web_selectors.in_post_count(
                viewer=viewer, enterprise=enterprise, on=on
            )
    elif role == "worker":
        person = _own_person(viewer)
        if person is not None:
            ctx["person"] = person
            ctx["state"] = web_selectors.person_rows([person], on)[0][1]
    elif role == "inspector":
        ctx["lookup_form"] = LookupForm()
    ctx["sections"] = render_home_sections(viewer, request)
    return render(request, "web/home.html", ctx)


# ----------------------------------------------------------------------------- enterprises


@roles_required(SCOPED)
def enterprise_list_view(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    county = request.GET.get("county", "")
    sector = request.GET.get("sector", "")
    search = request.GET.get("q", "").strip()
    qs = enterprise_list(
        viewer=viewer,
        region=county or None,
        sector=sector or None,
        search=search,
    )
    counties = (
        [(r.code, labels.region_name(r.code, r.name)) for r in county_list()]
        if is_citywide(viewer)
        else []
    )
    sectors = [(s.code, labels.sector_name(s.name, s.name_en)) for s in sector_list()]
    return render(
        request,
        "web/enterprise_list.html",
        {
            "page": _page(request, qs, ENTERPRISE_PAGE),
            "counties": counties,
            "sectors": sectors,
            "county": county,
            "sector": sector,
            "q": search,
            "can_create": effective_role(viewer) in ADMINS,
        },
    )


@roles_required(SCOPED)
def enterprise_detail(request: HttpRequest, credit_code: str) -> HttpResponse:
    viewer = _viewer(request)
    enterprise = enterprise_get(viewer=viewer, credit_code=credit_code)
    if enterprise is None:
        raise Http404
    on = today()
    form_value = employment_form_param(request.GET.get("form"))
    staff = web_selectors.enterprise_staff(
        viewer=viewer, enterprise=enterprise, on=on, form=form_value
    )
    page = _page(request, staff, STAFF_PAGE)
    rows = [
        (emp, web_selectors.current_post(emp, on), web_selectors.on_leave(emp, on))
        for emp in page.object_list
    ]
    return render(
        request,
        "web/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "tree": web_selectors.org_tree(enterprise=enterprise),
            "page": page,
            "rows": rows,
            "form_value": form_value,
            "can_edit": effective_role(viewer) in ADMINS,
            "sections": render_enterprise_sections(enterprise, viewer, request),
        },
    )


def _enterprise_form(request: HttpRequest, enterprise: Any | None) -> HttpResponse:
    viewer = _viewer(request)
    codes = region_codes(viewer)
    editing = enterprise is not None
    initial = {}
    if enterprise is not None:
        initial = {
            "credit_code": enterprise.credit_code,
            "name": enterprise.name,
            "region": enterprise.region_id,
            "sector": enterprise.sector_id,
            "area_types": enterprise.area_types,
        }
    form = EnterpriseForm(
        request.POST or None, initial=initial, region_codes=codes, editing=editing
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        code = enterprise.credit_code if enterprise is not None else data["credit_code"]
        if enterprise is None and enterprise_code_taken(code):
            form.add_error(
                "credit_code", _("An enterprise with this credit code is already registered.")
            )
        else:
            try:
                result = enterprise_register(
                    actor=viewer,
                    credit_code=code,
                    name=data["name"],
                    region_code=data["region"],
                    sector_code=data["sector"],
                    area_types=list(data["area_types"]),
                )
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except ServiceError as exc:
                _form_errors(
                    form,
                    exc,
                    {
                        "credit_code": "credit_code",
                        "name": "name",
                        "region": "region",
                        "sector": "sector",
                        "area_types": "area_types",
                    },
                )
            else:
                for warning in result.warnings:
                    messages.warning(request, warning)
                messages.success(request, _("Saved: %(name)s") % {"name": result.enterprise.name})
                return redirect("enterprise_detail", credit_code=result.enterprise.credit_code)
    return render(request, "web/enterprise_form.html", {"form": form, "enterprise": enterprise})


def _form_errors(form: Any, exc: ServiceError, mapping: dict[str, str]) -> None:
    """Put a service error on the form: per-field where the field is known, else on the form."""
    placed = False
    for key in exc.fields:
        if key in mapping:
            form.add_error(mapping[key], exc.message)
            placed = True
            break
    if not placed:
        form.add_error(None, exc.message)


@roles_required(ADMINS)
def enterprise_create(request: HttpRequest) -> HttpResponse:
    return _enterprise_form(request, None)


@roles_required(ADMINS)
def enterprise_edit(request: HttpRequest, credit_code: str) -> HttpResponse:
    enterprise = enterprise_get(viewer=_viewer(request), credit_code=credit_code)
    if enterprise is None:
        raise Http404
    return _enterprise_form(request, enterprise)


# ----------------------------------------------------------------------------- persons


@roles_required(SCOPED)
def person_list_view(request: HttpRequest) -> HttpResponse:
    """Name search by GET (?q=); an ID number only by POST, so it never lands in a URL or log."""
    viewer = _viewer(request)
    if request.method == "POST":
        form = PersonSearchForm(request.POST)
        if form.is_valid():
            term = form.cleaned_data["q"].strip()
            if looks_like_id_number(term):
                person = person_lookup(viewer=viewer, id_number=term)
                if person is not None:
                    return redirect("person_detail", uid=person.uid)
                messages.error(request, _("No one with this ID number in your jurisdiction."))
                return redirect("person_list")
            return HttpResponseRedirect(f"{reverse('person_list')}?{_qs(q=term)}")
    name = request.GET.get("q", "").strip()
    form_value = employment_form_param(request.GET.get("form"))
    if looks_like_id_number(name):
        # an ID number typed into the address bar is not searched (it would sit in logs)
        messages.error(request, _("Search ID numbers with the search box, not in the address."))
        name = ""
    form = PersonSearchForm(initial={"q": name})
    qs = person_list(viewer=viewer, search=name, form=form_value)
    page = _page(request, qs, PERSON_PAGE)
    return render(
        request,
        "web/person_list.html",
        {
            "form": form,
            "form_value": form_value,
            "q": name,
            "page": page,
            "rows": web_selectors.person_rows(list(page.object_list), today()),
        },
    )


def _qs(**params: str) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


@login_required
@require_POST
def person_lookup_view(request: HttpRequest) -> HttpResponse:
    """Inspector look-up box: the ID number comes in a POST body, the answer is a redirect by uid."""
    form = LookupForm(request.POST)
    if form.is_valid():
        person = person_lookup(viewer=_viewer(request), id_number=form.cleaned_data["id_number"])
        if person is not None:
            return redirect("person_detail", uid=person.uid)
    messages.error(request, _("No one with this ID number in your jurisdiction."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return HttpResponseRedirect(target)


def _archive(request: HttpRequest, person: Any, *, own: bool) -> HttpResponse:
    archive = web_selectors.person_archive(person=person, on=today())
    return render(
        request,
        "web/person_detail.html",
        {
            "archive": archive,
            "person": person,
            "own": own,
            "sections": render_sections(person, _viewer(request), request),
        },
    )


@login_required
def person_detail(request: HttpRequest, uid: Any) -> HttpResponse:
    person = person_get(viewer=_viewer(request), uid=str(uid))
    if person is None:
        raise Http404
    return _archive(request, person, own=person.pk == getattr(request.user, "person_id", None))


@roles_required("worker")
def my_archive(request: HttpRequest) -> HttpResponse:
    person = _own_person(_viewer(request))
    if person is None:
        raise Http404
    return _archive(request, person, own=True)


# ----------------------------------------------------------------------------- accounts

ACCOUNT_ADMINS = frozenset({"city_admin", "county_admin", "enterprise_admin"})


@roles_required(ACCOUNT_ADMINS)
def account_list(request: HttpRequest) -> HttpResponse:
    qs = user_list(viewer=_viewer(request)).select_related("region", "enterprise", "person")
    return render(
        request,
        "web/account_list.html",
        {"page": _page(request, qs, 50), "can_create": bool(creatable_roles(_viewer(request)))},
    )


@roles_required(ACCOUNT_ADMINS)
def account_create(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    enterprises = [
        (e.credit_code, f"{e.name}（{e.credit_code}）")
        for e in web_selectors.enterprises_for_accounts(viewer=viewer)
    ]
    form = AccountForm(
        request.POST or None,
        viewer=viewer,
        region_codes=region_codes(viewer) if effective_role(viewer) != "enterprise_admin" else [],
        enterprises=enterprises,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = data["role"]
        enterprise = None
        person = None
        if role == "enterprise_admin" and data["enterprise"]:
            enterprise = enterprise_get(viewer=viewer, credit_code=data["enterprise"])
        if role == "worker":
            if data["id_number"]:
                person = person_lookup(viewer=viewer, id_number=data["id_number"])
            if person is None:
                form.add_error(
                    "id_number",
                    _("Enter the ID number of a person on your roster (import the roster first)."),
                )
        if form.is_valid():
            try:
                user = user_create(
                    actor=viewer,
                    username=data["username"],
                    password=data["password1"],
                    role=role,
                    region_code=data["region"] or None,
                    enterprise=enterprise,
                    person=person,
                    first_name=data["first_name"],
                )
            except ServiceError as exc:
                _form_errors(
                    form,
                    exc,
                    {
                        "username": "username",
                        "role": "role",
                        "region": "region",
                        "enterprise": "enterprise",
                        "id_number": "id_number",
                        "password": "password1",
                    },
                )
            else:
                messages.success(request, _("Account %(name)s created.") % {"name": user.username})
                return redirect("account_list")
    return render(request, "web/account_form.html", {"form": form})
