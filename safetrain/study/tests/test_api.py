"""The Study API as a phone uses it: exactly the DESIGN §5 shapes, forged heartbeats refused."""

from __future__ import annotations

import json
import uuid

import pytest

from safetrain.core.dates import today
from safetrain.people.services import token_create
from safetrain.people.tests.factories import make_employment, make_user
from safetrain.study.models import HeartbeatLog, LessonProgress
from safetrain.study.tests.factories import make_learner, make_study_course

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, client, user):
        self.client = client
        self.auth = f"Bearer {token_create(user=user)}"

    def post(self, url, body=None):
        return self.client.post(
            "/api/v1" + url,
            data=json.dumps(body or {}),
            content_type="application/json",
            HTTP_AUTHORIZATION=self.auth,
        )

    def get(self, url):
        return self.client.get("/api/v1" + url, HTTP_AUTHORIZATION=self.auth)


def start(api, lesson):
    r = api.post(f"/lessons/{lesson.pk}/study")
    assert r.status_code == 201, r.content
    return r.json()


def test_study_and_heartbeat_shapes(client, tc, django_assert_max_num_queries):
    learner = make_learner()
    api = Api(client, learner.user)
    lesson = learner.course.lessons.first()
    body = start(api, lesson)
    assert set(body) == {"session", "heartbeat_seconds"} and body["heartbeat_seconds"] == 30
    url = f"/study/{body['session']}/heartbeat"
    tc.advance(30)
    # token, session+progress+lesson+enrolment+course (locked), two updates, the course total
    # (+ the savepoint pair of the test transaction)
    with django_assert_max_num_queries(7):
        r = api.post(url, {"position_seconds": 30, "visible": True})
    assert r.status_code == 200 and r.json()["credited_seconds"] == 30
    tc.advance(30)
    r = api.post(url, {"position_seconds": 60, "visible": False})
    assert r.json()["credited_seconds"] == 30  # hidden: nothing more
    tc.advance(30)
    assert api.post(url, {"position_seconds": 90, "visible": True}).json()["credited_seconds"] == 60
    # a second device ends the first session
    phone = start(api, lesson)
    tc.advance(30)
    r = api.post(url, {"position_seconds": 120, "visible": True})
    assert r.status_code == 409 and r.json()["code"] == "session_ended"
    assert set(r.json()) == {"code", "message", "fields"}
    r = api.post(f"/study/{phone['session']}/heartbeat", {"position_seconds": 120, "visible": True})
    assert r.json()["credited_seconds"] == 90


@pytest.mark.parametrize(
    ("second", "status", "code"),
    [
        ({"position_seconds": 60, "visible": True, "seq": 1}, 409, "heartbeat_replayed"),
        (
            {
                "position_seconds": 60,
                "visible": True,
                "seq": 2,
                "sent_at": "2099-01-01T00:00:00+08:00",
            },
            422,
            "heartbeat_from_future",
        ),
        ({"position_seconds": 500, "visible": True, "seq": 2}, 422, "position_ahead"),
    ],
)
def test_forged_and_replayed_heartbeats_credit_nothing(client, tc, second, status, code):
    learner = make_learner()
    api = Api(client, learner.user)
    lesson = learner.course.lessons.first()
    url = f"/study/{start(api, lesson)['session']}/heartbeat"
    tc.advance(30)
    first = {"position_seconds": 30, "visible": True, "seq": 1, "sent_at": tc.now().isoformat()}
    assert api.post(url, first).json()["credited_seconds"] == 30
    tc.advance(30)
    r = api.post(url, second)
    assert (r.status_code, r.json()["code"]) == (status, code), r.content
    assert LessonProgress.objects.get(lesson=lesson).credited_seconds == 30
    log = HeartbeatLog.objects.get()
    assert log.reason and log.remote_addr == "127.0.0.1"


def test_replaying_a_whole_request_credits_nothing(client, tc):
    """A captured request sent again (same body, no seq) moves no play clock."""
    learner = make_learner()
    api = Api(client, learner.user)
    url = f"/study/{start(api, learner.course.lessons.first())['session']}/heartbeat"
    tc.advance(30)
    body = {"position_seconds": 30, "visible": True}
    assert api.post(url, body).json()["credited_seconds"] == 30
    for _ in range(3):
        tc.advance(30)
        assert api.post(url, body).json()["credited_seconds"] == 30


