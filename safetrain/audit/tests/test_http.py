"""The middleware (403s and downloads audited, no-store), unmasking on the web and the API, and
the audit page."""

import datetime as dt

import pytest
from django.test import Client

from safetrain.audit.models import AuditEvent
from safetrain.audit.services import audit_record
from safetrain.people.services import person_id_number, token_create
from safetrain.people.tests.factories import make_employment, make_person, make_user

pytestmark = pytest.mark.django_db

NEVER_CACHE = "no-store"


def bearer(user):
    return Client(headers={"Authorization": f"Bearer {token_create(user=user)}"})


def test_signed_in_pages_and_the_api_are_never_cached(login, users, world):
    c = login(users["enterprise_admin"])
    for url in ("/", f"/persons/{world['pa'].uid}/", "/workbook/export.xlsx"):
        response = c.get(url)
        assert response.status_code == 200, url
        assert NEVER_CACHE in response["Cache-Control"], url
    anonymous = Client().get("/api/v1/persons")
    assert anonymous.status_code == 401 and NEVER_CACHE in anonymous["Cache-Control"]
    api = bearer(users["city_admin"]).get("/api/v1/persons")
    assert api.status_code == 200 and NEVER_CACHE in api["Cache-Control"]


def test_web_403_is_audited(login, users):
    c = login(users["worker"])
    assert c.get("/enterprises/", REMOTE_ADDR="10.0.0.9").status_code == 403
    event = AuditEvent.objects.get(event="permission_denied")
    assert (event.user, event.result, event.ip) == (users["worker"], "failure", "10.0.0.9")
    assert event.detail == "GET /enterprises/"


