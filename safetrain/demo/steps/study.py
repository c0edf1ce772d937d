"""Online study in the demo: the demo worker is half-way through an online course for coal-mine
workers, so "My courses" shows progress, "continue where I stopped" and the year's hours.

The course is written through the courses services and the enrolment through `enrol`; the
progress (30 of 90 minutes credited in lesson 1) is written as the study app's own row, since
heartbeats need the worker's account, which the later `logins` step creates."""

from __future__ import annotations

import datetime as dt

from safetrain.core.dates import SHANGHAI
from safetrain.courses.models import Course
from safetrain.courses.services import CourseSpec, LessonSpec, course_create, enrol
from safetrain.demo.context import DemoContext
from safetrain.demo.steps.logins import demo_worker_plan
from safetrain.study.models import LessonProgress

TITLE = "煤矿从业人员年度安全再培训（在线）"


def study(ctx: DemoContext) -> None:
    course = Course.objects.filter(title=TITLE, enterprise__isnull=True).first()
    if course is None:
        course = course_create(
            actor=None,
            spec=CourseSpec(
                title=TITLE,
                hours="2",
                topic="rules",
                summary="《煤矿安全规程》要点、瓦斯与顶板事故警示、自救器使用。完成 2 学时计入年度再培训。",
                sectors=["coal_mine"],
                published=True,
                lessons=[
                    LessonSpec(
                        title="《煤矿安全规程》要点",
                        body="<p>入井须携带自救器，严禁携带烟草和点火物品。</p>",
                        duration_seconds=3000,
                    ),
                    LessonSpec(
                        title="事故警示与自救互救",
                        body="<p>发生瓦斯、煤尘爆炸时，立即佩戴自救器，沿避灾路线撤离。</p>",
                        duration_seconds=2400,
                    ),
                ],
            ),
        )
    worker = ctx.persons[demo_worker_plan(ctx).id_number]
    enrolment = enrol(worker, course, on=ctx.anchor)
    first = course.lessons.order_by("order").first()
    assert first is not None
    when = dt.datetime.combine(ctx.anchor - dt.timedelta(days=1), dt.time(20, 0), SHANGHAI)
    seconds = min(1800, first.duration_seconds)
    LessonProgress.objects.get_or_create(
        enrolment=enrolment,
        lesson=first,
        defaults={
            "credited_seconds": seconds,
            "furthest_seconds": seconds,
            "position_seconds": seconds,
            "updated_at": when,
        },
    )
