"""Handbook pages: the list and authoring (city/county admins, trainers), one handbook with its
items, and the worker's reading page of their post's handbook with progress (phone-first)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetrain.core.errors import ServiceError, add_to_form
from safetrain.handbooks import selectors, services
from safetrain.handbooks.forms import HandbookForm, ItemForm
from safetrain.handbooks.models import HandbookItem
from safetrain.people.models import Person, User
from safetrain.web.nav import ALL
from safetrain.web.views import roles_required

READERS = ALL - {"worker"}


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


@roles_required(READERS)
def handbook_list_view(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    author = services.may_author(viewer)
    form = HandbookForm(request.POST or None) if author else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                handbook = services.handbook_create(
                    actor=viewer,
                    sector=data["sector"],
                    job_type=data["job_type"],
                    title=data["title"],
                    description=data["description"],
                )
            except ServiceError as exc:
                add_to_form(form, exc)
            else:
                return redirect("handbooks:detail", pk=handbook.pk)
    return render(
        request,
        "handbooks/list.html",
        {"handbooks": selectors.handbook_list(), "form": form},
    )


@roles_required(READERS)
def handbook_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    handbook = selectors.handbook_get(pk=pk)
    if handbook is None:
        raise Http404
    author = services.may_author(viewer)
    form = ItemForm(request.POST or None) if author else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.item_add(
                    actor=viewer,
                    handbook=handbook,
                    title=data["title"],
                    body=data["body"],
                    order=data["order"],
                    question_ids=form.question_ids(),
                )
            except ServiceError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("Item added."))
                return redirect("handbooks:detail", pk=handbook.pk)
    return render(
        request,
        "handbooks/detail.html",
        {"handbook": handbook, "items": list(handbook.items.all()), "form": form, "author": author},
    )


@roles_required(READERS)
def item_edit_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    viewer = _viewer(request)
    if not services.may_author(viewer):
        raise PermissionDenied
    row = HandbookItem.objects.select_related("handbook").filter(handbook_id=pk, pk=item).first()
    if row is None:
        raise Http404
    initial = {
        "order": row.order,
        "title": row.title,
        "body": row.body,
        "questions": ", ".join(str(q) for q in row.questions.values_list("pk", flat=True)),
    }
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_update(
                actor=viewer,
                item=row,
                title=data["title"],
                body=data["body"],
                order=data["order"],
                question_ids=form.question_ids(),
            )
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Item saved."))
            return redirect("handbooks:detail", pk=pk)
    return render(request, "handbooks/item_form.html", {"form": form, "item": row})


@require_POST
@roles_required(READERS)
def item_remove_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    viewer = _viewer(request)
    row = HandbookItem.objects.filter(handbook_id=pk, pk=item).first()
    if row is None:
        raise Http404
    try:
        services.item_remove(actor=viewer, item=row)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.message)
    return redirect("handbooks:detail", pk=pk)


@roles_required("worker")
def mine_view(request: HttpRequest) -> HttpResponse:
    """The worker's post's handbook: items to read, with progress."""
    viewer = _viewer(request)
    if viewer.person_id is None:
        raise Http404
    person = Person.objects.filter(pk=viewer.person_id).first()
    if person is None:
        raise Http404
    post = selectors.post_of(person)
    handbook = selectors.handbook_for_person(person=person)
    context: dict[str, object] = {"post": post, "handbook": handbook}
    if handbook is not None:
        items = list(handbook.items.prefetch_related("questions").order_by("order", "pk"))
        read = selectors.read_item_ids(person=person, handbook=handbook)
        for item in items:
            item.is_read = item.pk in read  # type: ignore[attr-defined]
        context["items"] = items
        context["progress"] = selectors.Progress(read=len(read), total=len(items))
        context["next_item"] = next((i for i in items if i.pk not in read), None)
    return render(request, "handbooks/mine.html", context)


@require_POST
@login_required
def read_view(request: HttpRequest, item: int) -> HttpResponse:
    viewer = _viewer(request)
    row = HandbookItem.objects.filter(pk=item).first()
    if row is None:
        raise Http404
    try:
        services.item_mark_read(actor=viewer, item=row)
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404 from exc
        raise PermissionDenied from exc
    return redirect(f"{reverse('handbooks:mine')}#item-{row.pk}")
