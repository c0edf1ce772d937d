"""On a phone: a worker signs in with the ID number and reads the archive; nothing overflows."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.journeys import build_world, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_worker_signs_in_with_id_number_and_sees_the_archive(phone_page, live_server):
    page = phone_page
    world = build_world()
    base = live_server.url
    page.goto(f"{base}/login/")
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-login")

    sign_in(page, base, world["worker_id_number"], world["password"])
    assert page.evaluate(NO_OVERFLOW)
    assert "综采班组长" in page.content()
    screenshot(page, "phone-home-worker")

    # the menu is collapsed by default and opens without JavaScript (<details>)
    assert not page.locator("nav.nav-side").is_visible()
    menu_link = page.locator("details.nav-phone a", has_text="我的档案")
    assert not menu_link.is_visible()
    page.click("details.nav-phone summary")
    assert menu_link.is_visible()
    screenshot(page, "phone-menu-open")
    menu_link.click()
    page.wait_for_url(f"{base}/me/")

    assert page.get_by_test_id("id-masked").inner_text() == world["worker_person"].id_number_masked
    assert page.get_by_test_id("status").inner_text() == "在岗"
    assert "综采班组长" in page.get_by_test_id("current-post").inner_text()
    content = page.content()
    assert "凤凰山煤业" in content and "2022-03-01" in content
    assert world["worker_id_number"] not in content
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-archive")


def test_admin_pages_do_not_overflow_on_a_phone(phone_page, live_server):
    page = phone_page
    world = build_world()
    base = live_server.url
    sign_in(page, base, "city", world["password"])
    for path, name in [
        ("/", "phone-home-city"),
        ("/enterprises/", "phone-enterprises"),
        (f"/enterprises/{world['a'].credit_code}/", "phone-enterprise-detail"),
        ("/persons/", "phone-persons"),
        (f"/persons/{world['worker_person'].uid}/", "phone-archive-admin"),
        ("/accounts/new/", "phone-account-form"),
    ]:
        page.goto(base + path)
        assert page.evaluate(NO_OVERFLOW), path
        screenshot(page, name)
