"""Course pages: market (scope, search, recommended first, query count), detail/enrol, quiz
(no key before submission), authoring with uploads, assignments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safetrain.core.dates import today
from safetrain.courses.models import Assignment, Course, Enrolment, QuizAttempt
from safetrain.courses.tests.factories import make_course
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user
from safetrain.records.services import violation_record

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def worker(client):
    employment = make_employment(job="瓦斯检查工")
    user = make_user("worker", person=employment.person)
    return user


def test_market_shows_published_only_to_workers(client, worker):
    make_course(title="瓦斯检查要点")
    make_course(title="草稿不可见", published=False)
    html = login(client, worker).get("/courses/").content.decode()
    assert "瓦斯检查要点" in html and "草稿不可见" not in html


def test_trainer_sees_own_drafts_not_others(client):
    trainer, other = make_user("trainer"), make_user("trainer")
    make_course(actor=trainer, title="我的草稿", published=False)
    make_course(actor=other, title="别人的草稿", published=False)
    html = login(client, trainer).get("/courses/").content.decode()
    assert "我的草稿" in html and "别人的草稿" not in html
    html = client.get("/courses/manage/").content.decode()
    assert "我的草稿" in html and "别人的草稿" not in html


def test_market_search_and_filters(client, worker):
    make_course(title="瓦斯检查工岗位操作", job_types=["coal_mine:瓦斯检查工"], topic="skills")
    make_course(
        title="危险化学品泄漏处置", sectors=["hazardous_chemicals"], topic="emergency", hours="6"
    )
    login(client, worker)
    section = lambda html: html.split('data-testid="all-courses"')[1]  # noqa: E731
    html = section(client.get("/courses/?q=泄漏").content.decode())
    assert "危险化学品泄漏处置" in html and "瓦斯检查工岗位操作" not in html
    html = section(client.get("/courses/?q=ＷＡＮＧ 泄漏").content.decode())  # full-width, no hit
    assert 'data-testid="no-courses"' in html
    html = section(client.get("/courses/?topic=skills").content.decode())
    assert "瓦斯检查工岗位操作" in html and "危险化学品泄漏处置" not in html
    html = section(client.get("/courses/?hours=8").content.decode())
    assert "危险化学品泄漏处置" in html and "瓦斯检查工岗位操作" not in html
    html = section(client.get("/courses/?job_type=coal_mine:瓦斯检查工").content.decode())
    assert "瓦斯检查工岗位操作" in html and "危险化学品泄漏处置" not in html


def test_recommended_for_my_post_then_findings(client, worker):
    make_course(title="与岗位无关", sectors=["metal_smelting"], topic="laws")
    make_course(title="瓦斯检查工专项", job_types=["coal_mine:瓦斯检查工"])
    warning = make_course(title="三违警示教育", topic="accident_cases")
    person = worker.person
    violation_record(
        actor=None,
        person=person,
        enterprise=person.employments.get().enterprise,
        date=today() - dt.timedelta(days=3),
        type="operation",
    )
    html = login(client, worker).get("/courses/").content.decode()
    recommended = html.split('data-testid="recommended"')[1].split("</section>")[0]
    assert recommended.index("瓦斯检查工专项") < recommended.index(warning.title)
    assert "与岗位无关" not in recommended


def test_market_query_count_is_flat(client, worker, django_assert_max_num_queries):
    for i in range(25):
        make_course(title=f"课程{i}", job_types=["coal_mine:瓦斯检查工"], sectors=["coal_mine"])
    login(client, worker)
    client.get("/courses/?q=课程")  # warm up session/caches
    with django_assert_max_num_queries(14):
        response = client.get("/courses/?q=课程")
    assert response.content.decode().count('data-testid="course-card"') == 20
    with django_assert_max_num_queries(40):  # with recommendations (compliance engine) too
        response = client.get("/courses/")
    assert response.status_code == 200


def test_detail_enrol_and_quiz_without_key(client, worker):
    course = make_course(quiz=True)
    login(client, worker)
    html = client.get(f"/courses/{course.pk}/").content.decode()
    assert 'data-testid="enrol"' in html
    client.post(f"/courses/{course.pk}/enrol/")
    enrolment = Enrolment.objects.get(person=worker.person, course=course)
    assert 'data-testid="enrolled"' in client.get(f"/courses/{course.pk}/").content.decode()
    quiz = client.get(f"/courses/{course.pk}/quiz/").content.decode()
    assert (
        "瓦斯浓度" in quiz and "correct" not in quiz and "答案" not in quiz and "Answer" not in quiz
    )
    q1, q2 = course.quiz_questions.all()
    result = client.post(f"/courses/{course.pk}/quiz/", {f"q{q1.pk}": "B", f"q{q2.pk}": ["A", "B"]})
    body = result.content.decode()
    assert 'data-testid="quiz-result"' in body and "100.0" in body
    assert QuizAttempt.objects.get(enrolment=enrolment).passed


def test_draft_and_other_enterprise_course_are_404(client, worker):
    draft = make_course(published=False)
    other = make_course(actor=make_user("enterprise_admin"))
    login(client, worker)
    assert client.get(f"/courses/{draft.pk}/").status_code == 404
    assert client.get(f"/courses/{other.pk}/").status_code == 404
    assert client.post(f"/courses/{draft.pk}/enrol/").status_code == 404


def _course_post(**extra):
    data = {
        "title": "叉车安全驾驶",
        "summary": "厂内机动车辆",
        "topic": "skills",
        "hours": "1.5",
        "sectors": ["industry_trade"],
        "job_types": ["industry_trade:叉车司机"],
        "published": "on",
        "lessons-TOTAL_FORMS": "2",
        "lessons-INITIAL_FORMS": "0",
        "lessons-MIN_NUM_FORMS": "0",
        "lessons-MAX_NUM_FORMS": "100",
        "lessons-0-title": "出车前检查",
        "lessons-0-kind": "text",
        "lessons-0-minutes": "70",
        "lessons-0-body": "<p>检查制动<script>alert(1)</script></p>",
        "lessons-1-title": "",
        "lessons-1-kind": "text",
    }
    data.update(extra)
    return data


def test_trainer_creates_course_with_pdf_and_bad_input(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    trainer = make_user("trainer")
    login(client, trainer)
    pdf = SimpleUploadedFile("规程.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(
        "/courses/new/",
        _course_post(
            **{
                "lessons-1-title": "操作规程",
                "lessons-1-kind": "pdf",
                "lessons-1-minutes": "10",
                "lessons-1-file": pdf,
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    course = Course.objects.get()
    assert [lesson.kind for lesson in course.lessons.all()] == ["text", "pdf"]
    assert "<script>" not in course.lessons.first().body
    assert (tmp_path / course.lessons.last().file.name).exists()
    # zero hours and a wrong file: errors on the page, nothing written
    bad = SimpleUploadedFile("v.mp4", b"not a video at all")
    response = client.post(
        "/courses/new/",
        _course_post(
            hours="0",
            **{
                "lessons-1-title": "视频",
                "lessons-1-kind": "video",
                "lessons-1-minutes": "5",
                "lessons-1-file": bad,
            },
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200 and "学时必须大于 0" in html and "文件内容与扩展名" in html
    assert Course.objects.count() == 1


def test_worker_and_inspector_may_not_author(client, worker):
    login(client, worker)
    assert client.get("/courses/new/").status_code == 403
    login(client, make_user("inspector"))
    assert client.get("/courses/new/").status_code == 403


def test_edit_and_quiz_editor(client):
    trainer = make_user("trainer")
    course = make_course(actor=trainer)
    login(client, trainer)
    lesson = course.lessons.get()
    data = _course_post(
        title="改名后的课程",
        **{
            "lessons-TOTAL_FORMS": "1",
            "lessons-INITIAL_FORMS": "1",
            "lessons-0-id": str(lesson.pk),
            "lessons-0-title": "改名课时",
        },
    )
    assert client.post(f"/courses/{course.pk}/edit/", data).status_code == 302
    course.refresh_from_db()
    assert course.title == "改名后的课程" and course.lessons.get().pk == lesson.pk
    text = "下列哪项是三违？\nA. 违章作业\nB. 按章作业\n答案：A\n解析：违章作业属于三违"
    assert (
        client.post(
            f"/courses/{course.pk}/quiz/edit/", {"questions": text, "pass_mark": "60"}
        ).status_code
        == 302
    )
    assert course.quiz_questions.get().choices.get(correct=True).key == "A"
    response = client.post(
        f"/courses/{course.pk}/quiz/edit/", {"questions": "只有题干", "pass_mark": "60"}
    )
    assert "Question 1" in response.content.decode() or "第 1 题" in response.content.decode()
    assert course.quiz_questions.count() == 1
    assert (
        login(client, make_user("trainer")).get(f"/courses/{course.pk}/quiz/edit/").status_code
        == 403
    )


def test_assign_page(client):
    ent = make_enterprise()
    make_employment(enterprise=ent, job="瓦斯检查工")
    make_employment(enterprise=ent, job="采煤工")
    admin = make_user("enterprise_admin", enterprise=ent)
    course = make_course()
    login(client, admin)
    due = (today() + dt.timedelta(days=20)).isoformat()
    response = client.post(
        "/courses/assign/",
        {
            "course": course.pk,
            "due_date": due,
            "training_kind": "continuing",
            "job_types": ["coal_mine:瓦斯检查工"],
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.get().enrolled_count == 1
    response = client.post(
        "/courses/assign/",
        {
            "course": course.pk,
            "due_date": due,
            "training_kind": "continuing",
            "hired_since": "2099-01-01",
        },
    )
    assert response.status_code == 200 and "没有符合条件" in response.content.decode()
    assert Assignment.objects.count() == 1 and Enrolment.objects.count() == 1
    login(client, make_user("trainer"))
    assert client.get("/courses/assign/").status_code == 403
