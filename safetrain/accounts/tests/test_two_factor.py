"""TOTP for city, county and enterprise admins and inspectors: enrol at the first sign-in, a code
at every sign-in, and nothing reachable in between."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safetrain.accounts.models import TotpDevice
from safetrain.accounts.services import (
    VERIFIED,
    api_token_issue,
    otp_demo_enrol,
    otp_secret,
)
from safetrain.core.crypto import decrypt
from safetrain.core.errors import NotAllowed
from safetrain.people.models import ApiToken
from safetrain.people.tests.factories import PASSWORD, make_user

from .conftest import code_for

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]
TWO_FACTOR = ["city_admin", "county_admin", "enterprise_admin", "inspector"]


def sign_in_password(client: Client, username: str):
    return client.post("/login/", {"username": username, "password": PASSWORD})


@pytest.mark.parametrize("role", TWO_FACTOR)
def test_first_sign_in_enrols_with_a_qr_code_and_a_confirmed_code(role):
    user = make_user(role, username="admin1")
    c = Client()
    response = sign_in_password(c, "admin1")
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/2fa/enrol/")
    key_after_password = c.session.session_key
    page = c.get(response["Location"])
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="otp-secret"' in html
    device = TotpDevice.objects.get(user=user)
    secret = otp_secret(device)
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    # stored encrypted, not in clear
    assert secret not in device.secret_encrypted and decrypt(device.secret_encrypted) == secret
    # a wrong code keeps the page; the right one confirms and verifies the session
    assert c.post("/auth/2fa/enrol/", {"code": "123456"}).status_code == 200
    assert not TotpDevice.objects.get(user=user).confirmed
    response = c.post("/auth/2fa/enrol/", {"code": code_for(user), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert TotpDevice.objects.get(user=user).confirmed
    assert c.session[VERIFIED] is True
    assert c.session.session_key != key_after_password  # a new key with the second factor
    assert c.get("/").status_code == 200


def test_later_sign_ins_ask_for_a_code_and_refuse_a_replayed_one():
    user = make_user("county_admin", username="county1")
    otp_demo_enrol(user=user)
    c = Client()
    response = sign_in_password(c, "county1")
    assert response["Location"].startswith("/auth/2fa/?")
    assert c.get("/").status_code == 302
    code = code_for(user)
    assert c.post("/auth/2fa/", {"code": code}).status_code == 302
    assert c.get("/").status_code == 200
    # the same code again, in another browser: refused
    other = Client()
    sign_in_password(other, "county1")
    response = other.post("/auth/2fa/", {"code": code})
    assert response.status_code == 200 and VERIFIED not in other.session


@pytest.mark.parametrize("role", ["trainer", "worker"])
def test_trainers_and_workers_sign_in_with_the_password_alone(role):
    make_user(role, username="plain1")
    c = Client()
    response = sign_in_password(c, "plain1")
    assert response.status_code == 302 and response["Location"] == "/"
    assert c.get("/").status_code == 200


SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.uuid4())}


def every_url(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, str]]:
    """(name, path) of every named route, its parameters filled with sample values."""
    resolver = resolver or get_resolver()
    out = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            for name, path in every_url(p, ns):
                out.append((name, path))
        elif isinstance(p, URLPattern) and p.name:
            name = f"{prefix}{p.name}"
            converters = getattr(p.pattern, "converters", {})
            kwargs = {
                k: SAMPLE.get(type(conv).__name__.replace("Converter", "").lower(), "1")
                for k, conv in converters.items()
            }
            try:
                out.append((name, reverse(name, kwargs=kwargs)))
            except Exception:  # noqa: BLE001 - regex routes with positional groups
                continue
    return out


OPEN = {"accounts:otp_verify", "accounts:otp_enrol", "logout", "set_language"}


def test_nothing_but_enrol_verify_and_sign_out_before_the_second_factor():
    user = make_user("city_admin", username="city1")
    otp_demo_enrol(user=user)
    c = Client()
    sign_in_password(c, "city1")
    urls = every_url()
    names = {name for name, _ in urls}
    # the admin pages of every app are in the walk
    for expected in ("home", "person_list", "account_list", "dashboards:home", "accounts:security"):
        assert expected in names
    assert any(name.startswith("admin:") for name in names)
    checked = 0
    for name, path in urls:
        if name in OPEN:
            continue
        response = c.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 401, (name, path)
            assert response.json()["code"] == "second_factor_required"
        else:
            assert response.status_code == 302, (name, path, response.status_code)
            assert response["Location"].startswith("/auth/2fa/"), (name, path)
        checked += 1
    assert checked > 100
    # POSTs too (e.g. a sign-out-everywhere or an account form)
    assert c.post("/accounts/new/", {})["Location"].startswith("/auth/2fa/")
    # with the code, the same session reaches the pages
    c.post("/auth/2fa/", {"code": code_for(user)})
    assert c.get("/persons/").status_code == 200


def test_a_superuser_needs_the_second_factor_too():
    from safetrain.people.models import User

    User.objects.create_superuser("root", password=PASSWORD)
    c = Client()
    response = sign_in_password(c, "root")
    assert response["Location"].startswith("/auth/2fa/enrol/")
    assert c.get("/django-admin/")["Location"].startswith("/auth/2fa/")


def test_bearer_tokens_need_an_account_with_two_factor():
    worker = make_user("worker")
    with pytest.raises(NotAllowed):
        api_token_issue(actor=worker)
    admin = make_user("enterprise_admin", username="ent1")
    with pytest.raises(NotAllowed):
        api_token_issue(actor=admin)  # not enrolled yet
    otp_demo_enrol(user=admin)
    c = Client()
    sign_in_password(c, "ent1")
    c.post("/auth/2fa/", {"code": code_for(admin)})
    response = c.post("/auth/", {"action": "token_create"})
    token = response.context["new_token"]
    assert token.startswith("st_") and ApiToken.objects.filter(user=admin).count() == 1
    api = Client()
    assert api.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    # a worker's security page offers no token
    wc = Client()
    wc.force_login(worker)
    page = wc.post("/auth/", {"action": "token_create"})
    assert page.context["new_token"] is None
    assert not ApiToken.objects.filter(user=worker).exists()


def test_force_login_without_the_marker_is_verified(request):
    """The conftest's test-only shortcut is off here (real_two_factor): force_login alone does
    not pass the second factor."""
    user = make_user("inspector")
    c = Client()
    c.force_login(user)
    assert c.get("/")["Location"].startswith("/auth/2fa/")
