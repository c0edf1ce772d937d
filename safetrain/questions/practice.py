"""Practice, mock exams and the wrong-answer book (services: writes, checked and atomic).

- Sequential practice goes through a bank's questions in order and resumes where it stopped.
- Random practice goes through the same questions in a seeded random order.
- Wrong-book practice goes round the account's open wrong answers (of one bank, or all).
- Every practice answer is graded at once; the feedback shows the right answer and the
  explanation, and feeds the wrong-answer book.
- A mock exam is a paper drawn from one bank by the mock layout below, answered on one page and
  graded at the end. It counts for nothing: for a worker the result is written to the archive
  with purpose `practice` (DESIGN §2), which no compliance rule reads.
- Wrong-answer book (错题本): a wrong answer puts the question in (or back in) and resets its
  streak; while it is in, a right answer adds one to the streak and the second right answer in a
  row takes it out.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from safetrain.core.errors import Conflict, NotFound, ValidationFailed
from safetrain.questions.grading import grade, is_correct, normalise_answer
from safetrain.questions.models import (
    Bank,
    MockExam,
    PracticeAnswer,
    PracticeSession,
    Question,
    QuestionVersion,
    WrongAnswer,
)
from safetrain.questions.papers import PaperRule, PaperShortfall, draw_paper
from safetrain.questions.selectors import bank_read_q, candidate_pool

if TYPE_CHECKING:
    from safetrain.people.models import User

LEAVE_AFTER_RIGHT = 2  # right answers in a row that take a question out of the book
MOCK_LAYOUT = [  # type, count, points: 100 points when the bank has enough questions
    ("single", 20, Decimal(2)),
    ("multiple", 10, Decimal(3)),
    ("truefalse", 15, Decimal(2)),
]
MOCK_MINUTES = 45
MOCK_PASS_MARK = Decimal(80)


# ---------------------------------------------------------------- wrong-answer book


def wrong_book_record(
    *, user: User, version: QuestionVersion, answer: list[str], correct: bool
) -> WrongAnswer | None:
    """Apply one graded answer to the account's wrong-answer book; returns the entry (if any).
    Public so that formal exams can feed the book too."""
    now = timezone.now()
    entry = (
        WrongAnswer.objects.select_for_update()
        .filter(user=user, question_id=version.question_id)
        .first()
    )
    if not correct:
        if entry is None:
            return WrongAnswer.objects.create(
                user=user,
                question_id=version.question_id,
                last_version=version,
                last_answer=answer,
                wrong_count=1,
                right_streak=0,
                active=True,
                added_at=now,
            )
        if not entry.active:
            entry.added_at = now
        entry.active = True
        entry.wrong_count += 1
        entry.right_streak = 0
        entry.last_version = version
        entry.last_answer = answer
        entry.save()
        return entry
    if entry is None or not entry.active:
        return entry
    entry.right_streak += 1
    entry.last_version = version
    entry.last_answer = answer
    if entry.right_streak >= LEAVE_AFTER_RIGHT:
        entry.active = False
    entry.save()
    return entry


def wrong_book_list(*, user: User, bank: Bank | None = None) -> list[WrongAnswer]:
    qs = WrongAnswer.objects.filter(
        bank_read_q(user, "question__bank__"), user=user, active=True, question__retired=False
    )
    if bank is not None:
        qs = qs.filter(question__bank=bank)
    return list(
        qs.select_related("question__current", "question__bank", "last_version").order_by(
            "-updated_at", "pk"
        )
    )


# ---------------------------------------------------------------- practice


@dataclass(frozen=True)
class PracticeItem:
    session: PracticeSession
    question: Question
    version: QuestionVersion
    index: int  # 0-based position shown as index + 1
    total: int


@dataclass(frozen=True)
class Feedback:
    correct: bool
    given: list[str]
    right: list[str]
    explanation: str
    version: QuestionVersion
    wrong_book: WrongAnswer | None


def _readable_bank(user: User, bank_id: int) -> Bank:
    bank = Bank.objects.filter(bank_read_q(user), pk=bank_id).first()
    if bank is None:
        raise NotFound("题库不存在 / no such bank")
    return bank


def practice_start(*, user: User, bank: Bank | None, mode: str) -> PracticeSession:
    """Sequential practice resumes the account's last sequential session of the bank; random and
    wrong-book practice start afresh."""
    if mode not in PracticeSession.Mode.values:
        raise ValidationFailed("练习方式无效 / unknown practice mode", fields={"mode": mode})
    if bank is None and mode != PracticeSession.Mode.WRONG_BOOK:
        raise ValidationFailed("请选择题库 / choose a bank", fields={"bank": "required"})
    if bank is not None:
        bank = _readable_bank(user, bank.pk)
    if mode == PracticeSession.Mode.SEQUENTIAL:
        existing = PracticeSession.objects.filter(user=user, bank=bank, mode=mode).first()
        if existing is not None:
            return existing
    return PracticeSession.objects.create(
        user=user, bank=bank, mode=mode, seed=secrets.randbelow(2**31)
    )


def _question_ids(session: PracticeSession) -> list[int]:
    if session.mode == PracticeSession.Mode.WRONG_BOOK:
        qs = WrongAnswer.objects.filter(
            bank_read_q(session.user, "question__bank__"),
            user_id=session.user_id,
            active=True,
            question__retired=False,
        )
        if session.bank_id is not None:
            qs = qs.filter(question__bank_id=session.bank_id)
        return list(qs.order_by("question_id").values_list("question_id", flat=True))
    assert session.bank_id is not None
    ids = list(
        Question.objects.filter(bank_id=session.bank_id, retired=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if session.mode == PracticeSession.Mode.RANDOM:
        random.Random(f"practice:{session.seed}").shuffle(ids)
    return ids


def practice_session_get(*, user: User, pk: int) -> PracticeSession:
    session = (
        PracticeSession.objects.filter(user=user, pk=pk).select_related("bank", "user").first()
    )
    if session is None:
        raise NotFound("练习不存在 / no such practice session")
    if (
        session.bank_id is not None
        and not Bank.objects.filter(bank_read_q(user), pk=session.bank_id).exists()
    ):
        raise NotFound("练习不存在 / no such practice session")
    return session


def practice_current(session: PracticeSession) -> PracticeItem | None:
    """The question to answer now; None when the session is done (or the book is empty)."""
    ids = _question_ids(session)
    if not ids:
        return None
    if session.mode == PracticeSession.Mode.WRONG_BOOK:
        index = session.position % len(ids)
    else:
        if session.position >= len(ids):
            return None
        index = session.position
    question = Question.objects.select_related("current").get(pk=ids[index])
    assert question.current is not None
    return PracticeItem(
        session=session, question=question, version=question.current, index=index, total=len(ids)
    )


def practice_answer(
    *, user: User, session: PracticeSession, question_id: int, answer: list[str]
) -> Feedback:
    """Grade the answer to the session's current question, record it, move on."""
    keys = sorted(normalise_answer(answer))
    if not keys:
        raise ValidationFailed("请先作答 / choose an answer", fields={"answer": "empty"})
    with transaction.atomic():
        locked = PracticeSession.objects.select_for_update().get(pk=session.pk, user=user)
        item = practice_current(locked)
        if item is None or item.question.pk != question_id:
            raise Conflict(
                "这道题已经答过了 / this question was already answered",
                code="stale_question",
            )
        version = item.version
        bad = [k for k in keys if k not in version.option_keys]
        if bad:
            raise ValidationFailed(
                f"选项 {''.join(bad)} 不存在 / no such option", fields={"answer": bad}
            )
        correct = is_correct(version, keys)
        PracticeAnswer.objects.create(
            user=user, session=locked, version=version, answer=keys, correct=correct
        )
        entry = wrong_book_record(user=user, version=version, answer=keys, correct=correct)
        locked.answered += 1
        locked.correct += int(correct)
        left_book = entry is not None and not entry.active
        if not (locked.mode == PracticeSession.Mode.WRONG_BOOK and left_book):
            locked.position += 1  # (a question that left the book: the next slides into place)
        locked.save(update_fields=["answered", "correct", "position", "updated_at"])
        session.position, session.answered, session.correct = (
            locked.position,
            locked.answered,
            locked.correct,
        )
        return Feedback(
            correct=correct,
            given=keys,
            right=list(version.answer),
            explanation=version.explanation,
            version=version,
            wrong_book=entry,
        )


