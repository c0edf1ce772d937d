"""Persons and employments over the API; authentication, CSRF, the error shape, OpenAPI, docs.

The leak test at the bottom asks every role for objects of another jurisdiction through every
endpoint and requires the very answer it gets for an object that does not exist at all.
"""

import datetime as dt
import json
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from safetrain.core.testing import new_id_number
from safetrain.enterprises.services import org_unit_ensure
from safetrain.people.models import ApiToken, Employment, Person, Post
from safetrain.people.services import (
    PostSpec,
    leave_record,
    person_id_number,
    person_register,
    post_change,
    token_create,
)
from safetrain.people.tests.factories import (
    make_employment,
    make_enterprise,
    make_person,
    make_user,
)

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "fields"}


def client_for(user, **kw) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user)}"}, **kw)


def post_json(client: Client, url: str, data) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)
    return body


@pytest.fixture
def world():
    a = make_enterprise(region="140502", name="城区甲矿")
    b = make_enterprise(region="140502", name="城区乙厂", sector="hazardous_chemicals")
    c = make_enterprise(region="140581", name="高平丙矿")
    pa = make_person(name="甲工人", phone="13912345678")
    ea = make_employment(pa, a, job="瓦斯检查工", start=dt.date(2021, 3, 1))
    eb = make_employment(make_person(name="乙工人"), b)
    ec = make_employment(make_person(name="丙工人"), c)
    return {
        "a": a,
        "b": b,
        "c": c,
        "pa": pa,
        "pb": eb.person,
        "pc": ec.person,
        "ea": ea,
        "eb": eb,
        "ec": ec,
    }


# ----------------------------------------------------------------------------- lookup


def test_lookup_finds_a_person_by_id_number_in_the_body(world):
    c = client_for(make_user("inspector", region="140502"))
    number = person_id_number(world["pa"])
    r = post_json(c, "/api/v1/persons/lookup", {"id_number": number.lower()})
    assert r.status_code == 200
    assert r.json() == {
        "id": str(world["pa"].uid),
        "name": "甲工人",
        "id_number_masked": number[:6] + "********" + number[-4:],
    }
    assert number not in r.content.decode()


def test_lookup_unknown_and_out_of_jurisdiction_answer_the_same(world):
    c = client_for(make_user("county_admin", region="140502"))
    outside = post_json(c, "/api/v1/persons/lookup", {"id_number": person_id_number(world["pc"])})
    unknown = post_json(c, "/api/v1/persons/lookup", {"id_number": new_id_number("140581")})
    assert_error(outside, 404, "not_found")
    assert outside.content == unknown.content


def test_lookup_of_a_malformed_number_is_a_422(world):
    c = client_for(make_user("city_admin"))
    body = assert_error(
        post_json(c, "/api/v1/persons/lookup", {"id_number": "140502198001010015"}),
        422,
        "validation_failed",
    )
    assert "校验码" in body["fields"]["id_number"]
    assert_error(post_json(c, "/api/v1/persons/lookup", {}), 422, "validation_failed")


# ----------------------------------------------------------------------------- reads


def names(response) -> set[str]:
    return {p["name"] for p in response.json()["items"]}


def test_person_list_is_paginated_masked_and_scoped(world):
    c = client_for(make_user("county_admin", region="140502"))
    body = c.get("/api/v1/persons").json()
    assert set(body) == {"items", "count", "page", "page_size"}
    assert {p["name"] for p in body["items"]} == {"甲工人", "乙工人"}
    item = next(p for p in body["items"] if p["name"] == "甲工人")
    assert item == {
        "id": str(world["pa"].uid),
        "name": "甲工人",
        "id_number_masked": world["pa"].id_number_masked,
        "phone_masked": "139****5678",
    }
    assert person_id_number(world["pa"]) not in json.dumps(body)
    page2 = c.get("/api/v1/persons?page_size=1&page=2").json()
    assert page2["count"] == 2 and len(page2["items"]) == 1 and page2["page"] == 2


def test_person_list_filters_by_name_and_enterprise(world):
    c = client_for(make_user("county_admin", region="140502"))
    assert names(c.get("/api/v1/persons?q=甲")) == {"甲工人"}
    assert names(c.get(f"/api/v1/persons?enterprise={world['b'].credit_code}")) == {"乙工人"}
    assert_error(c.get(f"/api/v1/persons?enterprise={world['c'].credit_code}"), 404, "not_found")


