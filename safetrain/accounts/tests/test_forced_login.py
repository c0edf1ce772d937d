"""The root conftest's test-only shortcut: force_login() and login() mark the session two-factor
verified, as force_login() already skips the password."""

from __future__ import annotations

import pytest
from django.test import Client

from safetrain.people.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_force_login_of_an_admin_reaches_the_pages():
    c = Client()
    c.force_login(make_user("city_admin"))
    assert c.get("/").status_code == 200


def test_client_login_of_an_inspector_reaches_the_pages():
    user = make_user("inspector")
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    assert c.get("/").status_code == 200
