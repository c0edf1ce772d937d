"""The rescue API: list and detail in scope, 404 outside it, no ID numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.people.services import token_create
from safetrain.rescue import services
from safetrain.rescue.tests.factories import contract, own_team

pytestmark = pytest.mark.django_db

D = dt.date


def get(client, user, url):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")


def test_list_and_detail(client, world):
    team = own_team(world["a"], name="矿山救护中队")
    m = services.member_add(actor=None, team=team, person=world["pa"], joined_on=D(2024, 1, 5))
    services.qualification_add(
        actor=None, member=m, name="矿山救护队员证", number="JH-9", valid_until=D(2024, 12, 31)
    )
    services.drill_add(actor=None, team=team, date=D(2024, 3, 1), subject="演练", participants=[m])
    contract(world["b"], D(2024, 1, 1), D(2024, 12, 31))
    own_team(world["c"])

    rows = get(client, world["county"], "/api/v1/rescue/teams?on=2024-06-01").json()
    assert {r["enterprise"] for r in rows} == {world["a"].credit_code, world["b"].credit_code}
    mine = next(r for r in rows if r["enterprise"] == world["a"].credit_code)
    assert mine["valid"] is True and mine["members"] == 1 and mine["kind"] == "part_time"
    late = get(client, world["county"], "/api/v1/rescue/teams?on=2025-01-01").json()
    assert next(r for r in late if r["kind"] == "contracted")["valid"] is False

    one = get(client, world["admin_a"], f"/api/v1/rescue/teams/{team.pk}?on=2025-01-02")
    assert one.status_code == 200
    body = one.json()
    assert body["name"] == "矿山救护中队"
    member = body["member_list"][0]
    assert member["person"] == str(world["pa"].uid)
    assert member["qualifications"][0]["expired"] is True
    assert body["drills"] == [{"date": "2024-03-01", "subject": "演练", "participant_count": 1}]
    assert world["pa"].id_number_masked in one.content.decode()
    from safetrain.people.services import person_id_number

    assert person_id_number(world["pa"]) not in one.content.decode()


def test_outside_scope_is_404(client, world):
    team = own_team(world["a"])
    for who in ("admin_b", "county_c", "trainer", "worker"):
        r = get(client, world[who], f"/api/v1/rescue/teams/{team.pk}")
        assert r.status_code == 404, who
        assert r.json()["code"] == "not_found"
    r = get(client, world["admin_b"], f"/api/v1/rescue/teams?enterprise={world['a'].credit_code}")
    assert r.status_code == 404


def test_gaps(client, world):
    own_team(world["a"])
    rows = get(client, world["city"], "/api/v1/rescue/gaps?on=2024-06-01").json()
    assert {r["enterprise"] for r in rows} == {world["b"].credit_code, world["c"].credit_code}
