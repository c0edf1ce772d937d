"""Course, quiz, enrolment and assignment services: happy paths and refusals (nothing written)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safetrain.core.errors import NotAllowed, NotFound, ValidationFailed
from safetrain.courses.models import Assignment, Course, Enrolment, Lesson
from safetrain.courses.services import (
    CourseSpec,
    GroupSpec,
    LessonSpec,
    assignment_create,
    course_create,
    course_update,
    enrol,
    quiz_passed,
    quiz_submit,
)
from safetrain.courses.tests.factories import make_course
from safetrain.enterprises.models import OrgUnit
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)


def spec(**kw):
    values = dict(
        title="瓦斯检查工岗位安全",
        hours="2.5",
        topic="skills",
        sectors=["coal_mine"],
        job_types=["coal_mine:瓦斯检查工"],
        lessons=[LessonSpec(title="瓦斯的性质", body="<p>甲烷</p>", duration_seconds=7200)],
    )
    values.update(kw)
    return CourseSpec(**values)


def test_create_course_with_lessons_and_search_text():
    trainer = make_user("trainer")
    course = course_create(
        actor=trainer,
        spec=spec(
            lessons=[
                LessonSpec(
                    title="瓦斯的性质",
                    body="<p>甲烷<script>x()</script></p>",
                    duration_seconds=7200,
                ),
                LessonSpec(
                    title="检查方法",
                    body="<p onclick='x'>光学瓦斯检定器</p>",
                    duration_seconds=7200,
                ),
            ]
        ),
    )
    assert course.hours == Decimal("2.5") and course.author == trainer and course.enterprise is None
    assert [s.code for s in course.sectors.all()] == ["coal_mine"]
    assert [j.name for j in course.job_types.all()] == ["瓦斯检查工"]
    lessons = list(course.lessons.all())
    assert [(x.order, x.title) for x in lessons] == [(1, "瓦斯的性质"), (2, "检查方法")]
    assert lessons[0].body == "<p>甲烷</p>" and lessons[1].body == "<p>光学瓦斯检定器</p>"
    assert "光学瓦斯检定器" in course.search_text and "瓦斯检查工" in course.search_text


def test_job_type_adds_its_sector_and_name_is_accepted():
    course = course_create(actor=None, spec=spec(sectors=[], job_types=["煤气工"]))
    assert [s.code for s in course.sectors.all()] == ["metal_smelting"]


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": "1.25"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"title": " "}, "title"),
        ({"topic": "fun"}, "topic"),
        ({"sectors": ["coal"]}, "sectors"),
        ({"job_types": ["no such job"]}, "job_types"),
        ({"lessons": []}, "lessons"),
        ({"lessons": [LessonSpec(title="x", kind="audio", duration_seconds=1)]}, "lessons[0].kind"),
        ({"lessons": [LessonSpec(title="x", duration_seconds=0)]}, "lessons[0].duration_seconds"),
        ({"lessons": [LessonSpec(title="", duration_seconds=5)]}, "lessons[0].title"),
    ],
)
def test_bad_course_input_names_the_field_and_writes_nothing(kw, field):
    with pytest.raises(ValidationFailed) as err:
        course_create(actor=make_user("trainer"), spec=spec(**kw))
    assert field in err.value.fields
    assert Course.objects.count() == 0 and Lesson.objects.count() == 0


def test_refused_attempts_are_logged(caplog):
    trainer = make_user("trainer")
    bad = SimpleUploadedFile("a.exe", b"MZ")
    with caplog.at_level("WARNING", logger="safetrain.courses"), pytest.raises(ValidationFailed):
        course_create(
            actor=trainer,
            spec=spec(
                hours="0",
                lessons=[LessonSpec(title="l", kind="pdf", duration_seconds=7200, file=bad)],
            ),
        )
    (record,) = caplog.records
    assert trainer.username in record.getMessage() and "hours" in record.getMessage()
    assert "lessons[0].file" in record.getMessage()


def test_uploads_checked_for_type_size_and_content(settings):
    settings.COURSES_MAX_PDF_BYTES = 100
    good = SimpleUploadedFile("规程.pdf", b"%PDF-1.4 tiny", content_type="application/pdf")
    course = course_create(
        actor=None,
        spec=spec(lessons=[LessonSpec(title="规程", kind="pdf", duration_seconds=7200, file=good)]),
    )
    assert course.lessons.get().file.name.endswith(".pdf")
    cases = [
        (
            "pdf",
            SimpleUploadedFile("a.exe", b"MZ", content_type="application/pdf"),
            "不支持的文件类型",
        ),
        ("pdf", SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 200), "文件过大"),
        ("pdf", SimpleUploadedFile("a.pdf", b"hello"), "不符"),
        ("video", SimpleUploadedFile("a.mp4", b"0000notavideo"), "不符"),
        ("video", SimpleUploadedFile("a.avi", b"RIFF"), "不支持的文件类型"),
    ]
    for kind, file, reason in cases:
        with pytest.raises(ValidationFailed) as err:
            course_create(
                actor=None,
                spec=spec(
                    title="x",
                    lessons=[LessonSpec(title="l", kind=kind, duration_seconds=7200, file=file)],
                ),
            )
        assert reason in err.value.fields["lessons[0].file"]
    assert Course.objects.count() == 1


def test_roles_that_may_not_author():
    for role in ("worker", "inspector"):
        with pytest.raises(NotAllowed):
            course_create(actor=make_user(role), spec=spec())


def test_update_keeps_lessons_by_id_bumps_version_and_checks_owner():
    trainer = make_user("trainer")
    course = make_course(actor=trainer, lessons=2, published=True)
    first, second = course.lessons.all()
    updated = course_update(
        actor=trainer,
        course=course,
        spec=spec(
            published=True,
            lessons=[
                LessonSpec(id=second.pk, title="改为第一课", duration_seconds=7200),
                LessonSpec(title="新课时", duration_seconds=7200),
            ],
        ),
    )
    assert updated.version == 2
    assert [(x.pk == second.pk, x.order, x.title) for x in updated.lessons.all()] == [
        (True, 1, "改为第一课"),
        (False, 2, "新课时"),
    ]
    assert not Lesson.objects.filter(pk=first.pk).exists()
    with pytest.raises(NotAllowed):
        course_update(actor=make_user("trainer"), course=course, spec=spec())


def test_enrol_is_idempotent_and_needs_published_course():
    employment = make_employment()
    worker = make_user("worker", person=employment.person)
    course = make_course()
    e1 = enrol(worker, course, source="self")
    e2 = enrol(worker, course, source="self")
    assert e1.pk == e2.pk and e1.enterprise_id == employment.enterprise_id
    assert e1.training_kind == "continuing" and e1.source == "self"
    with pytest.raises(NotFound):
        enrol(worker, make_course(published=False), source="self")
    with pytest.raises(NotAllowed):
        enrol(make_user("trainer"), course, source="self")


def test_enterprise_course_only_for_its_people():
    ent = make_enterprise()
    admin = make_user("enterprise_admin", enterprise=ent)
    course = make_course(actor=admin)
    assert course.enterprise == ent
    inside = make_employment(enterprise=ent).person
    outside = make_employment().person
    assert enrol(inside, course).pk
    with pytest.raises(NotFound):
        enrol(outside, course)


def test_quiz_grading_and_quiz_passed():
    person = make_employment().person
    plain = enrol(person, make_course())
    assert quiz_passed(plain) is True
    course = make_course(quiz=True)
    enrolment = enrol(person, course)
    assert quiz_passed(enrolment) is False
    q1, q2 = course.quiz_questions.all()
    attempt = quiz_submit(
        actor=None, enrolment=enrolment, answers={str(q1.pk): ["A"], str(q2.pk): ["B", "A"]}
    )
    assert attempt.score == Decimal("50.0") and attempt.passed  # pass mark 50
    assert quiz_passed(enrolment) is True
    fail = quiz_submit(
        actor=None, enrolment=enrolment, answers={str(q1.pk): ["A"], str(q2.pk): ["A"]}
    )
    assert fail.score == Decimal("0.0") and not fail.passed
    with pytest.raises(ValidationFailed):
        quiz_submit(actor=None, enrolment=enrolment, answers={"999999": ["A"]})


@pytest.fixture
def roster():
    ent = make_enterprise()
    company = OrgUnit.objects.create(enterprise=ent, name="公司", kind="company")
    shop = OrgUnit.objects.create(enterprise=ent, parent=company, name="通风区", kind="workshop")
    team = OrgUnit.objects.create(enterprise=ent, parent=shop, name="瓦检班", kind="team")
    gas = make_employment(enterprise=ent, job="瓦斯检查工", start=dt.date(2020, 1, 1))
    gas.posts.update(org_unit=team)
    new = make_employment(enterprise=ent, job="采煤工", start=dt.date(2026, 9, 1))
    boss = make_employment(enterprise=ent, role="safety_manager", start=dt.date(2019, 1, 1))
    gone = make_employment(enterprise=ent, job="瓦斯检查工", end=dt.date(2025, 1, 1))
    return {
        "ent": ent,
        "shop": shop,
        "gas": gas,
        "new": new,
        "boss": boss,
        "gone": gone,
        "admin": make_user("enterprise_admin", enterprise=ent),
    }


def _assign(roster, group, **kw):
    return assignment_create(
        actor=roster["admin"],
        enterprise=roster["ent"],
        course=kw.pop("course", None) or make_course(),
        group=group,
        due_date=kw.pop("due_date", TODAY + dt.timedelta(days=30)),
        on=TODAY,
        **kw,
    )


@pytest.mark.parametrize(
    "group,who",
    [
        (lambda r: GroupSpec(), ["gas", "new", "boss"]),
        (lambda r: GroupSpec(job_types=[r["gas"].posts.get().job_type]), ["gas"]),
        (lambda r: GroupSpec(org_unit=r["shop"]), ["gas"]),
        (lambda r: GroupSpec(role_categories=["safety_manager"]), ["boss"]),
        (lambda r: GroupSpec(hired_since=dt.date(2026, 1, 1)), ["new"]),
    ],
)
def test_assignment_groups(roster, group, who):
    assignment = _assign(roster, group(roster), training_kind="special")
    enrolled = set(
        Enrolment.objects.filter(assignment=assignment).values_list("person_id", flat=True)
    )
    assert enrolled == {roster[k].person_id for k in who}
    assert assignment.enrolled_count == len(who)
    e = Enrolment.objects.filter(assignment=assignment).first()
    assert (
        e.source == "assigned"
        and e.training_kind == "special"
        and e.due_date == assignment.due_date
    )


def test_assignment_attaches_to_open_self_enrolment(roster):
    course = make_course()
    own = enrol(roster["gas"].person, course, on=TODAY)
    assignment = _assign(roster, GroupSpec(role_categories=["worker"]), course=course)
    own.refresh_from_db()
    assert own.assignment == assignment and own.source == "assigned"
    assert Enrolment.objects.filter(course=course).count() == 2


def test_assignment_refusals_write_nothing(roster, caplog):
    with (
        caplog.at_level("WARNING", logger="safetrain.courses"),
        pytest.raises(ValidationFailed) as err,
    ):
        _assign(roster, GroupSpec(hired_since=dt.date(2027, 1, 1)))
    assert err.value.code == "empty_group"
    assert "assignment_create refused" in caplog.text and roster["admin"].username in caplog.text
    with pytest.raises(ValidationFailed) as err:
        _assign(roster, GroupSpec(), due_date=TODAY - dt.timedelta(days=1))
    assert "due_date" in err.value.fields
    with pytest.raises(ValidationFailed) as err:
        _assign(roster, GroupSpec(), course=make_course(published=False))
    assert "course" in err.value.fields
    other = make_user("enterprise_admin")
    with pytest.raises(NotAllowed):
        assignment_create(
            actor=other,
            enterprise=roster["ent"],
            course=make_course(),
            group=GroupSpec(),
            due_date=TODAY,
            on=TODAY,
        )
    assert Assignment.objects.count() == 0 and Enrolment.objects.count() == 0


def test_edit_that_would_delete_a_studied_lesson_is_refused(monkeypatch):
    from django.db.models import ProtectedError
    from django.db.models.query import QuerySet

    trainer = make_user("trainer")
    course = make_course(actor=trainer, lessons=2)
    first, second = course.lessons.all()
    original = QuerySet.delete

    def protected(self):  # as when the study app's sessions point at the lesson (PROTECT)
        if self.model is Lesson and self.filter(pk=first.pk).exists():
            raise ProtectedError("protected", {first})
        return original(self)

    monkeypatch.setattr(QuerySet, "delete", protected)
    with pytest.raises(ValidationFailed) as err:
        course_update(
            actor=trainer,
            course=course,
            spec=spec(lessons=[LessonSpec(id=second.pk, title="保留", duration_seconds=7200)]),
        )
    assert "不能删除" in err.value.fields["lessons"]
    course.refresh_from_db()
    assert course.title != "瓦斯检查工岗位安全" and course.lessons.count() == 2


def test_a_course_whose_lessons_are_shorter_than_its_hours_is_refused():
    """Study credit never passes a lesson's length: such a course could never be completed."""
    trainer = make_user("trainer")
    before = Course.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        course_create(
            actor=trainer,
            spec=spec(hours="2", lessons=[LessonSpec(title="短课", duration_seconds=45 * 60)]),
        )
    assert "lessons" in exc.value.fields and "90 分钟" in exc.value.fields["lessons"]
    assert Course.objects.count() == before
    ok = course_create(
        actor=trainer,
        spec=spec(hours="2", lessons=[LessonSpec(title="整课", duration_seconds=90 * 60)]),
    )
    assert ok.hours == 2
