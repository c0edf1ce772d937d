"""Reads of online study: my courses with progress, hours of a year against what the post
requires, xAPI statements. Persons are found through people.selectors (jurisdiction)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from safetrain.compliance.domain import hours_num
from safetrain.compliance.engine import policy_on
from safetrain.compliance.facts import load_person_facts
from safetrain.core import dates
from safetrain.courses.models import Enrolment, Lesson
from safetrain.people.models import Person
from safetrain.study.models import LessonProgress, XapiStatement
from safetrain.study.services import required_seconds


@dataclass(frozen=True)
class YearHours:
    year: int
    on: dt.date  # the day the requirement is read (31 Dec of a past year, today otherwise)
    hours: Decimal  # training hours dated in the year (any employer, corrections applied)
    required: Decimal | None  # yearly hours of the post on `on`; None without an employment

    @property
    def percent(self) -> int:
        if not self.required:
            return 100
        return min(100, int(self.hours * 100 / self.required))

    def as_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "hours": hours_num(self.hours),
            "required": hours_num(self.required) if self.required is not None else None,
        }


def year_hours(person: Person, year: int) -> YearHours:
    """Hours of all training dated in `year` (up to today) and the yearly hours the compliance
    policy requires for the person's post (role and sector group) — the numbers the engine's
    ANNUAL_HOURS rules compare."""
    today = dates.today()
    on = min(today, dt.date(year, 12, 31))
    facts = load_person_facts([person.pk], on)[person.pk]
    jan1 = dt.date(year, 1, 1)
    hours = sum((t.hours for t in facts.trainings if jan1 <= t.date <= on), Decimal(0))
    employment = facts.employment_on(on)
    required = None
    if employment is not None:
        required = policy_on(on).hours(high_risk=employment.high_risk, role=employment.role).annual
    return YearHours(year=year, on=on, hours=hours, required=required)


@dataclass(frozen=True)
class CourseRow:
    enrolment: Enrolment
    credited_seconds: float
    required_seconds: float
    resume_lesson: Lesson | None  # the lesson studied last (else the first)
    last_activity: dt.datetime | None = None  # the last heartbeat in this course

    @property
    def last_activity_key(self) -> float:
        return self.last_activity.timestamp() if self.last_activity else 0.0

    @property
    def percent(self) -> int:
        if self.required_seconds <= 0:
            return 100
        return min(100, int(self.credited_seconds * 100 / self.required_seconds))

    @property
    def credited_hours(self) -> Decimal:
        return (Decimal(self.credited_seconds) / 2700).quantize(
            Decimal("0.1"), rounding="ROUND_DOWN"
        )

    @property
    def time_done(self) -> bool:
        return self.credited_seconds + 1e-6 >= self.required_seconds


def my_courses(person: Person) -> list[CourseRow]:
    """The person's enrolments, open first, with credited time and where to continue.

    Three queries whatever the number of courses."""
    credited = (
        LessonProgress.objects.filter(enrolment=OuterRef("pk"))
        .values("enrolment")
        .annotate(s=Sum("credited_seconds"))
        .values("s")
    )
    last_at = (
        LessonProgress.objects.filter(enrolment=OuterRef("pk"))
        .order_by("-updated_at", "-id")
        .values("updated_at")[:1]
    )
    last_lesson = (
        LessonProgress.objects.filter(enrolment=OuterRef("pk"))
        .order_by("-updated_at", "-id")
        .values("lesson_id")[:1]
    )
    enrolments = list(
        Enrolment.objects.filter(person=person)
        .select_related("course")
        .annotate(
            credited=Coalesce(Subquery(credited), 0.0),
            last_lesson=Subquery(last_lesson),
            last_at=Subquery(last_at),
        )
        .order_by("completed_at", "-enrolled_at", "-id")
    )
    course_ids = {e.course_id for e in enrolments}
    lessons: dict[int, list[Lesson]] = {}
    for lesson in Lesson.objects.filter(course_id__in=course_ids).order_by("course_id", "order"):
        lessons.setdefault(lesson.course_id, []).append(lesson)
    open_rows: list[CourseRow] = []
    done_rows: list[CourseRow] = []
    for e in enrolments:
        course_lessons = lessons.get(e.course_id, [])
        by_id = {lesson.pk: lesson for lesson in course_lessons}
        last = getattr(e, "last_lesson", None)
        resume = by_id.get(last) if last else None
        row = CourseRow(
            enrolment=e,
            credited_seconds=float(getattr(e, "credited", 0) or 0),
            required_seconds=required_seconds(e.course.hours),
            resume_lesson=resume or (course_lessons[0] if course_lessons else None),
            last_activity=getattr(e, "last_at", None),
        )
        (done_rows if e.completed_at else open_rows).append(row)
    return open_rows + done_rows


def lesson_progress(enrolment: Enrolment) -> dict[int, LessonProgress]:
    return {p.lesson_id: p for p in LessonProgress.objects.filter(enrolment=enrolment)}


def xapi_statements(
    person: Person, *, since: dt.datetime | None = None, after: int = 0, limit: int = 100
) -> QuerySet[XapiStatement]:
    """The person's statements in the order they were stored; `after` is the paging cursor."""
    qs = XapiStatement.objects.filter(person=person, id__gt=after).order_by("id")
    if since is not None:
        qs = qs.filter(stored__gt=since)
    return qs[:limit]