def practice_restart(*, user: User, session: PracticeSession) -> PracticeSession:
    with transaction.atomic():
        locked = PracticeSession.objects.select_for_update().get(pk=session.pk, user=user)
        locked.position = 0
        locked.answered = 0
        locked.correct = 0
        locked.seed = secrets.randbelow(2**31)
        locked.save()
        return locked


# ---------------------------------------------------------------- mock exams


def mock_rules(bank: Bank, user: User) -> list[PaperRule]:
    """The mock layout, each count cut down to what the bank has."""
    counts: dict[str, int] = {}
    for key, group in candidate_pool(viewer=user, banks=[bank]).groups:
        counts[key[0]] = counts.get(key[0], 0) + len(group)
    rules = []
    for qtype, count, points in MOCK_LAYOUT:
        n = min(count, counts.get(qtype, 0))
        if n:
            rules.append(PaperRule(count=n, points=points, type=qtype))
    return rules


def mock_exam_start(*, user: User, bank: Bank, seed: int | None = None) -> MockExam:
    bank = _readable_bank(user, bank.pk)
    rules = mock_rules(bank, user)
    if not rules:
        raise ValidationFailed(
            "该题库还没有题目 / the bank has no questions", fields={"bank": "empty"}
        )
    seed = secrets.randbelow(2**31) if seed is None else seed
    try:
        paper = draw_paper(rules, candidate_pool(viewer=user, banks=[bank]), seed)
    except PaperShortfall as exc:  # cannot happen: the rules were cut to the bank
        raise ValidationFailed(exc.message) from exc
    now = timezone.now()
    return MockExam.objects.create(
        user=user,
        bank=bank,
        seed=seed,
        paper=paper.as_list(),
        total_points=paper.total_points,
        pass_mark=MOCK_PASS_MARK,
        deadline=now + dt.timedelta(minutes=MOCK_MINUTES),
    )


