"""Exam API schemas (DESIGN §5, Exam API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class RuleItemIn(Schema):
    type: str = ""
    sector: str = ""
    job: str = ""
    topic: str = ""
    difficulty: str = ""
    count: int
    points: float = 1
    handbook: int | None = None  # optional: only questions of this must-know handbook


class ExamIn(Schema):
    title: str
    purpose: str
    pass_mark: float = 80
    duration_minutes: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    candidates: list[str] = Field(default_factory=list)
    rule: list[RuleItemIn] | None = None
    question_ids: list[int] | None = None
    points: float | list[float] | None = None
    attempt_limit: int = 1
    enterprise: str = ""  # credit code, for county and city organisers (optional)


class IdOut(Schema):
    id: int


class OptionOut(Schema):
    key: str
    text: str


class QuestionOut(Schema):
    id: int
    type: str
    stem: str
    points: float
    options: list[OptionOut]


class SavedAnswer(Schema):
    answer: list[str]
    seq: int


class AttemptOut(Schema):
    id: str
    exam: int
    title: str
    state: str
    started_at: dt.datetime
    deadline: dt.datetime
    questions: list[QuestionOut]
    answers: dict[str, SavedAnswer]
    score: float | None = None
    passed: bool | None = None


class AttemptStateOut(Schema):
    id: str
    exam: int
    state: str
    started_at: dt.datetime
    deadline: dt.datetime
    answers: dict[str, SavedAnswer]
    score: float | None = None
    passed: bool | None = None


class StartIn(Schema):
    person: str = ""  # inspector-hosted spot check: the candidate's person id


class AnswerIn(Schema):
    answer: Any
    seq: int


class SeqOut(Schema):
    seq: int


class ResultOut(Schema):
    score: float
    passed: bool


class EventIn(Schema):
    kind: str


class OkOut(Schema):
    ok: bool
