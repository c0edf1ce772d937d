"""Notices (通报) and the one-person-one-file PDF: content, publication scope, Chinese text that
renders (a page turned into an image is not blank; text extraction finds the names), QR verify,
the API endpoint scoped like every other."""

from __future__ import annotations

import datetime as dt
import io

import pypdfium2 as pdfium
import pytest
from django.test import Client
from openpyxl import load_workbook

from safetrain.compliance.engine import Scope, rates
from safetrain.dashboards import orders
from safetrain.dashboards.models import Notice
from safetrain.dashboards.person_pdf import verify_token
from safetrain.people.models import Employment, Person
from safetrain.people.services import token_create
from safetrain.people.tests.factories import make_user

from .conftest import ON, login

pytestmark = pytest.mark.django_db


def pdf_pages(data: bytes) -> tuple[str, list[float]]:
    """All text, and per page the share of non-white pixels of its first page rendering."""
    assert data.startswith(b"%PDF")
    doc = pdfium.PdfDocument(data)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    image = doc[0].render(scale=1).to_pil().convert("L")
    dark = sum(image.histogram()[:128])
    return text, [dark / (image.width * image.height)]


def test_notice_generate_publish_and_documents(small_city, short_trend, monkeypatch):
    def fake_orders(*, region, on):
        return [
            {
                "credit_code": "X1",
                "enterprise": "某煤矿有限公司",
                "open": 2,
                "overdue": 1,
                "deadline": on - dt.timedelta(days=3),
            },
        ]

    monkeypatch.setattr(orders.apps, "is_installed", lambda name: True)
    monkeypatch.setattr(orders, "import_string", lambda path: fake_orders)
    city_admin = login("city_admin")
    r = city_admin.post(
        "/dashboards/notices/new/",
        {"period_start": "2026-01-01", "period_end": ON.isoformat(), "region": ""},
    )
    notice = Notice.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/dashboards/notices/{notice.pk}/")
    c = notice.content
    want = rates(Scope.city(), ON)
    by_key = {x["key"]: x for x in c["rates"]}
    assert (by_key["may_work"]["num"], by_key["may_work"]["den"]) == (
        want.may_work.num,
        want.may_work.den,
    )
    assert len(c["ranking"]) == 6  # the counties, best first
    pcts = [u["may_work"]["pct"] for u in c["ranking"]]
    assert pcts == sorted(pcts, reverse=True)
    assert c["problems"] and c["problems"][0]["count"] >= c["problems"][-1]["count"]
    assert c["orders"][0]["enterprise"] == "某煤矿有限公司" and c["orders"][0]["overdue"] == 1
    assert notice.title == "晋城市安全生产教育培训工作通报（2026年第1期）"

    # a draft is not listed for a county; publishing lists it for everyone in scope
    county = login("county_admin", region="140525")
    assert notice.title not in county.get("/dashboards/notices/").content.decode()
    assert county.get(f"/dashboards/notices/{notice.pk}/").status_code == 404
    assert county.post(f"/dashboards/notices/{notice.pk}/publish/").status_code == 404
    assert city_admin.post(f"/dashboards/notices/{notice.pk}/publish/").status_code == 302
    notice.refresh_from_db()
    assert notice.published_at is not None
    for client in (county, login("inspector", region="140581")):
        assert notice.title in client.get("/dashboards/notices/").content.decode()

    text, dark = pdf_pages(county.get(f"/dashboards/notices/{notice.pk}/notice.pdf").content)
    assert "晋城市安全生产教育培训工作通报" in text and "某煤矿有限公司" in text
    assert "允许上岗率" in text
    assert dark[0] > 0.005  # Chinese glyphs were drawn, not blank boxes or nothing
    wb = load_workbook(
        io.BytesIO(county.get(f"/dashboards/notices/{notice.pk}/notice.xlsx").content)
    )
    assert wb.sheetnames == ["四率", "排名", "典型问题", "责令改正企业"]
    assert wb["责令改正企业"]["A2"].value == "某煤矿有限公司"


