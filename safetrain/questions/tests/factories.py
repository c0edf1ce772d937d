"""Builders for banks and questions (through the services, like production)."""

from __future__ import annotations

from collections.abc import Sequence

from safetrain.core.testing import next_seq
from safetrain.people.models import User
from safetrain.questions.models import Bank, Question
from safetrain.questions.services import bank_ensure, content_or_raise, question_create


def make_bank(
    *,
    actor: User | None = None,
    sector: str | None = "coal_mine",
    job_type: str | None = None,
    enterprise=None,
) -> Bank:
    return bank_ensure(actor=actor, sector=sector, job_type=job_type, enterprise=enterprise)


def make_question(
    *,
    bank: Bank | None = None,
    actor: User | None = None,
    type: str = "single",
    stem: str | None = None,
    options: Sequence[str] = ("甲", "乙", "丙", "丁"),
    answer: Sequence[str] = ("B",),
    sector: str | None = "coal_mine",
    job_type: str | None = None,
    topic: str = "法律法规",
    difficulty: str = "medium",
    explanation: str = "解析",
) -> Question:
    if type == "truefalse":
        options = ()
        if answer == ("B",):
            answer = ("T",)
    content = content_or_raise(
        type=type,
        stem=stem or f"测试题干 {next_seq()}",
        options=list(options),
        answer=list(answer),
        explanation=explanation,
        sector=sector,
        job_type=job_type,
        topic=topic,
        difficulty=difficulty,
    )
    return question_create(actor=actor, bank=bank, content=content, source="seed")
