"""The compliance pages per role and scope: the work card, the enterprise's work clearance
with its Excel export, the to-do lists, the archive and enterprise sections, query counts."""

import datetime as dt
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from safetrain.compliance.pages import EXPORT_HEADERS, enterprise_control
from safetrain.compliance.services import recompute_all, refresh_persons
from safetrain.compliance.tests import records as r
from safetrain.core.dates import today
from safetrain.people.tests.factories import (
    PASSWORD,
    make_employment,
    make_enterprise,
    make_person,
    make_user,
)

pytestmark = pytest.mark.django_db

START = dt.date(2020, 1, 1)
LABEL = "三违人员未完成脱产培训或考试"


@pytest.fixture
def world(db):
    t = today()
    a = make_enterprise(region="140502", sector="industry_trade", name="城区甲厂")
    b = make_enterprise(region="140581", sector="industry_trade", name="高平乙厂")
    blocked = make_employment(make_person(name="王三违"), a, start=START).person
    r.violation(blocked, a, t - dt.timedelta(days=5))
    ok = make_employment(make_person(name="李合格"), a, start=START).person
    other = make_employment(make_person(name="赵外县"), b, start=START).person
    users = {
        "city_admin": make_user("city_admin"),
        "county_admin": make_user("county_admin", region="140502"),
        "county_other": make_user("county_admin", region="140581"),
        "enterprise_admin": make_user("enterprise_admin", enterprise=a),
        "enterprise_other": make_user("enterprise_admin", enterprise=b),
        "inspector": make_user("inspector", region="140502"),
        "trainer": make_user("trainer"),
        "worker_blocked": make_user("worker", person=blocked),
        "worker_ok": make_user("worker", person=ok),
    }
    return {"a": a, "b": b, "blocked": blocked, "ok": ok, "other": other, "users": users}


def client_for(world, who: str) -> Client:
    c = Client()
    assert c.login(username=world["users"][who].username, password=PASSWORD)
    return c


# ------------------------------------------------------------------------------ the card


def test_blocked_worker_sees_no_with_reason_basis_and_remedy(world):
    response = client_for(world, "worker_blocked").get(reverse("compliance:me"))
    assert response.status_code == 200
    html = response.content.decode()
    card = response.context["card"]
    assert not card.may_work and card.status == "in_post"
    assert 'data-may-work="no"' in html and "不能上岗" in html
    (finding,) = card.blocking
    assert finding.code == "VIOLATION_RETRAINING_PENDING" and finding.label == LABEL
    assert LABEL in html
    assert "参加三违脱产培训（还差 24.0 学时）并考试合格" in html
    assert "晋市应急教发〔2024〕226号 三(四)" in html  # the basis
    when = (today() - dt.timedelta(days=5)).isoformat()
    assert ("三违日期", when) in finding.detail and when in html
    # blocking findings come before reminders
    findings = card.findings
    assert [f.blocking for f in findings] == sorted((f.blocking for f in findings), reverse=True)


def test_allowed_worker_sees_yes(world):
    response = client_for(world, "worker_ok").get(reverse("compliance:me"))
    html = response.content.decode()
    assert response.context["card"].may_work
    assert 'data-may-work="yes"' in html and "可以上岗" in html
    assert 'data-testid="blocking-findings"' not in html


def test_home_page_shows_the_card_to_a_worker(world):
    html = client_for(world, "worker_blocked").get(reverse("home")).content.decode()
    assert 'data-testid="home-work-card"' in html and "不能上岗" in html
    assert "参加三违脱产培训（还差 24.0 学时）并考试合格" in html
    html = client_for(world, "worker_ok").get(reverse("home")).content.decode()
    assert "可以上岗" in html


def test_time_travel_for_admins(world):
    c = client_for(world, "county_admin")
    url = reverse("compliance:person", args=[world["blocked"].uid])
    before = (today() - dt.timedelta(days=6)).isoformat()
    response = c.get(url, {"on": before})
    assert response.context["card"].may_work
    assert response.context["card"].as_of.isoformat() == before
    assert f"{before} 能否上岗" in response.content.decode()
    assert not c.get(url).context["card"].may_work
    bad = c.get(url, {"on": "2025-02-30"})
    assert bad.status_code == 200 and bad.context["card"].as_of == today()
    assert "日期“2025-02-30”无效" in bad.content.decode()


@pytest.mark.parametrize(
    "who,status",
    [
        ("city_admin", 200),
        ("county_admin", 200),
        ("county_other", 404),
        ("enterprise_admin", 200),
        ("enterprise_other", 404),
        ("inspector", 200),
        ("trainer", 403),
        ("worker_blocked", 200),  # oneself
        ("worker_ok", 404),  # someone else
    ],
)
def test_person_card_scope(world, who, status):
    url = reverse("compliance:person", args=[world["blocked"].uid])
    assert client_for(world, who).get(url).status_code == status


