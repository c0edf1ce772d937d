"""Session lifetime (frozen clock), a new key at sign-in, sign-out, sign out everywhere."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from safetrain.accounts.models import AccountSession
from safetrain.people.models import ApiToken
from safetrain.people.services import token_create, token_user
from safetrain.people.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
MIN = 60


class FrozenClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    frozen = FrozenClock()
    with mock.patch("safetrain.accounts.services.clock", frozen):
        yield frozen


def signed_in(role: str = "trainer") -> tuple[Client, object]:
    user = make_user(role)
    c = Client()
    assert c.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return c, user


def test_idle_for_30_minutes_ends_the_session(clock):
    c, _ = signed_in()
    clock.advance(29 * MIN)
    assert c.get("/").status_code == 200  # 29 minutes idle: still in, and the clock restarts
    clock.advance(29 * MIN)
    assert c.get("/").status_code == 200
    clock.advance(30 * MIN + 1)
    response = c.get("/persons/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?") and "expired=1" in response["Location"]
    assert "_auth_user_id" not in c.session  # flushed
    assert "登录已过期" in c.get(response["Location"]).content.decode()


def test_twelve_hours_after_sign_in_the_session_ends_however_active(clock):
    c, _ = signed_in()
    for _ in range(12 * 3):  # a request every 20 minutes for 12 hours
        clock.advance(20 * MIN)
        assert c.get("/").status_code == 200
    clock.advance(20 * MIN)
    assert c.get("/").status_code == 302
    assert "_auth_user_id" not in c.session


def test_the_api_answers_401_when_the_session_expired(clock):
    c, _ = signed_in()
    clock.advance(31 * MIN)
    response = c.get("/api/v1/enterprises")
    assert response.status_code == 401 and response.json()["code"] == "session_expired"


def test_bearer_requests_are_not_subject_to_the_session_clock(clock):
    user = make_user("trainer")
    token = token_create(user=user)
    clock.advance(13 * 3600)
    response = Client().get("/api/v1/courses", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code != 401


def test_sign_in_gives_a_new_session_key():
    user = make_user("trainer")
    c = Client()
    c.get("/login/")
    session = c.session
    session["before"] = 1
    session.save()
    before = session.session_key
    c.post("/login/", {"username": user.username, "password": PASSWORD})
    assert c.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.real_two_factor
def test_sign_out_flushes_the_session_but_keeps_api_tokens():
    c, user = signed_in()
    token = token_create(user=user)
    key = c.session.session_key
    c.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert not AccountSession.objects.filter(session_key=key).exists()
    assert c.get("/")["Location"].startswith("/login/")
    assert token_user(token) == user  # plain sign-out leaves the device tokens alone


def test_sign_out_everywhere_ends_all_sessions_and_revokes_tokens():
    user = make_user("trainer")
    phones = []
    for _ in range(3):
        c = Client()
        c.post("/login/", {"username": user.username, "password": PASSWORD})
        assert c.get("/").status_code == 200
        phones.append(c)
    tokens = [token_create(user=user) for _ in range(2)]
    other = make_user("trainer")
    other_client = Client()
    other_client.force_login(other)
    other_token = token_create(user=other)

    response = phones[0].post("/auth/sign-out-everywhere/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    for c in phones:
        assert c.get("/").status_code == 302
    assert all(token_user(t) is None for t in tokens)
    assert ApiToken.objects.filter(user=user, revoked=False).count() == 0
    # nobody else is touched
    assert other_client.get("/").status_code == 200
    assert token_user(other_token) == other


def test_password_change_ends_the_other_sessions():
    user = make_user("trainer")
    here, there = Client(), Client()
    for c in (here, there):
        c.post("/login/", {"username": user.username, "password": PASSWORD})
    response = here.post(
        "/auth/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-mima-2025!",
            "new_password2": "Xin-mima-2025!",
        },
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert there.get("/").status_code == 302
    # and the rules apply to the change form
    response = here.post(
        "/auth/password/",
        {"old_password": "Xin-mima-2025!", "new_password1": "short1A", "new_password2": "short1A"},
    )
    assert response.status_code == 200 and "12" in response.content.decode()
