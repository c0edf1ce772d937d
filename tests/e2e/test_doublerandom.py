"""双随机 journey: the county admin draws and publishes from its enforcement plan; the drawn
inspector finds the inspection to do; the enterprise reads the public draw on a phone."""

from __future__ import annotations

import pytest

from safetrain.core.dates import today
from safetrain.inspections import planning
from safetrain.people.tests.factories import make_user
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import build_world, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_county_draws_and_publishes_enterprise_reads_it_on_a_phone(page, phone_page, live_server):
    world = build_world()
    base = live_server.url
    make_user("inspector", region="140502", username="insp2")
    plan = planning.plan_create(
        actor=None, region="140502", year=today().year, title="城区年度执法检查计划"
    )
    planning.plan_enterprises_add(
        actor=None, plan=plan, codes=[(1, world["a"].credit_code), (2, world["b"].credit_code)]
    )

    sign_in(page, base, "county", world["password"])
    page.goto(f"{base}/inspections/plans/{plan.pk}/")
    assert page.get_by_test_id("plan-enterprises").locator("tbody tr").count() == 2
    screenshot(page, "draw-plan")
    page.goto(f"{base}/inspections/draws/")
    form = page.get_by_test_id("draw-new")
    form.locator("input[name=count]").fill("2")
    form.locator("input[name=seed]").fill("20241201")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/inspections/draws/*/")
    assert page.get_by_test_id("seed").inner_text() == "20241201"
    assert "结果一致" in page.get_by_test_id("check").inner_text()
    assert page.get_by_test_id("pairs").locator("tbody tr").count() == 2
    draw_url = page.url
    screenshot(page, "draw-published")

    page.context.clear_cookies()
    sign_in(page, base, "insp", world["password"])
    page.goto(f"{base}/inspections/checks/")
    assert page.get_by_test_id("planned").locator("li").count() == 2  # two inspectors, both drawn

    sign_in(phone_page, base, "ent", world["password"])
    phone_page.goto(draw_url)
    assert world["a"].credit_code in phone_page.get_by_test_id("pairs").inner_text()
    assert phone_page.evaluate(NO_OVERFLOW)
    box = phone_page.get_by_test_id("digest").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390  # the digest wraps
    screenshot(phone_page, "phone-draw-public")
