"""Engine over the database: facts loading, time travel, rates, the materialized status."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.compliance import hooks
from safetrain.compliance.engine import (
    Scope,
    evaluate_enterprise,
    evaluate_person,
    rates,
    rates_cache_clear,
    rates_from_records,
)
from safetrain.compliance.facts import load_person_facts
from safetrain.compliance.models import PersonStatus
from safetrain.compliance.services import recompute_all, refresh_person
from safetrain.compliance.tests import records as r
from safetrain.compliance.tests.conftest import D
from safetrain.core import dates
from safetrain.people.models import Leave
from safetrain.people.services import PostSpec, post_change
from safetrain.people.tests.factories import make_employment, make_enterprise

pytestmark = pytest.mark.django_db


def test_rates_on_a_small_hand_computed_enterprise(small_world):
    result = rates_from_records(Scope.for_enterprise(small_world["ent"]), D)
    assert result.as_dict() == {
        "as_of": "2025-03-01",
        "scope": small_world["ent"].credit_code,
        "population": 5,  # p1 p2 p3 p4 p8 (p5 on leave, p6 left, p7 elsewhere)
        "coverage": {"num": 2, "den": 5},  # p1 p3 (p8's record was corrected into 2024)
        "certified": {"num": 1, "den": 3},  # of p2 p3 p4 only p2
        "awareness": {"num": 1, "den": 5},  # p1 (p2's latest spot check failed)
        "may_work": {"num": 4, "den": 5},  # p3 lacks the 5.4 certificate
    }


def test_rates_by_region_and_city(small_world):
    county = rates_from_records(Scope.for_region("140502"), D)
    assert county.scope == "140502" and county.population == 5
    other = rates_from_records(Scope.for_region("140581"), D)
    assert (other.population, other.coverage.num) == (1, 1)
    city = rates_from_records(Scope.city(), D)
    assert city.scope == "140500" and city.population == 6 and city.coverage.num == 3


def test_time_travel_reads_records_as_of_the_day(small_world):
    p3 = small_world["p"][3]
    assert evaluate_person(p3, D).blocking_codes == ["CERT_MISSING"]
    r.certificate(p3, "5.4", dt.date(2025, 3, 2))
    assert evaluate_person(p3, D).blocking_codes == ["CERT_MISSING"]  # not issued yet on D
    assert evaluate_person(p3, dt.date(2025, 3, 2)).may_work
    p6 = small_world["p"][6]
    assert evaluate_person(p6, dt.date(2025, 1, 31)).status == "in_post"
    ev = evaluate_person(p6, D)
    assert (ev.status, ev.enterprise, ev.findings) == ("not_employed", None, ())
    ev = evaluate_person(small_world["p"][5], D)
    assert (ev.status, ev.may_work, ev.enterprise) == (
        "on_leave",
        False,
        small_world["ent"].credit_code,
    )


def test_superseded_exam_is_ignored(small_world):
    p1 = small_world["p"][1]
    wrong = r.exam(p1, dt.date(2025, 2, 10), "risk_awareness", score=50)
    assert not evaluate_person(p1, D).aware
    r.exam(p1, dt.date(2025, 2, 10), "risk_awareness", score=85, supersedes=wrong)
    assert evaluate_person(p1, D).aware


def test_renewed_certificate_still_counts_for_its_own_past(small_world):
    p2 = small_world["p"][2]
    old = p2.certificates.get()
    r.certificate(p2, "5.4", dt.date(2025, 1, 1), supersedes=old)
    assert evaluate_person(p2, dt.date(2024, 6, 1)).certified


def test_accident_reaches_a_former_safety_manager_in_a_new_job():
    ent = make_enterprise()
    emp = make_employment(
        enterprise=ent, role="safety_manager", start=dt.date(2020, 1, 1), end=dt.date(2024, 5, 31)
    )
    person = emp.person
    make_employment(
        person, make_enterprise(sector="industry_trade"), role="worker", start=dt.date(2024, 6, 1)
    )
    r.incident(ent, dt.date(2024, 5, 20), "major_hidden_danger")
    r.incident(ent, dt.date(2024, 6, 5))  # after leaving: not theirs
    ev = evaluate_person(person, dt.date(2024, 7, 1))
    assert "ACCIDENT_RETRAINING_PENDING" in ev.blocking_codes
    f = next(f for f in ev.findings if f.code == "ACCIDENT_RETRAINING_PENDING")
    assert f.detail["incident_date"] == "2024-05-20" and "pending_incidents" not in f.detail
    r.training(person, dt.date(2024, 6, 20), 16, "accident")
    r.exam(person, dt.date(2024, 6, 21), "mgmt_assessment")
    assert "ACCIDENT_RETRAINING_PENDING" not in evaluate_person(person, dt.date(2024, 7, 1)).codes


def test_transfer_from_people_service():
    emp = make_employment(start=dt.date(2020, 1, 1))
    post_change(
        actor=None, employment=emp, from_date=dt.date(2024, 6, 1), post=PostSpec(title="掘进工")
    )
    ev = evaluate_person(emp.person, dt.date(2024, 6, 1))
    assert "TRANSFER_TRAINING_PENDING" in ev.blocking_codes
    assert (
        evaluate_person(emp.person, dt.date(2024, 5, 31)).codes.count("TRANSFER_TRAINING_PENDING")
        == 0
    )


def test_enterprise_drill_findings():
    ent = make_enterprise(sector="coal_mine", area_types=["underground", "office"])
    r.drill(ent, dt.date(2024, 3, 1), "underground")
    found = {f.code: f.detail["area_types"] for f in evaluate_enterprise(ent, dt.date(2024, 7, 1))}
    assert found == {"DRILL_OVERDUE": ["office"], "DRILL_DUE": ["underground", "office"]}


def build_population(n: int):
    ent = make_enterprise()
    ids = []
    for i in range(n):
        emp = make_employment(
            enterprise=ent,
            role="principal" if i % 5 == 0 else "worker",
            job="瓦斯检查工",
            start=dt.date(2020, 1, 1),
        )
        Leave.objects.create(
            employment=emp, start_date=dt.date(2023, 1, 1), end_date=dt.date(2023, 5, 1)
        )
        r.training(emp.person, dt.date(2024, 5, 1), 8, enterprise=ent)
        r.exam(emp.person, dt.date(2024, 5, 1), "risk_awareness")
        r.certificate(emp.person, "5.4", dt.date(2022, 1, 1))
        r.violation(emp.person, ent, dt.date(2024, 2, 1))
        ids.append(emp.person_id)
    r.incident(ent, dt.date(2024, 1, 1))
    return ids


@pytest.mark.parametrize("n", [3, 30])
def test_facts_loading_query_count_is_fixed(n, django_assert_num_queries):
    ids = build_population(n)
    with django_assert_num_queries(11):
        facts = load_person_facts(ids, dt.date(2024, 6, 1))
    assert len(facts) == n
    one = facts[ids[0]]
    assert len(one.trainings) == 1 and len(one.certificates) == 1 and len(one.violations) == 1
    assert len(one.employments[0].leaves) == 1 and one.incidents[0].role == "principal"


# ------------------------------------------------------------------------------ materialized


@pytest.fixture
def today_is_d(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: D)


def test_recompute_and_todays_rates_from_the_materialized_status(small_world, today_is_d):
    scope = Scope.for_enterprise(small_world["ent"])
    assert rates(scope).source == "records"  # nothing materialized yet
    assert recompute_all() == 9
    cached = rates(scope)
    assert cached.source == "materialized"
    assert cached.as_dict() == rates_from_records(scope, D).as_dict()
    assert rates(Scope.city()).as_dict() == rates_from_records(Scope.city(), D).as_dict()
    row = PersonStatus.objects.get(person=small_world["p"][3])
    assert (row.as_of, row.status, row.may_work, row.blocking_codes) == (
        D,
        "in_post",
        False,
        ["CERT_MISSING"],
    )
    assert row.enterprise == small_world["ent"]
    assert PersonStatus.objects.get(person=small_world["nobody"]).status == "not_employed"
    # a past date never reads the cache
    assert rates(scope, dt.date(2025, 2, 1)).source == "records"
    # a stale row (computed another day) makes today's rates come from the records
    # (edited in place, bypassing every write path, so the per-process rates cache is told)
    PersonStatus.objects.filter(person=small_world["p"][1]).update(as_of=D - dt.timedelta(days=1))
    rates_cache_clear()
    assert rates(scope).source == "records"


def test_new_employment_without_refresh_is_not_read_from_a_stale_cache(small_world, today_is_d):
    recompute_all()
    make_employment(enterprise=small_world["ent"], start=dt.date(2025, 1, 1))
    result = rates(Scope.for_enterprise(small_world["ent"]))
    assert result.source == "records" and result.population == 6


def test_hook_refreshes_on_commit(small_world, today_is_d, django_capture_on_commit_callbacks):
    recompute_all()
    p3 = small_world["p"][3]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r.certificate(p3, "5.4", dt.date(2025, 2, 1))
        hooks.person_changed(p3.pk)
        hooks.person_changed(None)  # safe
        hooks.persons_changed([999_999])  # unknown: safe
    assert len(callbacks) == 2
    row = PersonStatus.objects.get(person=p3)
    assert row.may_work and row.certified and row.blocking_codes == []
    assert rates(Scope.for_enterprise(small_world["ent"])).may_work.num == 5


def test_enterprise_hook_reaches_former_managers(
    small_world, today_is_d, django_capture_on_commit_callbacks
):
    recompute_all()
    p4 = small_world["p"][4]
    with django_capture_on_commit_callbacks(execute=True):
        r.incident(small_world["ent"], dt.date(2025, 2, 1))
        hooks.enterprise_changed(small_world["ent"].pk)
    assert "ACCIDENT_RETRAINING_PENDING" in PersonStatus.objects.get(person=p4).blocking_codes


def test_refresh_person_returns_the_row(small_world, today_is_d):
    row = refresh_person(small_world["p"][1])
    assert row.as_of == D and row.may_work and row.covered and row.aware
