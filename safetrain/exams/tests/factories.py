"""Builders for exams tests: a small bank, exams and attempts (through the services)."""

from __future__ import annotations

import datetime as dt
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
) -> Any:
    """A question in the city bank of its sector, through the questions service."""
    from safetrain.questions.services import content_or_raise, question_create

    n = next_seq()
    content = content_or_raise(
        type=type,
        stem=f"测试题 {n}：下列哪项正确？",
        options=[] if type == "truefalse" else [f"选项{k}{n}" for k in "ABCDEF"[:options]],
        answer=list(answer),
        explanation=f"解析 {n}",
        sector=sector,
        topic=topic,
        difficulty=difficulty,
    )
    return question_create(actor=None, content=content, source="seed")


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
