"""GET /api/v1/persons/{id}/compliance, /api/v1/rates, /api/v1/enterprises/{code}/findings:
shapes as DESIGN §5, and jurisdiction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from safetrain.compliance.tests import records as r
from safetrain.people.services import token_create
from safetrain.people.tests.factories import make_user

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")


def test_person_compliance_shape_and_time_travel(small_world):
    api = client_for(make_user("county_admin", region="140502"))
    p3 = small_world["p"][3]
    res = api.get(f"/api/v1/persons/{p3.uid}/compliance", {"on": "2025-03-01"})
    assert res.status_code == 200
    data = res.json()
    assert list(data) == ["as_of", "status", "may_work", "enterprise", "findings"]
    assert data["may_work"] is False and data["findings"][0]["code"] == "CERT_MISSING"
    assert list(data["findings"][0]) == ["code", "blocking", "basis", "remedy", "detail"]
    old = api.get(f"/api/v1/persons/{p3.uid}/compliance", {"on": "2019-12-31"}).json()
    assert old["status"] == "not_employed" and old["enterprise"] is None


def test_person_compliance_outside_jurisdiction_is_404(small_world):
    p7 = small_world["p"][7]  # employed in 140581
    for user in (
        make_user("county_admin", region="140502"),
        make_user("enterprise_admin", enterprise=small_world["ent"]),
        make_user("worker", person=small_world["p"][1]),
    ):
        res = client_for(user).get(f"/api/v1/persons/{p7.uid}/compliance")
        assert res.status_code == 404
        assert (
            set(res.json()) == {"code", "message", "fields"} and res.json()["code"] == "not_found"
        )
    own = client_for(make_user("worker", person=p7)).get(f"/api/v1/persons/{p7.uid}/compliance")
    assert own.status_code == 200
    assert (
        client_for(make_user("county_admin", region="140502"))
        .get("/api/v1/persons/not-a-uuid/compliance")
        .status_code
        == 404
    )


def test_bad_date_is_422(small_world):
    api = client_for(make_user("city_admin"))
    res = api.get(f"/api/v1/persons/{small_world['p'][1].uid}/compliance", {"on": "2025-02-30"})
    assert res.status_code == 422 and res.json()["fields"]["on"]


def test_unauthenticated_is_401(small_world):
    assert Client().get("/api/v1/rates").status_code == 401


def test_rates_shape_and_scopes(small_world):
    city = client_for(make_user("city_admin"))
    data = city.get("/api/v1/rates", {"on": "2025-03-01"}).json()
    assert list(data) == [
        "as_of",
        "scope",
        "population",
        "coverage",
        "certified",
        "awareness",
        "may_work",
    ]
    assert data["scope"] == "140500" and data["population"] == 6
    assert data["certified"] == {"num": 1, "den": 3}
    ent = city.get(
        "/api/v1/rates", {"enterprise": small_world["ent"].credit_code, "on": "2025-03-01"}
    ).json()
    assert ent["scope"] == small_world["ent"].credit_code and ent["may_work"] == {
        "num": 4,
        "den": 5,
    }
    county = client_for(make_user("county_admin", region="140502"))
    own = county.get("/api/v1/rates", {"on": "2025-03-01"}).json()  # default: own county
    assert own["scope"] == "140502" and own["population"] == 5
    admin = client_for(make_user("enterprise_admin", enterprise=small_world["ent"]))
    assert (
        admin.get("/api/v1/rates", {"on": "2025-03-01"}).json()["scope"]
        == small_world["ent"].credit_code
    )


def test_rates_outside_jurisdiction(small_world):
    county = client_for(make_user("county_admin", region="140502"))
    res = county.get("/api/v1/rates", {"region": "140581"})
    assert res.status_code == 403 and res.json()["code"] == "permission_denied"
    assert county.get("/api/v1/rates", {"region": "140500"}).status_code == 403
    res = county.get("/api/v1/rates", {"enterprise": small_world["other"].credit_code})
    assert res.status_code == 404 and res.json()["code"] == "not_found"
    admin = client_for(make_user("enterprise_admin", enterprise=small_world["ent"]))
    assert admin.get("/api/v1/rates", {"region": "140502"}).status_code == 403
    assert (
        admin.get("/api/v1/rates", {"enterprise": small_world["other"].credit_code}).status_code
        == 404
    )
    worker = client_for(make_user("worker", person=small_world["p"][1]))
    assert worker.get("/api/v1/rates").status_code == 403
    both = client_for(make_user("city_admin")).get(
        "/api/v1/rates", {"region": "140502", "enterprise": "x"}
    )
    assert both.status_code == 422


def test_enterprise_findings(small_world):
    ent = small_world["ent"]
    r.drill(ent, dt.date(2024, 3, 1), "underground")
    api = client_for(make_user("enterprise_admin", enterprise=ent))
    data = api.get(f"/api/v1/enterprises/{ent.credit_code}/findings", {"on": "2024-07-01"}).json()
    assert data["as_of"] == "2024-07-01" and data["enterprise"] == ent.credit_code
    assert [(f["code"], f["detail"]["area_types"]) for f in data["findings"]] == [
        ("DRILL_OVERDUE", ["office"]),
        ("DRILL_DUE", ["underground", "office"]),
    ]
    res = api.get(f"/api/v1/enterprises/{small_world['other'].credit_code}/findings")
    assert res.status_code == 404
