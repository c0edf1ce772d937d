"""Formal exams: creation and shortfall, start/resume, autosave ordering and idempotency, every
bad input (nothing changed), submission, the time limit, grading into the archive."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.exams import services
from safetrain.exams.models import Answer, Attempt, Exam, Retraining
from safetrain.exams.tests.conftest import RULE, right_answers
from safetrain.exams.tests.factories import make_exam
from safetrain.records.models import ExamResult

pytestmark = pytest.mark.django_db


def start(world, clock, **kw):
    exam = make_exam(world["admin"], [world["person"], world["person2"]], rule=RULE, **kw)
    return exam, services.attempt_start(actor=world["worker"], exam=exam)


def snapshot(attempt):
    return list(
        Answer.objects.filter(attempt=attempt)
        .order_by("question_id")
        .values_list("question_id", "keys", "seq")
    )


def test_create_refuses_a_rule_the_bank_cannot_fill_naming_the_shortfall(world):
    rule = [{"type": "多选", "count": 5, "points": 10}]
    with pytest.raises(ValidationFailed) as exc:
        make_exam(world["admin"], [world["person"]], rule=rule)
    assert "需要 5 题" in exc.value.message and "只有 2 题" in exc.value.message
    assert exc.value.status == 422
    assert exc.value.fields["rule"] | {"filters": None} == {
        "index": 1,
        "wanted": 5,
        "available": 2,
        "filters": None,
    }
    assert Exam.objects.count() == 0


def test_create_refuses_candidates_outside_the_organisers_scope(world):
    with pytest.raises(NotAllowed):
        make_exam(world["admin"], [world["person"], world["outsider"]], rule=RULE)
    assert Exam.objects.count() == 0


def test_start_freezes_questions_and_resumes_the_same_attempt(world, clock):
    exam, attempt = start(world, clock)
    assert attempt.items.count() == 10
    assert attempt.deadline == clock.now + dt.timedelta(minutes=30)
    clock.advance(minutes=5)
    again = services.attempt_start(actor=world["worker"], exam=exam)
    assert again.pk == attempt.pk and Attempt.objects.count() == 1
    # the options are shown in a per-candidate order, with the bank's keys
    keys = {i.question_id: sorted(i.option_order) for i in attempt.items.all()}
    assert all(k in (["A", "B", "C", "D"], ["F", "T"]) for k in keys.values())


def test_deadline_is_capped_by_the_window(world, clock):
    exam = make_exam(
        world["admin"],
        [world["person"]],
        rule=RULE,
        duration=120,
        closes_at=clock.now + dt.timedelta(minutes=20),
    )
    attempt = services.attempt_start(actor=world["worker"], exam=exam)
    assert attempt.deadline == exam.closes_at


def test_autosave_ordering_and_idempotency(world, clock):
    _, attempt = start(world, clock)
    q = attempt.items.filter(qtype="single").first().question_id
    assert (
        services.answer_save(
            actor=world["worker"], attempt=attempt, question_id=q, keys=["A"], seq=1
        )
        == 1
    )
    assert (
        services.answer_save(
            actor=world["worker"], attempt=attempt, question_id=q, keys=["C"], seq=3
        )
        == 3
    )
    # the same seq again: 200, nothing changes (even with another answer)
    assert (
        services.answer_save(
            actor=world["worker"], attempt=attempt, question_id=q, keys=["D"], seq=3
        )
        == 3
    )
    # a stale save (seq 2 arrives after 3): refused with the stored seq, nothing changes
    with pytest.raises(services.StaleSeq) as exc:
        services.answer_save(
            actor=world["worker"], attempt=attempt, question_id=q, keys=["B"], seq=2
        )
    assert exc.value.status == 409 and exc.value.fields == {"seq": 3}
    assert snapshot(attempt) == [(q, ["C"], 3)]


@pytest.mark.parametrize(
    "case",
    ["not_in_attempt", "tampered_option", "two_for_single", "duplicate", "not_a_list", "seq0"],
)
def test_bad_saves_change_nothing(world, clock, case):
    _, attempt = start(world, clock)
    single = attempt.items.filter(qtype="single").first().question_id
    services.answer_save(
        actor=world["worker"], attempt=attempt, question_id=single, keys=["A"], seq=1
    )
    before = snapshot(attempt)
    other_question = world["questions"][0].pk
    not_mine = [
        q.pk for q in world["questions"] if not attempt.items.filter(question_id=q.pk).exists()
    ]
    args = {
        "not_in_attempt": (not_mine[0] if not_mine else 10**6, ["A"], 5, NotFound),
        "tampered_option": (single, ["Z"], 5, ValidationFailed),
        "two_for_single": (single, ["A", "B"], 5, ValidationFailed),
        "duplicate": (single, ["A", "A"], 5, ValidationFailed),
        "not_a_list": (single, "A", 5, ValidationFailed),
        "seq0": (single, ["B"], 0, ValidationFailed),
    }[case]
    assert other_question
    with pytest.raises(args[3]):
        services.answer_save(
            actor=world["worker"], attempt=attempt, question_id=args[0], keys=args[1], seq=args[2]
        )
    assert snapshot(attempt) == before


def test_someone_elses_attempt_is_not_found_and_unchanged(world, clock):
    _, attempt = start(world, clock)
    q = attempt.items.first().question_id
    with pytest.raises(NotFound):
        services.answer_save(
            actor=world["worker2"], attempt=attempt, question_id=q, keys=["A"], seq=1
        )
    with pytest.raises(NotFound):
        services.attempt_submit(actor=world["worker2"], attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.state == "in_progress" and snapshot(attempt) == []


def test_submit_grades_once_and_writes_the_exam_result(world, clock):
    _, attempt = start(world, clock)
    for n, (q, keys) in enumerate(right_answers(attempt).items(), start=1):
        services.answer_save(
            actor=world["worker"], attempt=attempt, question_id=q, keys=keys, seq=n
        )
    done = services.attempt_submit(actor=world["worker"], attempt=attempt)
    assert done.state == "submitted" and done.score == Decimal("100.0") and done.passed
    again = services.attempt_submit(actor=world["worker"], attempt=attempt)
    assert (again.score, again.passed, again.result_id) == (done.score, True, done.result_id)
    (result,) = ExamResult.objects.all()
    assert (result.purpose, result.score, result.pass_mark, result.passed) == (
        "prejob",
        Decimal("100.0"),
        Decimal("80.0"),
        True,
    )
    assert result.enterprise_id == world["ent"].pk and result.person_id == world["person"].pk
    with pytest.raises(services.AttemptClosed):
        services.answer_save(
            actor=world["worker"], attempt=attempt, question_id=q, keys=keys, seq=99
        )


def test_partial_answers_and_blank_questions_score(world, clock):
    _, attempt = start(world, clock)
    answers = right_answers(attempt)
    multi = [i.question_id for i in attempt.items.filter(qtype="multiple")]
    singles = [i.question_id for i in attempt.items.filter(qtype="single")]
    services.answer_save(
        actor=world["worker"],
        attempt=attempt,
        question_id=multi[0],
        keys=answers[multi[0]][:1],
        seq=1,
    )
    services.answer_save(
        actor=world["worker"],
        attempt=attempt,
        question_id=singles[0],
        keys=answers[singles[0]],
        seq=1,
    )
    done = services.attempt_submit(actor=world["worker"], attempt=attempt)
    assert done.score == Decimal("15.0") and not done.passed  # 5 (half of a multiple) + 10


def test_time_limit_submits_with_saved_answers(world, clock):
    _, attempt = start(world, clock)
    answers = right_answers(attempt)
    first = next(iter(answers))
    services.answer_save(
        actor=world["worker"], attempt=attempt, question_id=first, keys=answers[first], seq=1
    )
    clock.advance(minutes=31)
    with pytest.raises(services.AttemptClosed):
        services.answer_save(
            actor=world["worker"], attempt=attempt, question_id=first, keys=["A"], seq=2
        )
    attempt.refresh_from_db()
    assert attempt.state == "expired" and attempt.score == Decimal("10.0")
    assert attempt.closed_at == attempt.deadline
    assert snapshot(attempt)[0][2] == 1
    assert ExamResult.objects.get().score == Decimal("10.0")


def test_close_expired_command_grades_open_attempts(world, clock, capsys):
    _, attempt = start(world, clock)
    clock.advance(minutes=30)
    call_command("exams", "close-expired")
    assert "attempts closed: 1" in capsys.readouterr().out
    attempt.refresh_from_db()
    assert attempt.state == "expired" and ExamResult.objects.count() == 1
    call_command("exams", "close-expired")
    assert ExamResult.objects.count() == 1


def test_one_active_attempt_per_person_and_attempt_limit(world, clock):
    exam, attempt = start(world, clock)
    second = make_exam(world["admin"], [world["person"]], rule=RULE)
    with pytest.raises(Conflict) as exc:
        services.attempt_start(actor=world["worker"], exam=second)
    assert exc.value.code == "attempt_active"
    services.attempt_submit(actor=world["worker"], attempt=attempt)
    with pytest.raises(Conflict) as exc:
        services.attempt_start(actor=world["worker"], exam=exam)
    assert exc.value.code == "attempt_limit"
    assert services.attempt_start(actor=world["worker"], exam=second).exam_id == second.pk


def test_window_and_non_candidates(world, clock):
    exam = make_exam(
        world["admin"],
        [world["person"]],
        rule=RULE,
        opens_at=clock.now + dt.timedelta(hours=1),
        closes_at=clock.now + dt.timedelta(hours=2),
    )
    with pytest.raises(Conflict) as exc:
        services.attempt_start(actor=world["worker"], exam=exam)
    assert exc.value.code == "exam_not_open"
    with pytest.raises(NotFound):
        services.attempt_start(actor=world["worker2"], exam=exam)
    assert Attempt.objects.count() == 0


def test_fixed_paper_keeps_the_version_asked(world, clock):
    from safetrain.questions.services import content_or_raise, question_edit

    ids = [q.pk for q in world["questions"][:3]]
    exam = make_exam(world["admin"], [world["person"]], question_ids=ids)
    q = world["questions"][0]
    asked = q.current_id
    content = content_or_raise(
        type="single",
        stem="改过的题干",
        options=["甲", "乙", "丙", "丁"],
        answer=["A"],
        sector="coal_mine",
        topic="法律法规",
    )
    question_edit(actor=None, question=q, content=content)
    q.refresh_from_db()
    assert q.current_id != asked
    attempt = services.attempt_start(actor=world["worker"], exam=exam)
    assert attempt.items.get(question_id=q.pk).version_id == asked


def test_spot_check_failure_adds_retraining_and_counts_in_awareness(world, clock):
    inspector = _inspector()
    exam = services.start_spot_check_exam(
        inspector=inspector, enterprise=world["ent"], persons=[world["person"]], question_count=5
    )
    assert exam.purpose == "spot_check" and exam.enterprise_id == world["ent"].pk
    # inspector-hosted: the inspector's device runs the attempt for the chosen person
    attempt = services.attempt_start(actor=inspector, exam=exam, person=world["person"])
    assert attempt.person_id == world["person"].pk and attempt.hosted_by_id == inspector.pk
    done = services.attempt_submit(actor=inspector, attempt=attempt)
    assert done.state == "submitted" and not done.passed
    r = Retraining.objects.get()
    assert (r.person_id, r.enterprise_id, r.cleared_on) == (
        world["person"].pk,
        world["ent"].pk,
        None,
    )
    result = ExamResult.objects.get()
    assert result.purpose == "spot_check" and not result.passed


def test_spot_check_refuses_persons_of_another_enterprise_and_workers(world, clock):
    inspector = _inspector()
    with pytest.raises(ValidationFailed):
        services.start_spot_check_exam(
            inspector=inspector, enterprise=world["ent"], persons=[world["outsider"]]
        )
    with pytest.raises(NotAllowed):
        services.start_spot_check_exam(
            inspector=world["worker"], enterprise=world["ent"], persons=[world["person"]]
        )
    assert Exam.objects.count() == 0


def test_integrity_events_recorded(world, clock):
    _, attempt = start(world, clock)
    services.integrity_event_record(actor=world["worker"], attempt=attempt, kind="hidden")
    with pytest.raises(ValidationFailed):
        services.integrity_event_record(actor=world["worker"], attempt=attempt, kind="bogus")
    assert list(attempt.events.values_list("kind", flat=True)) == ["hidden"]


def _inspector():
    from safetrain.people.tests.factories import make_user

    return make_user("inspector", region="140502")


def test_a_failed_spot_check_counts_in_the_awareness_rate(world, clock):
    from safetrain.compliance.engine import Scope, rates_from_records
    from safetrain.core.dates import today
    from safetrain.records.services import exam_result_add

    ent = world["ent"]
    scope = Scope(code=ent.credit_code, enterprise_id=ent.pk)
    day = today()
    exam_result_add(
        actor=None,
        person=world["person"],
        date=day - dt.timedelta(days=1) if day.month > 1 or day.day > 1 else day,
        purpose="risk_awareness",
        score=90,
        enterprise=ent,
    )
    before = rates_from_records(scope, day).awareness
    inspector = _inspector()
    exam = services.start_spot_check_exam(
        inspector=inspector, enterprise=ent, persons=[world["person"]], question_count=3
    )
    attempt = services.attempt_start(actor=inspector, exam=exam, person=world["person"])
    services.attempt_submit(actor=inspector, attempt=attempt)
    after = rates_from_records(scope, day).awareness
    assert (before.num, after.num) == (1, 0) and before.den == after.den == 2