def test_an_id_number_in_the_query_string_is_refused(world):
    c = client_for(make_user("city_admin"))
    body = assert_error(
        c.get(f"/api/v1/persons?q={person_id_number(world['pa'])}"), 422, "validation_failed"
    )
    assert "lookup" in body["message"] and "q" in body["fields"]


def test_person_detail_is_masked_with_the_current_employment(world):
    org_unit = org_unit_ensure(enterprise=world["a"], path="通风区/一班")
    Post.objects.filter(employment=world["ea"]).update(org_unit=org_unit)
    c = client_for(make_user("enterprise_admin", enterprise=world["a"]))
    r = c.get(f"/api/v1/persons/{world['pa'].uid}")
    assert r.status_code == 200
    body = r.json()
    assert body["id_number_masked"] == world["pa"].id_number_masked
    assert body["phone_masked"] == "139****5678"
    current = body["current_employment"]
    assert current["enterprise"] == {"credit_code": world["a"].credit_code, "name": "城区甲矿"}
    assert current["role_category"] == "worker" and current["on_leave"] is False
    assert current["post"]["job_type"] == "瓦斯检查工"
    assert current["post"]["operation_code"] == "5.4"
    assert current["post"]["org_unit_path"] == "通风区/一班"
    text = r.content.decode()
    assert person_id_number(world["pa"]) not in text and "13912345678" not in text


def test_person_detail_without_employment_and_on_leave(world):
    c = client_for(make_user("city_admin"))
    loner = make_person()
    # visible to the city admin even without an employment
    assert c.get(f"/api/v1/persons/{loner.uid}").json()["current_employment"] is None
    leave_record(actor=None, employment=world["ea"], start_date=dt.date(2024, 1, 1), end_date=None)
    assert c.get(f"/api/v1/persons/{world['pa'].uid}").json()["current_employment"]["on_leave"]


def test_employment_history_is_lifelong(world):
    ea = world["ea"]
    ea.end_date = dt.date(2023, 6, 30)
    ea.save()
    org_unit = org_unit_ensure(enterprise=world["a"], path="机电科")
    post_change(
        actor=None,
        employment=ea,
        from_date=dt.date(2022, 1, 1),
        post=PostSpec(title="调度员", org_unit=org_unit),
    )
    leave_record(
        actor=None, employment=ea, start_date=dt.date(2022, 5, 1), end_date=dt.date(2022, 8, 31)
    )
    later = make_employment(
        world["pa"], world["c"], role="safety_manager", start=dt.date(2023, 7, 1), form="dispatched"
    )
    # the new employer (another county) sees the whole history, old employer included
    c = client_for(make_user("enterprise_admin", enterprise=world["c"]))
    r = c.get(f"/api/v1/persons/{world['pa'].uid}/employments")
    assert r.status_code == 200
    history = r.json()
    assert [e["id"] for e in history] == [ea.pk, later.pk]
    first, second = history
    assert first["enterprise"]["credit_code"] == world["a"].credit_code
    assert (first["start_date"], first["end_date"]) == ("2021-03-01", "2023-06-30")
    assert [
        (p["title"], p["operation_code"], p["org_unit_path"], p["from_date"])
        for p in first["posts"]
    ] == [
        ("瓦斯检查工", "5.4", "", "2021-03-01"),
        ("调度员", None, "机电科", "2022-01-01"),
    ]
    assert first["leaves"] == [
        {"id": first["leaves"][0]["id"], "start_date": "2022-05-01", "end_date": "2022-08-31"}
    ]
    assert second["role_category"] == "safety_manager"
    assert second["role_category_label"] == "安全生产管理人员"
    assert (second["employment_form"], second["employment_form_label"]) == (
        "dispatched",
        "劳务派遣",
    )
    assert second["end_date"] is None


def test_employment_history_query_count_does_not_grow_with_posts(
    world, django_assert_max_num_queries
):
    ea = world["ea"]
    for month in range(2, 12):
        unit = org_unit_ensure(enterprise=world["a"], path=f"车间{month}/班组{month}")
        post_change(
            actor=None,
            employment=ea,
            from_date=dt.date(2022, month, 1),
            post=PostSpec(title=f"岗位{month}", org_unit=unit),
        )
    c = client_for(make_user("city_admin"))
    with django_assert_max_num_queries(12):
        r = c.get(f"/api/v1/persons/{world['pa'].uid}/employments")
    assert len(r.json()[0]["posts"]) == 11
    assert r.json()[0]["posts"][-1]["org_unit_path"] == "车间11/班组11"


