"""Pages per role and scope, the forms end to end, query counts on the lists, the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from safetrain.inspections import services
from safetrain.inspections.models import CheckedPerson, CorrectionOrder, Inspection
from safetrain.people.tests.factories import PASSWORD, make_employment, make_person
from safetrain.records.models import ExamResult

pytestmark = pytest.mark.django_db


def client_for(world, who: str) -> Client:
    c = Client()
    assert c.login(username=world["users"][who].username, password=PASSWORD)
    return c


def _order(world, deadline_days=10):
    return services.order_issue(
        actor=None,
        enterprise=world["a"],
        items=[(p.pk, "CERT_MISSING") for p in world["ops"][:2]],
        deadline=world["today"] + dt.timedelta(days=deadline_days),
    )


def test_roles_and_scope(world):
    order = _order(world)
    url = reverse("inspections:order", args=[order.pk])
    assert client_for(world, "county").get(url).status_code == 200
    assert client_for(world, "enterprise").get(url).status_code == 200  # its own orders
    assert client_for(world, "county_other").get(url).status_code == 404
    assert client_for(world, "inspector_other").get(url).status_code == 404
    assert client_for(world, "trainer").get(url).status_code == 403
    new = reverse("inspections:order_new", args=[world["a"].credit_code])
    assert client_for(world, "enterprise").get(new).status_code == 403
    assert client_for(world, "inspector_other").get(new).status_code == 404
    listing = client_for(world, "county_other").get(reverse("inspections:orders"))
    assert order.number not in listing.content.decode()
    assert (
        order.number
        in client_for(world, "city").get(reverse("inspections:orders")).content.decode()
    )


def test_inspection_spot_check_through_the_pages(world):
    c = client_for(world, "inspector")
    resp = c.post(
        reverse("inspections:new", args=[world["a"].credit_code]),
        {
            "date": world["today"].isoformat(),
            "methods": ["spot_exam", "onsite_qa"],
            "team": "王执法、李检查",
        },
    )
    insp = Inspection.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("inspections:detail", args=[insp.pk])
    c.post(resp.url, {"action": "draw", "count": "3", "seed": "2024"})
    rows = list(CheckedPerson.objects.filter(inspection=insp))
    assert len(rows) == 3 and all(r.drawn and r.draw_seed == "2024" for r in rows)
    c.post(
        resp.url, {"action": "record", "checked": rows[0].pk, "result": "fail", "notes": "答不出"}
    )
    c.post(resp.url, {"action": "record", "checked": rows[1].pk, "result": "pass", "score": "95"})
    assert ExamResult.objects.filter(purpose="spot_check").count() == 2
    page = c.get(resp.url).content.decode()
    assert "合格 1，不合格 1" in page
    # the enterprise admin sees the failure on its retest list
    retests = client_for(world, "enterprise").get(reverse("inspections:retests")).content.decode()
    assert rows[0].person.name in retests
    # bad input: a message, nothing written
    c.post(resp.url, {"action": "draw", "count": "0", "seed": "x"})
    assert CheckedPerson.objects.filter(inspection=insp).count() == 3
    # the enterprise admin may look but not draw
    e = client_for(world, "enterprise")
    assert e.get(resp.url).status_code == 200
    assert e.post(resp.url, {"action": "draw", "count": "3", "seed": "1"}).status_code == 404


def test_a_spot_exam_is_started_for_the_drawn_persons_without_a_result(world):
    from safetrain.exams.models import Exam
    from safetrain.exams.tests.factories import make_bank

    make_bank(singles=8, multiples=2, truefalse=2)
    c = client_for(world, "inspector")
    resp = c.post(
        reverse("inspections:new", args=[world["a"].credit_code]),
        {"date": world["today"].isoformat(), "methods": ["spot_exam"], "team": "王执法"},
    )
    insp = Inspection.objects.get()
    c.post(resp.url, {"action": "draw", "count": "3", "seed": "7"})
    rows = list(CheckedPerson.objects.filter(inspection=insp).order_by("pk"))
    c.post(resp.url, {"action": "record", "checked": rows[0].pk, "result": "pass", "score": "90"})
    c.post(resp.url, {"action": "spot_exam", "question_count": "5"})
    exam = Exam.objects.get()
    assert exam.purpose == "spot_check" and exam.enterprise_id == world["a"].pk
    asked = set(exam.candidates.values_list("person_id", flat=True))
    assert asked == {r.person_id for r in rows[1:]}  # not the one already recorded


def test_issue_order_from_findings_then_penalty(world):
    c = client_for(world, "county")
    url = reverse("inspections:order_new", args=[world["a"].credit_code])
    page = c.get(url).content.decode()
    for p in world["ops"]:
        assert f"{p.uid}:CERT_MISSING" in page
    deadline = (world["today"] + dt.timedelta(days=7)).isoformat()
    resp = c.post(url, {"item": [f"{world['ops'][0].uid}:CERT_MISSING"], "deadline": deadline})
    order = CorrectionOrder.objects.get()
    assert resp.url == reverse("inspections:order", args=[order.pk])
    assert [(i.person_id, i.code) for i in order.items.all()] == [
        (world["ops"][0].pk, "CERT_MISSING")
    ]
    c.post(resp.url, {"action": "penalty", "amount": "30000", "basis": "安全生产法第九十七条"})
    assert order.penalties.get().amount == 30000
    c.post(resp.url, {"action": "penalty", "amount": "-1", "basis": "x"})
    assert order.penalties.count() == 1
    # no item chosen: refused, nothing written
    c.post(url, {"deadline": deadline})
    assert CorrectionOrder.objects.count() == 1


def test_order_list_states_by_date(world):
    order = _order(world, deadline_days=3)
    c = client_for(world, "county")
    late = (world["today"] + dt.timedelta(days=4)).isoformat()
    page = c.get(reverse("inspections:orders"), {"state": "overdue", "on": late}).content.decode()
    assert f'data-number="{order.number}"' in page and 'data-state="overdue"' in page
    page = c.get(reverse("inspections:orders"), {"state": "overdue"}).content.decode()
    assert order.number not in page


@pytest.mark.parametrize("n", [1, 6])
def test_order_list_query_count_is_fixed(world, n, django_assert_max_num_queries):
    for _i in range(n):
        _order(world)
    c = client_for(world, "city")
    with django_assert_max_num_queries(12):
        assert c.get(reverse("inspections:orders"), {"state": "all"}).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_inspection_list_and_retests_query_counts(world, n, django_assert_max_num_queries):
    for _i in range(n):
        insp = services.inspection_create(
            actor=None, enterprise=world["a"], date=world["today"], methods=["spot_exam"]
        )
        for row in services.spot_check_draw(actor=None, inspection=insp, count=2, seed=_i):
            services.checked_person_record(actor=None, checked=row, result="fail")
    c = client_for(world, "county")
    with django_assert_max_num_queries(10):
        assert c.get(reverse("inspections:index")).status_code == 200
    with django_assert_max_num_queries(10):
        assert c.get(reverse("inspections:retests")).status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get(reverse("inspections:detail", args=[insp.pk])).status_code == 200


def test_open_orders_query_count_is_fixed(world, django_assert_num_queries):
    from safetrain.inspections.selectors import open_orders

    for _i in range(3):
        _order(world)
    with django_assert_num_queries(3):
        assert len(open_orders("140500")) == 3


def test_calendar_and_plan_upload(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = client_for(world, "county")
    page = c.get(reverse("inspections:calendar"), {"on": "2024-11-01"}).content.decode()
    assert 'data-phase="training" data-state="current"' in page
    assert 'data-phase="deployment" data-state="done"' in page
    upload = SimpleUploadedFile("泽州方案.pdf", b"%PDF-1.7 plan", content_type="application/pdf")
    c.post(reverse("inspections:calendar"), {"file": upload})
    page = c.get(reverse("inspections:calendar")).content.decode()
    assert (
        "泽州方案.pdf" in page and 'data-on-time="0"' in page
    )  # submitted today: after 2024-10-15
    other = client_for(world, "county_other").get(reverse("inspections:calendar")).content.decode()
    assert "泽州方案.pdf" not in other
    city = client_for(world, "city").get(reverse("inspections:calendar")).content.decode()
    assert "泽州方案.pdf" in city
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    c.post(reverse("inspections:calendar"), {"file": bad})
    from safetrain.inspections.models import PlanSubmission

    sub = PlanSubmission.objects.get()
    assert c.get(reverse("inspections:plan_download", args=[sub.pk])).status_code == 200
    assert (
        client_for(world, "county_other")
        .get(reverse("inspections:plan_download", args=[sub.pk]))
        .status_code
        == 404
    )


def test_api_orders(world):

    order = _order(world, deadline_days=2)
    c = client_for(world, "county")
    late = (world["today"] + dt.timedelta(days=3)).isoformat()
    data = c.get("/api/v1/inspections/orders", {"state": "overdue", "on": late}).json()
    assert [o["number"] for o in data["items"]] == [order.number]
    assert data["items"][0]["state"] == "overdue"
    assert c.get("/api/v1/inspections/orders", {"state": "nope"}).status_code == 422
    other = client_for(world, "county_other").get("/api/v1/inspections/orders").json()
    assert other["count"] == 0
    p = make_employment(make_person(name="新操作工"), world["a"], operation="5.4").person
    resp = c.post(
        "/api/v1/inspections/orders",
        json.dumps(
            {
                "enterprise": world["a"].credit_code,
                "deadline": late,
                "items": [{"person": str(p.uid), "code": "CERT_MISSING"}],
            }
        ),
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content
    number = resp.json()["number"]
    resp = c.post(
        f"/api/v1/inspections/orders/{number}/penalties",
        json.dumps({"amount": "10000", "basis": "安全生产法第九十七条第（七）项"}),
        content_type="application/json",
    )
    assert resp.status_code == 201 and resp.json()["penalties"][0]["amount"] == "10000.00"
    assert client_for(world, "trainer").get("/api/v1/inspections/orders").status_code == 403


@pytest.mark.parametrize("n", [1, 6])
def test_api_order_list_query_count_is_fixed(world, n, django_assert_max_num_queries):
    for _i in range(n):
        _order(world)
    c = client_for(world, "city")
    with django_assert_max_num_queries(8):
        data = c.get("/api/v1/inspections/orders").json()
    assert data["count"] == n and len(data["items"]) == n and data["page"] == 1


def test_pages_in_english_after_switching(world):
    _order(world)
    c = client_for(world, "county")
    assert "整改期限" in c.get(reverse("inspections:orders")).content.decode()
    c.post(reverse("set_language"), {"language": "en"})
    html = c.get(reverse("inspections:orders")).content.decode()
    assert "Correction orders" in html and "Deadline" in html and "整改期限" not in html
    html = c.get(reverse("inspections:calendar")).content.decode()
    assert "County implementation plans (due 2024-10-15)" in html


def test_suggested_penalty_basis_follows_the_missing_certificate(world):
    """第九十七条: (七) for a special operator without his certificate; (二) when the only
    certificate missing is a principal's safety-management qualification (high-risk sector)."""
    from safetrain.inspections.enforcement import (
        BASIS_MANAGEMENT,
        BASIS_SPECIAL_OPERATION,
        BASIS_TRAINING,
        suggested_basis,
    )

    c = client_for(world, "county")
    operators = _order(world)
    page = c.get(reverse("inspections:order", args=[operators.pk]))
    assert page.context["basis"] == BASIS_SPECIAL_OPERATION
    boss = make_employment(
        make_person(name="矿长"), world["a"], start=dt.date(2020, 1, 1), role="principal"
    ).person
    order = services.order_issue(
        actor=None,
        enterprise=world["a"],
        items=[(boss.pk, "CERT_MISSING")],
        deadline=world["today"] + dt.timedelta(days=10),
    )
    page = c.get(reverse("inspections:order", args=[order.pk]))
    assert page.context["basis"] == BASIS_MANAGEMENT
    assert BASIS_MANAGEMENT in page.content.decode()
    # pure rule: a mix, or no detail, keeps (七); training findings give (三)
    assert suggested_basis(["CERT_MISSING"], {"safety_management", "special_operation"}) == (
        BASIS_SPECIAL_OPERATION
    )
    assert suggested_basis(["CERT_MISSING"]) == BASIS_SPECIAL_OPERATION
    assert suggested_basis(["PREJOB_TRAINING_MISSING"]) == BASIS_TRAINING
