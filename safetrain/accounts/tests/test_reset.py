"""Password reset without e-mail and without revealing whether an account exists."""

from __future__ import annotations

import datetime as dt
import io
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from safetrain.accounts.models import PasswordResetGrant, PasswordResetRequest
from safetrain.accounts.services import otp_demo_enrol
from safetrain.people.models import User
from safetrain.people.services import token_create, token_user
from safetrain.people.tests.factories import (
    PASSWORD,
    make_employment,
    make_enterprise,
    make_person,
    make_user,
)

pytestmark = pytest.mark.django_db
NEW = "Xin-mima-2025!"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def forgot(identifier: str) -> str:
    response = Client().post("/auth/password/forgot/", {"identifier": identifier})
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


def test_forgot_answers_the_same_whether_or_not_the_account_exists():
    person = make_person(phone="13955556666")
    user = make_user("worker", person=person, username="zhangsan")
    assert forgot("zhangsan") == forgot("lisi-not-here") == forgot("13955556666")
    assert forgot("13900000000") == forgot("zhangsan")
    # one open request for the real account, nothing for the others
    assert list(PasswordResetRequest.objects.values_list("user", flat=True)) == [user.pk]


def reset(identifier: str, code: str, password: str = NEW):
    return Client().post(
        "/auth/password/reset/",
        {"identifier": identifier, "code": code, "password1": password, "password2": password},
    )


def test_an_admin_of_the_jurisdiction_issues_a_one_time_code():
    ent = make_enterprise(region="140502")
    worker = make_user("worker", person=make_employment(enterprise=ent).person, username="w1")
    worker_session = Client()
    worker_session.force_login(worker)
    token = token_create(user=worker)
    forgot("w1")
    county = make_user("county_admin", region="140502")
    other_county = make_user("county_admin", region="140581")

    c = Client()
    c.force_login(other_county)
    assert "w1" not in c.get("/auth/resets/").content.decode()
    assert c.post("/auth/resets/", {"user": worker.pk}).status_code == 404
    c.force_login(county)
    assert "w1" in c.get("/auth/resets/").content.decode()
    response = c.post("/auth/resets/", {"user": worker.pk})
    code = response.context["issued"]["code"]
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert not PasswordResetRequest.objects.filter(handled_at__isnull=True).exists()

    assert reset("w1", "AAAA-BBBB-CCCC").status_code == 200  # wrong code
    assert reset("w1", code, "weakpass").status_code == 200  # rules apply
    response = reset("w1", code.lower())
    assert response.status_code == 302 and response["Location"] == "/login/"
    worker.refresh_from_db()
    assert worker.check_password(NEW)
    # the old sessions and tokens are gone, the code is spent
    assert worker_session.get("/").status_code == 302
    assert token_user(token) is None
    assert reset("w1", code, "Another-pass-2025").status_code == 200


def test_codes_expire_after_30_minutes_and_wrong_codes_lock():
    user = make_user("trainer", username="t1")
    out = io.StringIO()
    call_command("user", "reset-password", "t1", stdout=out)
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", out.getvalue()).group(0)
    assert PasswordResetGrant.objects.get().issued_by is None
    later = timezone.now() + dt.timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert reset("t1", code).status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # five wrong codes lock the name: even a fresh right code is refused then
    for _ in range(5):
        reset("t1", "AAAA-BBBB-CCCC")
    call_command("user", "reset-password", "t1", stdout=(out := io.StringIO()))
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", out.getvalue()).group(0)
    response = reset("t1", code)
    assert "30 分钟" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_enterprise_admin_may_not_reset_a_county_admin():
    from safetrain.accounts.services import reset_issue
    from safetrain.core.errors import NotAllowed, NotFound

    ent = make_enterprise(region="140502")
    admin = make_user("enterprise_admin", enterprise=ent)
    county = make_user("county_admin", region="140502")
    with pytest.raises((NotAllowed, NotFound)):
        reset_issue(actor=admin, user=county)


def test_user_otp_prints_the_current_code_and_reset_removes_the_device():
    user = make_user("inspector", username="insp1")
    otp_demo_enrol(user=user)
    out = io.StringIO()
    call_command("user", "otp", "insp1", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    import pyotp

    from safetrain.accounts.models import TotpDevice
    from safetrain.core.crypto import decrypt

    secret = decrypt(TotpDevice.objects.get(user=user).secret_encrypted)
    assert pyotp.TOTP(secret).verify(code, valid_window=1)
    call_command("user", "otp", "insp1", "--reset", stdout=io.StringIO())
    assert not TotpDevice.objects.filter(user=user).exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("user", "otp", "insp1", stdout=io.StringIO())
    assert User.objects.filter(username="insp1").exists()


def test_an_admin_resets_by_username_and_resets_a_lost_authenticator():
    from safetrain.accounts.models import TotpDevice

    ent = make_enterprise(region="140502")
    admin = make_user("enterprise_admin", enterprise=ent)
    worker = make_user("worker", person=make_employment(enterprise=ent).person, username="w9")
    inspector = make_user("inspector", region="140502", username="insp9")
    otp_demo_enrol(user=inspector)
    county = make_user("county_admin", region="140502")

    c = Client()
    c.force_login(admin)
    response = c.post("/auth/resets/", {"username": "w9", "action": "code"})
    assert response.context["issued"]["user"] == worker
    # an enterprise admin cannot touch an inspector (not its account): 404, device kept
    assert c.post("/auth/resets/", {"username": "insp9", "action": "otp_reset"}).status_code == 404
    assert TotpDevice.objects.filter(user=inspector).exists()

    c.force_login(county)
    inspector_session = Client()
    inspector_session.force_login(inspector)
    response = c.post("/auth/resets/", {"username": "insp9", "action": "otp_reset"})
    assert response.status_code == 200
    assert not TotpDevice.objects.filter(user=inspector).exists()
    assert inspector_session.get("/").status_code == 302  # signed out everywhere