# ----------------------------------------------------------------------------- registration


def register_payload(enterprise, **kw):
    data = {
        "id_number": new_id_number("140502"),
        "name": "新员工",
        "phone": "13700001111",
        "enterprise": enterprise.credit_code,
        "role_category": "worker",
        "start_date": "2024-03-01",
        "post_title": "瓦斯检查工",
        "department": "通风区/瓦检班",
    }
    data.update(kw)
    return data


def test_enterprise_admin_registers_a_person_with_an_employment(world):
    c = client_for(make_user("enterprise_admin", enterprise=world["a"]))
    data = register_payload(world["a"], employment_form="temporary")
    r = post_json(c, "/api/v1/persons", data)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["person"]["name"] == "新员工"
    assert body["person"]["phone_masked"] == "137****1111"
    assert data["id_number"] not in r.content.decode()
    emp = body["employment"]
    assert emp["enterprise"]["credit_code"] == world["a"].credit_code
    assert emp["employment_form"] == "temporary" and emp["start_date"] == "2024-03-01"
    [post] = emp["posts"]
    # the title is a catalogue job type of the enterprise's sector: linked, with its operation
    assert (post["job_type"], post["operation_code"], post["org_unit_path"]) == (
        "瓦斯检查工",
        "5.4",
        "通风区/瓦检班",
    )
    person = Person.objects.get(uid=body["person"]["id"])
    assert person.source == "api"
    assert Employment.objects.get(pk=emp["id"]).created_by.role == "enterprise_admin"
    assert c.get(f"/api/v1/persons/{person.uid}").status_code == 200


@pytest.mark.parametrize(
    ("extra", "job_type", "operation"),
    [
        ({"post_title": "电工", "job_type": "井下电钳工"}, "井下电钳工", "5.1"),
        ({"post_title": "瓦斯检查工", "operation_code": "无"}, "瓦斯检查工", None),
        ({"post_title": "巡检员", "operation_code": "1.2"}, None, "1.2"),
        ({"post_title": "巡检员"}, None, None),
    ],
)
def test_registration_resolves_job_type_and_operation(world, extra, job_type, operation):
    c = client_for(make_user("county_admin", region="140502"))
    r = post_json(c, "/api/v1/persons", register_payload(world["a"], department="", **extra))
    assert r.status_code == 201, r.content
    post = r.json()["employment"]["posts"][0]
    assert (post["job_type"], post["operation_code"], post["org_unit_path"]) == (
        job_type,
        operation,
        "",
    )


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"job_type": "宇航员"}, 422, "job_type"),
        ({"operation_code": "99.9"}, 422, "operation_code"),
        ({"id_number": "140502198001010015"}, 422, "id_number"),
        ({"phone": "12345"}, 422, "phone"),
        ({"role_category": "boss"}, 422, "role_category"),
        ({"start_date": "2024-02-30"}, 422, "start_date"),
        ({"post_title": ""}, 422, "post_title"),
    ],
)
def test_bad_registration_names_the_field_and_writes_nothing(world, change, status, field):
    c = client_for(make_user("enterprise_admin", enterprise=world["a"]))
    before = (Person.objects.count(), Employment.objects.count())
    r = post_json(c, "/api/v1/persons", register_payload(world["a"], **change))
    body = assert_error(r, status, "validation_failed")
    assert field in body["fields"]
    assert (Person.objects.count(), Employment.objects.count()) == before


@pytest.mark.parametrize("role", ["inspector", "trainer", "worker"])
def test_only_admins_register_people(world, role):
    user = make_user(role, region="140502") if role == "inspector" else make_user(role)
    before = Person.objects.count()
    assert_error(
        post_json(client_for(user), "/api/v1/persons", register_payload(world["a"])),
        403,
        "permission_denied",
    )
    assert Person.objects.count() == before


def test_registering_at_another_enterprise_is_a_404(world):
    c = client_for(make_user("enterprise_admin", enterprise=world["a"]))
    before = Person.objects.count()
    assert_error(post_json(c, "/api/v1/persons", register_payload(world["b"])), 404, "not_found")
    assert Person.objects.count() == before


