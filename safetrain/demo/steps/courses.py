"""The course market's demo: ~15 published courses across sectors, topics and job types (text
lessons, one video lesson with a generated placeholder file), quizzes, an enterprise's own
course at the flagship mine, an assignment there, and the demo worker's self-enrolment.

Idempotent: a course whose title exists is left as it is; the assignment and enrolment are made
once."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from safetrain.courses.demo_catalogue import COURSES, FLAGSHIP_COURSE
from safetrain.courses.models import Assignment, Course, Enrolment
from safetrain.courses.services import (
    CourseSpec,
    GroupSpec,
    LessonSpec,
    QuestionSpec,
    assignment_create,
    course_create,
    enrol,
    quiz_set,
)
from safetrain.demo.context import DemoContext

from .logins import _ensure_user, demo_worker_plan

PLACEHOLDER = (
    "safetrain demo: placeholder for a course video (no media is downloaded for the demo).\n"
    "In production a trainer uploads an MP4 or WebM file here.\n"
)


def _course(entry: dict, *, author, actor=None) -> Course:
    existing = Course.objects.filter(title=entry["title"]).first()
    if existing is not None:
        return existing
    spec = CourseSpec(
        title=entry["title"],
        hours=entry["hours"],
        topic=entry["topic"],
        summary=entry["summary"],
        sectors=entry["sectors"],
        job_types=entry["job_types"],
        published=True,
        lessons=[
            LessonSpec(
                title=title,
                kind="video" if i == entry.get("video_lesson") else "text",
                duration_seconds=minutes * 60,
                body=body,
            )
            for i, (title, minutes, body) in enumerate(entry["lessons"])
        ],
    )
    course = course_create(actor=actor, spec=spec, source="seed", author=author)
    if "video_lesson" in entry:
        lesson = course.lessons.get(order=entry["video_lesson"] + 1)
        lesson.file.save("demo-video-placeholder.txt", ContentFile(PLACEHOLDER.encode()), save=True)
    if entry.get("quiz"):
        quiz_set(
            actor=None,
            course=course,
            questions=[
                QuestionSpec(stem=stem, choices=options, answer=list(answer), explanation=why)
                for stem, options, answer, why in entry["quiz"]
            ],
            pass_mark="60",
        )
    return course


def courses(ctx: DemoContext) -> None:
    trainer = _ensure_user(username="demo-trainer", role="trainer", first_name="培训讲师")
    made = [_course(entry, author=trainer) for entry in COURSES]
    mine = ctx.enterprises[ctx.flagship.credit_code]
    own = Course.objects.filter(title=FLAGSHIP_COURSE["title"]).first()
    if own is None:
        own = _course(FLAGSHIP_COURSE, author=None)
        Course.objects.filter(pk=own.pk).update(enterprise=mine)
        own.refresh_from_db()
    if not Assignment.objects.filter(enterprise=mine, course=own).exists():
        assignment_create(
            actor=None,
            enterprise=mine,
            course=own,
            group=GroupSpec(role_categories=["worker"]),
            due_date=ctx.anchor + dt.timedelta(days=30),
            training_kind="continuing",
            on=ctx.anchor,
        )
    worker = ctx.persons[demo_worker_plan(ctx).id_number]
    first_aid = next(c for c in made if c.topic == "emergency" and "自救器" in c.title)
    if not Enrolment.objects.filter(person=worker, course=first_aid).exists():
        enrol(worker, first_aid, source="self", on=ctx.anchor)
    ctx.say(f"courses: {Course.objects.count()} courses, {Enrolment.objects.count()} enrolments")
