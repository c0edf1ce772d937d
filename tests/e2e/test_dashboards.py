"""A county admin opens the dashboard, switches the date (time travel) and drills into an
enterprise; on the desktop and on a phone (screenshots in test-artifacts/)."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.compliance.engine import Scope, rates
from safetrain.enterprises.models import Enterprise
from safetrain.people.tests.factories import PASSWORD, make_user
from safetrain.scale.load import seed_city
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ON = dt.date(2026, 6, 30)
PAST = dt.date(2025, 9, 30)
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_county_admin_time_travels_and_drills_down(page, phone_page, live_server):
    seed_city(persons=90, seed=4, today=ON, batch_size=90)
    make_user("county_admin", region="140525", username="zezhou")
    base = live_server.url

    sign_in(page, base, "zezhou", PASSWORD)
    page.get_by_role("link", name="监管看板").click()
    page.wait_for_url(f"{base}/dashboards/140525/")
    assert "泽州县" in page.locator("h1").inner_text()
    page.fill("#f-on", ON.isoformat())
    page.get_by_test_id("date-form").get_by_role("button").click()
    page.wait_for_url(f"{base}/dashboards/140525/?on={ON}")
    want = rates(Scope.for_region("140525"), ON)
    assert page.get_by_test_id("num-may_work").inner_text() == str(want.may_work.num)
    assert page.get_by_test_id("population").inner_text() == str(want.population)
    screenshot(page, "desktop-dashboard-county")

    # time travel: another date, other numbers, equal to the engine's
    page.fill("#f-on", PAST.isoformat())
    page.get_by_test_id("date-form").get_by_role("button").click()
    page.wait_for_url(f"{base}/dashboards/140525/?on={PAST}")
    past = rates(Scope.for_region("140525"), PAST)
    assert page.get_by_test_id("as-of").inner_text() == PAST.isoformat()
    assert page.get_by_test_id("den-coverage").inner_text() == str(past.coverage.den)

    # drill into the first enterprise of the table, keeping the date
    link = page.get_by_test_id("drill").locator("a").first
    code = link.get_attribute("data-code")
    link.click()
    page.wait_for_url(f"{base}/dashboards/{code}/?on={PAST}")
    ent = Enterprise.objects.get(credit_code=code)
    assert ent.name in page.locator("h1").inner_text()
    one = rates(Scope.for_enterprise(ent), PAST)
    assert page.get_by_test_id("num-may_work").inner_text() == str(one.may_work.num)
    page.locator("#trend details summary").click()
    assert page.get_by_test_id("table-trend").is_visible()
    screenshot(page, "desktop-dashboard-enterprise")
    page.get_by_test_id("up").click()
    page.wait_for_url(f"{base}/dashboards/140525/?on={PAST}")

    # the phone: one column, no sideways scrolling
    sign_in(phone_page, base, "zezhou", PASSWORD)
    phone_page.goto(f"{base}/dashboards/140525/?on={ON}")
    assert phone_page.get_by_test_id("rates").is_visible()
    assert phone_page.evaluate(NO_OVERFLOW)
    screenshot(phone_page, "phone-dashboard-county")

    # the breakdown by employment form (合同工, 劳务派遣 …): chart and table
    forms = phone_page.locator("#forms")
    forms.scroll_into_view_if_needed()
    assert forms.locator("svg.chart").is_visible() and "劳务派遣" in forms.inner_text()
    screenshot(phone_page, "phone-dashboard-forms")

    # English: the same page reads in English
    page.goto(f"{base}/dashboards/140525/?on={ON}")
    page.locator(".lang-form button[value=en]").click()
    page.wait_for_load_state()
    assert "Dashboard" in page.locator("h1").inner_text()
    assert "Zezhou County" in page.locator("h1").inner_text()
    assert "By employment form" in page.locator("#forms h2").inner_text()
    screenshot(page, "desktop-dashboard-county-en")
