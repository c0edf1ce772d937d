"""xAPI 1.0.3 statements for enrolments, study sessions, completions and quiz results.

The actor is an account on this system: `{"homePage": SAFETRAIN_SITE_URL, "name": the person's
opaque uid}` — never the ID number or the name. Statements are stored in XapiStatement
(`GET /api/v1/persons/{id}/xapi` returns them) and, when SAFETRAIN_XAPI_LRS_URL is set, sent on
to an external learning record store by `safetrain xapi forward` (forwarding.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings

from safetrain.courses.models import Course, Enrolment, Lesson, QuizAttempt
from safetrain.people.models import Person
from safetrain.study import clock
from safetrain.study.models import StudySession, XapiStatement

VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "registered": ("注册", "registered"),
    "initialized": ("开始学习", "initialized"),
    "terminated": ("结束学习", "terminated"),
    "completed": ("完成", "completed"),
    "passed": ("通过", "passed"),
    "failed": ("未通过", "failed"),
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
}


def home() -> str:
    return str(settings.SAFETRAIN_SITE_URL).rstrip("/")


def actor(person: Person) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "account": {"homePage": home(), "name": str(person.uid)},
    }


def verb(name: str) -> dict[str, Any]:
    zh, en = VERBS[name]
    return {"id": ADL + name, "display": {"zh-CN": zh, "en-US": en}}


def activity(kind: str, pk: int, title: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{home()}/xapi/activities/{kind}/{pk}",
        "definition": {"name": {"zh-CN": title}, "type": ACTIVITY_TYPES[kind]},
    }


def course_activity(course: Course) -> dict[str, Any]:
    return activity("course", course.pk, course.title)


def registration(enrolment: Enrolment) -> str:
    """A stable UUID for the enrolment (xAPI's registration groups one attempt at a course)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{home()}/enrolment/{enrolment.pk}"))


def duration(seconds: float) -> str:
    """ISO 8601 duration, e.g. PT45M0S."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{secs}S" if hours else f"PT{minutes}M{secs}S"


def _iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="milliseconds")


def _context(enrolment: Enrolment, parent: Course | None = None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "registration": registration(enrolment),
        "platform": "safetrain",
        "language": "zh-CN",
    }
    if parent is not None:
        context["contextActivities"] = {"parent": [course_activity(parent)]}
    return context


def record(
    *,
    person: Person,
    verb_name: str,
    obj: dict[str, Any],
    context: dict[str, Any],
    result: dict[str, Any] | None = None,
    timestamp: dt.datetime | None = None,
) -> XapiStatement:
    """Build and store one statement (inside the caller's transaction)."""
    now = clock.now()
    statement_id = uuid.uuid4()
    statement: dict[str, Any] = {
        "id": str(statement_id),
        "actor": actor(person),
        "verb": verb(verb_name),
        "object": obj,
        "context": context,
        "timestamp": _iso(timestamp or now),
        "stored": _iso(now),
        "version": VERSION,
    }
    if result is not None:
        statement["result"] = result
    return XapiStatement.objects.create(
        statement_id=statement_id,
        person=person,
        verb=ADL + verb_name,
        statement=statement,
        timestamp=timestamp or now,
        stored=now,
    )


def enrolled(enrolment: Enrolment) -> XapiStatement:
    return record(
        person=enrolment.person,
        verb_name="registered",
        obj=course_activity(enrolment.course),
        context=_context(enrolment),
        timestamp=enrolment.enrolled_at,
    )


def session_started(session: StudySession, enrolment: Enrolment, lesson: Lesson) -> XapiStatement:
    return record(
        person=enrolment.person,
        verb_name="initialized",
        obj=activity("lesson", lesson.pk, lesson.title),
        context=_context(enrolment, enrolment.course)
        | {"extensions": {f"{home()}/xapi/extensions/session": str(session.pk)}},
        timestamp=session.started_at,
    )


def session_ended(session: StudySession, enrolment: Enrolment, lesson: Lesson) -> XapiStatement:
    return record(
        person=enrolment.person,
        verb_name="terminated",
        obj=activity("lesson", lesson.pk, lesson.title),
        context=_context(enrolment, enrolment.course)
        | {"extensions": {f"{home()}/xapi/extensions/session": str(session.pk)}},
        result={"duration": duration(session.credited_seconds)},
        timestamp=session.ended_at,
    )


def course_completed(enrolment: Enrolment, credited_seconds: float) -> XapiStatement:
    return record(
        person=enrolment.person,
        verb_name="completed",
        obj=course_activity(enrolment.course),
        context=_context(enrolment),
        result={"completion": True, "duration": duration(credited_seconds)},
        timestamp=enrolment.completed_at,
    )


def quiz_result(attempt: QuizAttempt) -> XapiStatement:
    enrolment = attempt.enrolment
    course = enrolment.course
    score = Decimal(attempt.score)
    return record(
        person=enrolment.person,
        verb_name="passed" if attempt.passed else "failed",
        obj=activity("assessment", course.pk, f"{course.title} 课后测验"),
        context=_context(enrolment, course),
        result={
            "score": {"scaled": float(score / 100), "raw": float(score), "min": 0, "max": 100},
            "success": bool(attempt.passed),
            "completion": True,
        },
        timestamp=attempt.submitted_at,
    )
