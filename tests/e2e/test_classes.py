"""An offline session on a phone: the organiser projects the check-in QR code, a worker on the
roster scans it (opens its link), signs in and checks in; someone not on the roster is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safetrain.classes import services
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import build_world, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_worker_checks_in_by_scanning_the_qr_code(page, phone_page, live_server):
    world = build_world()
    base = live_server.url
    admin = world["users"]["enterprise_admin"]
    start = timezone.now() - dt.timedelta(minutes=20)
    session = services.session_create(
        actor=admin,
        title="综采队安全技能提升培训",
        audience="general",
        kind="special",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        hours="4",
        venue="矿调度楼三楼培训室",
    )
    services.roster_add(actor=admin, session=session, persons=[world["worker_person"]])

    # the organiser shows the QR code on the projector
    sign_in(page, base, admin.username, world["password"])
    page.goto(f"{base}/classes/sessions/{session.pk}/")
    page.click("[data-testid=show-qr]")
    assert page.locator("[data-testid=qr-screen] svg").is_visible()
    assert "已签到 0 / 1 人" in page.inner_text("[data-testid=qr-count]")
    link = page.get_attribute("[data-testid=checkin-link]", "href")
    screenshot(page, "classes-qr-projector")

    # the worker's phone opens the link in the QR code, signs in, checks in
    phone = phone_page
    phone.goto(link)
    assert "/login/" in phone.url
    phone.fill("#id_username", world["worker_id_number"])
    phone.fill("#id_password", world["password"])
    phone.click("form[action='/login/'] button[type=submit]")
    phone.wait_for_selector("[data-testid=checkin]")
    assert "综采队安全技能提升培训" in phone.content()
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "classes-phone-checkin")
    phone.click("[data-testid=checkin]")
    assert "签到成功" in phone.inner_text("[data-testid=checkin-ok]")
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "classes-phone-checked-in")

    # someone not on the roster gets a clear refusal
    other = phone.context.browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
    ).new_page()
    sign_in(other, base, world["users"]["city_admin"].username, world["password"])
    other.goto(link)
    other.click("[data-testid=checkin]")
    assert "从业人员账号" in other.inner_text("[data-testid=checkin-error]")
    other.context.close()

    page.reload()
    assert "已签到 1 / 1 人" in page.inner_text("[data-testid=qr-count]")
