"""Exam-peak benchmark fixtures and the crash-test count (docs/benchmarks.md, "Exam peak").

`safetrain exams bench-setup --candidates 2000 --questions 50 --out FILE` builds, in the
configured database: one coal mine with N workers in post (through the people services), a
city bank of 4×Q single-choice questions (through the questions service), a worker account
and bearer token for each (one shared password hash, so that the setup does not spend minutes
in PBKDF2), and one formal exam of Q questions for all of them. It writes
`{"exam": id, "tokens": [...]}` for the locust scenario (benchmarks/exam_locustfile.py).

`safetrain exams bench-check --acks FILE` reads the saves the load generator saw acknowledged
(one JSON line each: attempt, question, seq) and counts how many are present in the database:
an acknowledged save is present when the stored seq of that answer is at least the acked seq.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone


def setup(*, candidates: int, questions: int, out: Path, echo: Any = print) -> dict[str, Any]:
    from safetrain.core.identifiers import make_credit_code, make_id_number
    from safetrain.enterprises.services import enterprise_register
    from safetrain.exams.services import exam_create
    from safetrain.people.models import ApiToken, Person, User
    from safetrain.people.services import PostSpec, employment_start, person_register
    from safetrain.questions.services import content_or_raise, question_create

    t0 = time.monotonic()
    admin = User.objects.filter(username="bench-city").first() or User.objects.create(
        username="bench-city", role="city_admin", region_id="140500", password="!"
    )
    ent = enterprise_register(
        actor=None,
        credit_code=make_credit_code("140502", 990_001),
        name="考试压测煤业有限公司",
        region_code="140502",
        sector_code="coal_mine",
        area_types=["underground", "office"],
    ).enterprise
    echo(f"enterprise {ent.credit_code}")
    for i in range(questions * 4):
        content = content_or_raise(
            type="single",
            stem=f"压测题 {i + 1}：井下作业前必须检查哪一项？",
            options=[f"选项甲{i}", f"选项乙{i}", f"选项丙{i}", f"选项丁{i}"],
            answer=["ABCD"[i % 4]],
            sector="coal_mine",
            topic=["法律法规", "风险辨识", "应急处置", "操作规程"][i % 4],
        )
        question_create(actor=None, content=content, source="seed")
    echo(f"questions {questions * 4} ({time.monotonic() - t0:.1f} s)")
    password = make_password(secrets.token_urlsafe(16))
    persons: list[Person] = []
    with transaction.atomic():
        for n in range(candidates):
            person = person_register(
                actor=None,
                id_number=make_id_number(
                    "140502", dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28), 500_000 + n
                ),
                name=f"考生{n + 1}",
                source="seed",
            )
            employment_start(
                actor=None,
                person=person,
                enterprise=ent,
                role_category="worker",
                start_date=dt.date(2020, 1, 1),
                post=PostSpec(title="采煤工"),
            )
            persons.append(person)
    echo(f"persons {len(persons)} ({time.monotonic() - t0:.1f} s)")
    users = User.objects.bulk_create(
        [
            User(username=f"bench-w{n + 1}", role="worker", person=p, password=password)
            for n, p in enumerate(persons)
        ]
    )
    tokens = ["st_" + secrets.token_urlsafe(32) for _ in users]
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=u, key_hash=hashlib.sha256(t.encode()).hexdigest(), prefix=t[:8])
            for u, t in zip(users, tokens, strict=True)
        ]
    )
    now = timezone.now()
    exam = exam_create(
        actor=admin,
        title="考试高峰压测",
        purpose="continuing",
        duration_minutes=120,
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(hours=6),
        candidates=persons,
        rule=[{"type": "单选", "count": questions, "points": 2}],
        enterprise=ent,
    )
    data = {"exam": exam.pk, "tokens": tokens}
    out.write_text(json.dumps(data))
    prestart(exam_id=exam.pk, echo=echo)
    echo(
        f"({time.monotonic() - t0:.1f} s) exam {exam.pk}: {len(tokens)} candidates, {questions} questions → {out}"
    )
    return data


def prestart(*, exam_id: int, echo: Any = print) -> int:
    """Start every candidate's attempt before the peak (an exam's starts are spread over its
    first minutes; the peak measured is the answering). Idempotent: started ones are resumed."""
    from safetrain.exams.models import Attempt, Candidate, Exam
    from safetrain.exams.services import attempt_start
    from safetrain.people.models import User

    t0 = time.monotonic()
    exam = Exam.objects.get(pk=exam_id)
    started = set(Attempt.objects.filter(exam=exam).values_list("person_id", flat=True))
    todo = Candidate.objects.filter(exam=exam).exclude(person_id__in=started)
    users = User.objects.filter(person_id__in=todo.values("person_id"))
    n = 0
    for user in users:
        attempt_start(actor=user, exam=exam)
        n += 1
    echo(f"attempts started: {n} ({time.monotonic() - t0:.1f} s)")
    return n


def check(acks: Path) -> dict[str, int]:
    """Count acknowledged saves and those present (stored seq ≥ acked seq)."""
    from safetrain.exams.models import Answer, Attempt

    latest: dict[tuple[str, int], int] = {}
    total = 0
    for line in acks.read_text().splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        total += 1
        key = (row["attempt"], int(row["question"]))
        latest[key] = max(latest.get(key, 0), int(row["seq"]))
    uids = {a for a, _ in latest}
    ids = dict(Attempt.objects.filter(uid__in=uids).values_list("uid", "pk"))
    by_id = {str(u): pk for u, pk in ids.items()}
    stored = {
        (a, q): s
        for a, q, s in Answer.objects.filter(attempt_id__in=by_id.values()).values_list(
            "attempt_id", "question_id", "seq"
        )
    }
    present = sum(
        1 for (uid, q), seq in latest.items() if stored.get((by_id.get(uid, -1), q), 0) >= seq
    )
    return {
        "acknowledged_saves": total,
        "distinct_answers": len(latest),
        "present": present,
        "lost": len(latest) - present,
    }