def test_bad_bodies_and_unknown_sessions(client, tc):
    learner = make_learner()
    api = Api(client, learner.user)
    session = start(api, learner.course.lessons.first())["session"]
    r = api.post(f"/study/{session}/heartbeat", {"position_seconds": -1, "visible": True})
    assert r.status_code == 422 and "position_seconds" in r.json()["fields"]
    r = api.post(f"/study/{session}/heartbeat", {"visible": True})
    assert r.status_code == 422 and r.json()["fields"] == {"position_seconds": "必填"}
    r = api.post(f"/study/{uuid.uuid4()}/heartbeat", {"position_seconds": 1, "visible": True})
    assert r.status_code == 404
    other = Api(client, make_learner().user)
    r = other.post(f"/study/{session}/heartbeat", {"position_seconds": 1, "visible": True})
    assert r.status_code == 404
    # a lesson of a course one is not enrolled in; a lesson that does not exist
    r = api.post(f"/lessons/{make_study_course().lessons.first().pk}/study")
    assert (r.status_code, r.json()["code"]) == (409, "not_enrolled")
    assert api.post("/lessons/999999/study").status_code == 404
    # only workers study
    admin = Api(client, make_user("city_admin"))
    assert admin.post(f"/lessons/{learner.course.lessons.first().pk}/study").status_code == 403


def test_hours_endpoint(client, tc):
    learner = make_learner(make_study_course(hours="0.5", durations=(1350,)))
    person = learner.enrolment.person
    api = Api(client, learner.user)
    year = today().year
    r = api.get(f"/persons/{person.uid}/hours?year={year}")
    assert r.json() == {"year": year, "hours": 0.0, "required": 20.0}  # coal mine worker
    url = f"/study/{start(api, learner.course.lessons.first())['session']}/heartbeat"
    for i in range(1, 46):
        tc.advance(30)
        api.post(url, {"position_seconds": 30 * i, "visible": True})
    assert api.get(f"/persons/{person.uid}/hours").json() == {
        "year": year,
        "hours": 0.5,
        "required": 20.0,
    }
    assert api.get(f"/persons/{person.uid}/hours?year=1990").status_code == 422
    assert api.get(f"/persons/{person.uid}/hours?year={year + 1}").status_code == 422
    # outside the jurisdiction: the same 404 as for nobody
    other = Api(client, make_learner().user)
    got = other.get(f"/persons/{person.uid}/hours")
    nobody = other.get(f"/persons/{uuid.uuid4()}/hours")
    assert got.status_code == 404 and got.content == nobody.content
    # an enterprise admin of the employer sees it
    admin = make_user("enterprise_admin", enterprise=learner.enrolment.enterprise)
    assert Api(client, admin).get(f"/persons/{person.uid}/hours").json()["hours"] == 0.5


def test_hours_required_is_null_without_employment(client):
    from safetrain.people.tests.factories import make_person

    person = make_person()
    user = make_user("worker", person=person)
    r = Api(client, user).get(f"/persons/{person.uid}/hours")
    assert r.json()["required"] is None


def test_xapi_statements(client, tc, django_capture_on_commit_callbacks, settings):
    settings.SAFETRAIN_SITE_URL = "https://safetrain.jincheng.example"
    employment = make_employment(job="瓦斯检查工")
    user = make_user("worker", person=employment.person)
    api = Api(client, user)
    course = make_study_course(hours="0.5", durations=(1350,))
    from safetrain.courses.services import enrol

    with django_capture_on_commit_callbacks(execute=True):
        enrol(user, course)
    url = f"/study/{start(api, course.lessons.first())['session']}/heartbeat"
    for i in range(1, 46):
        tc.advance(30)
        api.post(url, {"position_seconds": 30 * i, "visible": True})
    person = employment.person
    r = api.get(f"/persons/{person.uid}/xapi")
    body = r.json()
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in body["statements"]]
    assert verbs == ["registered", "initialized", "completed"]
    for s in body["statements"]:
        assert s["version"] == "1.0.3"
        assert s["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": "https://safetrain.jincheng.example", "name": str(person.uid)},
        }
        uuid.UUID(s["id"])
        uuid.UUID(s["context"]["registration"])
    completed = body["statements"][-1]
    assert completed["result"] == {"completion": True, "duration": "PT22M30S"}
    text = r.content.decode()
    from safetrain.core.crypto import decrypt

    assert decrypt(person.id_number_enc) not in text and person.name not in text
    # paging: limit and more
    page = api.get(f"/persons/{person.uid}/xapi?limit=2").json()
    assert len(page["statements"]) == 2 and page["more"]
    rest = client.get(page["more"], HTTP_AUTHORIZATION=api.auth).json()
    assert [s["id"] for s in rest["statements"]] == [body["statements"][2]["id"]]


def test_end_applies_the_last_heartbeat_and_closes_the_session(client, tc):
    learner = make_learner()
    api = Api(client, learner.user)
    session = start(api, learner.course.lessons.first())["session"]
    tc.advance(20)
    r = api.post(f"/study/{session}/end", {"position_seconds": 20, "visible": True, "seq": 1})
    assert r.json() == {"session": session, "ended": True, "credited_seconds": 20}
    tc.advance(30)
    r = api.post(f"/study/{session}/heartbeat", {"position_seconds": 50, "visible": True})
    assert r.status_code == 409 and r.json()["code"] == "session_ended"
    # ending without a body, twice, is fine
    other = start(api, learner.course.lessons.first())["session"]
    assert api.post(f"/study/{other}/end").json()["ended"] is True
    assert api.post(f"/study/{other}/end").json()["credited_seconds"] == 0
