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


def test_participation_report_per_classroom_on_a_phone(phone_page, live_server):
    """The city's principals training with a main classroom and two county sub-classrooms: a
    principal checks in at the 高平市 sub-classroom by its own QR link; the organiser reads the
    participation rate per classroom, per enterprise and the absent on a phone."""
    from safetrain.people.tests.factories import make_employment, make_person
    from safetrain.regions.models import Region

    world = build_world()
    base = live_server.url
    city = world["users"]["city_admin"]
    principals = {
        key: make_employment(make_person(name=name), world[ent], role="principal").person
        for key, name, ent in (
            ("a", "陈矿长", "a"),
            ("b", "刘厂长", "b"),
            ("c", "高总", "c"),
            ("c2", "杨经理", "c"),
        )
    }
    start = timezone.now() - dt.timedelta(minutes=20)
    session = services.session_create(
        actor=city,
        title="矿山企业主要负责人专题安全教育培训",
        audience="principal",
        kind="special",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
        hours="8",
        venue="晋城市应急管理局培训中心",
    )
    main = services.venue_add(
        actor=city, session=session, name="市局主课堂", region=Region.objects.get(code="140500")
    )
    urban = services.venue_add(
        actor=city, session=session, name="城区分课堂", region=Region.objects.get(code="140502")
    )
    gaoping = services.venue_add(
        actor=city, session=session, name="高平市分课堂", region=Region.objects.get(code="140581")
    )
    services.roster_add(actor=city, session=session, persons=[principals["a"]], venue=main)
    services.roster_add(actor=city, session=session, persons=[principals["b"]], venue=urban)
    services.roster_add(
        actor=city, session=session, persons=[principals["c"], principals["c2"]], venue=gaoping
    )
    services.attendance_mark(actor=city, session=session, persons=[principals["a"]])

    # the 高平 principal opens the 高平 classroom's QR link and checks in there
    from safetrain.people.tests.factories import make_user

    make_user("worker", person=principals["c"], username="gaozong")
    phone = phone_page
    sign_in(phone, base, "gaozong", world["password"])
    phone.goto(f"{base}/classes/checkin/{services.checkin_token(session, gaoping)}/")
    assert "高平市分课堂" in phone.inner_text("[data-testid=checkin-venue]")
    phone.click("[data-testid=checkin]")
    assert "签到成功" in phone.inner_text("[data-testid=checkin-ok]")
    phone.context.clear_cookies()

    # the organiser reads the report on a phone
    sign_in(phone, base, city.username, world["password"])
    phone.goto(f"{base}/classes/sessions/{session.pk}/")
    phone.click("[data-testid=report-link]")
    assert phone.inner_text("[data-testid=total-rate]") == "50.0%"
    venues = phone.inner_text("[data-testid=report-venues]")
    assert "高平市分课堂" in venues and "城区分课堂" in venues
    absent = phone.inner_text("[data-testid=report-absent]")
    assert "刘厂长" in absent and "杨经理" in absent and "高总" not in absent
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "classes-phone-venue-report")
    # the session page lists the classrooms, each with its QR code
    phone.goto(f"{base}/classes/sessions/{session.pk}/")
    assert phone.locator("[data-testid=venue-qr]").count() == 3
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "classes-phone-venues")
