"""Rescue teams and must-know handbooks in the browser: a worker reads their post's handbook on a
phone (progress moves, nothing overflows), the mine's rescue page on a phone, and the dashboard's
rescue flag (loaded after the page)."""

from __future__ import annotations

import pytest

from safetrain.handbooks import services
from safetrain.questions.tests.factories import make_bank, make_question
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import build_world, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"

ITEMS = [
    (
        "入井前必须做到",
        "入井前不喝酒、休息好；携带自救器、矿灯和人员定位卡；严禁携带烟草和点火物品。",
    ),
    (
        "瓦斯浓度与停工撤人",
        "采掘工作面风流中甲烷浓度达到 1.5% 时，必须停止工作、切断电源、撤出人员。",
    ),
    (
        "发生事故时怎么办",
        "立即报告调度室；佩戴自救器，沿避灾路线撤离；无法撤离时进入避难硐室等待救援。",
    ),
]


def test_worker_reads_the_handbook_of_their_post_on_a_phone(phone_page, live_server):
    page = phone_page
    world = build_world()
    bank = make_bank(sector="coal_mine")
    handbook = services.handbook_create(
        actor=None, sector="coal_mine", title="煤矿一线从业人员应知应会手册"
    )
    for title, body in ITEMS:
        services.item_add(
            actor=None,
            handbook=handbook,
            title=title,
            body=body,
            question_ids=[make_question(bank=bank).pk],
        )
    base = live_server.url
    sign_in(page, base, "worker", world["password"])
    page.goto(f"{base}/handbooks/mine/")
    assert "煤矿一线从业人员应知应会手册" in page.content()
    assert "综采班组长" in page.get_by_test_id("progress").inner_text()
    assert "已读 0 / 3 条" in page.get_by_test_id("progress").inner_text()
    assert page.evaluate(NO_OVERFLOW)
    # the first unread item is open; its button records the reading
    first = handbook.items.order_by("order").first()
    button = page.get_by_test_id(f"read-{first.pk}")
    assert button.is_visible()
    box = button.bounding_box()
    assert box is not None and box["height"] >= 40  # a thumb-sized target
    button.click()
    page.wait_for_url(f"{base}/handbooks/mine/#item-{first.pk}")
    assert "已读 1 / 3 条" in page.get_by_test_id("progress").inner_text()
    # the next item opened by itself
    second = handbook.items.order_by("order")[1]
    assert page.get_by_test_id(f"read-{second.pk}").is_visible()
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-handbook")


def test_enterprise_rescue_page_on_a_phone(phone_page, live_server):
    """The mine's rescue page: the missing-team warning, then the team with a member."""
    import datetime as dt

    from safetrain.rescue import services as rescue

    page = phone_page
    world = build_world()
    base = live_server.url
    sign_in(page, base, "ent", world["password"])
    page.goto(f"{base}/rescue/")
    assert page.get_by_test_id("rescue-missing").is_visible()
    assert page.evaluate(NO_OVERFLOW)
    team = rescue.team_create(
        actor=None,
        enterprise=world["a"],
        kind="full_time",
        name="矿山救护中队",
        phone="0356-6200001",
        established_on=dt.date(2021, 1, 1),
    )
    member = rescue.member_add(
        actor=None, team=team, person=world["worker_person"], joined_on=dt.date(2023, 6, 1)
    )
    rescue.qualification_add(
        actor=None,
        member=member,
        name="矿山救护队员证",
        number="JH-2023-01",
        valid_until=dt.date(2029, 5, 31),
    )
    page.goto(f"{base}/rescue/")
    assert page.get_by_test_id("rescue-missing").count() == 0
    page.click("text=矿山救护中队")
    assert "王建国" in page.get_by_test_id("members").inner_text()
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-rescue-team")


def test_dashboard_shows_the_rescue_flag(page, live_server):
    """The city dashboard loads the flag of high-risk enterprises without a rescue team."""
    world = build_world()
    base = live_server.url
    sign_in(page, base, "city", world["password"])
    page.goto(f"{base}/dashboards/140500/")
    flag = page.get_by_test_id("rescue-flag")
    flag.wait_for()
    assert world["a"].name in flag.inner_text()
    flag.scroll_into_view_if_needed()
    screenshot(page, "dashboard-rescue-flag")
