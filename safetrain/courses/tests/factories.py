"""Builders for courses (through the services, like production)."""

from __future__ import annotations

from safetrain.core.testing import next_seq
from safetrain.courses.models import Course
from safetrain.courses.services import CourseSpec, LessonSpec, QuestionSpec, course_create, quiz_set
from safetrain.people.models import User


def make_course(
    *,
    actor: User | None = None,
    title: str | None = None,
    hours: str = "2",
    topic: str = "rules",
    sectors: list[str] | None = None,
    job_types: list[str] | None = None,
    published: bool = True,
    lessons: int = 1,
    body: str = "<p>安全操作规程要点</p>",
    quiz: bool = False,
    summary: str = "",
) -> Course:
    course = course_create(
        actor=actor,
        spec=CourseSpec(
            title=title or f"测试课程{next_seq()}",
            hours=hours,
            topic=topic,
            summary=summary,
            sectors=sectors or [],
            job_types=job_types or [],
            published=published,
            lessons=[
                LessonSpec(
                    title=f"第{i + 1}课",
                    body=body,
                    # together the lessons last the course's hours (1 学时 = 45 minutes)
                    duration_seconds=max(600, -(-int(float(hours) * 2700) // lessons)),
                )
                for i in range(lessons)
            ],
        ),
    )
    if quiz:
        quiz_set(
            actor=actor,
            course=course,
            questions=[
                QuestionSpec(
                    stem="瓦斯浓度达到多少必须停止作业？", choices=["0.5%", "1.0%"], answer=["B"]
                ),
                QuestionSpec(
                    stem="以下哪些属于三违？",
                    choices=["违章指挥", "违章作业", "按章作业"],
                    answer=["A", "B"],
                ),
            ],
            pass_mark="50",
        )
    return course
