"""The employment form (用工形式, DESIGN §2) on the archive page and as a filter (`form=`) of every
list of persons: the person list, the enterprise's staff, the 上岗管控 blocked list and its
export, the certificate ledger and its export, a session's roster, and the API lists. Each
filtered list returns only that form, in a number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from safetrain.classes import services as classes
from safetrain.classes.tests.factories import make_session
from safetrain.compliance.tests import records as r
from safetrain.core.dates import today
from safetrain.people.services import token_create
from safetrain.people.tests.factories import (
    make_employment,
    make_enterprise,
    make_person,
    make_user,
)

pytestmark = pytest.mark.django_db

START = dt.date(2020, 1, 1)


@pytest.fixture
def forms_world(db):
    """Enterprise a (城区) with a contract, a dispatched and a temporary worker, each with a 三违
    (so each is blocked), and special operators of each form (ledger rows); b elsewhere."""
    t = today()
    a = make_enterprise(region="140502", sector="coal_mine", name="城区甲矿")
    b = make_enterprise(region="140581", sector="coal_mine", name="高平乙矿")
    people = {}
    for form, name in (("contract", "合同甲"), ("dispatched", "派遣乙"), ("temporary", "临时丙")):
        person = make_employment(make_person(name=name), a, start=START, form=form).person
        r.violation(person, a, t - dt.timedelta(days=3))
        people[form] = person
        op = make_employment(
            make_person(name=f"{name}电工"), a, start=START, form=form, job="低压电工"
        ).person
        people[f"{form}_op"] = op
    people["other_dispatched"] = make_employment(
        make_person(name="外县派遣"), b, start=START, form="dispatched"
    ).person
    return {
        "a": a,
        "b": b,
        **people,
        "admin": make_user("enterprise_admin", enterprise=a),
        "county": make_user("county_admin", region="140502"),
        "city": make_user("city_admin"),
    }


def names(html: str, world, *keys: str) -> set[str]:
    """Which of the named persons appear in the page."""
    return {k for k in keys if world[k].name in html}


ALL = ("contract", "dispatched", "temporary", "contract_op", "dispatched_op", "temporary_op")


def test_archive_page_shows_the_employment_form(client, forms_world):
    client.force_login(forms_world["admin"])
    html = client.get(
        reverse("person_detail", args=[forms_world["dispatched"].uid])
    ).content.decode()
    assert 'data-testid="employment-form">劳务派遣</dd>' in html


def test_person_list_filters_by_form(client, forms_world, django_assert_max_num_queries):
    client.force_login(forms_world["city"])
    html = client.get(reverse("person_list") + "?form=dispatched").content.decode()
    assert names(html, forms_world, *ALL, "other_dispatched") == {
        "dispatched",
        "dispatched_op",
        "other_dispatched",
    }
    # a Chinese label works too; an unknown value is ignored on a page
    html = client.get(reverse("person_list") + "?form=临时工").content.decode()
    assert names(html, forms_world, *ALL) == {"temporary", "temporary_op"}
    html = client.get(reverse("person_list") + "?form=nonsense").content.decode()
    assert names(html, forms_world, *ALL) == set(ALL)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("person_list") + "?form=dispatched")
    for n in range(5):
        make_employment(make_person(name=f"新派遣{n}"), forms_world["a"], form="dispatched")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("person_list") + "?form=dispatched")


def test_enterprise_staff_filters_by_form(client, forms_world):
    client.force_login(forms_world["admin"])
    url = reverse("enterprise_detail", args=[forms_world["a"].credit_code])
    html = client.get(url + "?form=temporary").content.decode()
    assert names(html, forms_world, *ALL) == {"temporary", "temporary_op"}


def test_blocked_list_and_export_filter_by_form(client, forms_world, django_assert_max_num_queries):
    client.force_login(forms_world["admin"])
    code = forms_world["a"].credit_code
    url = reverse("compliance:enterprise", args=[code])
    html = client.get(url).content.decode()
    assert {"contract", "dispatched", "temporary"} <= names(html, forms_world, *ALL)
    resp = client.get(url + "?form=dispatched")
    rows = resp.context["control"].rows
    assert rows and {row.form for row in rows} == {"dispatched"}
    assert {row.person.name for row in rows} == {
        forms_world["dispatched"].name,
        forms_world["dispatched_op"].name,
    }
    wb = load_workbook(
        BytesIO(
            client.get(
                reverse("compliance:enterprise_export", args=[code]) + "?form=temporary"
            ).content
        )
    )
    exported = [row[1] for row in wb["今日不得安排上岗"].iter_rows(min_row=2, values_only=True)]
    assert sorted(exported) == sorted(
        [forms_world["temporary"].name, forms_world["temporary_op"].name]
    )
    forms_col = {row[5] for row in wb["今日不得安排上岗"].iter_rows(min_row=2, values_only=True)}
    assert forms_col == {"临时工"}
    with django_assert_max_num_queries(60) as few:
        client.get(url + "?form=dispatched&on=" + (today() - dt.timedelta(days=1)).isoformat())
    t = today()
    for n in range(4):
        p = make_employment(
            make_person(name=f"派遣{n}"), forms_world["a"], start=START, form="dispatched"
        ).person
        r.violation(p, forms_world["a"], t - dt.timedelta(days=3))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url + "?form=dispatched&on=" + (today() - dt.timedelta(days=1)).isoformat())


def test_ledger_and_export_filter_by_form(client, forms_world):
    client.force_login(forms_world["county"])
    resp = client.get(reverse("certificates:ledger") + "?form=dispatched")
    rows = resp.context["ledger"].rows
    assert [row.person.name for row in rows] == [forms_world["dispatched_op"].name]
    resp = client.get(reverse("certificates:ledger") + "?form=dispatched&format=xlsx")
    wb = load_workbook(BytesIO(resp.content))
    text = " ".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )
    assert forms_world["dispatched_op"].name in text
    assert (
        forms_world["contract_op"].name not in text and forms_world["temporary_op"].name not in text
    )


def test_session_roster_filters_by_form(client, forms_world):
    admin = forms_world["admin"]
    s = make_session(actor=admin)
    classes.roster_add(
        actor=admin,
        session=s,
        persons=[forms_world[k] for k in ("contract", "dispatched", "temporary")],
    )
    client.force_login(admin)
    html = client.get(reverse("classes:detail", args=[s.pk]) + "?form=dispatched").content.decode()
    assert names(html, forms_world, "contract", "dispatched", "temporary") == {"dispatched"}


def test_api_lists_take_form(client, forms_world):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=forms_world['city'])}"}
    body = client.get("/api/v1/persons?form=dispatched", **auth).json()
    got = {item["name"] for item in body["items"]}
    assert got == {forms_world[k].name for k in ("dispatched", "dispatched_op", "other_dispatched")}
    bad = client.get("/api/v1/persons?form=casual", **auth)
    assert bad.status_code == 422 and "form" in bad.json()["fields"]
    body = client.get("/api/v1/certificates/ledger?form=temporary", **auth).json()
    assert [row["name"] for row in body["rows"]] == [forms_world["temporary_op"].name]
    code = forms_world["a"].credit_code
    body = client.get(f"/api/v1/enterprises/{code}/blocked?form=劳务派遣", **auth).json()
    assert {row["name"] for row in body["rows"]} == {
        forms_world["dispatched"].name,
        forms_world["dispatched_op"].name,
    }
    assert {row["employment_form"] for row in body["rows"]} == {"dispatched"}
    # outside the caller's jurisdiction: 404
    other = {
        "HTTP_AUTHORIZATION": f"Bearer {token_create(user=make_user('county_admin', region='140581'))}"
    }
    assert client.get(f"/api/v1/enterprises/{code}/blocked", **other).status_code == 404


def test_remedial_todos_filter_by_form(client, forms_world):
    from safetrain.compliance.services import recompute_all

    recompute_all()
    client.force_login(forms_world["admin"])
    url = reverse("compliance:remedial_mine")
    everyone = client.get(url).content.decode()
    assert {"contract", "dispatched", "temporary"} <= names(everyone, forms_world, *ALL)
    html = client.get(url + "?form=dispatched").content.decode()
    assert names(html, forms_world, "contract", "dispatched", "temporary") == {"dispatched"}
