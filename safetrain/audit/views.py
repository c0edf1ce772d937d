"""Pages: the audit log search (city admins), and unmasking a person's ID number and phone
(the form sits on the person's archive page; the full numbers are shown once, never cached)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from safetrain.audit.forms import AuditSearchForm, UnmaskForm
from safetrain.audit.selectors import audit_event_list, can_read_audit
from safetrain.audit.services import can_unmask, person_unmask
from safetrain.core.errors import NotAllowed, ServiceError
from safetrain.core.identifiers import looks_like_id_number
from safetrain.people.models import Person, User
from safetrain.people.selectors import person_get
from safetrain.web.archive import ArchiveSection

PAGE = 50


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    viewer = cast(User, request.user)
    if not can_read_audit(viewer):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
        if looks_like_id_number(str(filters.get("user", ""))):
            filters.pop("user")  # an ID number is never a username here, and never in a URL
    qs = audit_event_list(viewer=viewer, **filters)
    if form.is_bound and not form.is_valid():
        qs = qs.none()  # a wrong filter shows its error, not the whole log
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})


def unmask_section(person: Person, viewer: User) -> ArchiveSection | None:
    """On the archive page of whoever may unmask this person: the reason form."""
    if not can_unmask(viewer=viewer, person=person):
        return None
    return ArchiveSection(_("Full ID number"), "audit/unmask_section.html", {"form": UnmaskForm()})


@login_required
@require_POST
def unmask(request: HttpRequest, uid: Any) -> HttpResponse:
    viewer = cast(User, request.user)
    person = person_get(viewer=viewer, uid=str(uid))
    if person is None:
        raise Http404
    form = UnmaskForm(request.POST)
    shown: dict[str, str] | None = None
    if form.is_valid():
        try:
            shown = person_unmask(
                actor=viewer, person=person, reason=form.cleaned_data["reason"], request=request
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except ServiceError as exc:
            form.add_error("reason", exc.message)
    elif not can_unmask(viewer=viewer, person=person):
        raise PermissionDenied
    status = 200 if shown is not None else 400
    return render(
        request,
        "audit/unmask.html",
        {"person": person, "form": form, "shown": shown},
        status=status,
    )