def test_county_notice_scope_and_errors(small_city, short_trend):
    county = login("county_admin", region="140525")
    r = county.post(
        "/dashboards/notices/new/", {"period_start": "2026-06-01", "period_end": "2026-05-01"}
    )
    assert "早于开始日期" in county.get(r["Location"]).content.decode()
    assert not Notice.objects.exists()
    r = county.post(
        "/dashboards/notices/new/",
        {"period_start": "2026-06-01", "period_end": ON.isoformat(), "region": "140581"},
    )
    assert not Notice.objects.exists()
    county.post(
        "/dashboards/notices/new/", {"period_start": "2026-06-01", "period_end": ON.isoformat()}
    )
    notice = Notice.objects.get()
    assert notice.scope == "140525" and notice.content["ranking_of"] == "企业"
    assert notice.content["orders"] == []  # the inspections app is not installed here
    county.post(f"/dashboards/notices/{notice.pk}/publish/")
    # published to its own county, not to another one
    assert (
        notice.title
        in login("county_admin", region="140525").get("/dashboards/notices/").content.decode()
    )
    assert (
        notice.title
        not in login("county_admin", region="140581").get("/dashboards/notices/").content.decode()
    )
    assert login("worker").get("/dashboards/notices/").status_code == 403


def _person_with_history() -> Person:
    emp = (
        Employment.objects.filter(
            end_date__isnull=True, start_date__lte=ON - dt.timedelta(days=800)
        )
        .select_related("person", "enterprise")
        .order_by("id")
        .first()
    )
    assert emp is not None
    return emp.person


def test_archive_pdf_renders_chinese_and_verifies(small_city):
    person = _person_with_history()
    ent_region = Employment.objects.filter(person=person).first().enterprise.region_id
    client = login("county_admin", region=ent_region)
    page = client.get(f"/persons/{person.uid}/")
    assert f"/dashboards/person/{person.uid}/archive.pdf" in page.content.decode()
    r = client.get(f"/dashboards/person/{person.uid}/archive.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text, dark = pdf_pages(r.content)
    assert person.name in text and person.id_number_masked in text
    assert "年度培训学时" in text and "任职经历与岗位" in text
    assert dark[0] > 0.005
    # the full ID number never appears
    from safetrain.people.services import person_id_number

    assert person_id_number(person) not in text
    other = "140581" if ent_region != "140581" else "140525"
    assert (
        login("county_admin", region=other)
        .get(f"/dashboards/person/{person.uid}/archive.pdf")
        .status_code
        == 404
    )

    # the QR's signed link verifies; an altered one does not
    token = verify_token(person, ON)
    ok = Client().get(f"/dashboards/verify/a/{token}/")
    assert ok.status_code == 200 and person.name in ok.content.decode()
    assert Client().get(f"/dashboards/verify/a/{token[:-2]}xx/").status_code == 404


def test_archive_pdf_api_is_scoped(small_city):
    person = _person_with_history()
    region = Employment.objects.filter(person=person).first().enterprise.region_id
    mine = make_user("county_admin", region=region)
    other = make_user("county_admin", region="140581" if region != "140581" else "140525")
    api = Client(headers={"Authorization": f"Bearer {token_create(user=mine)}"})
    r = api.get(f"/api/v1/persons/{person.uid}/archive.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert person.name in pdf_pages(r.content)[0]
    api2 = Client(headers={"Authorization": f"Bearer {token_create(user=other)}"})
    r = api2.get(f"/api/v1/persons/{person.uid}/archive.pdf")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert Client().get(f"/api/v1/persons/{person.uid}/archive.pdf").status_code == 401


def test_missing_font_is_a_clear_error(settings):
    from safetrain.dashboards.pdf import Document, FontMissing

    settings.SAFETRAIN_PDF_FONT = "/nonexistent/font.ttf"
    with pytest.raises(FontMissing, match="fonts-wqy-microhei"):
        Document("x")
