"""GET /api/v1/certificates/ledger and /api/v1/certificates/persons/{id}: shape, scope, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.certificates.tests.factories import make_certificate
from safetrain.people.services import token_create
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a = make_enterprise(region="140502")
    c = make_enterprise(region="140581")
    pa = make_employment(enterprise=a, job="瓦斯检查工").person
    cert = make_certificate(pa, issued_on=dt.date(2024, 1, 1))
    pc = make_employment(enterprise=c, job="瓦斯检查工").person
    return {"a": a, "c": c, "pa": pa, "pc": pc, "cert": cert}


def get(client, user, url):
    token = token_create(user=user)
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_ledger_shape_and_scope(client, world):
    admin = make_user("enterprise_admin", enterprise=world["a"])
    response = get(client, admin, "/api/v1/certificates/ledger?on=2025-06-01")
    assert response.status_code == 200
    data = response.json()
    assert data["as_of"] == "2025-06-01"
    assert data["counts"] == {"valid": 1} and data["total"] == 1 and data["count"] == 1
    (row,) = data["rows"]
    assert row["person"] == str(world["pa"].uid)
    assert row["id_number_masked"] == world["pa"].id_number_masked
    assert row["enterprise"] == world["a"].credit_code
    assert row["needed"] == {"cert_type": "special_operation", "operation": "5.4"}
    assert row["certificate"]["number"] == world["cert"].number
    assert row["certificate"]["review_due"] == "2027-01-01"
    assert row["state"] == "valid" and row["state_label"] == "有效" and row["codes"] == []
    # the other county is never in an enterprise admin's ledger, whatever the filter
    other = get(client, admin, f"/api/v1/certificates/ledger?enterprise={world['c'].credit_code}")
    assert other.json()["rows"] == []


def test_ledger_filters_for_city(client, world):
    city = make_user("city_admin")
    data = get(client, city, "/api/v1/certificates/ledger?on=2025-06-01&state=missing").json()
    assert [r["person"] for r in data["rows"]] == [str(world["pc"].uid)]
    assert data["counts"] == {"valid": 1, "missing": 1}
    data = get(client, city, "/api/v1/certificates/ledger?on=2025-06-01&region=140502").json()
    assert [r["person"] for r in data["rows"]] == [str(world["pa"].uid)]


def test_ledger_errors(client, world):
    city = make_user("city_admin")
    bad = get(client, city, "/api/v1/certificates/ledger?state=nonsense")
    assert bad.status_code == 422
    assert set(bad.json()) == {"code", "message", "fields"} and "state" in bad.json()["fields"]
    assert get(client, city, "/api/v1/certificates/ledger?on=2025-13-01").status_code == 422
    worker = make_user("worker", person=world["pa"])
    denied = get(client, worker, "/api/v1/certificates/ledger")
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    assert client.get("/api/v1/certificates/ledger").status_code == 401


def test_person_certificates(client, world):
    admin = make_user("enterprise_admin", enterprise=world["a"])
    url = f"/api/v1/certificates/persons/{world['pa'].uid}?on=2025-06-01"
    data = get(client, admin, url).json()
    assert data["name"] == world["pa"].name and data["id_number_masked"]
    assert data["required"] == [
        {
            "needed": {"cert_type": "special_operation", "operation": "5.4"},
            "state": "valid",
            "state_label": "有效",
            "certificate": world["cert"].pk,
            "codes": [],
        }
    ]
    (c,) = data["certificates"]
    assert c["number"] == world["cert"].number and c["state"] == "valid"
    assert c["operation"] == "5.4" and c["reviews"] == [] and c["superseded_by"] is None
    # outside the jurisdiction: the same 404 as unknown
    outside = get(client, admin, f"/api/v1/certificates/persons/{world['pc'].uid}")
    assert outside.status_code == 404 and outside.json()["code"] == "not_found"
    assert get(client, admin, "/api/v1/certificates/persons/not-a-uuid").status_code == 404
    # a worker sees their own
    worker = make_user("worker", person=world["pa"])
    assert get(client, worker, url).status_code == 200


@pytest.mark.parametrize("on", ["0", "1700000000", "2025-6-1", "2025-02-30"])
def test_on_must_be_an_iso_date(client, world, on):
    """Found by tests/security (schemathesis): `?on=0` was read as a Unix time, 1970-01-01."""
    city = make_user("city_admin")
    for url in (
        f"/api/v1/certificates/ledger?on={on}",
        f"/api/v1/certificates/persons/{world['pa'].uid}?on={on}",
    ):
        response = get(client, city, url)
        assert response.status_code == 422, (url, response.content)
        body = response.json()
        assert body["code"] == "validation_failed" and "on" in body["fields"]
    assert get(client, city, "/api/v1/certificates/ledger?on=2025-06-01").status_code == 200
