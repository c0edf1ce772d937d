"""The blocking history: intervals per finding code from evaluations at the change days."""

import datetime as dt

import pytest

from safetrain.compliance.history import change_dates, history_from_facts
from safetrain.compliance.pages import archive_view
from safetrain.compliance.tests import records as r
from safetrain.compliance.tests.builders import (
    LeaveFact,
    ViolationFact,
    cert,
    d,
    emp,
    ex,
    person,
    tr,
)
from safetrain.people.tests.factories import make_employment, make_enterprise

V = d(2024, 5, 10)
TODAY = d(2025, 3, 1)


def violation_then_cleared():
    return person(
        emp(start=d(2023, 6, 1), high_risk=False),
        violations=[ViolationFact(V, 1, "operation")],
        trainings=[tr(d(2024, 5, 12), 16, "violation"), tr(d(2024, 5, 20), 8, "violation")],
        exams=[ex(d(2024, 5, 25), "violation")],
    )


def test_violation_interval_runs_from_v_to_the_day_before_the_exam():
    history = history_from_facts(violation_then_cleared(), TODAY)
    (interval,) = history.intervals
    assert interval.code == "VIOLATION_RETRAINING_PENDING"
    assert (interval.start, interval.end, interval.cleared_on) == (
        V,
        d(2024, 5, 24),
        d(2024, 5, 25),
    )
    assert interval.cleared_by == ["三违考试 合格"]
    assert interval.label == "三违人员未完成脱产培训或考试"
    assert not interval.open and not interval.earlier
    assert history.start == d(2024, 1, 1)  # employment began before the cut-off


def test_hours_completing_last_names_the_training():
    facts = person(
        emp(start=d(2023, 6, 1), high_risk=False),
        violations=[ViolationFact(V, 1, "operation")],
        trainings=[tr(d(2024, 5, 12), 16, "violation"), tr(d(2024, 6, 3), 8, "violation")],
        exams=[ex(d(2024, 5, 25), "violation")],
    )
    (interval,) = history_from_facts(facts, TODAY).intervals
    assert interval.cleared_on == d(2024, 6, 3)
    assert interval.cleared_by == ["三违脱产培训 8.0 学时"]


def test_open_interval_and_several_codes_at_once():
    facts = person(
        emp(start=d(2023, 6, 1), high_risk=False, op="5.4"),
        violations=[ViolationFact(d(2025, 2, 1), 1, "operation")],
        certificates=[cert("5.4", d(2018, 1, 1))],  # expired 2023-12-31
    )
    history = history_from_facts(facts, TODAY)
    by_code = {i.code: i for i in history.intervals}
    assert set(by_code) == {"CERT_EXPIRED", "CERT_REVIEW_OVERDUE", "VIOLATION_RETRAINING_PENDING"}
    assert by_code["VIOLATION_RETRAINING_PENDING"].open
    assert by_code["VIOLATION_RETRAINING_PENDING"].start == d(2025, 2, 1)
    assert by_code["VIOLATION_RETRAINING_PENDING"].remedy.startswith("参加三违脱产培训")
    # blocking since before the first day looked at (the cut-off): flagged as earlier
    assert by_code["CERT_EXPIRED"].earlier and by_code["CERT_EXPIRED"].start == d(2024, 1, 1)
    assert history.open_intervals and len(history.open_intervals) == 3


def test_certificate_issue_clears_cert_missing_and_leave_interrupts():
    facts = person(
        emp(
            start=d(2024, 2, 1),
            role="safety_manager",
            leaves=(LeaveFact(d(2024, 4, 1), d(2024, 4, 20)),),
        ),
        trainings=[tr(d(2024, 2, 1), 48, "initial")],
        certificates=[cert(None, d(2024, 6, 10))],
    )
    intervals = sorted(history_from_facts(facts, TODAY).intervals, key=lambda i: i.start)
    first, second = intervals
    assert (first.code, first.start, first.end) == ("CERT_MISSING", d(2024, 2, 1), d(2024, 3, 31))
    assert first.ended_by_status == "离岗"
    assert (second.start, second.end, second.cleared_on) == (
        d(2024, 4, 21),
        d(2024, 6, 9),
        d(2024, 6, 10),
    )
    assert second.cleared_by and "管理能力考核合格证" in second.cleared_by[0]


def test_evaluation_days_are_capped():
    many = [tr(d(2024, 1, 1) + dt.timedelta(days=i), 1, "continuing") for i in range(400)]
    facts = person(emp(start=d(2023, 6, 1), high_risk=False), trainings=many)
    history = history_from_facts(facts, TODAY, max_dates=200)
    assert history.evaluated_days == 200 and history.truncated
    assert history.start > d(2024, 1, 1)


def test_change_dates_cover_the_boundaries():
    c = cert("5.4", d(2022, 3, 1))
    facts = person(
        emp(
            start=d(2024, 2, 1), role="principal", leaves=(LeaveFact(d(2024, 3, 1), d(2024, 3, 9)),)
        ),
        certificates=[c],
    )
    days = change_dates(facts)
    assert {
        d(2024, 2, 1),  # start
        d(2024, 8, 1),  # end of the 6-month grace
        d(2024, 3, 1),  # leave start
        d(2024, 3, 10),  # day after the leave
        d(2022, 3, 1),  # issued
        c.valid_until + dt.timedelta(days=1),
        c.review_due + dt.timedelta(days=1),  # type: ignore[operator]
    } <= days


@pytest.mark.django_db
def test_archive_view_loads_facts_once_and_matches(django_assert_num_queries):
    ent = make_enterprise(sector="industry_trade")
    p = make_employment(enterprise=ent, start=dt.date(2023, 6, 1)).person
    r.violation(p, ent, V)
    r.training(p, dt.date(2024, 5, 12), 24, kind="violation")
    r.exam(p, dt.date(2024, 5, 25), "violation")
    with django_assert_num_queries(13):  # 11 facts + enterprise name + to-dos
        view = archive_view(p, TODAY)
    assert view.card.may_work
    (interval,) = view.history.intervals
    assert (interval.start, interval.cleared_on) == (V, dt.date(2024, 5, 25))
