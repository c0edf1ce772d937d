"""Builders for study tests: a worker employed at a coal mine, a course of given lessons, an
enrolment, and a driver that studies a lesson with the test clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safetrain.courses.models import Course, Enrolment
from safetrain.courses.services import (
    CourseSpec,
    LessonSpec,
    QuestionSpec,
    course_create,
    enrol,
    quiz_set,
)
from safetrain.people.models import User
from safetrain.people.tests.factories import make_employment, make_user
from safetrain.study import clock, services


@dataclass
class Learner:
    user: User
    enrolment: Enrolment

    @property
    def course(self) -> Course:
        return self.enrolment.course


def make_study_course(
    *, hours: str = "1", durations: tuple[int, ...] = (1800, 900), quiz: bool = False
) -> Course:
    course = course_create(
        actor=None,
        spec=CourseSpec(
            title="煤矿安全规程（在线）",
            hours=hours,
            topic="rules",
            sectors=["coal_mine"],
            published=True,
            lessons=[
                LessonSpec(title=f"第{i + 1}课", body="<p>规程要点</p>", duration_seconds=d)
                for i, d in enumerate(durations)
            ],
        ),
    )
    if quiz:
        quiz_set(
            actor=None,
            course=course,
            questions=[
                QuestionSpec(
                    stem="瓦斯浓度达到多少必须停止作业？", choices=["0.5%", "1.0%"], answer=["B"]
                ),
                QuestionSpec(stem="发现隐患应当？", choices=["立即报告", "继续作业"], answer=["A"]),
            ],
            pass_mark="100",
        )
    return course


def make_learner(course: Course | None = None, *, start: dt.date = dt.date(2020, 1, 1)) -> Learner:
    employment = make_employment(start=start, job="瓦斯检查工")
    user = make_user("worker", person=employment.person)
    course = course or make_study_course()
    return Learner(user=user, enrolment=enrol(user, course))


def study_lesson(
    tc: clock.TestClock, user: User, lesson_id: int, seconds: int, *, step: int = 30
) -> services.HeartbeatResult:
    """Study a lesson for `seconds` of wall time at 1×, a heartbeat every `step` seconds."""
    session = services.study_start(actor=user, lesson_id=lesson_id)
    position = session.anchor_position
    result = None
    for _ in range(seconds // step):
        tc.advance(step)
        position += step
        result = services.heartbeat(
            actor=user, session_id=session.pk, position_seconds=position, visible=True
        )
    assert result is not None
    return result
