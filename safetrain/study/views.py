"""The worker's study pages (phone first): my courses, the lesson page with heartbeats.

Thin: the pages call the selectors and services of this app; the lesson page's script calls the
Study API with the session cookie (static/study/lesson.js)."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safetrain.compliance import pages as compliance_pages
from safetrain.core import dates
from safetrain.courses.models import Lesson
from safetrain.courses.selectors import course_get
from safetrain.people.models import Person, User
from safetrain.study import selectors, services
from safetrain.web.nav import effective_role
from safetrain.web.views import roles_required


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _person(viewer: User) -> Person:
    if viewer.person is None:
        raise Http404("该账号未关联人员档案")
    return viewer.person


@roles_required("worker")
def my_courses(request: HttpRequest) -> HttpResponse:
    person = _person(_viewer(request))
    rows = selectors.my_courses(person)
    open_rows = [r for r in rows if r.enrolment.completed_at is None]
    done_rows = [r for r in rows if r.enrolment.completed_at is not None]
    resume = max(open_rows, key=lambda r: r.last_activity_key, default=None)
    open_todos, _cleared = compliance_pages.person_todos(person)
    return render(
        request,
        "study/mine.html",
        {
            "open_rows": open_rows,
            "done_rows": done_rows,
            "resume": resume if resume is not None and resume.last_activity else None,
            "year": selectors.year_hours(person, dates.today().year),
            "open_todos": open_todos,
        },
    )


@roles_required("worker", "trainer", "city_admin", "county_admin", "enterprise_admin", "inspector")
def lesson(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    item = Lesson.objects.select_related("course").filter(pk=pk).first()
    if item is None or course_get(viewer=viewer, pk=item.course_id) is None:
        raise Http404("课时不存在")
    if effective_role(viewer) != "worker" or viewer.person_id is None:
        return redirect("courses:lesson", pk=pk)  # authors and admins preview without a clock
    enrolment = services.enrolment_for(int(viewer.person_id), item.course_id)
    if enrolment is None:
        messages.info(request, _("Enrol in the course to study its lessons."))
        return redirect("courses:detail", pk=item.course_id)
    lessons = list(item.course.lessons.all())
    progress = selectors.lesson_progress(enrolment)
    mine = progress.get(item.pk)
    index = next(i for i, le in enumerate(lessons) if le.pk == item.pk)
    total = sum(p.credited_seconds for p in progress.values())
    return render(
        request,
        "study/lesson.html",
        {
            "lesson": item,
            "course": item.course,
            "enrolment": enrolment,
            "lessons": [(le, progress.get(le.pk)) for le in lessons],
            "previous": lessons[index - 1] if index > 0 else None,
            "next": lessons[index + 1] if index + 1 < len(lessons) else None,
            "config": {
                "lesson": item.pk,
                "kind": item.kind,
                "duration": item.duration_seconds,
                "position": services.resume_position(mine, item),
                "furthest": mine.furthest_seconds if mine else 0,
                "credited": mine.credited_seconds if mine else 0,
                "course_credited": total,
                "course_required": services.required_seconds(item.course.hours),
                "completed": enrolment.completed_at is not None,
                "idle_seconds": settings.SAFETRAIN_STUDY_IDLE_SECONDS,
                "max_rate": settings.SAFETRAIN_STUDY_MAX_RATE,
                "api": "/api/v1",
            },
        },
    )
