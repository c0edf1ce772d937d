"""Study services on the database: sessions, heartbeats, refusals logged, completion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from safetrain.compliance.engine import evaluate_person
from safetrain.core.errors import Conflict, NotFound
from safetrain.courses.services import enrol, quiz_submit
from safetrain.records.models import TrainingRecord
from safetrain.study import services
from safetrain.study.models import HeartbeatLog, LessonProgress, StudySession, XapiStatement
from safetrain.study.selectors import my_courses, year_hours
from safetrain.study.services import HeartbeatRefused
from safetrain.study.tests.factories import make_learner, make_study_course, study_lesson

pytestmark = pytest.mark.django_db


def beat(user, session, position, visible=True, **kw):
    return services.heartbeat(
        actor=user, session_id=session.pk, position_seconds=position, visible=visible, **kw
    )


def test_heartbeats_credit_wall_time_and_keep_resume_position(tc):
    learner = make_learner()
    lesson = learner.course.lessons.first()
    session = services.study_start(actor=learner.user, lesson_id=lesson.pk)
    for i in range(1, 5):
        tc.advance(30)
        result = beat(learner.user, session, 30 * i)
    assert result.credited_seconds == 120 and result.furthest_seconds == 120
    progress = LessonProgress.objects.get(enrolment=learner.enrolment, lesson=lesson)
    assert progress.position_seconds == 120
    # a new session resumes where the last one stopped
    tc.advance(3600)
    again = services.study_start(actor=learner.user, lesson_id=lesson.pk)
    assert again.anchor_position == 120
    tc.advance(30)
    assert beat(learner.user, again, 150).credited_seconds == 150


def test_second_session_ends_the_first_and_its_heartbeats_credit_nothing(tc):
    learner = make_learner()
    lesson = learner.course.lessons.first()
    laptop = services.study_start(actor=learner.user, lesson_id=lesson.pk)
    tc.advance(30)
    beat(learner.user, laptop, 30)
    phone = services.study_start(actor=learner.user, lesson_id=lesson.pk)
    assert StudySession.objects.filter(user=learner.user, ended_at__isnull=True).get() == phone
    tc.advance(30)
    with pytest.raises(HeartbeatRefused) as err:
        beat(learner.user, laptop, 60)
    assert err.value.code == "session_ended" and err.value.status == 409
    assert HeartbeatLog.objects.get(session=laptop).reason == "session_ended"
    assert LessonProgress.objects.get(lesson=lesson).credited_seconds == 30
    terminated = XapiStatement.objects.filter(verb__endswith="/terminated")
    assert terminated.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"position": 60, "seq": 1}, "heartbeat_replayed"),  # seq 1 again
        ({"position": 60, "seq": 2, "sent_at_shift": 600}, "heartbeat_from_future"),
        ({"position": 400, "seq": 2}, "position_ahead"),
        ({"position": 99_999, "seq": 2}, "position_invalid"),
    ],
)
def test_forged_heartbeats_credit_nothing_and_are_logged(tc, kwargs, code):
    learner = make_learner()
    lesson = learner.course.lessons.first()
    session = services.study_start(actor=learner.user, lesson_id=lesson.pk)
    tc.advance(30)
    beat(learner.user, session, 30, seq=1, sent_at=tc.now())
    tc.advance(30)
    shift = kwargs.pop("sent_at_shift", 0)
    with pytest.raises(HeartbeatRefused) as err:
        beat(
            learner.user,
            session,
            kwargs["position"],
            seq=kwargs["seq"],
            sent_at=tc.now() + dt.timedelta(seconds=shift),
        )
    assert err.value.code == code
    log = HeartbeatLog.objects.get(session=session)
    assert log.position_seconds == kwargs["position"]
    progress = LessonProgress.objects.get(lesson=lesson)
    assert progress.credited_seconds == 30 and progress.position_seconds == 30
    session.refresh_from_db()
    assert session.rejected == 1 and session.anchor_position == 30


def test_someone_elses_session_is_not_found(tc):
    learner, other = make_learner(), make_learner()
    session = services.study_start(actor=learner.user, lesson_id=learner.course.lessons.first().pk)
    with pytest.raises(NotFound):
        beat(other.user, session, 30)
    with pytest.raises(NotFound):
        services.heartbeat(
            actor=learner.user, session_id="not-a-uuid", position_seconds=1, visible=True
        )


def test_studying_needs_an_enrolment():
    learner = make_learner()
    other_course = make_study_course()
    with pytest.raises(Conflict) as err:
        services.study_start(actor=learner.user, lesson_id=other_course.lessons.first().pk)
    assert err.value.code == "not_enrolled"


def test_completion_writes_a_training_record_the_compliance_engine_counts(
    tc, django_capture_on_commit_callbacks
):
    learner = make_learner()  # course: 1 学时 = 2700 s over lessons of 1800 s and 900 s
    first, second = learner.course.lessons.all()
    before = year_hours(learner.enrolment.person, tc.now().year)
    study_lesson(tc, learner.user, first.pk, 1800)
    learner.enrolment.refresh_from_db()
    assert learner.enrolment.completed_at is None  # 1800 s of 2700 s
    result = study_lesson(tc, learner.user, second.pk, 900)
    assert result.completed and result.credited_seconds == 900
    learner.enrolment.refresh_from_db()
    record = learner.enrolment.training_record
    assert learner.enrolment.completed_at is not None
    assert record.hours == Decimal("1.0") and record.kind == "continuing"
    assert record.channel == "online" and record.source == "system"
    assert record.enterprise_id == learner.enrolment.enterprise_id
    assert TrainingRecord.objects.filter(person=learner.enrolment.person).count() == 1
    after = year_hours(learner.enrolment.person, tc.now().year)
    assert after.hours == before.hours + 1 and after.required == Decimal("20.0")
    finding = next(
        f
        for f in evaluate_person(learner.enrolment.person).findings
        if f.code == "ANNUAL_HOURS_PENDING"
    )
    assert finding.detail["done_hours"] == 1.0
    assert XapiStatement.objects.filter(verb__endswith="/completed").count() == 1
    # watching again after completion credits nothing more and writes no second record
    again = services.study_start(actor=learner.user, lesson_id=second.pk)
    for position in (0, 30, 60):
        tc.advance(30)
        assert beat(learner.user, again, position).credited_seconds == 900
    assert TrainingRecord.objects.filter(person=learner.enrolment.person).count() == 1


def test_course_with_quiz_completes_when_the_quiz_is_passed(tc, django_capture_on_commit_callbacks):
    course = make_study_course(hours="0.5", durations=(1350,), quiz=True)
    learner = make_learner(course)
    study_lesson(tc, learner.user, course.lessons.first().pk, 1350)
    learner.enrolment.refresh_from_db()
    assert learner.enrolment.completed_at is None  # time done, quiz not yet passed
    q1, q2 = course.quiz_questions.all()
    with django_capture_on_commit_callbacks(execute=True):
        quiz_submit(actor=learner.user, enrolment=learner.enrolment, answers={str(q1.pk): ["A"]})
    learner.enrolment.refresh_from_db()
    assert learner.enrolment.completed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        quiz_submit(
            actor=learner.user,
            enrolment=learner.enrolment,
            answers={str(q1.pk): ["B"], str(q2.pk): ["A"]},
        )
    learner.enrolment.refresh_from_db()
    assert learner.enrolment.completed_at is not None
    assert learner.enrolment.training_record.hours == Decimal("0.5")
    verbs = list(XapiStatement.objects.values_list("verb", flat=True))
    assert [v.rsplit("/", 1)[1] for v in verbs if v.endswith(("passed", "failed"))] == [
        "failed",
        "passed",
    ]


def test_assignment_kind_is_the_records_kind(tc):
    from safetrain.courses.models import Enrolment

    learner = make_learner(make_study_course(hours="0.5", durations=(1350,)))
    Enrolment.objects.filter(pk=learner.enrolment.pk).update(training_kind="special")
    study_lesson(tc, learner.user, learner.course.lessons.first().pk, 1350)
    learner.enrolment.refresh_from_db()
    assert learner.enrolment.training_record.kind == "special"


def test_my_courses_shows_progress_and_where_to_continue(tc, django_assert_max_num_queries):
    learner = make_learner()
    first, second = learner.course.lessons.all()
    study_lesson(tc, learner.user, second.pk, 300)
    enrol(learner.user, make_study_course())
    with django_assert_max_num_queries(3):
        rows = my_courses(learner.enrolment.person)
    row = next(r for r in rows if r.enrolment.pk == learner.enrolment.pk)
    assert row.credited_seconds == 300 and row.resume_lesson == second
    assert row.percent == 11  # 300 of 2700
    other = next(r for r in rows if r.enrolment.pk != learner.enrolment.pk)
    assert other.credited_seconds == 0 and other.resume_lesson.order == 1
