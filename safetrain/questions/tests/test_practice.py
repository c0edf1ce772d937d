"""Practice, the wrong-answer book rules, mock exams."""

from __future__ import annotations

import pytest

from safetrain.core.errors import Conflict, NotFound, ValidationFailed
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user
from safetrain.questions.models import PracticeAnswer, WrongAnswer
from safetrain.questions.practice import (
    mock_exam_start,
    mock_exam_submit,
    mock_results,
    practice_answer,
    practice_current,
    practice_start,
    wrong_book_list,
    wrong_book_record,
)
from safetrain.questions.tests.factories import make_bank, make_question
from safetrain.records.models import ExamResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    employment = make_employment(enterprise=make_enterprise(region="140502"))
    return make_user("worker", person=employment.person)


@pytest.fixture
def bank():
    b = make_bank()
    for i in range(5):
        make_question(bank=b, stem=f"单选 {i}", answer=("B",))
    return b


def test_sequential_practice_goes_in_order_and_resumes(worker, bank):
    session = practice_start(user=worker, bank=bank, mode="sequential")
    item = practice_current(session)
    assert (item.index, item.total) == (0, 5)
    first = item.question.pk
    fb = practice_answer(user=worker, session=session, question_id=first, answer=["B"])
    assert fb.correct and fb.right == ["B"] and fb.explanation == "解析"
    again = practice_start(user=worker, bank=bank, mode="sequential")
    assert again.pk == session.pk
    nxt = practice_current(again)
    assert nxt.index == 1 and nxt.question.pk > first


def test_answering_a_question_twice_is_refused(worker, bank):
    session = practice_start(user=worker, bank=bank, mode="sequential")
    qid = practice_current(session).question.pk
    practice_answer(user=worker, session=session, question_id=qid, answer=["A"])
    with pytest.raises(Conflict):
        practice_answer(user=worker, session=session, question_id=qid, answer=["B"])
    assert PracticeAnswer.objects.count() == 1


def test_bad_answers_are_refused(worker, bank):
    session = practice_start(user=worker, bank=bank, mode="sequential")
    qid = practice_current(session).question.pk
    with pytest.raises(ValidationFailed):
        practice_answer(user=worker, session=session, question_id=qid, answer=[])
    with pytest.raises(ValidationFailed):
        practice_answer(user=worker, session=session, question_id=qid, answer=["Z"])
    assert PracticeAnswer.objects.count() == 0


def test_random_practice_covers_the_bank_in_a_seeded_order(worker, bank):
    session = practice_start(user=worker, bank=bank, mode="random")
    seen = []
    while (item := practice_current(session)) is not None:
        seen.append(item.question.pk)
        practice_answer(user=worker, session=session, question_id=item.question.pk, answer=["B"])
    assert sorted(seen) == sorted(bank.questions.values_list("pk", flat=True))
    assert session.correct == 5


def test_wrong_book_rules(worker, bank):
    q = bank.questions.first()
    v = q.current
    wrong_book_record(user=worker, version=v, answer=["A"], correct=False)
    entry = WrongAnswer.objects.get()
    assert entry.active and entry.wrong_count == 1 and entry.right_streak == 0
    wrong_book_record(user=worker, version=v, answer=["B"], correct=True)
    entry.refresh_from_db()
    assert entry.active and entry.right_streak == 1
    # a wrong answer in between resets the streak
    wrong_book_record(user=worker, version=v, answer=["C"], correct=False)
    entry.refresh_from_db()
    assert entry.active and entry.right_streak == 0 and entry.wrong_count == 2
    wrong_book_record(user=worker, version=v, answer=["B"], correct=True)
    wrong_book_record(user=worker, version=v, answer=["B"], correct=True)
    entry.refresh_from_db()
    assert not entry.active  # two right in a row: out
    assert wrong_book_list(user=worker) == []
    # a right answer to a question not in the book adds nothing
    other = bank.questions.last().current
    assert wrong_book_record(user=worker, version=other, answer=["B"], correct=True) is None
    # wrong again: back in
    wrong_book_record(user=worker, version=v, answer=["A"], correct=False)
    assert [e.question_id for e in wrong_book_list(user=worker)] == [q.pk]


def test_wrong_book_practice_until_empty(worker, bank):
    seq = practice_start(user=worker, bank=bank, mode="sequential")
    for _ in range(2):  # two wrong answers
        item = practice_current(seq)
        practice_answer(user=worker, session=seq, question_id=item.question.pk, answer=["A"])
    assert len(wrong_book_list(user=worker, bank=bank)) == 2
    book = practice_start(user=worker, bank=None, mode="wrong_book")
    rounds = 0
    while (item := practice_current(book)) is not None:
        practice_answer(user=worker, session=book, question_id=item.question.pk, answer=["B"])
        rounds += 1
        assert rounds < 10
    assert rounds == 4  # each question answered right twice in a row
    assert wrong_book_list(user=worker) == []


def test_mock_exam_is_graded_once_and_recorded_as_practice(worker):
    b = make_bank()
    for i in range(22):
        make_question(bank=b, stem=f"单选{i}", answer=("A",))
    for i in range(3):
        make_question(bank=b, type="multiple", stem=f"多选{i}", answer=("A", "B"))
    for i in range(4):
        make_question(bank=b, type="truefalse", stem=f"判断{i}", answer=("T",))
    mock = mock_exam_start(user=worker, bank=b, seed=1)
    # layout cut to the bank: 20 single ×2, 3 multiple ×3, 4 true/false ×2
    assert len(mock.paper) == 27 and mock.total_points == 40 + 9 + 8
    answers = {}
    for item in mock.paper:
        qtype_multi = item["options"] and len(item["options"]) == 4 and item["points"] == "3.00"
        if item["options"] == ["T", "F"]:
            answers[item["question"]] = ["T"]
        elif qtype_multi:
            answers[item["question"]] = ["A"]  # half marks
        else:
            answers[item["question"]] = ["A"]
    done = mock_exam_submit(user=worker, mock=mock, answers=answers)
    # 40 + 3×1.5 + 8 = 52.5 of 57 → 92.1 %
    assert str(done.score) == "92.1"
    again = mock_exam_submit(user=worker, mock=mock, answers={})
    assert again.score == done.score
    result = ExamResult.objects.get()
    assert result.purpose == "practice" and result.person == worker.person
    assert len(wrong_book_list(user=worker)) == 3  # the half-right multiples count as wrong
    rows = mock_results(done)
    assert sum(1 for r in rows if r["correct"]) == 24


def test_mock_exam_refuses_foreign_questions(worker, bank):
    mock = mock_exam_start(user=worker, bank=bank, seed=2)
    with pytest.raises(NotFound):
        mock_exam_submit(user=worker, mock=mock, answers={999999: ["A"]})


def test_a_bank_outside_scope_cannot_be_practised(worker):
    other = make_enterprise(region="140581")
    foreign = make_bank(enterprise=other)
    make_question(bank=foreign)
    with pytest.raises(NotFound):
        practice_start(user=worker, bank=foreign, mode="sequential")
    with pytest.raises(NotFound):
        mock_exam_start(user=worker, bank=foreign)
