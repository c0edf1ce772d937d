"""A county admin opens an enterprise, sees its blocking findings, issues a correction order
with a deadline, and finds it in the overdue list when looking at a day after the deadline
(?on= is the test clock); an inspector runs a spot check on the phone."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.catalog.services import catalog_load
from safetrain.core.dates import today
from safetrain.inspections.models import CheckedPerson, CorrectionOrder
from safetrain.people.tests.factories import (
    PASSWORD,
    make_employment,
    make_enterprise,
    make_person,
    make_user,
)
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def build():
    catalog_load()
    ent = make_enterprise(region="140525", sector="coal_mine", name="泽州县金鼎煤业有限公司")
    start = dt.date(2020, 1, 1)
    make_employment(make_person(name="王无证"), ent, start=start, job="瓦斯检查工")
    make_employment(make_person(name="李无证"), ent, start=start, job="井下电钳工")
    for i in range(4):
        make_employment(make_person(name=f"采煤工{i}"), ent, start=start, job="采煤机司机")
    make_user("county_admin", region="140525", username="county")
    make_user("inspector", region="140525", username="insp")
    return {"ent": ent}


def test_county_admin_issues_an_order_and_sees_it_overdue(page, live_server):
    world = build()
    base = live_server.url
    sign_in(page, base, "county", PASSWORD)
    page.click("nav.nav-side >> text=企业")
    page.click(f"text={world['ent'].name}")
    section = page.get_by_test_id("inspections-section")
    section.get_by_role("link", name="责令限期改正").click()
    form = page.get_by_test_id("order-form")
    assert form.locator("input[name=item]").count() >= 2
    screenshot(page, "desktop-inspections-order-new")
    deadline = today() + dt.timedelta(days=3)
    page.fill("#f-deadline", deadline.isoformat())
    page.click("text=下达责令限期改正")
    assert "整改中" in page.get_by_test_id("order-state").inner_text()
    order = CorrectionOrder.objects.get()
    assert order.items.count() >= 2
    # a day after the deadline the order is overdue
    late = (deadline + dt.timedelta(days=1)).isoformat()
    page.click("nav.nav-side >> text=责令改正")
    page.select_option("#f-state", "overdue")
    page.fill("#f-on", late)
    page.click("form[data-testid=order-filter] button")
    row = page.locator(f"tr[data-number='{order.number}']")
    assert row.get_attribute("data-state") == "overdue"
    assert "逾期" in row.inner_text()
    assert page.locator("tr[data-region='140525']").inner_text().split()[2] == "1"
    screenshot(page, "desktop-inspections-overdue")
    # today it is not overdue
    page.goto(f"{base}/inspections/orders/?state=overdue")
    assert page.locator(f"tr[data-number='{order.number}']").count() == 0


def test_inspector_spot_check_on_the_phone(phone_page, live_server):
    world = build()
    page = phone_page
    base = live_server.url
    sign_in(page, base, "insp", PASSWORD)
    page.goto(f"{base}/inspections/checks/new/{world['ent'].credit_code}/")
    page.check("input[value=spot_exam]")
    page.click("text=保存检查")
    page.fill("#f-count", "3")
    page.fill("#f-seed", "42")
    page.click("form:has(input[value=draw]) button")
    assert page.locator("table[data-testid=checked] tbody tr").count() == 3
    first = page.locator("table[data-testid=checked] tbody tr").first
    first.locator("select[name=result]").select_option("fail")
    first.locator("input[name=notes]").fill("不会使用自救器")
    first.locator("button").click()
    assert "合格 0，不合格 1" in page.get_by_test_id("summary").inner_text()
    assert CheckedPerson.objects.filter(result="fail", exam_result__isnull=False).count() == 1
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-inspections-spot-check")
    page.goto(f"{base}/inspections/orders/")
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-inspections-orders")
    page.goto(f"{base}/inspections/calendar/?on=2024-11-01")
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-inspections-calendar")
