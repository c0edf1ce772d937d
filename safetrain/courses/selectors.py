"""Scoped reads of the course market (jurisdiction in one place, DESIGN §1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from safetrain.core import dates
from safetrain.courses.models import Assignment, Course, Enrolment, Lesson
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.people.models import Employment, Person, Post, User
from safetrain.people.selectors import active_employment

if TYPE_CHECKING:
    from safetrain.courses.services import GroupSpec


def course_q(viewer: User) -> Q:
    """Courses the viewer may see.

    - workers: published courses, city-wide or of their current employer
    - trainers: published city-wide courses and every course they author
    - enterprise admins: published city-wide, their enterprise's courses, and their own
    - city/county admins, inspectors, superusers: every course
    """
    if not viewer.is_authenticated or not viewer.is_active:
        return Q(pk__in=[])
    if viewer.is_superuser or viewer.role in ("city_admin", "county_admin", "inspector"):
        return Q()
    public = Q(published=True, enterprise__isnull=True)
    if viewer.role == "trainer":
        return public | Q(author=viewer)
    if viewer.role == "enterprise_admin":
        return public | Q(enterprise_id=viewer.enterprise_id) | Q(author=viewer)
    if viewer.role == "worker" and viewer.person_id is not None:
        employment = active_employment(viewer.person, dates.today()) if viewer.person else None
        if employment is not None:
            return public | Q(published=True, enterprise_id=employment.enterprise_id)
        return public
    return Q(pk__in=[])


def course_list(*, viewer: User) -> QuerySet[Course]:
    return Course.objects.filter(course_q(viewer))


def course_get(*, viewer: User, pk: int) -> Course | None:
    return course_list(viewer=viewer).filter(pk=pk).first()


def may_edit(viewer: User, course: Course) -> bool:
    if viewer.is_superuser or viewer.role == "city_admin":
        return True
    if viewer.role == "enterprise_admin":
        return course.enterprise_id == viewer.enterprise_id or course.author_id == viewer.pk
    if viewer.role in ("trainer", "county_admin"):
        return course.author_id == viewer.pk
    return False


def person_enrolments(person: Person) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(person=person).select_related("course")


def recommended_for(person: Person, on: dt.date | None = None) -> list[Course]:
    """Published courses for the person's post: those of their current job type first, then
    those whose topic their compliance findings call for (see recommend.py)."""
    from safetrain.courses.recommend import recommended_courses

    return recommended_courses(person, on or dates.today())


def org_unit_subtree(unit: OrgUnit) -> list[int]:
    """The unit and every unit under it."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in OrgUnit.objects.filter(enterprise_id=unit.enterprise_id).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent, []).append(pk)
    result, todo = [], [unit.pk]
    while todo:
        pk = todo.pop()
        result.append(pk)
        todo.extend(children.get(pk, []))
    return result


def group_persons(*, enterprise: Enterprise, group: GroupSpec, on: dt.date) -> QuerySet[Person]:
    """People employed at the enterprise on `on` (on leave included) matching every criterion of
    the group; the job type and org unit are those of the post held on `on`."""
    current = Post.objects.filter(employment=OuterRef("pk"), from_date__lte=on).order_by(
        "-from_date"
    )
    employments = (
        Employment.objects.filter(enterprise=enterprise, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .annotate(
            cur_job=Subquery(current.values("job_type_id")[:1]),
            cur_unit=Subquery(current.values("org_unit_id")[:1]),
        )
    )
    if group.job_types:
        employments = employments.filter(cur_job__in=[j.pk for j in group.job_types])
    if group.org_unit is not None:
        employments = employments.filter(cur_unit__in=org_unit_subtree(group.org_unit))
    if group.role_categories:
        employments = employments.filter(role_category__in=group.role_categories)
    if group.hired_since is not None:
        employments = employments.filter(start_date__gte=group.hired_since)
    return Person.objects.filter(pk__in=employments.values("person_id"))


def course_market(
    *,
    viewer: User,
    q: str = "",
    sector: str | None = None,
    job_type: str | None = None,
    topic: str | None = None,
    hours_min: Decimal | None = None,
    hours_max: Decimal | None = None,
) -> QuerySet[Course]:
    """Visible courses matching the filters, newest first, with their sectors and job types
    prefetched (a fixed number of queries whatever the page size)."""
    from safetrain.courses.search import search_q

    rows = course_list(viewer=viewer)
    if q.strip():
        rows = rows.filter(search_q(q))
    # many-to-many filters as IN (subquery): no join, so no duplicates and no DISTINCT
    if sector:
        rows = rows.filter(
            pk__in=Course.sectors.through.objects.filter(sector_id=sector).values("course_id")
        )
    if job_type:
        rows = rows.filter(
            pk__in=Course.job_types.through.objects.filter(jobtype__code=job_type).values(
                "course_id"
            )
        )
    if topic:
        rows = rows.filter(topic=topic)
    if hours_min is not None:
        rows = rows.filter(hours__gte=hours_min)
    if hours_max is not None:
        rows = rows.filter(hours__lte=hours_max)
    lessons = (
        Lesson.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        rows.select_related("author")
        .defer("search_text")  # the sorter then carries small rows only
        .prefetch_related("sectors", "job_types")
        .annotate(lesson_count=Coalesce(Subquery(lessons), 0))
        .order_by("-published_at", "-id")
    )


def open_enrolments(person: Person) -> dict[int, Enrolment]:
    """The person's enrolments by course id (the latest one per course)."""
    result: dict[int, Enrolment] = {}
    for enrolment in Enrolment.objects.filter(person=person).order_by("enrolled_at", "id"):
        result[enrolment.course_id] = enrolment
    return result


def assignment_list(*, viewer: User) -> QuerySet[Assignment]:
    from safetrain.core.scope import enterprise_q

    return (
        Assignment.objects.filter(enterprise_q(viewer, "enterprise__"))
        .select_related("course", "enterprise", "org_unit", "created_by")
        .prefetch_related("job_types")
        .annotate(done_count=Count("enrolments", filter=Q(enrolments__completed_at__isnull=False)))
    )
