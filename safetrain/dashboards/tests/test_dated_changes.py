"""A change dated D refreshes only the cached days on or after D (the engine counts only records
dated on or before the day it evaluates), so the first view after today's change recomputes
today alone, not the 13 days of the trend; a backdated change still refreshes every day it
reaches, and the numbers always equal the engine's."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.compliance.engine import Scope, rates
from safetrain.core import events
from safetrain.dashboards import stats
from safetrain.dashboards.models import Day, Stamp
from safetrain.dashboards.selectors import dashboard_get, trend_dates
from safetrain.people.models import Employment
from safetrain.people.tests.factories import make_user
from safetrain.records.services import training_record_add

from .conftest import ON


def _emp() -> Employment:
    emp = (
        Employment.objects.filter(
            start_date__lte=ON - dt.timedelta(days=400), end_date__isnull=True
        )
        .select_related("person", "enterprise")
        .order_by("id")
        .first()
    )
    assert emp is not None
    return emp


def _evaluated_days(monkeypatch) -> list[tuple[dt.date, tuple[int, ...] | None]]:
    calls: list[tuple[dt.date, tuple[int, ...] | None]] = []
    real = stats.evaluate_day

    def spy(on, enterprise_ids=None, **kw):  # type: ignore[no-untyped-def]
        calls.append((on, None if enterprise_ids is None else tuple(enterprise_ids)))
        return real(on, enterprise_ids, **kw)

    monkeypatch.setattr(stats, "evaluate_day", spy)
    return calls


def _may_work(viewer, day: dt.date) -> tuple[int, int]:
    r = dict((k, ratio) for k, _label, ratio, _p in dashboard_get(viewer=viewer, on=day).rates)
    return r["may_work"].num, r["may_work"].den


def _add(emp: Employment, day: dt.date) -> None:
    training_record_add(
        actor=None,
        person=emp.person,
        date=day,
        hours=80,
        kind="continuing",
        enterprise=emp.enterprise,
        title="补训",
    )


def test_a_change_dated_today_refreshes_today_only(city, monkeypatch):
    viewer = make_user("city_admin")
    dashboard_get(viewer=viewer, on=ON)  # 13 days cached
    assert Day.objects.count() == len(trend_dates(ON))
    emp = _emp()
    calls = _evaluated_days(monkeypatch)
    _add(emp, ON)
    assert Stamp.objects.get(enterprise=emp.enterprise).since == ON
    after = dashboard_get(viewer=viewer, on=ON)
    assert calls == [(ON, (emp.enterprise_id,))]  # not the 12 month-ends before it
    r = rates(Scope.city(), ON)
    got = dict((k, ratio) for k, _label, ratio, _p in after.rates)
    assert (got["may_work"].num, got["may_work"].den) == (r.may_work.num, r.may_work.den)
    assert (got["coverage"].num, got["coverage"].den) == (r.coverage.num, r.coverage.den)


def test_a_backdated_change_refreshes_every_day_it_reaches(city, monkeypatch):
    viewer = make_user("city_admin")
    dashboard_get(viewer=viewer, on=ON)
    emp = _emp()
    back = ON - dt.timedelta(days=70)
    calls = _evaluated_days(monkeypatch)
    _add(emp, back)
    dashboard_get(viewer=viewer, on=ON)
    refreshed = sorted(on for on, _ids in calls)
    assert refreshed == [d for d in sorted(trend_dates(ON)) if d >= back]
    for day in trend_dates(ON):
        r = rates(Scope.city(), day)
        assert _may_work(viewer, day) == (r.may_work.num, r.may_work.den), day


@pytest.mark.django_db
def test_an_unfolded_stamp_keeps_the_earliest_reach():
    from safetrain.people.tests.factories import make_enterprise

    ent = make_enterprise()
    d1, d2 = dt.date(2026, 3, 1), dt.date(2026, 5, 1)
    Day.objects.create(on=dt.date(2026, 6, 30), seq=0)  # a cached day that has folded nothing
    stats._stamp([ent.pk], d2)
    stats._stamp([ent.pk], d1)
    assert Stamp.objects.get(enterprise=ent).since == d1
    stats._stamp([ent.pk], d2)  # a later change does not hide the earlier one
    assert Stamp.objects.get(enterprise=ent).since == d1
    stats._stamp([ent.pk], None)  # not dated: every day
    assert Stamp.objects.get(enterprise=ent).since is None
    # once every cached day has folded the stamp in, the next change's reach is its own
    Day.objects.update(seq=Stamp.objects.get(enterprise=ent).seq)
    stats._stamp([ent.pk], d2)
    assert Stamp.objects.get(enterprise=ent).since == d2


@pytest.mark.django_db
def test_coalesced_notifications_carry_the_earliest_day():
    got: list[tuple[list[int], dt.date | None]] = []

    def listener(ids: list[int], since: dt.date | None) -> None:
        got.append((ids, since))

    events.subscribe_persons_dated(listener)
    try:
        with events.coalesced():
            events.person_changed(1, since=dt.date(2026, 5, 1))
            events.person_changed(2, since=dt.date(2026, 3, 1))
        with events.coalesced():
            events.person_changed(3, since=dt.date(2026, 5, 1))
            events.person_changed(4)  # undated
        events.persons_changed([5])
    finally:
        events._persons_dated.remove(listener)
    assert got == [([1, 2], dt.date(2026, 3, 1)), ([3, 4], None), ([5], None)]
