"""Fixtures for the heartbeat load test (benchmarks/study_heartbeats.sh; docs/benchmarks.md).

`safetrain study bench-fixtures --learners N --out FILE` writes N learners (persons with worker
accounts and bearer tokens), one published course with a 24-hour text lesson, an enrolment and
an open study session each, in bulk (no per-row services: the load test measures heartbeats, not set-up), and writes
the tokens and the lesson id as JSON for the locust file. Refuses a database that already has
enrolments, so it never mixes with real data.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction

from safetrain.core.identifiers import make_id_number
from safetrain.courses.models import Enrolment
from safetrain.courses.services import CourseSpec, LessonSpec, course_create
from safetrain.people.models import ApiToken, Person, User
from safetrain.people.services import person_fields
from safetrain.study import clock
from safetrain.study.models import LessonProgress, StudySession


def bench_fixtures(*, learners: int, out: Path) -> dict[str, object]:
    if Enrolment.objects.exists():
        raise SystemExit("the database already has enrolments: use an empty load-test database")
    course = course_create(
        actor=None,
        spec=CourseSpec(
            title="心跳压测课程",
            hours="30",
            topic="rules",
            published=True,
            lessons=[LessonSpec(title="长课时", body="<p>压测</p>", duration_seconds=86_400)],
        ),
    )
    lesson = course.lessons.get()
    tokens = []
    unusable = make_password(None)
    with transaction.atomic():
        persons = Person.objects.bulk_create(
            Person(
                source="seed",
                **person_fields(  # type: ignore[arg-type]
                    id_number=make_id_number("140525", _birth(i), 500_000 + i),
                    name=f"压测学员{i}",
                ),
            )
            for i in range(learners)
        )
        users = User.objects.bulk_create(
            User(username=f"bench-learner-{i}", role="worker", person=p, password=unusable)
            for i, p in enumerate(persons)
        )
        token_rows = []
        for user in users:
            token = "st_" + secrets.token_urlsafe(32)
            tokens.append(token)
            token_rows.append(
                ApiToken(
                    user=user,
                    key_hash=hashlib.sha256(token.encode()).hexdigest(),
                    prefix=token[:8],
                )
            )
        ApiToken.objects.bulk_create(token_rows)
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(person=p, course=course) for p in persons
        )
        now = clock.now()
        progress = LessonProgress.objects.bulk_create(
            LessonProgress(enrolment=e, lesson=lesson, updated_at=now) for e in enrolments
        )
        sessions = StudySession.objects.bulk_create(
            StudySession(
                user=u,
                progress=p,
                started_at=now,
                anchor_at=now,
                last_interaction_at=now,
            )
            for u, p in zip(users, progress, strict=True)
        )
    # sessions are opened here, so that the load test measures heartbeats only (opening 2,000
    # sessions at once is a different, one-off load: see docs/benchmarks.md)
    data = {"lesson": lesson.pk, "tokens": tokens, "sessions": [str(s.pk) for s in sessions]}
    out.write_text(json.dumps(data))
    return {"lesson": lesson.pk, "learners": learners}


def _birth(i: int):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
