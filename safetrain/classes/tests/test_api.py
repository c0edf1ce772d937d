"""The sessions and plan-progress API: shape, scope, query count, QR check-in."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from safetrain.classes import services
from safetrain.classes.tests.factories import make_session
from safetrain.core.dates import today
from safetrain.people.services import token_create

pytestmark = pytest.mark.django_db


def call(client, user, method, url, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}
    if method == "get":
        return client.get(url, **headers)
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_sessions_list_scope_and_query_count(client, world, django_assert_max_num_queries):
    for i in range(8):
        s = make_session(actor=world["admin_a"], title=f"班{i}")
        services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"]])
    make_session(actor=world["admin_c"])
    token = token_create(user=world["admin_a"])
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/sessions", HTTP_AUTHORIZATION=f"Bearer {token}")
    rows = response.json()
    assert len(rows) == 8 and rows[0]["roster"] == 1 and rows[0]["attended"] == 0
    assert rows[0]["enterprise"] == world["a"].credit_code
    c_id = call(client, world["city"], "get", "/api/v1/sessions").json()[0]["id"]
    assert call(client, world["admin_a"], "get", f"/api/v1/sessions/{c_id}").status_code == 404


def test_checkin_over_the_api(client, world):
    s = make_session(actor=world["admin_a"])
    services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"]])
    token = services.checkin_token(s)
    first = call(client, world["worker"], "post", "/api/v1/sessions/checkin", {"token": token})
    assert first.status_code == 200 and first.json()["new"] is True
    again = call(client, world["worker"], "post", "/api/v1/sessions/checkin", {"token": token})
    assert again.json()["new"] is False
    refused = call(client, world["worker_b"], "post", "/api/v1/sessions/checkin", {"token": token})
    assert refused.status_code == 403 and refused.json()["code"] == "not_on_roster"


def test_plan_progress_api(client, world):
    year = today().year
    s = make_session(actor=world["admin_a"])
    plan = services.plan_create(actor=world["admin_a"], enterprise=world["a"], year=year)
    services.plan_item_add(
        actor=world["admin_a"],
        plan=plan,
        title="全员",
        group="all",
        session=s,
        due_on=dt.date(year, 12, 31),
    )
    url = f"/api/v1/plans/progress?enterprise={world['a'].credit_code}"
    body = call(client, world["admin_a"], "get", url).json()
    assert (body["year"], body["done"], body["total"]) == (year, 0, 4)
    assert body["items"][0]["session"] == s.pk
    assert call(client, world["admin_b"], "get", url).status_code == 404
    assert call(client, world["county"], "get", url).status_code == 200
    assert call(client, world["admin_a"], "get", url + f"&year={year - 1}").status_code == 404
