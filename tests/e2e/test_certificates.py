"""Browser journeys for certificates: an inspector verifies a certificate by its QR link on a
phone; an enterprise admin filters the ledger to 已过期 and exports it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from safetrain.certificates.tests.factories import make_certificate
from safetrain.core.dates import today
from safetrain.people.tests.factories import PASSWORD, make_employment, make_enterprise, make_user
from tests.e2e import journeys
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _reference_data():
    # transactional tests flush the tables, reference data included: load it again
    from safetrain.catalog.services import catalog_load

    catalog_load()


def sign_in(page, base: str, username: str) -> None:
    journeys.sign_in(page, base, username, PASSWORD)  # the TOTP step for inspectors and admins


def test_inspector_opens_qr_link_on_a_phone(phone_page, live_server):
    ent = make_enterprise(region="140502", name="泽州测试煤业有限公司")
    person = make_employment(enterprise=ent, job="瓦斯检查工").person
    cert = make_certificate(person, issued_on=today() - dt.timedelta(days=100), number="QR-5401")
    inspector = make_user("inspector", region="140502", username="inspector_e2e")
    sign_in(phone_page, live_server.url, inspector.username)
    phone_page.goto(f"{live_server.url}/certificates/{cert.pk}/")
    assert phone_page.locator("#qr svg").count() == 1
    link = phone_page.locator("#verify-link").get_attribute("href")
    assert link and "/verify/c/" in link
    screenshot(phone_page, "certificates-detail-phone")
    # the QR link is public: open it in a fresh phone context without signing in
    phone_page.context.clear_cookies()
    phone_page.goto(link)
    assert phone_page.locator("#verify-state").inner_text() == "有效"
    assert person.name in phone_page.locator("#verify-holder").inner_text()
    assert person.id_number_masked in phone_page.content()
    screenshot(phone_page, "certificates-verify-phone")
    phone_page.goto(link[:-3] + "xx/")
    assert "证书验证失败" in phone_page.content()
    screenshot(phone_page, "certificates-verify-tampered-phone")


def test_enterprise_admin_filters_expired_and_exports(page, live_server, tmp_path):
    ent = make_enterprise(region="140502", name="高平测试煤业有限公司")
    ok = make_employment(enterprise=ent, job="瓦斯检查工").person
    make_certificate(ok, issued_on=today() - dt.timedelta(days=30), number="OK-E2E")
    old = make_employment(enterprise=ent, job="井下电钳工").person
    make_certificate(
        old,
        operation="5.1",
        issued_on=today() - dt.timedelta(days=7 * 365),
        review_due=today() - dt.timedelta(days=4 * 365),
        number="EXP-E2E",
    )
    admin = make_user("enterprise_admin", enterprise=ent, username="ent_admin_e2e")
    sign_in(page, live_server.url, admin.username)
    page.goto(f"{live_server.url}/certificates/")
    assert page.locator("#ledger-table tbody tr").count() == 2
    page.select_option("#f-state", "expired")
    page.click("#ledger-filter button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("#ledger-table tbody tr")
    assert rows.count() == 1
    assert old.name in rows.first.inner_text() and "已过期" in rows.first.inner_text()
    screenshot(page, "certificates-ledger-expired")
    with page.expect_download() as info:
        page.click("#export-xlsx")
    target = tmp_path / "ledger.xlsx"
    info.value.save_as(target)
    ws = load_workbook(io.BytesIO(target.read_bytes())).active
    assert ws["A1"].value == "特种作业人员及主要负责人安全管理人员持证台账"
    assert "高平测试煤业有限公司" in ws["A2"].value
    assert [c.value for c in ws[4]][2] == old.name
    assert [c.value for c in ws[4]][-1] == "已过期"
    assert ws["C5"].value is None