def test_a_name_conflict_outside_the_jurisdiction_does_not_reveal_the_registered_name(world):
    c = client_for(make_user("enterprise_admin", enterprise=world["a"]))
    data = register_payload(world["a"], id_number=person_id_number(world["pc"]), name="冒名")
    body = assert_error(post_json(c, "/api/v1/persons", data), 409, "conflict")
    assert "丙工人" not in json.dumps(body, ensure_ascii=False)
    assert "高平丙矿" not in json.dumps(body, ensure_ascii=False)
    # inside the jurisdiction the admin may be told which name is on record
    county = client_for(make_user("county_admin", region="140581"))
    data = register_payload(world["c"], id_number=person_id_number(world["pc"]), name="冒名")
    assert (
        "丙工人"
        in assert_error(post_json(county, "/api/v1/persons", data), 409, "conflict")["message"]
    )


def test_a_new_employer_registers_a_known_person_whose_old_job_ended(world):
    ec = world["ec"]
    ec.end_date = dt.date(2023, 12, 31)
    ec.save()
    c = client_for(make_user("enterprise_admin", enterprise=world["a"]))
    data = register_payload(world["a"], id_number=person_id_number(world["pc"]), name="丙工人")
    r = post_json(c, "/api/v1/persons", data)
    assert r.status_code == 201
    assert r.json()["person"]["id"] == str(world["pc"].uid)  # the same lifelong person
    assert world["pc"].employments.count() == 2


def test_an_overlapping_employment_is_a_conflict_and_nothing_is_written(world):
    c = client_for(make_user("enterprise_admin", enterprise=world["a"]))
    data = register_payload(world["a"], id_number=person_id_number(world["pc"]), name="丙工人")
    before = Employment.objects.count()
    body = assert_error(post_json(c, "/api/v1/persons", data), 409, "conflict")
    assert "高平丙矿" not in body["message"]
    assert Employment.objects.count() == before


# ----------------------------------------------------------------------------- employment changes


def emp_url(world, key="ea", person="pa", action="end"):
    return f"/api/v1/persons/{world[person].uid}/employments/{world[key].pk}/{action}"


def test_end_an_employment(world):
    c = client_for(make_user("enterprise_admin", enterprise=world["a"]))
    r = post_json(c, emp_url(world), {"end_date": "2024-05-31"})
    assert r.status_code == 200
    assert r.json()["end_date"] == "2024-05-31"
    world["ea"].refresh_from_db()
    assert world["ea"].end_date == dt.date(2024, 5, 31)
    body = assert_error(
        post_json(c, emp_url(world), {"end_date": "2020-01-01"}), 422, "validation_failed"
    )
    assert "end_date" in body["fields"]


def test_change_a_post(world):
    c = client_for(make_user("county_admin", region="140502"))
    data = {"from_date": "2024-04-01", "title": "井下电钳工", "department": "机电队"}
    r = post_json(c, emp_url(world, action="posts"), data)
    assert r.status_code == 201, r.content
    assert (r.json()["operation_code"], r.json()["org_unit_path"]) == ("5.1", "机电队")
    history = c.get(f"/api/v1/persons/{world['pa'].uid}/employments").json()
    assert [p["title"] for p in history[0]["posts"]] == ["瓦斯检查工", "井下电钳工"]
    assert_error(post_json(c, emp_url(world, action="posts"), data), 409, "conflict")
    early = dict(data, from_date="2020-01-01")
    assert_error(post_json(c, emp_url(world, action="posts"), early), 422, "validation_failed")


def test_record_a_leave(world):
    c = client_for(make_user("enterprise_admin", enterprise=world["a"]))
    r = post_json(c, emp_url(world, action="leaves"), {"start_date": "2024-01-10"})
    assert r.status_code == 201
    assert r.json()["end_date"] is None
    overlapping = {"start_date": "2024-02-01", "end_date": "2024-02-10"}
    assert_error(post_json(c, emp_url(world, action="leaves"), overlapping), 409, "conflict")
    backwards = {"start_date": "2023-02-01", "end_date": "2023-01-10"}
    assert_error(post_json(c, emp_url(world, action="leaves"), backwards), 422, "validation_failed")


def test_an_employment_of_another_person_is_not_found(world):
    c = client_for(make_user("county_admin", region="140502"))
    url = f"/api/v1/persons/{world['pa'].uid}/employments/{world['eb'].pk}/end"
    assert_error(post_json(c, url, {"end_date": "2024-05-31"}), 404, "not_found")


