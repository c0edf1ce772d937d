"""The worker's study pages: my courses (hours against the post, to-dos, continue) and lessons."""

from __future__ import annotations

import json

import pytest

from safetrain.courses.services import enrol
from safetrain.people.tests.factories import PASSWORD, make_user
from safetrain.study.tests.factories import make_learner, make_study_course, study_lesson

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_my_courses_page(client, tc, django_assert_max_num_queries):
    learner = make_learner()
    second = learner.course.lessons.all()[1]
    study_lesson(tc, learner.user, second.pk, 300)
    enrol(learner.user, make_study_course())
    c = signed_in(client, learner.user)
    c.get("/study/")  # warm the session and caches
    with django_assert_max_num_queries(25):
        r = c.get("/study/")
    html = r.content.decode()
    assert r.status_code == 200
    assert f"/study/lessons/{second.pk}/" in html  # continue where I stopped
    assert 'data-testid="hours-required">20.0<' in html  # coal mine worker: 20 学时 a year
    assert "/compliance/todo/" in html


def test_lesson_page_carries_the_resume_position(client, tc):
    learner = make_learner()
    first = learner.course.lessons.first()
    study_lesson(tc, learner.user, first.pk, 120)
    r = signed_in(client, learner.user).get(f"/study/lessons/{first.pk}/")
    assert r.status_code == 200
    config = json.loads(
        r.content.decode()
        .split('id="study-config" type="application/json">')[1]
        .split("</script>")[0]
    )
    assert config["position"] == 120 and config["credited"] == 120
    html = r.content.decode()
    assert "/static/study/lesson.js" in html


def test_lesson_page_needs_enrolment_and_a_worker(client):
    learner = make_learner()
    other = make_study_course()
    c = signed_in(client, learner.user)
    r = c.get(f"/study/lessons/{other.lessons.first().pk}/")
    assert r.status_code == 302 and r["Location"] == f"/courses/{other.pk}/"
    assert c.get("/study/lessons/999999/").status_code == 404
    admin = signed_in(client, make_user("city_admin"))
    r = admin.get(f"/study/lessons/{other.lessons.first().pk}/")
    assert r.status_code == 302 and r["Location"] == f"/courses/lessons/{other.lessons.first().pk}/"
    assert admin.get("/study/").status_code == 403
