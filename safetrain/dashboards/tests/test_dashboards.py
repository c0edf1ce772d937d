"""Dashboards: numbers equal the compliance engine's rates, drill-downs add up, time travel,
scopes, a fixed number of queries, the table views and Excel exports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from safetrain.compliance.engine import Scope, rates
from safetrain.dashboards.models import Day, EnterpriseDay
from safetrain.dashboards.selectors import dashboard_get, trend_dates
from safetrain.dashboards.stats import Counts
from safetrain.dashboards.tables import CHARTS, table
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Employment
from safetrain.people.tests.factories import make_user
from safetrain.records.services import training_record_add
from safetrain.regions.models import CITY_CODE
from safetrain.scale.load import seed_city

from .conftest import ON, login

pytestmark = pytest.mark.django_db


def engine(scope: Scope, on: dt.date) -> dict[str, tuple[int, int]]:
    r = rates(scope, on)
    return {k: (getattr(r, k).num, getattr(r, k).den) for k in RATES} | {"pop": (r.population, 0)}


RATES = ("coverage", "certified", "awareness", "may_work")


def mine(c: Counts) -> dict[str, tuple[int, int]]:
    r = c.ratios()
    return {k: (r[k].num, r[k].den) for k in RATES} | {"pop": (c.population, 0)}


def test_drill_down_adds_up_and_equals_the_engine(city):
    viewer = make_user("city_admin")
    for on in (ON, dt.date(2025, 3, 31)):
        top = dashboard_get(viewer=viewer, on=on)
        assert top.level == "city" and len(top.children) == 6
        assert mine(top.total) == engine(Scope.city(), on)
        assert top.total.population > 50
        summed = Counts()
        for county in top.children:
            summed.add(county.counts)
            dash = dashboard_get(viewer=viewer, region=county.code, on=on)
            assert (
                mine(dash.total) == mine(county.counts) == engine(Scope.for_region(county.code), on)
            )
            ents = Counts()
            for unit in dash.children:
                ents.add(unit.counts)
            assert mine(ents) == mine(dash.total)  # county = sum of its enterprises
            assert ents.blocking == dash.total.blocking
        assert mine(summed) == mine(top.total)  # city = sum of its counties
        # an enterprise page equals the engine for that enterprise
        unit = max(dash.children, key=lambda u: u.counts.population)
        ent = Enterprise.objects.get(credit_code=unit.code)
        one = dashboard_get(viewer=viewer, enterprise=unit.code, on=on)
        assert one.level == "enterprise" and one.parent and one.parent[1] == ent.region_id
        assert mine(one.total) == engine(Scope.for_enterprise(ent), on)
    # several blocking finding codes and a ledger summary
    assert len(top.findings) >= 3
    assert sum(n for _, _, n in top.certs) > 0
    assert sum(top.total.blocking.values()) >= top.total.population - top.total.may_work


def test_trend_is_the_rates_at_each_month_end(city):
    viewer = make_user("city_admin")
    dash = dashboard_get(viewer=viewer, region="140525", on=ON)
    assert [d for d, _ in dash.trend] == trend_dates(ON)
    assert dash.trend[-1][0] == ON and dash.trend[0][0] == dt.date(2025, 5, 31)
    for day, ratios in dash.trend[::5]:
        r = rates(Scope.for_region("140525"), day)
        assert (ratios["may_work"].num, ratios["may_work"].den) == (r.may_work.num, r.may_work.den)
        assert (ratios["coverage"].num, ratios["coverage"].den) == (r.coverage.num, r.coverage.den)


def test_a_change_refreshes_only_the_stamped_enterprises(city):
    viewer = make_user("city_admin")
    dashboard_get(viewer=viewer, on=ON)
    day = Day.objects.get(on=ON)
    emp = (
        Employment.objects.filter(
            start_date__lte=ON - dt.timedelta(days=400), end_date__isnull=True
        )
        .select_related("person", "enterprise")
        .order_by("id")
        .first()
    )
    assert emp is not None
    before_other = list(
        EnterpriseDay.objects.filter(day=day).exclude(enterprise=emp.enterprise).values_list("id")
    )
    # a training dated last year changes the past: the cached day must follow
    training_record_add(
        actor=None,
        person=emp.person,
        date=ON - dt.timedelta(days=30),
        hours=80,
        kind="continuing",
        enterprise=emp.enterprise,
        title="补训",
    )
    after = dashboard_get(viewer=viewer, on=ON)
    assert mine(after.total) == engine(Scope.city(), ON)
    # rows of other enterprises were kept, the stamped one rewritten
    kept = EnterpriseDay.objects.filter(day=day, id__in=[i for (i,) in before_other]).count()
    assert kept == len(before_other)


@pytest.mark.parametrize("persons", [40, 240])
def test_fixed_number_of_queries_whatever_the_size(db, persons):
    """With the day cache warm: a page built from the cached days (rows of the scope, trend),
    and the same page again from the (scope, day) cache, each a fixed number of queries."""
    from django.core.cache import cache

    seed_city(persons=persons, seed=2, today=ON, batch_size=persons)
    client = login("city_admin")
    county = login("county_admin", region="140525")
    ent = Enterprise.objects.filter(region_id="140525").order_by("id").first()
    built, cached = [], []
    for c, url in (
        (client, "/dashboards/140500/"),
        (county, "/dashboards/140525/"),
        (county, f"/dashboards/{ent.credit_code}/"),
    ):
        c.get(f"{url}?on={ON}")  # warm the day cache
        cache.clear()
        for out in (built, cached):
            with CaptureQueriesContext(connection) as ctx:
                response = c.get(f"{url}?on={ON}")
            assert response.status_code == 200
            out.append(len(ctx.captured_queries))
    # session, user, scope check, 2 day-cache (days, sequence); built: + rows, trend
    # (+ regions for the city and a county)
    assert (built, cached) == EXPECTED_QUERIES, (built, cached)


EXPECTED_QUERIES = ([8, 8, 7], [5, 5, 5])


def test_pages_time_travel_tables_and_drill_links(city):
    client = login("county_admin", region="140525")
    r = client.get("/dashboards/")
    assert r.status_code == 302 and r["Location"].endswith("/dashboards/140525/")
    r = client.get("/dashboards/140525/?on=2025-03-31")
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="as-of">2025-03-31<' in html
    want = rates(Scope.for_region("140525"), dt.date(2025, 3, 31))
    assert f'data-testid="num-may_work">{want.may_work.num}<' in html
    assert f'data-testid="den-may_work">{want.may_work.den}<' in html
    assert "<svg" in html and "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    for key in ("rates", "trend", "children", "bottom", "findings", "certs"):
        assert f'data-testid="table-{key}"' in html
    ent = Enterprise.objects.filter(region_id="140525").order_by("name").first()
    assert f"/dashboards/{ent.credit_code}/?on=2025-03-31" in html
    # a bad or future date is reported and today is shown
    r = client.get("/dashboards/140525/?on=2025-02-30")
    assert r.status_code == 200 and "日期“2025-02-30”无效" in r.content.decode()


def test_scopes(city):
    county = login("county_admin", region="140525")
    assert county.get("/dashboards/140581/").status_code == 403
    assert county.get(f"/dashboards/{CITY_CODE}/").status_code == 403
    other = Enterprise.objects.exclude(region_id="140525").first()
    assert county.get(f"/dashboards/{other.credit_code}/").status_code == 404
    ent = Enterprise.objects.filter(region_id="140525").first()
    admin = login("enterprise_admin", enterprise=ent)
    r = admin.get("/dashboards/")
    assert r["Location"].endswith(f"/dashboards/{ent.credit_code}/")
    assert admin.get(f"/dashboards/{ent.credit_code}/").status_code == 200
    assert admin.get("/dashboards/140525/").status_code == 403
    assert login("worker").get("/dashboards/").status_code == 403
    assert login("trainer").get("/dashboards/140500/").status_code == 403


def test_excel_exports_hold_the_tables_numbers(city):
    client = login("city_admin")
    viewer = client.user  # type: ignore[attr-defined]
    dash = dashboard_get(viewer=viewer, on=ON)
    for key in CHARTS:
        r = client.get(f"/dashboards/140500/{key}.xlsx?on={ON}")
        assert r.status_code == 200, key
        ws = load_workbook(io.BytesIO(r.content)).active
        rows = [list(row) for row in ws.iter_rows(min_row=2, values_only=True)]
        t = table(dash, key)
        assert rows[0] == t.headers
        assert rows[1:] == [[None if v == "" else v for v in row] for row in t.rows]
    assert client.get(f"/dashboards/140500/nothing.xlsx?on={ON}").status_code == 404


def test_api_numbers(city):
    from django.test import Client

    from safetrain.people.services import token_create

    user = make_user("county_admin", region="140525")
    api = Client(headers={"Authorization": f"Bearer {token_create(user=user)}"})
    body = api.get(f"/api/v1/dashboards?on={ON}").json()
    assert body["scope"] == "140525"
    want = rates(Scope.for_region("140525"), ON)
    row = {r[0]: r for r in body["rates"]["rows"]}["允许上岗率"]
    assert row[1:3] == [want.may_work.num, want.may_work.den]
    assert api.get("/api/v1/dashboards?region=140581").status_code == 403
    assert set(CHARTS) <= set(body)


def test_warm_command_fills_the_day_cache(city):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("dashboards", "warm", "--on", ON.isoformat(), stdout=out)
    assert Day.objects.count() == 13 and "13 天" in out.getvalue()
    assert EnterpriseDay.objects.filter(day__on=ON).count() > 0
    with pytest.raises(CommandError, match="--on"):
        call_command("dashboards", "warm", "--on", "2026-13-01")


def test_no_per_person_evaluation_on_the_set_based_path(city, monkeypatch):
    """The day cache, the trend and the bottom ten come from the set-based query: the
    per-person engine and the ledger are never called (they would raise here)."""

    def boom(*args, **kwargs):
        raise AssertionError("per-person evaluation on a dashboard")

    monkeypatch.setattr("safetrain.dashboards.stats.evaluate_persons", boom)
    monkeypatch.setattr("safetrain.dashboards.stats.ledger", boom)
    viewer = make_user("city_admin")
    dash = dashboard_get(viewer=viewer, on=ON)
    assert mine(dash.total) == engine(Scope.city(), ON)
    assert len(dash.trend) == 13 and 0 < len(dash.bottom) <= 10
    assert sum(n for _, _, n in dash.certs) > 0
    # a change, then the refresh of the stamped enterprise: still no per-person evaluation
    emp = Employment.objects.filter(end_date__isnull=True).select_related("person").first()
    training_record_add(
        actor=None,
        person=emp.person,
        date=ON - dt.timedelta(days=10),
        hours=2,
        kind="special",
        enterprise=emp.enterprise,
        title="专题",
    )
    assert mine(dashboard_get(viewer=viewer, on=ON).total) == engine(Scope.city(), ON)


def test_employment_form_breakdown_adds_up_and_is_exported(city):
    client = login("county_admin", region="140525")
    viewer = client.user  # type: ignore[attr-defined]
    for on in (ON, dt.date(2025, 3, 31)):
        dash = dashboard_get(viewer=viewer, region="140525", on=on)
        assert [code for code, _, _ in dash.forms][:6] == [
            "contract",
            "dispatched",
            "temporary",
            "rotating",
            "agreement",
            "intern",
        ]
        summed = Counts()
        for _code, _label, c in dash.forms:
            summed.add(c)
        assert mine(summed) == mine(dash.total)  # every person in post under one form
        # each form of each enterprise adds up to the enterprise
        for unit in dash.children:
            assert sum(v[0] for v in unit.counts.forms.values()) == unit.counts.population
    dash = dashboard_get(viewer=viewer, region="140525", on=ON)
    assert sum(1 for _, _, c in dash.forms if c.population) >= 2
    html = client.get(f"/dashboards/140525/?on={ON}").content.decode()
    assert 'data-testid="table-forms"' in html and "劳务派遣" in html and "用工形式" in html
    ws = load_workbook(io.BytesIO(client.get(f"/dashboards/140525/forms.xlsx?on={ON}").content))
    rows = list(ws.active.iter_rows(min_row=3, values_only=True))
    dispatched = [c for code, _, c in dash.forms if code == "dispatched"][0]
    row = [r for r in rows if r[0] == "劳务派遣"][0]
    assert row[1] == dispatched.population
    assert row[-3:-1] == (dispatched.may_work, dispatched.population)


def test_english_dashboard_and_chinese_notice(city):
    client = login("city_admin")
    client.post("/i18n/setlang/", {"language": "en", "next": "/dashboards/"})
    html = client.get(f"/dashboards/140525/?on={ON}").content.decode()
    assert '<html lang="en">' in html
    for text in (
        "Safety education coverage",
        "Allowed to work",
        "By employment form",
        "Dispatched",
        "Monthly trend (month ends)",
        "Zezhou County",
        "Export Excel",
    ):
        assert text in html, text
    for text in ("四率", "允许上岗率", "导出 Excel", "劳务派遣", "泽州县"):
        assert text not in html, text
    r = client.get("/dashboards/140500/?on=2025-02-30")
    assert "is not valid" in r.content.decode()
    # a notice generated from an English session is still the bureau's Chinese document
    from django.utils import translation

    from safetrain.dashboards.notices import notice_generate

    with translation.override("en"):
        notice = notice_generate(
            actor=client.user,  # type: ignore[attr-defined]
            region="140525",
            period_start=dt.date(2026, 6, 1),
            period_end=ON,
        )
    labels = [r["label"] for r in notice.content["rates"]]
    assert labels == ["安全教育覆盖率", "持证上岗率", "安全风险知晓率", "允许上岗率"]
    assert notice.content["scope_name"] == "泽州县"
    page = client.get(f"/dashboards/notices/{notice.pk}/").content.decode()
    assert 'data-testid="notice-chinese"' in page and "Publish" in page


def test_bench_command_reports_each_page(city, monkeypatch):
    """The bench runs on a database holding a city (no timing is asserted, only its report)."""
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setattr("safetrain.core.dates.today", lambda: ON)
    out = StringIO()
    call_command("dashboards", "bench", "--requests", "2", stdout=out)
    text = out.getvalue()
    assert "cold (empty cache, 13 days computed), city page" in text
    assert text.count("new day") == 1
    for page in ("city", "county", "enterprise"):
        assert f"after a change (1 enterprise stale), {page} page" in text
        assert f"warm, {page} page" in text and "p95" in text
        assert f"built from the day cache ((scope, day) cache emptied), {page} page" in text
    # --skip-cold keeps the day cache: only the dashboard's own date is computed again
    days = set(Day.objects.values_list("id", flat=True))
    out = StringIO()
    call_command("dashboards", "bench", "--requests", "1", "--skip-cold", stdout=out)
    assert "cold" not in out.getvalue() and "new day" in out.getvalue()
    assert len(days & set(Day.objects.values_list("id", flat=True))) == 12


def test_the_scope_day_cache_follows_a_change(city):
    """The built dashboard is cached per (scope, day) under the day cache's stamp: a record
    added through a service moves the stamp, and the next view shows the new numbers."""
    from safetrain.compliance.engine import evaluate_persons

    viewer = make_user("county_admin", region="140525")
    before = dashboard_get(viewer=viewer, region="140525", on=ON)
    assert dashboard_get(viewer=viewer, region="140525", on=ON) is not None  # from the cache
    emps = Employment.objects.filter(
        enterprise__region_id="140525", start_date__lte=ON, end_date__isnull=True
    ).select_related("person", "enterprise")
    by_person = {e.person_id: e for e in emps}
    uncovered = [
        pid
        for pid, ev in evaluate_persons(sorted(by_person), ON)
        if ev.status == "in_post" and not ev.covered
    ]
    assert uncovered, "the seeded county has someone without training this year"
    emp = by_person[uncovered[0]]
    training_record_add(
        actor=None,
        person=emp.person,
        date=ON - dt.timedelta(days=1),
        hours=2,
        kind="special",
        enterprise=emp.enterprise,
        title="专题",
    )
    after = dashboard_get(viewer=viewer, region="140525", on=ON)
    assert after.total.covered == before.total.covered + 1
    assert mine(after.total) == engine(Scope.for_region("140525"), ON)