def test_a_former_employer_cannot_change_the_new_employment(world):
    ea = world["ea"]
    ea.end_date = dt.date(2023, 6, 30)
    ea.save()
    new = make_employment(world["pa"], world["b"], start=dt.date(2023, 7, 1))
    old_admin = client_for(make_user("enterprise_admin", enterprise=world["a"]))
    url = f"/api/v1/persons/{world['pa'].uid}/employments/{new.pk}/end"
    assert_error(post_json(old_admin, url, {"end_date": "2024-01-01"}), 404, "not_found")
    new.refresh_from_db()
    assert new.end_date is None


# ----------------------------------------------------------------------------- roles


def test_worker_sees_only_self(world):
    c = client_for(make_user("worker", person=world["pa"]))
    body = c.get("/api/v1/persons").json()
    assert [p["id"] for p in body["items"]] == [str(world["pa"].uid)]
    assert c.get(f"/api/v1/persons/{world['pa'].uid}").status_code == 200
    assert c.get(f"/api/v1/persons/{world['pa'].uid}/employments").status_code == 200
    assert_error(c.get(f"/api/v1/persons/{world['pb'].uid}"), 404, "not_found")
    assert (
        post_json(
            c, "/api/v1/persons/lookup", {"id_number": person_id_number(world["pa"])}
        ).status_code
        == 200
    )
    # and may not change its own employment
    assert_error(post_json(c, emp_url(world), {"end_date": "2024-05-31"}), 403, "permission_denied")


def test_trainer_sees_nothing(world):
    c = client_for(make_user("trainer"))
    assert c.get("/api/v1/persons").json()["count"] == 0
    assert c.get("/api/v1/enterprises").json()["count"] == 0
    assert_error(c.get(f"/api/v1/persons/{world['pa'].uid}"), 404, "not_found")
    assert_error(
        post_json(c, "/api/v1/persons/lookup", {"id_number": person_id_number(world["pa"])}),
        404,
        "not_found",
    )


def test_inspector_sees_its_county(world):
    c = client_for(make_user("inspector", region="140581"))
    assert names(c.get("/api/v1/persons")) == {"丙工人"}


# ----------------------------------------------------------------------------- the leak test

VIEWERS = {
    # viewer → the world keys of objects outside its jurisdiction
    "county_admin": (lambda w: make_user("county_admin", region="140502"), ["c"]),
    "inspector": (lambda w: make_user("inspector", region="140502"), ["c"]),
    "enterprise_admin": (lambda w: make_user("enterprise_admin", enterprise=w["a"]), ["b", "c"]),
    "worker": (lambda w: make_user("worker", person=w["pa"]), ["b", "c"]),
    "trainer": (lambda w: make_user("trainer"), ["a", "b", "c"]),
}
PERSON_OF = {"a": ("pa", "ea"), "b": ("pb", "eb"), "c": ("pc", "ec")}
MISSING_CODE = "91140502MA0000000X"


def probes(world, key):
    """(method, foreign url, body, the same request for an object that does not exist)."""
    ent = world[key]
    person_key, emp_key = PERSON_OF[key]
    person, emp = world[person_key], world[emp_key]
    ghost = uuid.uuid4()
    return [
        (
            "get",
            f"/api/v1/enterprises/{ent.credit_code}",
            None,
            f"/api/v1/enterprises/{MISSING_CODE}",
        ),
        (
            "get",
            f"/api/v1/enterprises/{ent.credit_code}/org-units",
            None,
            f"/api/v1/enterprises/{MISSING_CODE}/org-units",
        ),
        ("get", f"/api/v1/persons/{person.uid}", None, f"/api/v1/persons/{ghost}"),
        (
            "get",
            f"/api/v1/persons/{person.uid}/employments",
            None,
            f"/api/v1/persons/{ghost}/employments",
        ),
        (
            "post",
            "/api/v1/persons/lookup",
            {"id_number": person_id_number(person)},
            ("/api/v1/persons/lookup", {"id_number": new_id_number("140525")}),
        ),
        (
            "post",
            f"/api/v1/persons/{person.uid}/employments/{emp.pk}/end",
            {"end_date": "2024-12-31"},
            f"/api/v1/persons/{ghost}/employments/{emp.pk}/end",
        ),
        (
            "post",
            f"/api/v1/persons/{person.uid}/employments/{emp.pk}/posts",
            {"from_date": "2024-06-01", "title": "新岗位"},
            f"/api/v1/persons/{ghost}/employments/{emp.pk}/posts",
        ),
        (
            "post",
            f"/api/v1/persons/{person.uid}/employments/{emp.pk}/leaves",
            {"start_date": "2024-06-01"},
            f"/api/v1/persons/{ghost}/employments/{emp.pk}/leaves",
        ),
        (
            "get",
            f"/api/v1/persons?enterprise={ent.credit_code}",
            None,
            f"/api/v1/persons?enterprise={MISSING_CODE}",
        ),
    ]


