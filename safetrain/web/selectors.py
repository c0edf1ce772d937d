"""Reads the pages need, composed from the scoped domain selectors (never around them).

Every function starts from enterprises.selectors / people.selectors, which apply the viewer's
jurisdiction; this module only groups, counts and shapes their results for display.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet

from safetrain.catalog.selectors import sector_list
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.enterprises.selectors import enterprise_list, org_unit_tree
from safetrain.people.models import Employment, Leave, Person, Post
from safetrain.people.selectors import employment_list, person_employments

if TYPE_CHECKING:
    from safetrain.people.models import User


@dataclass
class SectorTile:
    sector: Any
    enterprises: int
    in_post: int


def dashboard_by_sector(*, viewer: User, on: dt.date) -> list[SectorTile]:
    """Enterprises and persons in post, in the viewer's scope, per sector (two grouped queries)."""
    ents = dict(
        enterprise_list(viewer=viewer)
        .order_by()
        .values_list("sector_id")
        .annotate(n=Count("id"))
        .values_list("sector_id", "n")
    )
    people = dict(
        employment_list(viewer=viewer, active_on=on)
        .order_by()
        .values_list("enterprise__sector_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("enterprise__sector_id", "n")
    )
    return [
        SectorTile(sector=s, enterprises=ents.get(s.code, 0), in_post=people.get(s.code, 0))
        for s in sector_list()
    ]


def in_post_count(*, viewer: User, enterprise: Enterprise, on: dt.date) -> int:
    return (
        employment_list(viewer=viewer, active_on=on)
        .filter(enterprise=enterprise)
        .values("person_id")
        .distinct()
        .count()
    )


def _posts_prefetch() -> Prefetch:
    return Prefetch(
        "posts",
        queryset=Post.objects.select_related("job_type", "operation", "org_unit__parent").order_by(
            "from_date"
        ),
    )


def current_post(employment: Employment, on: dt.date) -> Post | None:
    """The post held on a day: the latest post starting on or before it (uses prefetched posts)."""
    held = [p for p in employment.posts.all() if p.from_date <= on]
    return held[-1] if held else None


def on_leave(employment: Employment, on: dt.date) -> bool:
    return any(
        lv.start_date <= on and (lv.end_date is None or lv.end_date >= on)
        for lv in employment.leaves.all()
    )


def enterprise_staff(
    *, viewer: User, enterprise: Enterprise, on: dt.date, form: str = ""
) -> QuerySet[Employment]:
    """Employments of the enterprise active on a day, with posts and leaves prefetched;
    `form` keeps one employment form (用工形式)."""
    qs = employment_list(viewer=viewer, active_on=on).filter(enterprise=enterprise)
    if form:
        qs = qs.filter(employment_form=form)
    return qs.prefetch_related(_posts_prefetch(), "leaves").order_by(
        "role_category", "person__name", "person_id"
    )


@dataclass
class TreeNode:
    unit: OrgUnit
    children: list[TreeNode] = field(default_factory=list)


def org_tree(*, enterprise: Enterprise) -> list[TreeNode]:
    """The org-unit tree as nested nodes (roots first), from one query."""
    units = org_unit_tree(enterprise=enterprise)
    nodes = {u.pk: TreeNode(u) for u in units}
    roots: list[TreeNode] = []
    for u in units:
        if u.parent_id and u.parent_id in nodes:
            nodes[u.parent_id].children.append(nodes[u.pk])
        else:
            roots.append(nodes[u.pk])
    return roots


@dataclass
class PersonState:
    status: str  # in_post | on_leave | not_employed
    employment: Employment | None
    post: Post | None


def person_state(person: Person, employments: list[Employment], on: dt.date) -> PersonState:
    """Status on a day from the (prefetched) lifelong employments of one person."""
    for emp in employments:
        if emp.start_date <= on and (emp.end_date is None or emp.end_date >= on):
            status = "on_leave" if on_leave(emp, on) else "in_post"
            return PersonState(status, emp, current_post(emp, on))
    return PersonState("not_employed", None, None)


def person_rows(persons: list[Person], on: dt.date) -> list[tuple[Person, PersonState]]:
    """A page of persons with each one's state today (one extra query for the whole page)."""
    emps: dict[int, list[Employment]] = {p.pk: [] for p in persons}
    for emp in (
        Employment.objects.filter(person_id__in=list(emps))
        .select_related("enterprise")
        .prefetch_related(_posts_prefetch(), "leaves")
        .order_by("start_date")
    ):
        emps[emp.person_id].append(emp)
    return [(p, person_state(p, emps[p.pk], on)) for p in persons]


@dataclass
class Archive:
    person: Person
    state: PersonState
    employments: list[Employment]
    posts: list[tuple[Employment, Post]] = field(default_factory=list)
    leaves: list[tuple[Employment, Leave]] = field(default_factory=list)


def person_archive(*, person: Person, on: dt.date) -> Archive:
    """The lifelong history of a person the caller was already allowed to see (person_get)."""
    employments = list(
        person_employments(person=person)
        .select_related("enterprise__sector")
        .prefetch_related(None)
        .prefetch_related(
            _posts_prefetch(), Prefetch("leaves", queryset=Leave.objects.order_by("start_date"))
        )
    )
    return Archive(
        person,
        person_state(person, employments, on),
        employments,
        posts=[(e, p) for e in employments for p in e.posts.all()],
        leaves=[(e, lv) for e in employments for lv in e.leaves.all()],
    )


def enterprises_for_accounts(*, viewer: User) -> QuerySet[Enterprise]:
    return enterprise_list(viewer=viewer)


def roster_person(*, viewer: User, person: Person) -> bool:
    """Whether the person has an employment the viewer sees (its roster, current or past)."""
    return employment_list(viewer=viewer).filter(Q(person=person)).exists()
