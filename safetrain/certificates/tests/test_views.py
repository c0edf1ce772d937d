"""Certificate pages: ledger (filters, Excel export), entry form, detail with QR, review,
renewal, revocation, reminders, and the archive section."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from safetrain.certificates.archive import archive_section
from safetrain.certificates.models import Certificate
from safetrain.certificates.tests.factories import make_certificate
from safetrain.core.dates import today
from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    ent = make_enterprise(region="140502", name="晋城测试煤业有限公司")
    ok = make_employment(enterprise=ent, job="瓦斯检查工").person
    make_certificate(ok, issued_on=today() - dt.timedelta(days=30), number="OK-1")
    expired = make_employment(enterprise=ent, job="井下电钳工").person
    make_certificate(
        expired,
        operation="5.1",
        issued_on=today() - dt.timedelta(days=7 * 365),
        review_due=today() - dt.timedelta(days=4 * 365),
        number="EX-1",
    )
    admin = make_user("enterprise_admin", enterprise=ent)
    return {"ent": ent, "ok": ok, "expired": expired, "admin": admin}


def test_ledger_page_counts_filter_and_export(client, world):
    client.force_login(world["admin"])
    page = client.get("/certificates/")
    html = page.content.decode()
    assert page.status_code == 200
    assert world["ok"].name in html and world["expired"].name in html
    assert 'data-state="expired"' in html
    filtered = client.get("/certificates/?state=expired").content.decode()
    assert world["expired"].name in filtered and world["ok"].name not in filtered
    xlsx = client.get("/certificates/?state=expired&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws["A1"].value == "特种作业人员及主要负责人安全管理人员持证台账"
    assert "晋城测试煤业有限公司" in ws["A2"].value and today().isoformat() in ws["A2"].value
    assert [c.value for c in ws[3]][-1] == "状态"
    assert ws["A3"].border.top.style == "thin"
    assert [c.value for c in ws[4]][2] == world["expired"].name
    assert [c.value for c in ws[4]][-1] == "已过期"
    assert ws["A5"].value is None  # one row only


def test_ledger_is_refused_to_workers(client, world):
    client.force_login(make_user("worker", person=world["ok"]))
    assert client.get("/certificates/").status_code == 403


def test_entry_form_creates_and_refuses_bad_input(client, world):
    client.force_login(world["admin"])
    assert client.get("/certificates/add/").status_code == 200
    data = {
        "id_number": person_id_number(world["ok"]),
        "cert_type": "special_operation",
        "operation": "5.5",
        "number": "NEW-55",
        "issuing_authority": "晋城市应急管理局",
        "issued_on": "2024-02-29",
        "valid_until": "",
        "review_due": "",
    }
    bad = client.post("/certificates/add/", {**data, "review_due": "2031-01-01"})
    assert bad.status_code == 200 and "复审日期" in bad.content.decode()
    no_op = client.post("/certificates/add/", {**data, "operation": ""})
    assert "须填写作业类别代码" in no_op.content.decode()
    outsider = make_employment().person
    other = client.post("/certificates/add/", {**data, "id_number": person_id_number(outsider)})
    assert "不在您的管辖范围内" in other.content.decode()
    assert not Certificate.objects.filter(number="NEW-55").exists()
    created = client.post("/certificates/add/", data)
    cert = Certificate.objects.get(number="NEW-55")
    assert created.status_code == 302 and created["Location"] == f"/certificates/{cert.pk}/"
    assert cert.valid_until == dt.date(2030, 2, 27) and cert.created_by == world["admin"]


def test_detail_review_renew_revoke(client, world):
    client.force_login(world["admin"])
    cert = Certificate.objects.get(number="OK-1")
    html = client.get(f"/certificates/{cert.pk}/").content.decode()
    assert "<svg" in html and "/verify/c/" in html and 'id="cert-state"' in html
    low = client.post(
        f"/certificates/{cert.pk}/review/", {"passed_on": today().isoformat(), "hours": "6"}
    )
    assert "不足 8 学时" in low.content.decode()
    ok = client.post(
        f"/certificates/{cert.pk}/review/", {"passed_on": today().isoformat(), "hours": "8"}
    )
    assert ok.status_code == 302
    cert.refresh_from_db()
    assert cert.review_due is None
    renewed = client.post(
        f"/certificates/{cert.pk}/renew/", {"number": "OK-2", "issued_on": today().isoformat()}
    )
    new = Certificate.objects.get(number="OK-2")
    assert renewed.status_code == 302 and new.supersedes == cert
    chain_html = client.get(f"/certificates/{new.pk}/").content.decode()
    assert "换证记录" in chain_html and "OK-1" in chain_html
    client.post(f"/certificates/{new.pk}/revoke/")
    new.refresh_from_db()
    assert new.revoked
    # another enterprise's admin can neither see nor change it
    client.force_login(make_user("enterprise_admin"))
    assert client.get(f"/certificates/{new.pk}/").status_code == 404
    assert client.post(f"/certificates/{cert.pk}/revoke/").status_code == 404


def test_reminders_page_and_archive_section(client, world):
    from safetrain.certificates.services import certificate_remind

    soon = make_employment(enterprise=world["ent"], job="瓦斯检查工").person
    make_certificate(
        soon,
        issued_on=today() - dt.timedelta(days=365),
        review_due=today() + dt.timedelta(days=20),
        number="SOON-1",
    )
    assert certificate_remind() >= 1
    client.force_login(world["admin"])
    html = client.get("/certificates/reminders/").content.decode()
    assert "SOON-1" in html and "晋城测试煤业有限公司" in html and "未读" in html
    title, template, context = archive_section(soon, world["admin"])
    assert title == "证书" and template == "certificates/archive_section.html"
    assert [i["held"].certificate.number for i in context["cert_items"]] == ["SOON-1"]
    assert context["cert_items"][0]["current"]
    assert context["cert_required"][0]["state_label"] == "即将复审"
    worker = make_user("worker", person=soon)
    client.force_login(worker)
    mine = client.get("/certificates/mine/").content.decode()
    assert "SOON-1" in mine and "即将复审" in mine


def test_person_archive_page_shows_certificates_with_qr(client, world):
    client.force_login(world["admin"])
    html = client.get(f"/persons/{world['ok'].uid}/").content.decode()
    assert 'id="archive-certificates"' in html and "OK-1" in html
    assert 'class="cert-qr"' in html and "<svg" in html
    assert 'href="http://testserver/verify/c/' in html
