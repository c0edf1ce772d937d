"""Scoped reads of the course market (jurisdiction in one place, DESIGN §1)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from safetrain.core import dates
from safetrain.courses.models import Course, Enrolment
from safetrain.people.models import Person, User
from safetrain.people.selectors import active_employment


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