@pytest.mark.parametrize("role", list(VIEWERS))
def test_no_leak_across_jurisdictions(world, role):
    make_viewer, foreign = VIEWERS[role]
    c = client_for(make_viewer(world))
    listed_enterprises = {
        e["credit_code"] for e in c.get("/api/v1/enterprises?page_size=100").json()["items"]
    }
    listed_persons = {p["id"] for p in c.get("/api/v1/persons?page_size=100").json()["items"]}
    checked = 0
    for key in foreign:
        assert world[key].credit_code not in listed_enterprises
        assert str(world[PERSON_OF[key][0]].uid) not in listed_persons
        for method, url, body, missing in probes(world, key):
            missing_url, missing_body = missing if isinstance(missing, tuple) else (missing, body)
            if method == "get":
                got, baseline = c.get(url), c.get(missing_url)
            else:
                got, baseline = post_json(c, url, body), post_json(c, missing_url, missing_body)
            assert got.status_code in (403, 404), (role, url, got.content)
            assert (got.status_code, got.content) == (baseline.status_code, baseline.content), (
                role,
                url,
            )
            text = got.content.decode()
            assert world[PERSON_OF[key][0]].name not in text and world[key].name not in text
            checked += 1
    assert checked == 9 * len(foreign)
    if role in ("worker", "trainer"):
        assert listed_enterprises == set()
    # nothing was changed by the refused writes
    for key in foreign:
        emp = world[PERSON_OF[key][1]]
        emp.refresh_from_db()
        assert emp.end_date is None and emp.posts.count() == 1 and emp.leaves.count() == 0


# ----------------------------------------------------------------------------- authentication


def test_no_credentials_is_401_on_every_endpoint(world):
    c = Client()
    for url in ("/api/v1/enterprises", "/api/v1/persons", f"/api/v1/persons/{world['pa'].uid}"):
        assert_error(c.get(url), 401, "unauthorized")
    assert_error(post_json(c, "/api/v1/persons/lookup", {"id_number": "x"}), 401, "unauthorized")


def test_unknown_and_revoked_tokens_are_401(world):
    user = make_user("city_admin")
    token = token_create(user=user)
    good = Client(headers={"Authorization": f"Bearer {token}"})
    assert good.get("/api/v1/persons").status_code == 200
    assert_error(
        Client(headers={"Authorization": "Bearer st_not-a-token"}).get("/api/v1/persons"),
        401,
        "unauthorized",
    )
    ApiToken.objects.filter(user=user).update(revoked=True)
    assert_error(good.get("/api/v1/persons"), 401, "unauthorized")


def test_token_of_a_deactivated_account_is_401():
    user = make_user("city_admin")
    c = client_for(user)
    user.is_active = False
    user.save()
    assert_error(c.get("/api/v1/persons"), 401, "unauthorized")


def test_bearer_writes_need_no_csrf_token(world):
    c = client_for(make_user("enterprise_admin", enterprise=world["a"]), enforce_csrf_checks=True)
    assert post_json(c, "/api/v1/persons", register_payload(world["a"])).status_code == 201