def test_api_403_is_audited_with_the_token_user(users, world):
    c = bearer(users["trainer"])
    response = c.post(
        "/api/v1/persons",
        {"id_number": "", "name": "x"},
        content_type="application/json",
    )
    assert response.status_code in (403, 422)
    response = c.post(
        f"/api/v1/persons/{world['pa'].uid}/unmask",
        {"reason": "核对身份信息"},
        content_type="application/json",
    )
    assert response.status_code == 404  # outside a trainer's jurisdiction: not revealed
    c = bearer(users["inspector"])
    response = c.post(
        f"/api/v1/persons/{world['pa'].uid}/unmask",
        {"reason": "核对身份信息"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    denied = AuditEvent.objects.filter(event="permission_denied", user=users["inspector"])
    assert denied.count() == 1
    refused = AuditEvent.objects.get(event="unmask", result="failure")
    assert refused.user == users["inspector"] and "核对身份信息" in refused.detail


def test_downloads_are_audited_as_exports(login, users):
    c = login(users["county_admin"])
    assert c.get("/workbook/export.xlsx").status_code == 200
    assert c.get("/workbook/template.xlsx").status_code == 200
    events = list(AuditEvent.objects.filter(event="export"))
    assert len(events) == 1
    assert events[0].user == users["county_admin"] and "/workbook/export.xlsx" in events[0].detail


def test_api_unmask_for_an_allowed_admin_with_a_reason(users, world):
    pa = world["pa"]
    c = bearer(users["county_admin"])
    url = f"/api/v1/persons/{pa.uid}/unmask"
    missing = c.post(url, {"reason": " "}, content_type="application/json")
    assert missing.status_code == 422
    assert not AuditEvent.objects.filter(event="unmask").exists()
    response = c.post(url, {"reason": "办理证书复审"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"id_number": person_id_number(pa), "phone": "13800001234"}
    assert NEVER_CACHE in response["Cache-Control"]
    event = AuditEvent.objects.get(event="unmask", result="success")
    assert event.user == users["county_admin"] and event.detail == "reason: 办理证书复审"
    assert event.object_type == "people.person" and event.object_id == str(pa.pk)
    other_county = bearer(make_user("county_admin", region="140581"))
    assert (
        other_county.post(
            url, {"reason": "办理证书复审"}, content_type="application/json"
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("city_admin", True),
        ("county_admin", True),
        ("enterprise_admin", True),
        ("inspector", False),
        ("worker", False),
    ],
)
def test_web_unmask_permission_per_role(login, users, world, role, allowed):
    pa = world["pa"]
    c = login(users[role])
    page = c.get(f"/persons/{pa.uid}/")
    assert page.status_code == 200
    assert (b'data-testid="unmask-form"' in page.content) is allowed
    response = c.post(f"/audit/persons/{pa.uid}/unmask/", {"reason": "核对证件信息"})
    number = person_id_number(pa)
    if allowed:
        assert response.status_code == 200 and number.encode() in response.content
        assert NEVER_CACHE in response["Cache-Control"]
        assert AuditEvent.objects.filter(event="unmask", result="success").count() == 1
    else:
        assert response.status_code == 403 and number.encode() not in response.content


def test_enterprise_admin_unmasks_only_its_current_staff(login, world):
    """A former employee stays visible to the old employer, but not unmaskable."""
    a = world["a"]
    leaver = make_person(name="离职工")
    make_employment(leaver, a, start=dt.date(2019, 1, 1), end=dt.date(2020, 12, 31))
    make_employment(leaver, world["b"], start=dt.date(2021, 1, 1))
    c = login(make_user("enterprise_admin", enterprise=a))
    assert c.get(f"/persons/{leaver.uid}/").status_code == 200
    assert (
        c.post(f"/audit/persons/{leaver.uid}/unmask/", {"reason": "核对证件信息"}).status_code
        == 403
    )
    ok = c.post(f"/audit/persons/{world['pa'].uid}/unmask/", {"reason": "核对证件信息"})
    assert ok.status_code == 200


def test_web_unmask_needs_a_reason(login, users, world):
    c = login(users["city_admin"])
    response = c.post(f"/audit/persons/{world['pa'].uid}/unmask/", {"reason": ""})
    assert response.status_code == 400
    assert person_id_number(world["pa"]).encode() not in response.content
    assert not AuditEvent.objects.filter(event="unmask").exists()


def test_audit_page_is_for_city_admins_only(login, users):
    for role in ("county_admin", "enterprise_admin", "inspector", "trainer", "worker"):
        assert login(users[role]).get("/audit/").status_code == 403, role
    assert login(users["city_admin"]).get("/audit/").status_code == 200


def test_audit_page_filters_and_pages(login, users):
    admin = users["city_admin"]
    for i in range(55):
        audit_record(event="export", user=admin, detail=f"file {i}")
    audit_record(event="sign_in_failed", result="failure", username="mallory", detail="x")
    old = audit_record(event="sign_in_failed", result="failure", username="mallory")
    AuditEvent.objects.filter(pk=old.pk).update(at=dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC))
    c = login(admin)
    first = c.get("/audit/", {"event": "export"})
    assert first.status_code == 200
    assert first.content.count(b"file ") == 50
    second = c.get("/audit/", {"event": "export", "page": 2})
    assert second.content.count(b"file ") == 5
    row = b'data-testid="audit-row"'
    failed = c.get("/audit/", {"user": "mall", "result": "failure"})
    assert failed.content.count(row) == 2
    dated = c.get(
        "/audit/", {"user": "mallory", "date_from": "2025-01-01", "date_to": "2025-01-01"}
    )
    assert dated.content.count(row) == 1
    assert c.get("/audit/", {"ip": "203.0.113.5"}).content.count(row) == 0
    bad = c.get("/audit/", {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert bad.status_code == 200 and bad.content.count(row) == 0
    assert "结束日期早于开始日期".encode() in bad.content or b"before the start" in bad.content
    assert "审计日志".encode() in c.get("/audit/").content
    c.post("/i18n/setlang/", {"language": "en", "next": "/audit/"})
    english = c.get("/audit/")
    assert english.status_code == 200 and b"Audit log" in english.content
