"""Reads for must-know handbooks.

Handbooks are the city's reference material: every signed-in account may read every handbook
(a worker is pointed to the one of their post). The post decides: the current post of the
person's active employment on the day → its catalogue job type → that job type's handbook, else
the common handbook of the employer's sector (docs/handbooks.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from safetrain.core.dates import today
from safetrain.handbooks.models import Handbook, HandbookItem, ItemRead
from safetrain.people.models import Person, Post
from safetrain.people.selectors import active_employment


def handbook_list() -> QuerySet[Handbook]:
    return (
        Handbook.objects.select_related("sector", "job_type")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("sector__ordering", "job_type__name", "pk")
    )


def handbook_get(*, pk: int) -> Handbook | None:
    return (
        Handbook.objects.select_related("sector", "job_type")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=HandbookItem.objects.prefetch_related("questions").order_by("order", "pk"),
            )
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class PostInfo:
    enterprise_name: str
    post_title: str
    sector_id: str
    job_type_id: int | None


def post_of(person: Person, on: dt.date | None = None) -> PostInfo | None:
    """The person's post on the day: enterprise, post title, sector and catalogue job type."""
    day = on or today()
    emp = active_employment(person, day)
    if emp is None:
        return None
    post = (
        Post.objects.filter(employment=emp, from_date__lte=day)
        .select_related("job_type")
        .order_by("-from_date")
        .first()
    )
    return PostInfo(
        enterprise_name=emp.enterprise.name,
        post_title=post.title if post else "",
        sector_id=emp.enterprise.sector_id,
        job_type_id=post.job_type_id if post else None,
    )


def handbook_for_post(sector_id: str, job_type_id: int | None) -> Handbook | None:
    if job_type_id is not None:
        found = Handbook.objects.filter(sector_id=sector_id, job_type_id=job_type_id).first()
        if found is not None:
            return found
    return Handbook.objects.filter(sector_id=sector_id, job_type__isnull=True).first()


def handbook_for_person(*, person: Person, on: dt.date | None = None) -> Handbook | None:
    post = post_of(person, on)
    if post is None:
        return None
    return handbook_for_post(post.sector_id, post.job_type_id)


@dataclass(frozen=True)
class Progress:
    read: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


def read_item_ids(*, person: Person, handbook: Handbook) -> set[int]:
    return set(
        ItemRead.objects.filter(person=person, item__handbook=handbook).values_list(
            "item_id", flat=True
        )
    )


def progress(*, person: Person, handbook: Handbook) -> Progress:
    total = handbook.items.count()
    read = ItemRead.objects.filter(person=person, item__handbook=handbook).count()
    return Progress(read=read, total=total)


def handbook_question_ids(handbook_ids: list[int]) -> dict[int, frozenset[int]]:
    """handbook id → the ids of the questions its items link to (for paper rules)."""
    out: dict[int, set[int]] = {
        pk: set()
        for pk in Handbook.objects.filter(pk__in=handbook_ids).values_list("pk", flat=True)
    }
    rows = HandbookItem.questions.through.objects.filter(
        handbookitem__handbook_id__in=list(out)
    ).values_list("handbookitem__handbook_id", "question_id")
    for hid, qid in rows:
        out[hid].add(qid)
    return {k: frozenset(v) for k, v in out.items()}
