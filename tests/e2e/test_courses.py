"""On a phone: a worker finds courses for her post in the course market, searches in Chinese,
filters by topic and enrols; nothing overflows the screen."""

from __future__ import annotations

import pytest

from safetrain.courses.models import Enrolment
from safetrain.courses.tests.factories import make_course
from safetrain.people.tests.factories import make_employment, make_person, make_user
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import build_world, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_worker_searches_the_market_on_a_phone(phone_page, live_server):
    page = phone_page
    world = build_world()
    base = live_server.url
    person = make_person(name="李秀英")
    make_employment(person, world["a"], job="瓦斯检查工")
    user = make_user("worker", person=person, username="xiuying")
    make_course(title="新《安全生产法》要点", topic="laws", hours="2")
    make_course(
        title="瓦斯检查工岗位安全操作",
        topic="skills",
        job_types=["coal_mine:瓦斯检查工"],
        hours="3",
    )
    make_course(
        title="化工装置泄漏应急处置",
        topic="emergency",
        sectors=["hazardous_chemicals"],
        hours="1",
        summary="泄漏发现、报告、隔离与个人防护",
    )
    make_course(title="未发布的草稿", published=False)

    sign_in(page, base, user.username, world["password"])
    page.goto(f"{base}/courses/")
    assert page.evaluate(NO_OVERFLOW)
    recommended = page.get_by_test_id("recommended")
    assert (
        recommended.locator("[data-testid=course-card]")
        .first.inner_text()
        .startswith("瓦斯检查工岗位安全操作")
    )
    assert "未发布的草稿" not in page.content()
    screenshot(page, "phone-courses-market")

    # Chinese search, no word segmentation: a substring of the summary finds the course
    page.fill("input[name=q]", "泄漏 防护")
    page.click("[data-testid=market-search] button[type=submit] >> nth=0")
    page.wait_for_url("**/courses/?q=*")
    cards = page.get_by_test_id("all-courses").get_by_test_id("course-card")
    assert cards.count() == 1 and "化工装置泄漏应急处置" in cards.first.inner_text()
    assert page.get_by_test_id("recommended").count() == 0
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-courses-search")

    page.fill("input[name=q]", "没有这门课")
    page.click("[data-testid=market-search] button[type=submit] >> nth=0")
    assert page.get_by_test_id("no-courses").is_visible()

    # filters sit in a <details> that opens without JavaScript
    page.goto(f"{base}/courses/")
    page.click("details.market-filters summary")
    page.select_option("select[name=topic]", "laws")
    page.click("details.market-filters button[type=submit]")
    cards = page.get_by_test_id("all-courses").get_by_test_id("course-card")
    assert cards.count() == 1 and "安全生产法" in cards.first.inner_text()
    screenshot(page, "phone-courses-filter")

    cards.first.locator("a.course-title").click()
    page.get_by_test_id("enrol").click()
    assert page.get_by_test_id("enrolled").is_visible()
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-course-enrolled")
    assert Enrolment.objects.filter(person=person, course__title="新《安全生产法》要点").exists()


def test_trainer_creates_a_course_and_an_admin_assigns_it(page, live_server):
    world = build_world()
    base = live_server.url
    sign_in(page, base, "trainer", world["password"])
    page.goto(f"{base}/courses/new/")
    page.fill("#id_title", "井下电气作业安全")
    page.select_option("#id_topic", "rules")
    page.fill("#id_hours", "0")
    page.select_option("#id_job_types", ["coal_mine:井下电钳工"])
    page.check("#id_published")
    page.fill("#id_lessons-0-title", "停送电制度")
    page.fill("#id_lessons-0-minutes", "90")
    page.fill("#id_lessons-0-body", "<p>井下不得带电检修。</p>")
    page.click("[data-testid=course-form] button[type=submit]")
    assert "学时必须大于 0" in page.content()
    screenshot(page, "desktop-course-form-error")
    page.fill("#id_hours", "2")
    page.click("[data-testid=course-form] button[type=submit]")
    page.wait_for_url("**/courses/*/")
    assert "井下电气作业安全" in page.locator("h1").inner_text()
    screenshot(page, "desktop-course-detail-trainer")

    page.context.clear_cookies()
    sign_in(page, base, "ent", world["password"])
    page.goto(f"{base}/courses/assign/")
    page.select_option("#id_job_types", ["coal_mine:井下电钳工"])
    page.fill("#id_due_date", "2099-12-31")
    page.click("[data-testid=assign-form] button[type=submit]")
    page.wait_for_url(f"{base}/courses/assign/")
    assert "已将“井下电气作业安全”指派给 1 人" in page.content()
    screenshot(page, "desktop-course-assign")
