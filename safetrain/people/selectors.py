"""Reads for persons and employments, always scoped to the viewer's jurisdiction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from safetrain.core.identifiers import InvalidIdentifier, normalize_id_number
from safetrain.core.scope import enterprise_q, person_q
from safetrain.people.models import Employment, Person, User


def employed_with_form(
    *, form: str, on: dt.date, enterprise_id: int | None = None
) -> QuerySet[Employment, Any]:
    """person ids (a subquery) whose employment active on the day has the employment form
    (用工形式, DESIGN §2), optionally at one enterprise."""
    qs = Employment.objects.filter(employment_form=form, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    return qs.values("person_id")


def person_list(
    *,
    viewer: User,
    search: str = "",
    enterprise_id: int | None = None,
    form: str = "",
    on: dt.date | None = None,
) -> QuerySet[Person]:
    """Persons in the viewer's jurisdiction; `form` keeps those whose employment active on
    `on` (default today) has that employment form (用工形式)."""
    qs = Person.objects.filter(person_q(viewer))
    if enterprise_id:
        qs = qs.filter(
            pk__in=Employment.objects.filter(enterprise_id=enterprise_id).values("person_id")
        )
    if form:
        from safetrain.core.dates import today

        qs = qs.filter(
            pk__in=employed_with_form(form=form, on=on or today(), enterprise_id=enterprise_id)
        )
    search = search.strip()
    if search:
        try:
            from safetrain.people.services import id_lookup_hash

            qs = qs.filter(id_number_hash=id_lookup_hash(normalize_id_number(search)))
        except InvalidIdentifier:
            qs = qs.filter(name__contains=search)
    return qs.order_by("id")


def person_get(*, viewer: User, uid: str) -> Person | None:
    import uuid

    from django.core.exceptions import ValidationError

    try:
        uuid.UUID(str(uid))
    except ValueError:
        return None
    try:
        return person_list(viewer=viewer).filter(uid=uid).first()
    except ValidationError:
        return None


def person_lookup(*, viewer: User, id_number: str) -> Person | None:
    """Find a person by ID number within the viewer's jurisdiction (None when unknown or outside)."""
    from safetrain.people.services import id_lookup_hash

    try:
        number = normalize_id_number(id_number)
    except InvalidIdentifier:
        return None
    return person_list(viewer=viewer).filter(id_number_hash=id_lookup_hash(number)).first()


def employment_list(
    *, viewer: User, person: Person | None = None, active_on: dt.date | None = None
) -> QuerySet[Employment]:
    qs = Employment.objects.select_related("enterprise", "enterprise__region", "person")
    if viewer.role == "worker":
        qs = qs.filter(person_q(viewer, "person__"))
    else:
        qs = qs.filter(enterprise_q(viewer, "enterprise__"))
    if person is not None:
        qs = qs.filter(person=person)
    if active_on is not None:
        qs = qs.filter(start_date__lte=active_on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=active_on)
        )
    return qs.order_by("person_id", "start_date")


def person_employments(*, person: Person) -> QuerySet[Employment]:
    """The whole lifelong history of one person (the caller has already been allowed to see it)."""
    return (
        Employment.objects.filter(person=person)
        .select_related("enterprise", "enterprise__region")
        .prefetch_related(
            "posts__job_type", "posts__operation", "posts__org_unit__parent__parent", "leaves"
        )
        .order_by("start_date")
    )


def employment_get(*, viewer: User, person: Person, employment_id: int) -> Employment | None:
    """One employment of the person that the viewer administers (its enterprise is in scope)."""
    return (
        employment_list(viewer=viewer, person=person)
        .prefetch_related(
            "posts__job_type", "posts__operation", "posts__org_unit__parent__parent", "leaves"
        )
        .filter(pk=employment_id)
        .first()
    )


def active_employment(person: Person, on: dt.date) -> Employment | None:
    return (
        Employment.objects.filter(person=person, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("enterprise")
        .first()
    )


def user_list(*, viewer: User) -> QuerySet[User]:
    """Accounts the viewer administers."""
    if viewer.is_superuser or (viewer.role == "city_admin"):
        return User.objects.all().order_by("username")
    if viewer.role == "county_admin":
        return (
            User.objects.filter(
                Q(region_id=viewer.region_id)
                | Q(enterprise__region_id=viewer.region_id)
                | Q(person__employments__enterprise__region_id=viewer.region_id)
            )
            .distinct()
            .order_by("username")
        )
    if viewer.role == "enterprise_admin":
        return (
            User.objects.filter(
                Q(enterprise_id=viewer.enterprise_id)
                | Q(person__employments__enterprise_id=viewer.enterprise_id)
            )
            .distinct()
            .order_by("username")
        )
    return User.objects.filter(pk=viewer.pk)


def employment_form_param(raw: str | None, *, strict: bool = False) -> str:
    """A `form=` query parameter: an employment form code (contract, dispatched, temporary,
    rotating, agreement, intern) or its Chinese label (劳务派遣 …); empty: no filter.
    Unknown: ignored on pages, a ValidationFailed (422) when strict (the API)."""
    from safetrain.catalog.models import EmploymentForm
    from safetrain.core.errors import ValidationFailed

    value = (raw or "").strip()
    if not value:
        return ""
    if value in EmploymentForm.values:
        return value
    for code, label in EmploymentForm.choices:
        if value == label:
            return str(code)
    if strict:
        allowed = ", ".join(EmploymentForm.values)
        raise ValidationFailed(
            f"用工形式“{value}”无效（可选：{allowed}）", fields={"form": "无效的用工形式"}
        )
    return ""
