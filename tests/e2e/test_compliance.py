"""A worker with a 三违 sees 不能上岗 and the remedy on the phone; the enterprise admin records
the 24 学时 violation training and a passed violation exam through the record forms; the
worker's card turns to 可以上岗 and the to-dos are cleared."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.catalog.services import catalog_load
from safetrain.core.dates import today
from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import (
    PASSWORD,
    make_employment,
    make_enterprise,
    make_person,
    make_user,
)
from safetrain.records.services import violation_record
from tests.e2e.conftest import ARTIFACTS, screenshot
from tests.e2e.journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def build():
    catalog_load()
    ent = make_enterprise(region="140502", sector="industry_trade", name="城区恒安机械厂")
    worker = make_person(name="王三违", phone="13911112222")
    make_employment(worker, ent, start=dt.date(2020, 1, 1), job="装配工")
    make_employment(make_person(name="李合格"), ent, start=dt.date(2020, 1, 1))
    violation_record(
        actor=None,
        person=worker,
        enterprise=ent,
        date=today() - dt.timedelta(days=3),
        type="operation",
        text="未按规定佩戴防护用品",
    )
    make_user("worker", person=worker, username="wang")
    make_user("enterprise_admin", enterprise=ent, username="ent")
    return {"ent": ent, "worker": worker, "id_number": person_id_number(worker)}


def test_violation_card_turns_green_after_training_and_exam(phone_page, page, live_server):
    world = build()
    base = live_server.url
    phone = phone_page

    # --- the worker, on the phone: 不能上岗 with the remedy, on the home page and the card
    sign_in(phone, base, world["id_number"], PASSWORD)
    card = phone.get_by_test_id("home-work-card")
    assert card.get_by_test_id("verdict").inner_text() == "不能上岗"
    assert "参加三违脱产培训（还差 24.0 学时）并考试合格" in card.inner_text()
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "phone-home-worker-blocked")

    phone.click("details.nav-phone summary")
    phone.locator("details.nav-phone a", has_text="今天能否上岗").click()
    phone.wait_for_url(f"{base}/compliance/me/")
    assert phone.get_by_test_id("verdict").inner_text() == "不能上岗"
    blocking = phone.get_by_test_id("blocking-findings")
    assert "三违人员未完成脱产培训或考试" in blocking.inner_text()
    assert "晋市应急教发〔2024〕226号" in blocking.inner_text()
    assert phone.get_by_test_id("todo-count").inner_text() == "2"
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "phone-compliance-me-blocked")

    phone.goto(f"{base}/compliance/todo/")
    todos = phone.get_by_test_id("open-todos")
    assert todos.locator("li.todo").count() == 2
    assert "三违脱产培训 24.0 学时" in todos.inner_text()
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "phone-todo-open")

    # --- the enterprise admin, on a desktop: the list of who must not work today
    sign_in(page, base, "ent", PASSWORD)
    page.click("nav.nav-side >> text=上岗管控")
    page.wait_for_url(f"{base}/compliance/enterprise/")
    rows = page.get_by_test_id("blocked-list").locator("tbody tr")
    assert rows.count() == 1 and "王三违" in rows.first.inner_text()
    assert "李合格" not in page.get_by_test_id("blocked-list").inner_text()
    assert page.get_by_test_id("blocked-count").inner_text() == "1"
    screenshot(page, "desktop-compliance-enterprise")
    page.emulate_media(media="print")  # the print stylesheet: the list only, no menu or buttons
    assert not page.locator("nav.nav-side").is_visible()
    assert not page.get_by_test_id("export").is_visible()
    assert page.locator(".print-only").first.is_visible()
    screenshot(page, "desktop-compliance-enterprise-print")
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    assert download.value.suggested_filename.endswith("今日不得安排上岗.xlsx")

    page.click("nav.nav-side >> text=整改待办")
    page.wait_for_url(f"{base}/compliance/remedial/")
    assert page.get_by_test_id("open-count").inner_text() == "2"
    screenshot(page, "desktop-compliance-remedial")

    # the 24 学时 violation training, through the records form
    page.goto(f"{base}/records/training/new/")
    page.locator("label.check", has_text="王三违").locator("input").check()
    page.fill("#id_date", today().isoformat())  # the form's initial date is not shown
    page.fill("#id_hours", "24")
    page.select_option("#id_kind", "violation")
    page.fill("#id_title", "三违人员脱产安全培训")
    page.click("button:has-text('保存')")
    page.wait_for_url(f"{base}/records/enterprise/**")
    assert "已登记 1 条培训记录" in page.content()

    page.goto(f"{base}/compliance/remedial/")
    assert page.get_by_test_id("open-count").inner_text() == "1"  # the exam is still due

    # a passed violation exam, through the records form
    page.goto(f"{base}/records/exams/new/")
    page.select_option("#id_person", label=f"王三违（{world['worker'].id_number_masked}）")
    page.fill("#id_date", today().isoformat())
    page.select_option("#id_purpose", "violation")
    page.fill("#id_score", "92")
    page.click("button:has-text('保存')")
    page.wait_for_url(f"{base}/records/enterprise/**")
    assert "已登记考试成绩" in page.content()

    page.goto(f"{base}/compliance/enterprise/")
    assert page.get_by_test_id("blocked-count").inner_text() == "0"
    page.goto(f"{base}/compliance/remedial/")
    assert page.get_by_test_id("no-todos").is_visible()
    assert page.get_by_test_id("cleared-todos").locator("tbody tr").count() == 2
    screenshot(page, "desktop-compliance-remedial-cleared")

    # --- the worker's card is green and the to-dos are cleared
    phone.goto(f"{base}/compliance/me/")
    assert phone.get_by_test_id("verdict").inner_text() == "可以上岗"
    assert phone.get_by_test_id("todo-count-none").is_visible()
    screenshot(phone, "phone-compliance-me-allowed")
    phone.goto(f"{base}/compliance/todo/")
    assert phone.get_by_test_id("no-todos").is_visible()
    assert phone.get_by_test_id("cleared-todos").locator("li.todo").count() == 2
    screenshot(phone, "phone-todo-cleared")

    # the archive tells the story: blocking from the 三违 until the exam
    phone.goto(f"{base}/me/")
    history = phone.get_by_test_id("history")
    row = history.locator("tr[data-code='VIOLATION_RETRAINING_PENDING']")
    assert row.get_attribute("data-start") == (today() - dt.timedelta(days=3)).isoformat()
    assert "三违考试 合格" in row.inner_text() or "三违脱产培训" in row.inner_text()
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "phone-archive-compliance")
    section = phone.locator("section.card", has=phone.get_by_test_id("history"))
    section.screenshot(path=str(ARTIFACTS / "phone-archive-compliance-section.png"))