def test_session_reads_work_and_session_writes_need_the_csrf_token(world):
    admin = make_user("enterprise_admin", enterprise=world["a"])
    c = Client(enforce_csrf_checks=True)
    c.force_login(admin)
    assert c.get("/api/v1/persons").status_code == 200
    # lookup is a POST too: refused without the token, whatever the body
    assert_error(
        post_json(c, "/api/v1/persons/lookup", {"id_number": person_id_number(world["pa"])}),
        403,
        "csrf_failed",
    )
    before = Person.objects.count()
    assert_error(post_json(c, "/api/v1/persons", register_payload(world["a"])), 403, "csrf_failed")
    assert Person.objects.count() == before
    # the docs page hands out the token, as a web page would
    c.get("/api/v1/docs")
    token = c.cookies["csrftoken"].value
    r = c.post(
        "/api/v1/persons",
        json.dumps(register_payload(world["a"])),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert r.status_code == 201


def test_a_bad_bearer_token_does_not_fall_back_to_the_session(world):
    c = Client()
    c.force_login(make_user("city_admin"))
    assert c.get("/api/v1/persons").status_code == 200
    assert_error(
        c.get("/api/v1/persons", headers={"Authorization": "Bearer wrong"}), 401, "unauthorized"
    )


# ----------------------------------------------------------------------------- the error shape


def test_error_shape_for_403_404_405_409_422_and_bad_json(world):
    c = client_for(make_user("county_admin", region="140502"))
    assert_error(
        post_json(c, "/api/v1/enterprises", {"credit_code": "x"}), 422, "validation_failed"
    )
    assert_error(
        post_json(
            client_for(make_user("trainer")),
            "/api/v1/enterprises",
            {
                "credit_code": "91140502MA0000000X",
                "name": "x",
                "region": "140502",
                "sector": "coal_mine",
            },
        ),
        403,
        "permission_denied",
    )
    assert_error(c.get("/api/v1/no-such-endpoint"), 404, "not_found")
    assert_error(c.post("/api/v1/no/such/endpoint"), 404, "not_found")
    assert_error(c.get("/api/v1/"), 404, "not_found")
    assert_error(c.get(f"/api/v1/persons/{uuid.uuid4()}"), 404, "not_found")
    assert_error(c.get("/api/v1/persons/not-a-uuid"), 404, "not_found")
    r = c.delete("/api/v1/enterprises")
    body = assert_error(r, 405, "method_not_allowed")
    assert set(body["fields"]["allowed"]) == {"GET", "POST"}
    assert set(r["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert_error(c.get("/api/v1/persons/lookup"), 405, "method_not_allowed")
    ea = world["ea"]
    data = {"from_date": "2024-04-01", "title": "x"}
    post_json(c, emp_url(world, action="posts"), data)
    assert_error(post_json(c, emp_url(world, action="posts"), data), 409, "conflict")
    r = c.post("/api/v1/persons/lookup", "{not json", content_type="application/json")
    assert_error(r, 400, "bad_request")
    assert ea.posts.count() == 2


def test_unexpected_errors_are_a_generic_500_without_a_trace(world, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("secret internals /srv/safetrain/settings.py")

    monkeypatch.setattr("safetrain.enterprises.api.enterprise_list", boom)
    c = client_for(make_user("city_admin"))
    r = c.get("/api/v1/enterprises")
    body = assert_error(r, 500, "server_error")
    assert "secret" not in r.content.decode() and "Traceback" not in r.content.decode()
    assert body["fields"] == {}


# ----------------------------------------------------------------------------- OpenAPI and docs


def test_openapi_lists_the_paths_and_security():
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    schema = json.loads(r.content)
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/enterprises", "get"),
        ("/api/v1/enterprises", "post"),
        ("/api/v1/enterprises/{credit_code}", "get"),
        ("/api/v1/enterprises/{credit_code}/org-units", "get"),
        ("/api/v1/persons/lookup", "post"),
        ("/api/v1/persons", "get"),
        ("/api/v1/persons", "post"),
        ("/api/v1/persons/{person_id}", "get"),
        ("/api/v1/persons/{person_id}/employments", "get"),
        ("/api/v1/persons/{person_id}/employments/{employment_id}/end", "post"),
        ("/api/v1/persons/{person_id}/employments/{employment_id}/posts", "post"),
        ("/api/v1/persons/{person_id}/employments/{employment_id}/leaves", "post"),
    ]:
        assert method in paths[path], (path, method)
    # no path takes an ID number
    assert not any("id_number" in p for p in paths)
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["BearerAuth"].items()
    page = schema["components"]["schemas"]["Page_PersonOut_"]
    assert set(page["required"]) == {"items", "count", "page", "page_size"}


def test_docs_page_loads_without_any_cdn():
    r = Client().get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "http" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert '"validatorUrl": null' in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(asset), asset


def test_person_register_service_registers_once(world):
    # the API's lookup afterwards finds the person registered through the service, by hash
    number = new_id_number("140502")
    person = person_register(actor=None, id_number=number, name="后来者")
    make_employment(person, world["a"])
    c = client_for(make_user("enterprise_admin", enterprise=world["a"]))
    r = post_json(c, "/api/v1/persons/lookup", {"id_number": number})
    assert r.json()["id"] == str(person.uid)
