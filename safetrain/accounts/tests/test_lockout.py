"""5 failed sign-ins lock a sign-in name for 30 minutes; nonexistent names behave the same."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from safetrain.accounts.models import SignInThrottle
from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import PASSWORD, make_user

from .conftest import code_for

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]
LOCKED = "锁定"


def attempt(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def test_five_failures_lock_the_account_for_30_minutes(failed_signins):
    user = make_user("trainer", username="teacher")
    c = Client()
    for _ in range(4):
        response = attempt(c, "teacher", "wrong-password-1A")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    response = attempt(c, "teacher", "wrong-password-1A")
    assert LOCKED in response.content.decode()
    # locked: the right password fails too, and says so
    response = attempt(c, "teacher", PASSWORD)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in c.session
    # every failure, the locked one included, sent user_login_failed
    assert len(failed_signins) == 6
    assert all(cred["username"] == "teacher" for cred in failed_signins)
    # 30 minutes later the right password works
    later = timezone.now() + dt.timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = attempt(c, "teacher", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert c.session["_auth_user_id"] == str(user.pk)


def test_an_unknown_name_locks_exactly_like_a_real_one(failed_signins):
    make_user("trainer", username="teacher")
    pages = {}
    for name in ("teacher", "nobody-here"):
        c = Client()
        texts = [attempt(c, name, "wrong-password-1A").content.decode() for _ in range(6)]
        pages[name] = [LOCKED in t for t in texts]
    assert pages["teacher"] == pages["nobody-here"] == [False] * 4 + [True] * 2
    assert len(failed_signins) == 12
    # the unknown name is stored only as a keyed hash
    assert not SignInThrottle.objects.filter(key__contains="nobody").exists()


def test_username_id_number_and_phone_share_one_counter():
    user = make_user("worker", username="wangwu")
    number = person_id_number(user.person)
    c = Client()
    for name in ["wangwu", number, "wangwu", number.lower(), "wangwu"]:
        attempt(c, name, "wrong-password-1A")
    response = attempt(c, number, PASSWORD)
    assert LOCKED in response.content.decode()


def test_a_successful_sign_in_clears_the_count():
    make_user("trainer", username="teacher")
    c = Client()
    for _ in range(4):
        attempt(c, "teacher", "wrong-password-1A")
    assert attempt(c, "teacher", PASSWORD).status_code == 302
    c.post("/logout/")
    for _ in range(4):
        attempt(c, "teacher", "wrong-password-1A")
    assert attempt(c, "teacher", PASSWORD).status_code == 302


def test_wrong_totp_codes_count_toward_the_lock(failed_signins):
    user = make_user("city_admin", username="boss")
    from safetrain.accounts.services import otp_demo_enrol

    otp_demo_enrol(user=user)
    c = Client()
    # two wrong passwords, then the right one, then three wrong codes: five failures
    attempt(c, "boss", "wrong-password-1A")
    attempt(c, "boss", "wrong-password-1A")
    assert attempt(c, "boss", PASSWORD)["Location"].startswith("/auth/2fa/")
    for _ in range(2):
        response = c.post("/auth/2fa/", {"code": "000000"})
        assert response.status_code == 200
    response = c.post("/auth/2fa/", {"code": "000000"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in c.session  # signed out
    assert len(failed_signins) == 5
    assert failed_signins[-1] == {"username": "boss", "factor": "totp"}
    # locked now: password and a right code both fail
    response = attempt(c, "boss", PASSWORD)
    assert LOCKED in response.content.decode()
    assert code_for(user)  # the device is still there


def test_the_django_admin_login_is_throttled_too(failed_signins):
    make_user("trainer", username="teacher")
    c = Client()
    for _ in range(5):
        c.post("/django-admin/login/", {"username": "teacher", "password": "wrong-password-1A"})
    assert SignInThrottle.objects.get().locked_until is not None
    assert len(failed_signins) == 5
