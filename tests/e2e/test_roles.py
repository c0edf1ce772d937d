"""Sign in as each of the six roles and see the right menu (and nothing else)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.journeys import build_world, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ("city_admin", "county_admin", "enterprise_admin", "inspector", "trainer", "worker")
ADMINS = {"city_admin", "county_admin"}
# the menu of the foundation, then what each later app adds (role → its entries)
BASE = {
    "city_admin": {"首页", "企业", "人员", "证书台账", "账号"},
    "county_admin": {"首页", "企业", "人员", "证书台账", "账号"},
    "enterprise_admin": {
        "首页",
        "企业",
        "人员",
        "证书台账",
        "证书提醒",
        "培训考核记录",
        "上岗管控",
        "整改待办",
        "账号",
    },
    "inspector": {"首页", "企业", "人员", "证书台账"},
    "trainer": {"首页"},
    "worker": {"首页", "我的档案", "我的证书", "今天能否上岗", "待办"},
}
ADDED: dict[str, dict[str, set[str]]] = {
    "courses": {
        **{r: {"课程超市", "课程管理"} for r in (*ADMINS, "enterprise_admin", "trainer")},
        "enterprise_admin": {"课程超市", "课程管理", "指派课程"},
        "inspector": {"课程超市"},
        "worker": {"课程超市"},
    },
    "study": {"worker": {"我的课程"}},
    "classes": {
        **{r: {"培训班", "培训计划"} for r in (*ADMINS, "enterprise_admin")},
        "inspector": {"培训班"},
        "trainer": {"培训班"},
        "worker": {"我的培训班"},
    },
    "exams": {r: {"考试"} for r in (*ADMINS, "enterprise_admin", "inspector", "worker")},
    "inspections": {
        **{
            r: {"执法检查", "责令改正", "专项行动日程", "双随机抽查"}
            for r in (*ADMINS, "inspector")
        },
        "enterprise_admin": {"责令改正", "抽考复训复考", "双随机抽查"},
    },
    "surveys": {"worker": {"问卷调查"}},
    "dashboards": {r: {"监管看板", "通报"} for r in (*ADMINS, "enterprise_admin", "inspector")},
    "questions": {
        **{r: {"题库"} for r in (*ADMINS, "enterprise_admin", "trainer")},
        "worker": {"练习与模拟考试", "错题本"},
    },
    "audit": {"city_admin": {"审计日志"}},
    "rescue": {r: {"应急救援队伍"} for r in (*ADMINS, "enterprise_admin", "inspector")},
    "handbooks": {
        **{r: {"应知应会手册"} for r in (*ADMINS, "enterprise_admin", "inspector", "trainer")},
        "worker": {"我的应知应会手册"},
    },
}
MENUS = {
    role: BASE[role].union(*(entries.get(role, set()) for entries in ADDED.values()))
    for role in ROLES
}
ALL_ENTRIES = {"导入表格"}.union(*MENUS.values())
ROLE_LABELS = {
    "city_admin": "市局管理员",
    "county_admin": "县局管理员",
    "enterprise_admin": "企业安全管理员",
    "inspector": "执法人员",
    "trainer": "培训讲师",
    "worker": "从业人员",
}
# pages of other apps appear when those apps are installed (their url names resolve)
OPTIONAL = {"导入表格"}


@pytest.mark.parametrize("role", list(MENUS))
def test_each_role_sees_its_menu(page, live_server, role):
    world = build_world()
    sign_in(page, live_server.url, world["users"][role].username, world["password"])
    entries = set(page.locator("nav.nav-side a").all_inner_texts())
    entries = {e.strip() for e in entries}
    assert MENUS[role] <= entries, entries
    assert not (entries - MENUS[role] - OPTIONAL), entries
    assert not (ALL_ENTRIES - MENUS[role] - OPTIONAL) & entries
    who = page.get_by_test_id("who").inner_text()
    assert ROLE_LABELS[role] in who
    screenshot(page, f"desktop-home-{role}")


def test_admin_walks_through_the_pages_and_switches_language(page, live_server):
    world = build_world()
    base = live_server.url
    page.goto(f"{base}/login/")
    screenshot(page, "desktop-login")
    sign_in(page, base, "city", world["password"])
    assert page.locator(".stat").count() >= 5

    page.click("nav.nav-side >> text=企业")
    page.wait_for_url(f"{base}/enterprises/")
    assert page.locator("table.table tbody tr").count() == 3
    page.select_option("#f-county", "140581")
    page.click("text=筛选")
    assert page.locator("table.table tbody tr").count() == 1
    screenshot(page, "desktop-enterprises")

    page.goto(f"{base}/enterprises/{world['a'].credit_code}/")
    assert page.locator("ul.tree li").count() >= 5
    screenshot(page, "desktop-enterprise-detail")

    page.click("nav.nav-side >> text=人员")
    page.fill("#id_q", world["worker_id_number"])
    page.click("button:has-text('搜索')")
    page.wait_for_url(f"{base}/persons/{world['worker_person'].uid}/")
    assert world["worker_id_number"] not in page.url
    assert page.get_by_test_id("id-masked").inner_text() == world["worker_person"].id_number_masked
    screenshot(page, "desktop-archive")

    page.click("button:has-text('English')")
    page.wait_for_load_state()
    assert "Personal archive" in page.content()
    assert page.locator("nav.nav-side a", has_text="People").count() == 1
    screenshot(page, "desktop-archive-en")
    page.click("button:has-text('中文')")
    page.wait_for_load_state()
    assert "一人一档" in page.content()

    page.click("nav.nav-side >> text=账号")
    screenshot(page, "desktop-accounts")
    page.click("text=新建账号")
    screenshot(page, "desktop-account-form")

    page.click("button:has-text('退出登录')")
    page.wait_for_url(f"{base}/login/")


def test_inspector_looks_a_worker_up(page, live_server):
    world = build_world()
    sign_in(page, live_server.url, "insp", world["password"])
    page.fill("#id_id_number", world["worker_id_number"])
    page.click("button:has-text('查询')")
    page.wait_for_url(f"{live_server.url}/persons/{world['worker_person'].uid}/")
    assert "王建国" in page.content()
