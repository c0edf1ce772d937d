"""Reads for the archive records, always scoped to the viewer's jurisdiction.

Two ways in:
- per person (the archive, 一人一档): whoever may see the person sees the person's whole lifelong
  record, at every employer (core.scope.person_q);
- per enterprise (an enterprise's lists): the enterprise must be in the viewer's jurisdiction
  (core.scope.enterprise_q) and only that enterprise's records are listed.
Without either, a list holds the records of the persons the viewer may see.

Superseded rows (a correction replaced them) are left out unless `include_superseded=True`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from safetrain.core.scope import enterprise_q, person_q
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord, Violation

if TYPE_CHECKING:
    from safetrain.enterprises.models import Enterprise
    from safetrain.people.models import Person, User


# ----------------------------------------------------------------------------- unscoped helpers


def current_training(person: Person | int) -> QuerySet[TrainingRecord]:
    """The person's training records that count: those no correction has superseded.

    Unscoped: for callers that already hold an allowed person (the compliance engine)."""
    return TrainingRecord.objects.filter(person=person, superseded_by__isnull=True).order_by(
        "date", "id"
    )


def current_exams(person: Person | int) -> QuerySet[ExamResult]:
    """The person's exam results that count (not superseded by a correction)."""
    return ExamResult.objects.filter(person=person, superseded_by__isnull=True).order_by(
        "date", "id"
    )


# ----------------------------------------------------------------------------- scoped lists


def _person_records(
    qs: QuerySet[Any],
    *,
    viewer: User,
    person: Person | None,
    enterprise: Enterprise | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> QuerySet[Any]:
    qs = qs.filter(person_q(viewer, "person__"))
    if person is not None:
        qs = qs.filter(person=person)
    if enterprise is not None:
        qs = qs.filter(enterprise_q(viewer, "enterprise__")).filter(enterprise=enterprise)
    if date_from is not None:
        qs = qs.filter(date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(date__lte=date_to)
    return qs


def training_list(
    *,
    viewer: User,
    person: Person | None = None,
    enterprise: Enterprise | None = None,
    kind: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    include_superseded: bool = False,
) -> QuerySet[TrainingRecord]:
    qs = _person_records(
        TrainingRecord.objects.select_related("person", "enterprise"),
        viewer=viewer,
        person=person,
        enterprise=enterprise,
        date_from=date_from,
        date_to=date_to,
    )
    if kind:
        qs = qs.filter(kind=kind)
    if not include_superseded:
        qs = qs.filter(superseded_by__isnull=True)
    return qs.order_by("-date", "-id")


def exam_list(
    *,
    viewer: User,
    person: Person | None = None,
    enterprise: Enterprise | None = None,
    purpose: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    include_superseded: bool = False,
) -> QuerySet[ExamResult]:
    qs = _person_records(
        ExamResult.objects.select_related("person", "enterprise"),
        viewer=viewer,
        person=person,
        enterprise=enterprise,
        date_from=date_from,
        date_to=date_to,
    )
    if purpose:
        qs = qs.filter(purpose=purpose)
    if not include_superseded:
        qs = qs.filter(superseded_by__isnull=True)
    return qs.order_by("-date", "-id")


def violation_list(
    *,
    viewer: User,
    person: Person | None = None,
    enterprise: Enterprise | None = None,
    type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Violation]:
    qs = _person_records(
        Violation.objects.select_related("person", "enterprise"),
        viewer=viewer,
        person=person,
        enterprise=enterprise,
        date_from=date_from,
        date_to=date_to,
    )
    if type:
        qs = qs.filter(type=type)
    return qs.order_by("-date", "-id")


def _enterprise_records(
    qs: QuerySet[Any],
    *,
    viewer: User,
    enterprise: Enterprise | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> QuerySet[Any]:
    qs = qs.filter(enterprise_q(viewer, "enterprise__"))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if date_from is not None:
        qs = qs.filter(date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(date__lte=date_to)
    return qs


def incident_list(
    *,
    viewer: User,
    enterprise: Enterprise | None = None,
    type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Incident]:
    qs = _enterprise_records(
        Incident.objects.select_related("enterprise"),
        viewer=viewer,
        enterprise=enterprise,
        date_from=date_from,
        date_to=date_to,
    )
    if type:
        qs = qs.filter(type=type)
    return qs.order_by("-date", "-id")


def drill_list(
    *,
    viewer: User,
    enterprise: Enterprise | None = None,
    area_type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Drill]:
    qs = _enterprise_records(
        Drill.objects.select_related("enterprise"),
        viewer=viewer,
        enterprise=enterprise,
        date_from=date_from,
        date_to=date_to,
    )
    if area_type:
        qs = qs.filter(area_type=area_type)
    return qs.order_by("-date", "-id")


def training_hours_by_year(
    *, viewer: User, person: Person, kinds: Iterable[str] | None = None
) -> list[tuple[int, Decimal]]:
    """Current training hours of a person per calendar year, newest first."""
    qs = training_list(viewer=viewer, person=person)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    rows = (
        qs.order_by()
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(total=Sum("hours"))
        .order_by("-year")
    )
    return [(int(r["year"]), Decimal(r["total"])) for r in rows]


def roster_persons(*, viewer: User, enterprise: Enterprise, on: dt.date) -> QuerySet[Person]:
    """Persons an enterprise admin picks in the forms: employed at the enterprise on `on` or
    starting later (pre-job training comes before the first day)."""
    from safetrain.people.models import Employment, Person

    ids = Employment.objects.filter(enterprise_q(viewer, "enterprise__")).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on), enterprise=enterprise
    )
    return (
        Person.objects.filter(person_q(viewer))
        .filter(pk__in=ids.values("person_id"))
        .order_by("name", "id")
    )
