"""The audit log in a browser: an enterprise admin unmasks a worker's ID number with a reason on
the archive page (phone), the city admin finds that event on the audit page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.journeys import build_world, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_unmask_then_find_it_in_the_audit_log(phone_page, page, live_server):
    world = build_world()
    person = world["worker_person"]
    sign_in(phone_page, live_server.url, "ent", world["password"])
    phone_page.goto(f"{live_server.url}/persons/{person.uid}/")
    assert phone_page.get_by_test_id("id-masked").inner_text() == person.id_number_masked
    form = phone_page.get_by_test_id("unmask-form")
    form.get_by_role("textbox").fill("办理特种作业证复审")
    screenshot(phone_page, "phone-archive-unmask-card")
    form.get_by_role("button").click()
    assert phone_page.get_by_test_id("id-full").inner_text() == world["worker_id_number"]
    assert phone_page.get_by_test_id("phone-full").inner_text() == "13912345678"
    screenshot(phone_page, "phone-audit-unmask")

    sign_in(page, live_server.url, "city", world["password"])
    page.locator("nav.nav-side a", has_text="审计日志").click()
    page.get_by_label("事件").select_option("unmask")
    page.get_by_role("button", name="搜索").click()
    rows = page.get_by_test_id("audit-row")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "ent" in text and "办理特种作业证复审" in text
    assert world["worker_id_number"] not in page.content()
    screenshot(page, "desktop-audit-log")
