"""Enterprises over the API: list, filters, detail, org units, registration, scoping."""

import pytest
from django.test import Client

from safetrain.core.identifiers import credit_check_char, make_credit_code
from safetrain.core.testing import new_credit_code
from safetrain.enterprises.models import Enterprise
from safetrain.enterprises.services import org_unit_ensure
from safetrain.people.services import token_create
from safetrain.people.tests.factories import make_enterprise, make_user

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user)}"})


@pytest.fixture
def world():
    return {
        "coal": make_enterprise(region="140502", sector="coal_mine", name="城区煤业"),
        "chem": make_enterprise(region="140502", sector="hazardous_chemicals", name="城区化工"),
        "far": make_enterprise(region="140581", sector="coal_mine", name="高平煤业"),
    }


def codes(response) -> set[str]:
    return {item["credit_code"] for item in response.json()["items"]}


def test_city_admin_lists_all_with_the_page_shape(world):
    body = client_for(make_user("city_admin")).get("/api/v1/enterprises").json()
    assert set(body) == {"items", "count", "page", "page_size"}
    assert body["count"] == 3 and body["page"] == 1 and body["page_size"] == 20
    coal = next(i for i in body["items"] if i["name"] == "城区煤业")
    assert coal == {
        "credit_code": world["coal"].credit_code,
        "credit_code_check_ok": True,
        "name": "城区煤业",
        "region": "140502",
        "region_name": "城区",
        "sector": "coal_mine",
        "sector_name": "煤矿",
        "high_risk": True,
        "area_types": ["underground", "office"],
    }


def test_filters_region_sector_and_q(world):
    c = client_for(make_user("city_admin"))
    assert codes(c.get("/api/v1/enterprises?region=140581")) == {world["far"].credit_code}
    assert codes(c.get("/api/v1/enterprises?sector=hazardous_chemicals")) == {
        world["chem"].credit_code
    }
    assert codes(c.get("/api/v1/enterprises?q=煤业")) == {
        world["coal"].credit_code,
        world["far"].credit_code,
    }
    assert codes(c.get(f"/api/v1/enterprises?q={world['chem'].credit_code.lower()}")) == {
        world["chem"].credit_code
    }


def test_pagination_pages_and_limits(world):
    c = client_for(make_user("city_admin"))
    first = c.get("/api/v1/enterprises?page_size=2").json()
    second = c.get("/api/v1/enterprises?page_size=2&page=2").json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (3, 2, 1)
    assert codes_of(first) | codes_of(second) == {e.credit_code for e in world.values()}
    assert c.get("/api/v1/enterprises?page=9").json()["items"] == []
    for bad in ("page=0", "page_size=101", "page=x"):
        r = c.get(f"/api/v1/enterprises?{bad}")
        assert r.status_code == 422, bad
        assert r.json()["code"] == "validation_failed"
        assert set(r.json()["fields"]) <= {"page", "page_size"}


def codes_of(body) -> set[str]:
    return {item["credit_code"] for item in body["items"]}


def test_county_admin_sees_only_its_county(world):
    c = client_for(make_user("county_admin", region="140502"))
    assert codes(c.get("/api/v1/enterprises")) == {
        world["coal"].credit_code,
        world["chem"].credit_code,
    }
    assert c.get("/api/v1/enterprises?region=140581").json()["count"] == 0
    assert c.get(f"/api/v1/enterprises/{world['coal'].credit_code}").status_code == 200
    r = c.get(f"/api/v1/enterprises/{world['far'].credit_code}")
    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "企业不存在或不在您的辖区内", "fields": {}}
    assert c.get(f"/api/v1/enterprises/{world['far'].credit_code}/org-units").status_code == 404


def test_enterprise_admin_sees_only_its_own(world):
    c = client_for(make_user("enterprise_admin", enterprise=world["coal"]))
    assert codes(c.get("/api/v1/enterprises")) == {world["coal"].credit_code}
    assert c.get(f"/api/v1/enterprises/{world['chem'].credit_code}").status_code == 404


@pytest.mark.parametrize("role", ["worker", "trainer"])
def test_workers_and_trainers_see_no_enterprises(world, role):
    c = client_for(make_user(role))
    assert c.get("/api/v1/enterprises").json()["count"] == 0
    assert c.get(f"/api/v1/enterprises/{world['coal'].credit_code}").status_code == 404


def test_detail_accepts_lower_case(world):
    c = client_for(make_user("city_admin"))
    r = c.get(f"/api/v1/enterprises/{world['far'].credit_code.lower()}")
    assert r.status_code == 200
    assert r.json()["name"] == "高平煤业"


