"""A worker takes a formal exam on her phone; the network drops mid-exam, she keeps answering,
the network returns, she finishes: no answer is lost (issue 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safetrain.exams.models import Answer, Attempt, IntegrityEvent
from safetrain.exams.tests.factories import make_bank, make_exam
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import build_world, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
RULE = [{"type": "单选", "count": 6}, {"type": "多选", "count": 2}, {"type": "判断", "count": 2}]


def answer(page, n: int) -> str:
    """Click the option shown second of question n (first for 判断); return its key(s)."""
    q = page.locator("li.exam-q").nth(n)
    inputs = q.locator("input")
    pick = inputs.nth(1) if inputs.count() > 2 else inputs.nth(0)
    pick.check()
    return pick.get_attribute("value") or ""


def test_worker_keeps_answering_offline_and_loses_nothing(phone_page, live_server):
    page = phone_page
    page.set_default_timeout(45_000)  # the shared CI machine can be slow; the waits are events
    world = build_world()
    make_bank()
    now = timezone.now()
    exam = make_exam(
        world["users"]["enterprise_admin"],
        [world["worker_person"]],
        rule=[dict(r, points=10) for r in RULE],
        title="综采队岗前安全考试",
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(hours=2),
    )
    base = live_server.url
    sign_in(page, base, "worker", world["password"])
    page.goto(f"{base}/exams/")
    page.click(f"a[href='/exams/{exam.pk}/take/']")
    page.wait_for_selector("li.exam-q")
    assert page.locator("li.exam-q").count() == 10
    saved = page.get_by_test_id("saved")
    given: dict[int, str] = {}
    for n in range(4):
        given[n] = answer(page, n)
    # a selector, not a JS string: the Content Security Policy forbids eval in the page
    page.wait_for_selector("[data-testid=saved][data-state=saved]")
    assert Answer.objects.count() == 4
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-exam-online")

    page.context.set_offline(True)
    for n in range(4, 10):
        given[n] = answer(page, n)
    assert saved.inner_text().startswith("未保存")
    screenshot(page, "phone-exam-offline")
    # the server has only what was saved before the drop; the rest waits in the local queue
    assert Answer.objects.count() == 4
    queued = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('safetrain-exam-'))")
    assert len(queued) == 1

    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=saved][data-state=saved]", timeout=45_000)
    assert Answer.objects.count() == 10
    page.on("dialog", lambda d: d.accept())
    page.get_by_test_id("submit").click()
    page.wait_for_selector("[data-testid=result]:not([hidden])")
    attempt = Attempt.objects.get()
    assert attempt.state == "submitted" and attempt.score is not None
    # every answer given is stored, online or offline
    stored = dict(Answer.objects.values_list("question_id", "keys"))
    shown = page.evaluate(
        "Array.from(document.querySelectorAll('li.exam-q')).map(li => +li.dataset.question)"
    )
    for n, key in given.items():
        assert key in stored[shown[n]], (n, key, stored[shown[n]])
    screenshot(page, "phone-exam-submitted")
    page.click("[data-testid=result] a")
    page.wait_for_url(f"{base}/exams/attempts/{attempt.uid}/")
    assert page.get_by_test_id("score").inner_text().startswith(str(attempt.score))
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-exam-result")
    assert IntegrityEvent.objects.count() >= 0


def test_organiser_sees_results_and_item_statistics(page, live_server):
    from safetrain.exams import services

    world = build_world()
    make_bank()
    exam = make_exam(
        world["users"]["enterprise_admin"],
        [world["worker_person"]],
        rule=[dict(r, points=10) for r in RULE],
        title="年度安全考试",
        purpose="continuing",
    )
    worker = world["users"]["worker"]
    attempt = services.attempt_start(actor=worker, exam=exam)
    services.integrity_event_record(actor=worker, attempt=attempt, kind="hidden")
    services.attempt_submit(actor=worker, attempt=attempt)
    sign_in(page, live_server.url, "ent", world["password"])
    page.goto(f"{live_server.url}/exams/{exam.pk}/results/")
    assert page.get_by_test_id("items").locator("tbody tr").count() == 10
    assert "离开页面" in page.get_by_test_id("events").inner_text()
    assert "王建国" in page.get_by_test_id("candidates").inner_text()
    screenshot(page, "desktop-exam-results")