@pytest.mark.parametrize("who", ["city_admin", "enterprise_admin", "inspector", "trainer"])
def test_my_card_is_for_workers_only(world, who):
    assert client_for(world, who).get(reverse("compliance:me")).status_code == 403


# ------------------------------------------------------------------------- enterprise page


def test_enterprise_admin_sees_blocked_by_reason_and_who_must_not_work(world):
    response = client_for(world, "enterprise_admin").get(reverse("compliance:enterprise_mine"))
    assert response.status_code == 200
    control = response.context["control"]
    assert control.enterprise == world["a"] and control.source == "records"
    assert control.in_post == 2
    assert control.by_code == [("VIOLATION_RETRAINING_PENDING", LABEL, 1)]
    assert [row.person.name for row in control.rows] == ["王三违"]
    assert control.rows[0].codes == ["VIOLATION_RETRAINING_PENDING"]
    # the enterprise's own findings (no drill yet) are at the top of the page
    assert {f.code for f in control.enterprise_findings} <= {"DRILL_OVERDUE", "DRILL_DUE"}
    assert control.enterprise_findings
    html = response.content.decode()
    assert html.index('data-testid="enterprise-findings"') < html.index(
        'data-testid="blocked-list"'
    )
    assert world["blocked"].id_number_masked in html and "李合格" not in html
    assert "今日不得安排上岗" in html


def test_filter_by_code(world):
    c = client_for(world, "city_admin")
    url = reverse("compliance:enterprise", args=[world["a"].credit_code])
    assert len(c.get(url, {"code": "VIOLATION_RETRAINING_PENDING"}).context["control"].rows) == 1
    assert c.get(url, {"code": "CERT_MISSING"}).context["control"].rows == []


@pytest.mark.parametrize(
    "who,status",
    [
        ("city_admin", 200),
        ("county_admin", 200),
        ("county_other", 404),
        ("enterprise_admin", 200),
        ("enterprise_other", 404),
        ("inspector", 200),
        ("trainer", 403),
        ("worker_blocked", 403),
    ],
)
def test_enterprise_pages_scope(world, who, status):
    code = world["a"].credit_code
    c = client_for(world, who)
    for name in ("compliance:enterprise", "compliance:enterprise_export"):
        assert c.get(reverse(name, args=[code])).status_code == status
    assert c.get(reverse("compliance:enterprise_remedial", args=[code])).status_code == status


def test_non_enterprise_admins_pick_an_enterprise(world):
    response = client_for(world, "county_admin").get(reverse("compliance:enterprise_mine"))
    assert response.status_code == 302 and response["Location"] == reverse("enterprise_list")


def test_cache_and_engine_give_the_same_list(world):
    from_records = enterprise_control(world["a"])
    recompute_all()
    cached = enterprise_control(world["a"])
    assert cached.source == "materialized" and from_records.source == "records"
    assert [(x.person.pk, x.codes) for x in cached.rows] == [
        (x.person.pk, x.codes) for x in from_records.rows
    ]
    assert (cached.in_post, cached.on_leave, cached.by_code) == (
        from_records.in_post,
        from_records.on_leave,
        from_records.by_code,
    )
    # a past day never reads the cache
    assert enterprise_control(world["a"], today() - dt.timedelta(days=1)).source == "records"


