"""Study API, course part (DESIGN §5): POST /courses, POST /courses/{id}/enrol, GET /courses."""

from __future__ import annotations

import json

import pytest

from safetrain.courses.models import Course, Enrolment
from safetrain.courses.tests.factories import make_course
from safetrain.people.services import token_create
from safetrain.people.tests.factories import make_employment, make_user

pytestmark = pytest.mark.django_db

BODY = {
    "title": "瓦斯检查工岗位安全操作",
    "hours": 2,
    "sectors": ["coal_mine"],
    "job_types": ["coal_mine:瓦斯检查工"],
    "topic": "skills",
    "lessons": [
        {"title": "瓦斯的性质与危害", "kind": "text", "duration_seconds": 5400},
        {"title": "光学瓦斯检定器的使用", "kind": "video", "duration_seconds": 900},
    ],
}


def call(client, user, method, url, body=None):
    token = token_create(user=user)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


def test_create_course_exact_shape(client):
    trainer = make_user("trainer")
    response = call(client, trainer, "post", "/api/v1/courses", BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "lessons"}
    course = Course.objects.get(pk=data["id"])
    assert data["lessons"] == [{"id": pk} for pk in course.lessons.values_list("pk", flat=True)]
    assert course.published and course.author == trainer and course.source == "api"
    assert [lesson.kind for lesson in course.lessons.all()] == ["text", "video"]


def test_create_with_quiz_and_admin_roles(client):
    body = dict(
        BODY, quiz=[{"stem": "瓦斯爆炸下限约为？", "choices": ["5%", "16%"], "answer": ["A"]}]
    )
    for role in ("city_admin", "county_admin", "enterprise_admin"):
        response = call(client, make_user(role), "post", "/api/v1/courses", body)
        assert response.status_code == 201, (role, response.content)
    assert Course.objects.filter(quiz_questions__isnull=False).distinct().count() == 3


@pytest.mark.parametrize(
    "change,field",
    [
        ({"hours": 0}, "hours"),
        ({"hours": 3.064661597101312e227}, "hours"),  # was a 500 (found by tests/security)
        ({"topic": "nope"}, "topic"),
        ({"job_types": ["coal_mine:不存在"]}, "job_types"),
        ({"lessons": []}, "lessons"),
        ({"lessons": [{"title": "x", "kind": "audio", "duration_seconds": 5}]}, "lessons[0].kind"),
        (
            {"lessons": [{"title": "x", "kind": "text", "duration_seconds": -5}]},
            "lessons[0].duration_seconds",
        ),
    ],
)
def test_create_bad_input(client, change, field):
    response = call(client, make_user("trainer"), "post", "/api/v1/courses", dict(BODY, **change))
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "validation_failed" and field in data["fields"]
    assert Course.objects.count() == 0


def test_create_missing_field_and_roles(client):
    body = {k: v for k, v in BODY.items() if k != "hours"}
    response = call(client, make_user("trainer"), "post", "/api/v1/courses", body)
    assert response.status_code == 422 and response.json()["code"] == "validation_failed"
    for role in ("worker", "inspector"):
        response = call(client, make_user(role), "post", "/api/v1/courses", BODY)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert client.post("/api/v1/courses", BODY, content_type="application/json").status_code == 401
    assert Course.objects.count() == 0


def test_enrol(client):
    person = make_employment().person
    worker = make_user("worker", person=person)
    course = make_course()
    first = call(client, worker, "post", f"/api/v1/courses/{course.pk}/enrol")
    assert first.status_code == 201
    enrolment = Enrolment.objects.get(pk=first.json()["enrolment"])
    assert enrolment.person == person and enrolment.source == "self"
    again = call(client, worker, "post", f"/api/v1/courses/{course.pk}/enrol")
    assert again.status_code == 200 and again.json() == first.json()
    draft = make_course(published=False)
    assert call(client, worker, "post", f"/api/v1/courses/{draft.pk}/enrol").status_code == 404
    assert call(client, worker, "post", "/api/v1/courses/999999/enrol").status_code == 404
    trainer = make_user("trainer")
    response = call(client, trainer, "post", f"/api/v1/courses/{course.pk}/enrol")
    assert response.status_code == 403


def test_list_scope_filters_and_query_count(client, django_assert_max_num_queries):
    trainer = make_user("trainer")
    for i in range(12):
        make_course(
            actor=trainer, title=f"瓦斯防治第{i}讲", job_types=["coal_mine:瓦斯检查工"], lessons=2
        )
    make_course(
        actor=trainer, title="危化品装卸", topic="emergency", sectors=["hazardous_chemicals"]
    )
    draft = make_course(actor=trainer, title="草稿课程", published=False)
    worker = make_user("worker", person=make_employment().person)
    token = token_create(user=worker)
    with django_assert_max_num_queries(8):
        data = client.get(
            "/api/v1/courses?page_size=50", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).json()
    assert data["count"] == 13 and draft.pk not in [c["id"] for c in data["items"]]
    assert data["items"][-1]["lessons"] == 2 and data["items"][-1]["job_types"] == [
        "coal_mine:瓦斯检查工"
    ]
    data = client.get("/api/v1/courses?q=瓦斯 1讲", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert sorted(c["title"] for c in data["items"]) == ["瓦斯防治第11讲", "瓦斯防治第1讲"]
    data = client.get(
        "/api/v1/courses?topic=emergency", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert [c["title"] for c in data["items"]] == ["危化品装卸"]
    data = client.get(
        "/api/v1/courses?sector=hazardous_chemicals", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert data["count"] == 1
    # the trainer also sees their own draft
    data = call(client, trainer, "get", "/api/v1/courses?page_size=50").json()
    assert data["count"] == 14
