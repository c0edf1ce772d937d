"""The course part of the Study API (DESIGN §5) and the market list.

POST /api/v1/courses               (trainer, admins) → 201 {"id", "lessons": [{"id"}]}
POST /api/v1/courses/{id}/enrol    (worker)          → 201 {"enrolment"} (200 when already open)
GET  /api/v1/courses?q=&sector=&job_type=&topic=&hours_min=&hours_max=&page=&page_size=
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from ninja import Query, Router, Status

from safetrain.core.errors import NotAllowed, NotFound
from safetrain.core.pagination import Page, PageParams, paginate
from safetrain.courses.models import Course, Enrolment
from safetrain.courses.schemas import CourseCreatedOut, CourseIn, CourseOut, EnrolmentOut
from safetrain.courses.selectors import course_get, course_market
from safetrain.courses.services import (
    CourseSpec,
    LessonSpec,
    QuestionSpec,
    course_create,
    enrol,
    quiz_set,
)

if TYPE_CHECKING:
    from safetrain.people.models import User

router = Router(tags=["courses 课程超市"])


def _viewer(request: HttpRequest) -> User:
    return cast("User", request.auth)  # type: ignore[attr-defined]


def course_out(course: Course) -> dict[str, Any]:
    return {
        "id": course.pk,
        "title": course.title,
        "summary": course.summary,
        "topic": course.topic,
        "topic_label": course.get_topic_display(),
        "hours": course.hours,
        "sectors": [s.code for s in course.sectors.all()],
        "job_types": [j.code for j in course.job_types.all()],
        "lessons": getattr(course, "lesson_count", 0),
        "version": course.version,
        "published": course.published,
    }


@router.get("/courses", response=Page[CourseOut], summary="课程超市：检索课程")
def list_courses(
    request: HttpRequest,
    paging: Query[PageParams],
    q: str = "",
    sector: str = "",
    job_type: str = "",
    topic: str = "",
    hours_min: Decimal | None = None,
    hours_max: Decimal | None = None,
) -> dict[str, Any]:
    rows = course_market(
        viewer=_viewer(request),
        q=q,
        sector=sector or None,
        job_type=job_type or None,
        topic=topic or None,
        hours_min=hours_min,
        hours_max=hours_max,
    )
    return paginate(rows, paging, course_out)


@router.post("/courses", response={201: CourseCreatedOut}, summary="创建课程（讲师、管理员）")
def create_course(request: HttpRequest, payload: CourseIn) -> Status[dict[str, Any]]:
    viewer = _viewer(request)
    spec = CourseSpec(
        title=payload.title,
        hours=payload.hours,
        topic=payload.topic,
        summary=payload.summary,
        sectors=payload.sectors,
        job_types=payload.job_types,
        role_categories=payload.role_categories,
        pass_mark=payload.pass_mark,
        published=payload.published,
        lessons=[
            LessonSpec(
                title=lesson.title,
                kind=lesson.kind,
                duration_seconds=lesson.duration_seconds,
                body=lesson.body,
            )
            for lesson in payload.lessons
        ],
    )
    from django.db import transaction

    with transaction.atomic():
        course = course_create(actor=viewer, spec=spec, source="api")
        if payload.quiz:
            quiz_set(
                actor=viewer,
                course=course,
                questions=[
                    QuestionSpec(
                        stem=q.stem, choices=q.choices, answer=q.answer, explanation=q.explanation
                    )
                    for q in payload.quiz
                ],
            )
    lessons = [{"id": pk} for pk in course.lessons.values_list("pk", flat=True)]
    return Status(201, {"id": course.pk, "lessons": lessons})


@router.post(
    "/courses/{course_id}/enrol",
    response={200: EnrolmentOut, 201: EnrolmentOut},
    summary="报名课程（从业人员）",
)
def enrol_course(request: HttpRequest, course_id: int) -> Status[dict[str, Any]]:
    viewer = _viewer(request)
    if viewer.person_id is None or viewer.role != "worker":
        raise NotAllowed("只有从业人员可以报名课程。", code="not_a_worker")
    course = course_get(viewer=viewer, pk=course_id)
    if course is None:
        raise NotFound("课程不存在或尚未发布。")
    before = Enrolment.objects.filter(
        person_id=viewer.person_id, course=course, completed_at__isnull=True
    ).exists()
    enrolment = enrol(viewer, course, source="self")
    return Status(200 if before else 201, {"enrolment": enrolment.pk})
