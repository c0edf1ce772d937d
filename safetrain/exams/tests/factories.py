"""Builders for exams tests: a small bank, exams and attempts (through the services)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from safetrain.core.testing import next_seq
from safetrain.exams import services
from safetrain.exams.models import Exam
from safetrain.people.models import Person, User


def make_question(
    *,
    type: str = "single",
    answer: Sequence[str] = ("B",),
    topic: str = "法律法规",
    difficulty: str = "medium",
    sector: str | None = "coal_mine",
    options: int = 4,
    bank: Any = None,
) -> Any:
    from safetrain.questions.models import Bank, Question, QuestionVersion

    if bank is None:
        bank = Bank.objects.filter(scope_key="test-bank").first() or Bank.objects.create(
            name="测试题库", region_id="140500", scope_key="test-bank"
        )
    n = next_seq()
    stem = f"测试题 {n}：下列哪项正确？"
    if type == "truefalse":
        opts = [{"key": "T", "text": "正确"}, {"key": "F", "text": "错误"}]
    else:
        opts = [{"key": k, "text": f"选项{k}{n}"} for k in "ABCDEF"[:options]]
    digest = hashlib.sha256(stem.encode()).hexdigest()
    q = Question.objects.create(bank=bank, content_hash=digest)
    v = QuestionVersion.objects.create(
        question=q,
        number=1,
        type=type,
        stem=stem,
        options=opts,
        option_count=len(opts),
        answer=sorted(answer),
        explanation=f"解析 {n}",
        sector_id=sector,
        topic=topic,
        difficulty=difficulty,
        content_hash=digest,
    )
    q.current = v
    q.save(update_fields=["current"])
    return q


def make_bank(singles: int = 6, multiples: int = 2, truefalse: int = 2) -> list[Any]:
    out = [make_question(topic="法律法规") for _ in range(singles)]
    out += [
        make_question(type="multiple", answer=("A", "C"), topic="操作技能")
        for _ in range(multiples)
    ]
    out += [
        make_question(type="truefalse", answer=("T",), topic="应急处置") for _ in range(truefalse)
    ]
    return out


def make_exam(
    organiser: User,
    candidates: Sequence[Person],
    *,
    purpose: str = "prejob",
    rule: list[dict[str, Any]] | None = None,
    question_ids: Sequence[int] | None = None,
    duration: int = 30,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    attempt_limit: int = 1,
    **kw: Any,
) -> Exam:
    now = timezone.now()
    return services.exam_create(
        actor=organiser,
        title=kw.pop("title", f"考试{next_seq()}"),
        purpose=purpose,
        duration_minutes=duration,
        opens_at=opens_at or now - dt.timedelta(hours=1),
        closes_at=closes_at or now + dt.timedelta(days=1),
        candidates=list(candidates),
        rule=rule if question_ids is None else None,
        question_ids=question_ids,
        points=kw.pop("points", 10 if question_ids else None),
        attempt_limit=attempt_limit,
        **kw,
    )
