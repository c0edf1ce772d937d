"""Sign-out through the API: the bearer token used stops working at once (the caller's other
tokens stay); with the web session, the session ends. Both are in the audit log."""

from __future__ import annotations

import pytest
from django.test import Client

from safetrain.audit.models import AuditEvent
from safetrain.people.models import ApiToken
from safetrain.people.services import token_create
from safetrain.people.tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/sign-out"


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_signing_out_with_a_token_revokes_that_token_only():
    user = make_user("county_admin", region="140525")
    used, other = token_create(user=user), token_create(user=user)
    c = Client()
    assert c.get("/api/v1/persons", **_bearer(used)).status_code == 200
    resp = c.post(URL, **_bearer(used))
    assert resp.status_code == 200
    assert resp.json() == {"signed_out": True, "tokens_revoked": 1}
    assert c.get("/api/v1/persons", **_bearer(used)).status_code == 401
    assert c.get("/api/v1/persons", **_bearer(other)).status_code == 200
    assert ApiToken.objects.filter(user=user, revoked=True).count() == 1
    assert AuditEvent.objects.filter(event="sign_out", user=user).exists()
    # the revoked token cannot sign out again
    assert c.post(URL, **_bearer(used)).status_code == 401


def test_signing_out_with_the_web_session_ends_it():
    user = make_user("worker")
    c = Client()
    c.force_login(user)
    resp = c.post(URL)
    assert resp.status_code == 200 and resp.json()["tokens_revoked"] == 0
    assert c.post(URL).status_code == 401  # the session is gone
    assert AuditEvent.objects.filter(event="sign_out", user=user).exists()


def test_signing_out_needs_to_be_signed_in():
    resp = Client().post(URL)
    assert resp.status_code == 401 and resp.json()["code"] == "unauthorized"
