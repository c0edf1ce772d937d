"""On a phone: a worker practises a bank question by question, gets immediate feedback with the
explanation, works off the wrong-answer book, and hands in a mock exam; nothing overflows."""

from __future__ import annotations

import pytest

from safetrain.questions.tests.factories import make_bank, make_question
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import build_world, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def small_bank():
    bank = make_bank(sector="coal_mine")
    make_question(
        bank=bank,
        stem="采掘工作面风流中甲烷浓度达到多少时，必须停止用电钻打眼？",
        options=("0.5%", "0.8%", "1.0%", "1.5%"),
        answer=("C",),
        explanation="《煤矿安全规程》第一百七十三条。",
        topic="瓦斯防治",
    )
    make_question(
        bank=bank,
        type="multiple",
        stem="佩戴压缩氧自救器的正确做法有哪些？",
        options=("拔出开启钥匙", "咬好口具、夹好鼻夹", "途中取下口具讲话", "撤到安全地点再取下"),
        answer=("A", "B", "D"),
        explanation="到达安全地点前严禁取下口具。",
        topic="自救互救",
    )
    make_question(
        bank=bank,
        type="truefalse",
        stem="入井人员严禁携带烟草和点火物品。",
        answer=("T",),
        explanation="《煤矿安全规程》第十条。",
        topic="安全规程",
    )
    return bank


def answer(page, labels: list[str]) -> None:
    for text in labels:
        page.locator("label.q-option", has_text=text).click()
    page.get_by_test_id("submit-answer").click()
    page.get_by_test_id("feedback").wait_for()


def test_worker_practises_on_a_phone(phone_page, live_server):
    page = phone_page
    world = build_world()
    bank = small_bank()
    base = live_server.url
    sign_in(page, base, "worker", world["password"])
    page.click("details.nav-phone summary")
    page.locator("details.nav-phone a", has_text="练习与模拟考试").click()
    page.wait_for_url(f"{base}/questions/")
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-question-banks")

    card = page.locator(f"[data-bank='{bank.pk}']")
    card.get_by_role("button", name="顺序练习").click()
    page.get_by_test_id("question").wait_for()
    assert page.get_by_test_id("position").inner_text() == "第 1 题，共 3 题"
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-practice-question")

    # 1: wrong, with the right answer and the explanation at once
    answer(page, ["0.5%"])
    assert page.get_by_test_id("verdict").inner_text() == "回答错误"
    assert page.get_by_test_id("right-answer").inner_text() == "C"
    assert "第一百七十三条" in page.get_by_test_id("explanation").inner_text()
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-practice-feedback-wrong")
    page.get_by_test_id("next").click()

    # 2: multiple choice, right
    page.get_by_test_id("question").wait_for()
    answer(page, ["拔出开启钥匙", "咬好口具", "撤到安全地点"])
    assert page.get_by_test_id("verdict").inner_text() == "回答正确"
    page.get_by_test_id("next").click()

    # 3: true/false, right
    page.get_by_test_id("question").wait_for()
    answer(page, ["正确"])
    assert page.get_by_test_id("verdict").inner_text() == "回答正确"
    page.get_by_test_id("next").click()
    page.get_by_test_id("done").wait_for()
    assert "共答 3 题，答对 2 题" in page.get_by_test_id("done").inner_text()

    # the wrong-answer book holds the first question until it is answered right twice in a row
    page.goto(f"{base}/questions/wrong/")
    assert page.get_by_test_id("wrong-entry").count() == 1
    screenshot(page, "phone-wrong-book")
    page.get_by_test_id("practise-wrong").click()
    for _ in range(2):
        page.get_by_test_id("question").wait_for()
        answer(page, ["1.0%"])
        assert page.get_by_test_id("verdict").inner_text() == "回答正确"
        page.get_by_test_id("next").click()
    page.get_by_test_id("done").wait_for()
    page.goto(f"{base}/questions/wrong/")
    assert page.get_by_test_id("wrong-empty").is_visible()

    # a mock exam: the drawn paper on one page, graded when handed in
    page.goto(f"{base}/questions/")
    card = page.locator(f"[data-bank='{bank.pk}']")
    card.get_by_role("button", name="模拟考试").click()
    page.get_by_test_id("mock-submit").wait_for()
    assert page.get_by_test_id("mock-question").count() == 3
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-mock-exam")
    page.locator("label.q-option", has_text="1.0%").click()
    page.locator("label.q-option", has_text="正确").click()
    page.get_by_test_id("mock-submit").click()
    page.get_by_test_id("mock-score").wait_for()
    # 2 + 2 of 7 points (the multiple choice left empty) → 57.1
    assert page.get_by_test_id("mock-score").inner_text().startswith("57.1 / 100")
    screenshot(page, "phone-mock-result")


def test_trainer_browses_a_bank_on_desktop(page, live_server):
    world = build_world()
    bank = small_bank()
    sign_in(page, live_server.url, "city", world["password"])
    page.goto(f"{live_server.url}/questions/banks/{bank.pk}/")
    assert page.get_by_test_id("questions").locator("tbody tr").count() == 3
    screenshot(page, "desktop-question-bank")
    page.locator("a", has_text="佩戴压缩氧自救器").first.click()
    page.get_by_role("button", name="保存为新版本").wait_for()
    screenshot(page, "desktop-question-edit")
