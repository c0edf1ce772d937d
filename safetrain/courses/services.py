"""Writes of the course market: courses and lessons, quizzes, enrolments, assignments.

Every refusal is a ServiceError (one shape for pages and API) and writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from safetrain.core import dates
from safetrain.core.errors import NotAllowed, NotFound, ValidationFailed
from safetrain.courses.models import Assignment, Course, Enrolment, EnrolmentSource, QuizAttempt
from safetrain.people.models import Person, User
from safetrain.people.selectors import active_employment
from safetrain.records.models import TrainingKind

if TYPE_CHECKING:
    pass


def _person_of(user_or_person: User | Person) -> Person:
    if isinstance(user_or_person, Person):
        return user_or_person
    if user_or_person.person_id is None:
        raise NotAllowed("只有从业人员账号可以报名课程。", code="not_a_worker")
    person = user_or_person.person
    assert person is not None
    return person


def enrol(
    user_or_person: User | Person,
    course: Course,
    *,
    source: str = EnrolmentSource.SELF,
    assignment: Assignment | None = None,
    on: dt.date | None = None,
) -> Enrolment:
    """Enrol a person in a course; idempotent while an enrolment is open.

    Self-enrolment needs a published course the person may see (city-wide, or their employer's
    own). An assignment attaches to an open self-enrolment (its due date and training kind win)."""
    person = _person_of(user_or_person)
    on = on or dates.today()
    if source not in EnrolmentSource.values:
        raise ValidationFailed("报名来源无效。", fields={"source": f"unknown source {source!r}"})
    if source == EnrolmentSource.ASSIGNED and assignment is None:
        raise ValidationFailed(
            "企业指派的报名需要指派任务。", fields={"assignment": "required for assigned"}
        )
    employment = active_employment(person, on)
    if not course.published:
        raise NotFound("课程不存在或尚未发布。", code="course_not_published")
    if course.enterprise_id is not None and (
        employment is None or employment.enterprise_id != course.enterprise_id
    ):
        raise NotFound("课程不存在或尚未发布。", code="not_found")
    with transaction.atomic():
        existing = (
            Enrolment.objects.select_for_update()
            .filter(person=person, course=course, completed_at__isnull=True)
            .first()
        )
        if existing is not None:
            if assignment is not None and existing.assignment_id is None:
                existing.assignment = assignment
                existing.source = EnrolmentSource.ASSIGNED
                existing.training_kind = assignment.training_kind
                existing.due_date = assignment.due_date
                existing.save(update_fields=["assignment", "source", "training_kind", "due_date"])
            return existing
        return Enrolment.objects.create(
            person=person,
            course=course,
            source=source,
            assignment=assignment,
            enterprise_id=(
                assignment.enterprise_id
                if assignment is not None
                else (employment.enterprise_id if employment else None)
            ),
            training_kind=assignment.training_kind if assignment else TrainingKind.CONTINUING,
            due_date=assignment.due_date if assignment else None,
            enrolled_at=timezone.now(),
        )


def has_quiz(course: Course) -> bool:
    return course.quiz_questions.exists()


def quiz_passed(enrolment: Enrolment) -> bool:
    """True when the course has no quiz, or an attempt of this enrolment passed it."""
    if not has_quiz(enrolment.course):
        return True
    return QuizAttempt.objects.filter(enrolment=enrolment, passed=True).exists()


def hours_to_seconds(hours: Decimal) -> int:
    """1 学时 = 45 minutes."""
    return int(hours * 45 * 60)