def test_org_units_in_tree_order_with_paths(world):
    ent = world["coal"]
    org_unit_ensure(enterprise=ent, path="综采车间/一班")
    org_unit_ensure(enterprise=ent, path="综采车间/二班")
    org_unit_ensure(enterprise=ent, path="安全科")
    c = client_for(make_user("enterprise_admin", enterprise=ent))
    units = c.get(f"/api/v1/enterprises/{ent.credit_code}/org-units").json()
    assert [(u["kind"], u["path"]) for u in units] == [
        ("company", ""),
        ("workshop", "安全科"),
        ("workshop", "综采车间"),
        ("team", "综采车间/一班"),
        ("team", "综采车间/二班"),
    ]
    by_path = {u["path"]: u for u in units}
    assert by_path["综采车间/一班"]["parent_id"] == by_path["综采车间"]["id"]
    assert by_path[""]["parent_id"] is None and by_path[""]["name"] == "城区煤业"


def payload(**kw):
    data = {
        "credit_code": new_credit_code("140502"),
        "name": "新登记煤矿",
        "region": "140502",
        "sector": "coal_mine",
        "area_types": ["矿井", "office"],
    }
    data.update(kw)
    return data


def test_county_admin_registers_an_enterprise(world):
    c = client_for(make_user("county_admin", region="140502"))
    data = payload()
    r = c.post("/api/v1/enterprises", data, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["warnings"] == []
    assert body["enterprise"]["credit_code"] == data["credit_code"]
    assert body["enterprise"]["area_types"] == ["underground", "office"]
    ent = Enterprise.objects.get(credit_code=data["credit_code"])
    assert ent.source == "api" and ent.org_units.count() == 1
    assert c.get(f"/api/v1/enterprises/{ent.credit_code}").status_code == 200


def test_a_failed_check_digit_is_a_warning_not_a_rejection():
    good = make_credit_code("140502", 777_777)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    c = client_for(make_user("city_admin"))
    r = c.post("/api/v1/enterprises", payload(credit_code=bad), content_type="application/json")
    assert r.status_code == 201
    assert r.json()["enterprise"]["credit_code_check_ok"] is False
    assert len(r.json()["warnings"]) == 1
    assert credit_check_char(bad[:17]) in r.json()["warnings"][0]


@pytest.mark.parametrize(
    ("role", "region"), [("enterprise_admin", None), ("inspector", "140502"), ("trainer", None)]
)
def test_only_city_and_county_admins_register(role, region):
    user = make_user(role, region=region) if region else make_user(role)
    r = client_for(user).post("/api/v1/enterprises", payload(), content_type="application/json")
    assert r.status_code == 403
    assert r.json()["code"] == "permission_denied"


def test_county_admin_cannot_register_in_another_county():
    c = client_for(make_user("county_admin", region="140502"))
    data = payload(region="140581", credit_code=new_credit_code("140581"))
    r = c.post("/api/v1/enterprises", data, content_type="application/json")
    assert r.status_code == 403
    assert not Enterprise.objects.filter(credit_code=data["credit_code"]).exists()


def test_registering_a_taken_code_is_a_conflict_and_changes_nothing(world):
    c = client_for(make_user("county_admin", region="140502"))
    # the code belongs to an enterprise of another county: it must not be moved or renamed
    data = payload(credit_code=world["far"].credit_code, name="改名")
    r = c.post("/api/v1/enterprises", data, content_type="application/json")
    assert r.status_code == 409
    assert r.json()["code"] == "conflict" and "credit_code" in r.json()["fields"]
    world["far"].refresh_from_db()
    assert (world["far"].name, world["far"].region_id) == ("高平煤业", "140581")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"credit_code": "123"}, "credit_code"),
        ({"sector": "farming"}, "sector"),
        ({"region": "140500"}, "region"),
        ({"area_types": ["地下室"]}, "area_types"),
        ({"name": " "}, "name"),
    ],
)
def test_bad_registration_names_the_field(change, field):
    c = client_for(make_user("city_admin"))
    before = Enterprise.objects.count()
    r = c.post("/api/v1/enterprises", payload(**change), content_type="application/json")
    assert r.status_code == 422
    assert field in r.json()["fields"]
    assert Enterprise.objects.count() == before


def test_a_missing_field_is_a_422_naming_it():
    c = client_for(make_user("city_admin"))
    data = payload()
    del data["name"]
    r = c.post("/api/v1/enterprises", data, content_type="application/json")
    assert r.status_code == 422
    assert set(r.json()) == {"code", "message", "fields"}
    assert r.json()["fields"] == {"name": "必填"}
    r = c.post("/api/v1/enterprises", payload(area_types="矿井"), content_type="application/json")
    assert r.json()["fields"] == {"area_types": "须为列表"}