def test_excel_export(world):
    response = client_for(world, "enterprise_admin").get(
        reverse("compliance:enterprise_export", args=[world["a"].credit_code])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    wb = load_workbook(BytesIO(response.content))
    ws = wb["今日不得安排上岗"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADERS
    assert len(rows) == 2
    n, name, masked, role, _post, form, reason, remedy, basis = rows[1]
    assert (n, name, masked, role) == (
        1,
        "王三违",
        world["blocked"].id_number_masked,
        "一线操作人员",
    )
    assert reason == LABEL and "还差 24.0 学时" in remedy and "三(四)" in basis
    info = dict(wb["说明"].iter_rows(values_only=True))
    assert info["不得安排上岗人数"] == 1 and info["日期"] == today().isoformat()


def _enterprise_with(n: int):
    ent = make_enterprise(sector="industry_trade")
    t = today()
    for i in range(n):
        p = make_employment(enterprise=ent, start=START).person
        if i % 2 == 0:
            r.violation(p, ent, t - dt.timedelta(days=3))
    return ent


@pytest.mark.parametrize("n", [3, 15])
def test_enterprise_control_query_count_is_fixed(db, n, django_assert_num_queries):
    ent = _enterprise_with(n)
    # the cache check (aggregate, employments count) finds no fresh rows; from the records:
    # employments, 11 fact queries, persons, employments + posts, the enterprise's drills
    with django_assert_num_queries(18):
        control = enterprise_control(ent)
    assert control.source == "records" and control.blocked == (n + 1) // 2
    recompute_all()
    # from the fresh cache: aggregate, employments count, blocked ids, then as above for the
    # blocked persons only
    with django_assert_num_queries(18):
        control = enterprise_control(ent)
    assert control.source == "materialized" and control.blocked == (n + 1) // 2


# ------------------------------------------------------------------------------- to-dos


def test_todo_pages(world):
    refresh_persons([world["blocked"].pk, world["ok"].pk])
    html = client_for(world, "worker_blocked").get(reverse("compliance:todo")).content.decode()
    assert html.count('class="todo"') == 2
    assert "三违脱产培训 24.0 学时" in html and "三违考试并合格" in html
    html = client_for(world, "worker_ok").get(reverse("compliance:todo")).content.decode()
    assert 'data-testid="no-todos"' in html

    response = client_for(world, "enterprise_admin").get(reverse("compliance:remedial_mine"))
    groups = response.context["groups"]
    assert [(g.kind, [c for c, _, _ in g.codes], g.count) for g in groups] == [
        ("training", ["VIOLATION_RETRAINING_PENDING"], 1),
        ("exam", ["VIOLATION_RETRAINING_PENDING"], 1),
    ]
    html = response.content.decode()
    assert "王三违" in html and reverse("records:training_add") in html
    # another enterprise's admin sees none of it
    other = client_for(world, "enterprise_other").get(reverse("compliance:remedial_mine"))
    assert other.context["groups"] == []


@pytest.mark.parametrize(
    "who,url,status",
    [
        ("trainer", "compliance:todo", 403),
        ("city_admin", "compliance:todo", 403),
        ("worker_blocked", "compliance:remedial_mine", 403),
        ("county_admin", "compliance:remedial_mine", 403),
    ],
)
def test_todo_pages_roles(world, who, url, status):
    assert client_for(world, who).get(reverse(url)).status_code == status


# ---------------------------------------------------------------- archive and enterprise page


def test_archive_section_shows_status_history_and_todos(world):
    refresh_persons([world["blocked"].pk])
    response = client_for(world, "enterprise_admin").get(
        reverse("person_detail", args=[world["blocked"].uid])
    )
    html = response.content.decode()
    titles = [s["title"] for s in response.context["sections"]]
    assert titles[0] == "合规状态与历史"
    assert 'data-testid="history"' in html and "仍阻断" in html
    assert 'data-code="VIOLATION_RETRAINING_PENDING"' in html
    assert 'data-testid="archive-todos"' in html and "待完成" in html
    assert reverse("compliance:person", args=[world["blocked"].uid]) in html
    # the worker's own archive has the section but no time-travel link
    html = client_for(world, "worker_blocked").get(reverse("my_archive")).content.decode()
    assert "合规状态与历史" in html
    assert reverse("compliance:person", args=[world["blocked"].uid]) not in html


def test_enterprise_detail_shows_clearance_drills_and_incidents(world):
    r.drill(world["a"], today() - dt.timedelta(days=1), "production")
    r.incident(world["a"], today() - dt.timedelta(days=2), "major_hidden_danger")
    response = client_for(world, "county_admin").get(
        reverse("enterprise_detail", args=[world["a"].credit_code])
    )
    html = response.content.decode()
    titles = [s["title"] for s in response.context["sections"]]
    # other apps append their sections after these (inspections: 执法检查)
    assert titles[:3] == ["上岗管控", "应急演练", "事故"]
    assert reverse("compliance:enterprise", args=[world["a"].credit_code]) in html
    assert "疏散演练" in html and "重大事故隐患" in html


@pytest.mark.parametrize(
    "who,present,absent",
    [
        ("worker_blocked", ["今天能否上岗", "待办"], ["上岗管控", "整改待办"]),
        ("enterprise_admin", ["上岗管控", "整改待办"], ["今天能否上岗", "待办"]),
        ("city_admin", [], ["今天能否上岗", "待办", "上岗管控", "整改待办"]),
    ],
)
def test_menu_entries(world, who, present, absent):
    items = client_for(world, who).get(reverse("home")).context["nav_items"]
    labels = [str(i["label"]) for i in items]
    for label in present:
        assert label in labels
    for label in absent:
        assert label not in labels
