"""Scoped reads and the high-risk-without-a-team selector."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.catalog.models import Sector
from safetrain.compliance.engine import Scope
from safetrain.rescue import selectors, services
from safetrain.rescue.tests.factories import contract, own_team

pytestmark = pytest.mark.django_db

D = dt.date


def test_high_risk_sectors_are_the_catalogues_four():
    assert set(selectors.HIGH_RISK_SECTORS) == set(
        Sector.objects.filter(high_risk=True).values_list("code", flat=True)
    )
    assert "industry_trade" not in selectors.HIGH_RISK_SECTORS


def test_team_list_does_not_leak_across_jurisdictions(world):
    ta = own_team(world["a"])
    tb = own_team(world["b"], name="B队")
    tc = own_team(world["c"], name="C队")
    seen = {
        who: set(selectors.team_list(viewer=world[who]))
        for who in (
            "admin_a",
            "admin_b",
            "county",
            "county_c",
            "city",
            "inspector",
            "trainer",
            "worker",
        )
    }
    assert seen["admin_a"] == {ta}
    assert seen["admin_b"] == {tb}
    assert seen["county"] == {ta, tb}
    assert seen["inspector"] == {ta, tb}
    assert seen["county_c"] == {tc}
    assert seen["city"] == {ta, tb, tc}
    assert seen["trainer"] == set() and seen["worker"] == set()
    assert selectors.team_get(viewer=world["admin_b"], pk=ta.pk) is None
    assert selectors.team_get(viewer=world["county_c"], pk=ta.pk) is None
    assert selectors.team_get(viewer=world["inspector"], pk=ta.pk) == ta


def test_member_count_is_as_of_the_day(world):
    team = own_team(world["a"])
    m = services.member_add(actor=None, team=team, person=world["pa"], joined_on=D(2024, 1, 5))
    services.member_add(actor=None, team=team, person=world["pa2"], joined_on=D(2024, 3, 1))
    services.member_leave(actor=None, member=m, left_on=D(2024, 4, 30))
    counts = {
        day: selectors.team_list(viewer=world["city"], on=day).get().member_count
        for day in (D(2024, 1, 4), D(2024, 2, 1), D(2024, 4, 30), D(2024, 5, 1))
    }
    assert counts == {D(2024, 1, 4): 0, D(2024, 2, 1): 1, D(2024, 4, 30): 2, D(2024, 5, 1): 1}


def _missing(scope, on):
    return set(selectors.high_risk_enterprises_without_rescue_team(scope, on))


def test_high_risk_enterprises_without_a_team(world):
    a, b, c, d = world["a"], world["b"], world["c"], world["d"]
    city = Scope.city()
    on = D(2024, 6, 1)
    assert _missing(city, on) == {a, b, c}  # d (工贸) is not high-risk
    own_team(a, since=D(2024, 6, 1))
    contract(b, D(2024, 1, 1), D(2024, 5, 31))
    assert _missing(city, on) == {b, c}  # b's agreement ended the day before
    assert _missing(city, D(2024, 5, 31)) == {a, c}  # a's team did not exist yet
    assert _missing(Scope.for_region("140502"), on) == {b}
    assert _missing(Scope.for_region("140581"), on) == {c}
    assert _missing(Scope.for_enterprise(a), on) == set()
    assert _missing(Scope.for_enterprise(d), on) == set()
    contract(b, D(2024, 6, 1), D(2025, 5, 31))
    assert _missing(city, on) == {c}
    assert _missing(city, D(2025, 6, 1)) == {b, c}


def test_a_dissolved_team_no_longer_counts(world):
    team = own_team(world["c"], since=D(2024, 1, 1))
    services.team_dissolve(actor=None, team=team, dissolved_on=D(2024, 6, 30))
    city = Scope.city()
    assert world["c"] not in _missing(city, D(2024, 6, 30))
    assert world["c"] in _missing(city, D(2024, 7, 1))


def test_team_is_valid_agrees_with_the_query(world):
    own = own_team(world["a"], since=D(2024, 1, 10))
    deal = contract(world["b"], D(2024, 2, 1), D(2024, 2, 29))
    from safetrain.rescue.models import RescueTeam

    for day in (D(2024, 1, 9), D(2024, 1, 10), D(2024, 2, 1), D(2024, 2, 29), D(2024, 3, 1)):
        by_query = set(RescueTeam.objects.filter(selectors.valid_team_q(day)))
        by_python = {t for t in (own, deal) if selectors.team_is_valid(t, day)}
        assert by_query == by_python, day


def test_viewer_gaps_follow_jurisdiction(world):
    on = D(2024, 6, 1)
    assert set(selectors.viewer_gaps(viewer=world["county"], on=on)) == {world["a"], world["b"]}
    assert set(selectors.viewer_gaps(viewer=world["admin_a"], on=on)) == {world["a"]}
    assert set(selectors.viewer_gaps(viewer=world["trainer"], on=on)) == set()
    gaps = selectors.rescue_gaps(Scope.city(), on, sample=2)
    assert gaps.count == 3 and gaps.high_risk == 3 and len(gaps.sample) == 2