def mock_exam_get(*, user: User, pk: int) -> MockExam:
    mock = MockExam.objects.filter(user=user, pk=pk).select_related("bank").first()
    if mock is None:
        raise NotFound("模拟考试不存在 / no such mock exam")
    return mock


def mock_paper(mock: MockExam) -> list[dict[str, Any]]:
    """The paper with its versions, options in the order drawn (no answers)."""
    versions = QuestionVersion.objects.in_bulk([item["version"] for item in mock.paper])
    out = []
    for n, item in enumerate(mock.paper, start=1):
        v = versions[item["version"]]
        options = [{"key": k, "text": v.option_text(k)} for k in item["options"]]
        out.append(
            {
                "n": n,
                "question": item["question"],
                "version": v,
                "points": Decimal(item["points"]),
                "options": options,
                "given": mock.answers.get(str(item["question"]), []),
            }
        )
    return out


def percent(score: Decimal, total: Decimal) -> Decimal:
    if not total:
        return Decimal(0)
    return (score * 100 / total).quantize(Decimal("0.1"), ROUND_HALF_UP)


def mock_exam_submit(*, user: User, mock: MockExam, answers: dict[int, list[str]]) -> MockExam:
    """Grade the mock exam (once: a second submit returns the first result). The score is a
    percentage of the paper's points, passed at 80."""
    with transaction.atomic():
        locked = MockExam.objects.select_for_update().get(pk=mock.pk, user=user)
        if locked.submitted_at is not None:
            return locked
        paper_ids = {item["question"] for item in locked.paper}
        unknown = [q for q in answers if q not in paper_ids]
        if unknown:
            raise NotFound(f"题目不在本试卷中 / not in this paper: {unknown}")
        versions = QuestionVersion.objects.in_bulk([item["version"] for item in locked.paper])
        earned = Decimal(0)
        stored: dict[str, list[str]] = {}
        for item in locked.paper:
            v = versions[item["version"]]
            keys = sorted(normalise_answer(answers.get(item["question"], [])))
            keys = [k for k in keys if k in v.option_keys]
            stored[str(item["question"])] = keys
            earned += grade(v, keys, item["points"])
            correct = is_correct(v, keys)
            PracticeAnswer.objects.create(
                user=user, mock=locked, version=v, answer=keys, correct=correct
            )
            wrong_book_record(user=user, version=v, answer=keys, correct=correct)
        locked.answers = stored
        locked.score = percent(earned, locked.total_points)
        locked.submitted_at = timezone.now()
        locked.save()
        if user.person is not None:
            from safetrain.core.dates import today
            from safetrain.records.services import exam_result_add

            exam_result_add(
                actor=None,
                person=user.person,
                date=today(),
                purpose="practice",
                score=locked.score,
                pass_mark=locked.pass_mark,
                title=f"模拟考试：{locked.bank.name}"[:120],
                source="system",
            )
        return locked


def mock_results(mock: MockExam) -> list[dict[str, Any]]:
    """Per question: what was given, the right answer, points earned (after submission)."""
    rows = mock_paper(mock)
    for row in rows:
        v = row["version"]
        row["right"] = list(v.answer)
        row["earned"] = grade(v, row["given"], row["points"])
        row["correct"] = is_correct(v, row["given"])
    return rows
