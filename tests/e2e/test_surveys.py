"""Questionnaire journey: an inspector builds and publishes one on an inspection page, a worker
answers it on a phone through its link, the inspector sees the counts."""

from __future__ import annotations

import pytest

from safetrain.core.dates import today
from safetrain.inspections.services import inspection_create
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import build_world, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_inspector_publishes_worker_answers_on_phone_inspector_sees_counts(
    page, phone_page, live_server
):
    world = build_world()
    base = live_server.url
    inspection = inspection_create(
        actor=None, enterprise=world["a"], date=today(), methods=["onsite_qa"], team="检查组"
    )

    sign_in(page, base, "insp", world["password"])
    page.goto(f"{base}/inspections/checks/{inspection.pk}/")
    form = page.get_by_test_id("survey-new")
    form.locator("input[name=title]").fill("岗位风险知晓问卷")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/surveys/*/")
    manage_url = page.url

    def add(kind: str, text: str, options: str = "") -> None:
        q = page.get_by_test_id("question-new")
        q.locator("select[name=kind]").select_option(kind)
        q.locator("input[name=text]").fill(text)
        q.locator("textarea[name=options]").fill(options)
        q.locator("button[type=submit]").click()
        page.wait_for_load_state()

    add("single", "你知道本岗位的主要风险吗？", "知道\n不太清楚\n不知道")
    add("multi", "今年参加过哪些培训？", "岗前培训\n班组安全活动\n线上课程")
    add("text", "对安全培训有什么建议？")
    assert page.get_by_test_id("questions").locator("> li").count() == 3
    page.get_by_role("button", name="发布（生成二维码和链接）").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("state").inner_text() == "收集中"
    assert page.get_by_test_id("share").locator("svg").count() == 1  # the QR code
    link = page.get_by_test_id("link").inner_text()
    screenshot(page, "survey-published")

    phone = phone_page
    sign_in(phone, base, "worker", world["password"])
    phone.goto(link)
    phone.get_by_label("知道", exact=True).check()
    phone.get_by_label("班组安全活动").check()
    phone.get_by_label("线上课程").check()
    phone.locator("textarea").fill("多讲事故案例")
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "phone-survey-answer")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_load_state()
    assert phone.get_by_test_id("thanks").is_visible()
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "phone-survey-thanks")

    page.goto(manage_url)
    assert "1 份答卷" in page.get_by_test_id("responses").inner_text()
    counts = page.get_by_test_id("counts-1").locator("td[data-count]")
    assert [c.get_attribute("data-count") for c in counts.all()] == ["1", "0", "0"]
    counts2 = page.get_by_test_id("counts-2").locator("td[data-count]")
    assert [c.get_attribute("data-count") for c in counts2.all()] == ["0", "1", "1"]
    assert "多讲事故案例" in page.get_by_test_id("results").inner_text()
    screenshot(page, "survey-results")
