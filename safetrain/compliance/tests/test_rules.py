"""Table tests of every rule kind: pure evaluate(), no database. Each boundary is tested the
day before, on the day and the day after."""

from __future__ import annotations

import pytest

from safetrain.compliance.evaluation import evaluate_facts
from safetrain.compliance.rules import (
    AccidentRule,
    AnnualPendingRule,
    AnnualShortRule,
    CertificateRule,
    DrillFact,
    DrillRule,
    EnterpriseFacts,
    InitialHoursRule,
    PrejobRule,
    ReturnRule,
    TransferRule,
    ViolationRule,
)
from safetrain.compliance.tests.builders import (
    ENT,
    OTHER,
    POLICY,
    IncidentFact,
    LeaveFact,
    PostFact,
    ViolationFact,
    add,
    cert,
    codes,
    d,
    emp,
    ex,
    person,
    prejob_done,
    run,
    tr,
)

# ------------------------------------------------------------------------------------ 岗前

START = d(2024, 3, 1)  # window start = 2023-12-02 (start − 90 days)


@pytest.mark.parametrize(
    ("day", "counts"),
    [(d(2023, 12, 1), False), (d(2023, 12, 2), True), (d(2023, 12, 3), True)],
)
def test_prejob_window_starts_90_days_before_employment(day, counts):
    trainings, exams = prejob_done(day)
    facts = person(emp(start=START), trainings=trainings, exams=exams)
    got = {f.code for f in run(PrejobRule(), facts, d(2024, 3, 10))}
    assert got == (set() if counts else {"PREJOB_TRAINING_MISSING", "PREJOB_EXAM_MISSING"})


@pytest.mark.parametrize(
    ("start", "applies"), [(d(2023, 12, 31), False), (d(2024, 1, 1), True), (d(2024, 1, 2), True)]
)
def test_prejob_applies_to_employments_from_2024(start, applies):
    facts = person(emp(start=start))
    got = {f.code for f in run(PrejobRule(), facts, d(2024, 6, 1))}
    assert got == ({"PREJOB_TRAINING_MISSING", "PREJOB_EXAM_MISSING"} if applies else set())


def test_prejob_hours_levels_and_enterprise():
    on = d(2024, 3, 10)
    # 71.9 hours: short by 0.1 — the remedy names the exact gap
    trainings, exams = prejob_done(START, 71.9)
    [f] = run(PrejobRule(), person(emp(start=START), trainings=trainings, exams=exams), on)
    assert f.code == "PREJOB_TRAINING_MISSING" and f.blocking
    assert f.detail["required_hours"] == 72.0 and f.detail["done_hours"] == 71.9
    assert f.detail["missing_levels"] == []
    assert "再完成 0.1 学时" in f.remedy
    # 72 hours but no team level
    facts = person(
        emp(start=START),
        trainings=[tr(START, 36, "prejob", "company"), tr(START, 36, "prejob", "workshop")],
        exams=[ex(START, "prejob")],
    )
    [f] = run(PrejobRule(), facts, on)
    assert f.detail["missing_levels"] == ["team"] and "班组级" in f.remedy
    # training and exam of another enterprise do not count
    trainings, exams = prejob_done(START, ent=OTHER)
    got = {
        f.code
        for f in run(PrejobRule(), person(emp(start=START), trainings=trainings, exams=exams), on)
    }
    assert got == {"PREJOB_TRAINING_MISSING", "PREJOB_EXAM_MISSING"}
    # a failed exam does not count; a training dated after D does not exist yet
    trainings, _ = prejob_done(START)
    facts = person(emp(start=START), trainings=trainings, exams=[ex(START, "prejob", passed=False)])
    assert {f.code for f in run(PrejobRule(), facts, on)} == {"PREJOB_EXAM_MISSING"}
    trainings, exams = prejob_done(d(2024, 3, 11))
    facts = person(emp(start=START), trainings=trainings, exams=exams)
    assert len(run(PrejobRule(), facts, on)) == 2
    assert run(PrejobRule(), facts, d(2024, 3, 11)) == []


@pytest.mark.parametrize(("high_risk", "hours"), [(True, 72), (False, 24)])
def test_prejob_hours_by_sector_group(high_risk, hours):
    trainings, exams = prejob_done(START, hours)
    facts = person(emp(start=START, high_risk=high_risk), trainings=trainings, exams=exams)
    assert run(PrejobRule(), facts, START) == []
    trainings, exams = prejob_done(START, hours - 0.3)
    facts = person(emp(start=START, high_risk=high_risk), trainings=trainings, exams=exams)
    assert [f.code for f in run(PrejobRule(), facts, START)] == ["PREJOB_TRAINING_MISSING"]


def test_prejob_is_for_workers_only():
    for role in ("principal", "deputy", "safety_manager"):
        assert run(PrejobRule(), person(emp(role=role, start=START)), START) == []


# ------------------------------------------------------------------------------------ 持证


def test_cert_missing_mismatch_and_valid_for_special_operator():
    on = d(2025, 1, 1)
    e = emp(start=d(2020, 1, 1), op="5.4")
    assert [f.code for f in run(CertificateRule(), person(e), on)] == ["CERT_MISSING"]
    f = run(CertificateRule(), person(e, certificates=[cert("5.1", d(2023, 1, 1))]), on)
    assert [x.code for x in f] == ["CERT_JOB_MISMATCH"] and f[0].blocking
    assert "5.4" in f[0].remedy
    assert run(CertificateRule(), person(e, certificates=[cert("5.4", d(2023, 1, 1))]), on) == []
    # a certificate issued after D does not exist yet
    later = person(e, certificates=[cert("5.4", d(2025, 1, 2))])
    assert [x.code for x in run(CertificateRule(), later, on)] == ["CERT_MISSING"]


@pytest.mark.parametrize(
    ("role", "on", "code"),
    [
        ("principal", d(2024, 7, 30), "CERT_PENDING"),
        ("principal", d(2024, 7, 31), "CERT_MISSING"),  # 2024-01-31 + 6 months = 07-31
        ("principal", d(2024, 8, 1), "CERT_MISSING"),
        ("deputy", d(2024, 7, 30), "CERT_PENDING"),
        ("deputy", d(2024, 7, 31), "CERT_MISSING"),
        ("safety_manager", d(2024, 2, 1), "CERT_MISSING"),  # no grace for safety managers
    ],
)
def test_six_month_grace_for_principal_and_deputy(role, on, code):
    e = emp(role=role, start=d(2024, 1, 31))
    [f] = run(CertificateRule(), person(e), on)
    assert f.code == code
    assert f.blocking == (code == "CERT_MISSING")


def test_month_end_grace_clamps():
    # 2023-08-31 + 6 months = 2024-02-29 (leap year, clamped)
    e = emp(role="principal", start=d(2023, 8, 31))
    assert [f.code for f in run(CertificateRule(), person(e), d(2024, 2, 28))] == ["CERT_PENDING"]
    assert [f.code for f in run(CertificateRule(), person(e), d(2024, 2, 29))] == ["CERT_MISSING"]


def test_management_outside_high_risk_needs_no_certificate():
    e = emp(role="principal", start=d(2020, 1, 1), high_risk=False)
    assert run(CertificateRule(), person(e), d(2025, 1, 1)) == []


@pytest.mark.parametrize(
    ("valid_until", "expected"),
    [
        (d(2025, 3, 31), {"CERT_EXPIRING_SOON"}),  # D + 89
        (d(2025, 4, 1), {"CERT_EXPIRING_SOON"}),  # D + 90
        (d(2025, 4, 2), set()),  # D + 91
        (d(2025, 1, 1), {"CERT_EXPIRING_SOON"}),  # expires on D: still valid that day
        (d(2024, 12, 31), {"CERT_EXPIRED"}),  # expired the day before
    ],
)
def test_expiry_window_90_days(valid_until, expected):
    on = d(2025, 1, 1)
    c = cert("5.4", d(2020, 1, 1), valid_until=valid_until, review_due=None)
    facts = person(emp(start=d(2020, 1, 1), op="5.4"), certificates=[c])
    assert {f.code for f in run(CertificateRule(), facts, on)} == expected


@pytest.mark.parametrize(
    ("review_due", "expected"),
    [
        (d(2025, 3, 1), {"CERT_REVIEW_DUE_SOON"}),  # D + 59
        (d(2025, 3, 2), {"CERT_REVIEW_DUE_SOON"}),  # D + 60
        (d(2025, 3, 3), set()),  # D + 61
        (d(2025, 1, 1), {"CERT_REVIEW_DUE_SOON"}),  # due on D: not overdue yet
        (d(2024, 12, 31), {"CERT_REVIEW_OVERDUE"}),
    ],
)
def test_review_window_60_days(review_due, expected):
    on = d(2025, 1, 1)
    c = cert("5.4", d(2022, 1, 1), review_due=review_due)
    facts = person(emp(start=d(2020, 1, 1), op="5.4"), certificates=[c])
    found = run(CertificateRule(), facts, on)
    assert {f.code for f in found} == expected
    for f in found:
        assert f.blocking == (f.code == "CERT_REVIEW_OVERDUE")


def test_revoked_certificate_counts_as_expired_and_best_is_latest():
    on = d(2025, 1, 1)
    e = emp(start=d(2020, 1, 1), op="5.4")
    revoked = cert("5.4", d(2023, 1, 1), revoked=True)
    [f] = run(CertificateRule(), person(e, certificates=[revoked]), on)
    assert f.code == "CERT_EXPIRED" and f.detail["revoked"] and "吊销" in f.remedy
    old = cert("5.4", d(2015, 1, 1), cid=1)  # expired 2020
    new = cert("5.4", d(2023, 1, 1), cid=2)
    assert run(CertificateRule(), person(e, certificates=[old, new]), on) == []


def test_a_code_raised_by_two_requirements_fires_once():
    on = d(2025, 1, 1)
    e = emp(role="safety_manager", start=d(2020, 1, 1), op="1.2")
    [f] = run(CertificateRule(), person(e), on)
    assert f.code == "CERT_MISSING" and len(f.detail["requirements"]) == 2


def test_post_change_changes_the_needed_certificate():
    e = emp(
        start=d(2020, 1, 1),
        posts=(PostFact(d(2020, 1, 1), "采煤工"), PostFact(d(2024, 6, 1), "瓦斯检查工", "5.4")),
    )
    assert run(CertificateRule(), person(e), d(2024, 5, 31)) == []
    assert [f.code for f in run(CertificateRule(), person(e), d(2024, 6, 1))] == ["CERT_MISSING"]


# ------------------------------------------------------------------------------------ 三违

V = d(2024, 5, 10)


@pytest.mark.parametrize(
    ("hours", "exam", "variant_text"),
    [
        (24, True, None),
        (24.0, True, None),
        (23.9, True, "再完成 0.1 学时三违脱产培训"),
        (8, False, "参加三违脱产培训（还差 16.0 学时）并考试合格"),
        (30, False, "参加三违考试并合格"),
    ],
)
def test_violation_24_hours_and_exam(hours, exam, variant_text):
    facts = person(
        emp(start=d(2020, 1, 1)),
        violations=[ViolationFact(V, ENT)],
        trainings=[tr(V, hours, "violation")],
        exams=[ex(V, "violation")] if exam else [],
    )
    found = run(ViolationRule(), facts, d(2024, 6, 1))
    if variant_text is None:
        assert found == []
    else:
        [f] = found
        assert f.code == "VIOLATION_RETRAINING_PENDING" and f.blocking
        assert f.remedy == variant_text


@pytest.mark.parametrize(
    ("day", "counts"), [(d(2024, 5, 9), False), (V, True), (d(2024, 5, 11), True)]
)
def test_violation_window_starts_on_the_violation_day(day, counts):
    facts = person(
        emp(start=d(2020, 1, 1)),
        violations=[ViolationFact(V, ENT)],
        trainings=[tr(day, 24, "violation")],
        exams=[ex(day, "violation")],
    )
    assert (run(ViolationRule(), facts, d(2024, 6, 1)) == []) == counts


def test_a_new_violation_restarts_the_count_and_future_violations_do_not_exist():
    facts = person(
        emp(start=d(2020, 1, 1)),
        violations=[ViolationFact(V, ENT), ViolationFact(d(2024, 7, 1), ENT)],
        trainings=[tr(V, 24, "violation")],
        exams=[ex(V, "violation")],
    )
    assert run(ViolationRule(), facts, d(2024, 6, 30)) == []
    [f] = run(ViolationRule(), facts, d(2024, 7, 1))
    assert f.detail["violation_date"] == "2024-07-01" and f.detail["done_hours"] == 0.0


# ------------------------------------------------------------------------------------ 复岗


@pytest.mark.parametrize(
    ("start", "end", "long"),
    [
        (d(2024, 3, 15), d(2024, 6, 13), False),  # day after = 06-14 < 06-15
        (d(2024, 3, 15), d(2024, 6, 14), True),  # day after = 06-15 = start + 3 months
        (d(2024, 3, 15), d(2024, 6, 15), True),
        (d(2024, 1, 31), d(2024, 4, 28), False),  # start + 3 months clamps to 04-30
        (d(2024, 1, 31), d(2024, 4, 29), True),
        (d(2023, 11, 30), d(2024, 2, 28), True),  # 11-30 + 3 months = 2024-02-29; day after 02-28
        (d(2023, 11, 30), d(2024, 2, 27), False),
    ],
)
def test_three_calendar_month_leave(start, end, long):
    facts = person(emp(start=d(2020, 1, 1), leaves=(LeaveFact(start, end),)))
    found = run(ReturnRule(), facts, d(2024, 7, 1))
    assert bool(found) == long


def test_return_only_after_the_last_day_and_cleared_by_training_and_exam():
    leave = LeaveFact(d(2024, 1, 1), d(2024, 4, 30))
    e = emp(start=d(2020, 1, 1), leaves=(leave,))
    facts = person(e)
    assert evaluate_facts(facts, POLICY, d(2024, 4, 30)).status == "on_leave"
    assert run(ReturnRule(), facts, d(2024, 4, 30)) == []  # last day away: not back yet
    [f] = run(ReturnRule(), facts, d(2024, 5, 1))
    assert f.blocking and f.remedy == "参加复岗安全培训并考试合格"
    # training and exam dated during the leave count (window [leave start, D])
    done = add(
        facts, trainings=[tr(d(2024, 4, 20), 8, "return")], exams=[ex(d(2024, 4, 25), "return")]
    )
    assert run(ReturnRule(), done, d(2024, 5, 1)) == []
    before = add(
        facts, trainings=[tr(d(2023, 12, 31), 8, "return")], exams=[ex(d(2024, 4, 25), "return")]
    )
    [f] = run(ReturnRule(), before, d(2024, 5, 1))
    assert f.remedy == "参加复岗安全培训"


# ------------------------------------------------------------------------------------ 转岗

T = d(2024, 6, 1)  # window start 2024-05-02


def transfer_person():
    return person(
        emp(start=d(2020, 1, 1), posts=(PostFact(d(2020, 1, 1), "采煤工"), PostFact(T, "掘进工")))
    )


@pytest.mark.parametrize(
    ("day", "counts"), [(d(2024, 5, 1), False), (d(2024, 5, 2), True), (d(2024, 5, 3), True)]
)
def test_transfer_window_30_days_before_the_change(day, counts):
    facts = add(transfer_person(), trainings=[tr(day, 4, "transfer")], exams=[ex(day, "transfer")])
    assert (run(TransferRule(), facts, d(2024, 6, 10)) == []) == counts


def test_transfer_fires_from_the_change_day_not_before():
    facts = transfer_person()
    assert run(TransferRule(), facts, d(2024, 5, 31)) == []
    [f] = run(TransferRule(), facts, T)
    assert f.detail["changed_on"] == "2024-06-01" and "2024-06-01" in f.remedy
    # the first post (on the start day) is not a change
    assert run(TransferRule(), person(emp(start=d(2020, 1, 1))), T) == []


def test_transfer_each_change_needs_its_own_training():
    e = emp(
        start=d(2020, 1, 1),
        posts=(PostFact(d(2020, 1, 1), "a"), PostFact(d(2023, 1, 1), "b"), PostFact(T, "c")),
    )
    # trained for the 2023 change only
    facts = person(
        e, trainings=[tr(d(2023, 1, 1), 4, "transfer")], exams=[ex(d(2023, 1, 1), "transfer")]
    )
    [f] = run(TransferRule(), facts, d(2024, 7, 1))
    assert f.detail["changed_on"] == "2024-06-01" and "pending_changes" not in f.detail
    none = person(e)
    [f] = run(TransferRule(), none, d(2024, 7, 1))
    assert [p["changed_on"] for p in f.detail["pending_changes"]] == ["2023-01-01", "2024-06-01"]


# ------------------------------------------------------------------------------------ 事故

A = d(2024, 4, 1)


def test_accident_applies_to_managers_on_the_incident_date_even_after_leaving():
    old = emp(role="principal", start=d(2020, 1, 1), end=d(2024, 4, 30), ent=OTHER, eid=1)
    new = emp(role="worker", start=d(2024, 5, 1), eid=2)
    facts = person(old, new, incidents=[IncidentFact(A, OTHER, "fatal", "principal", "CODE2")])
    [f] = run(AccidentRule(), facts, d(2024, 6, 1))
    assert f.blocking and f.detail["incident_date"] == "2024-04-01" and "死亡事故" in f.remedy
    assert run(AccidentRule(), facts, d(2024, 3, 31)) == []


@pytest.mark.parametrize(
    ("day", "counts"), [(d(2024, 3, 31), False), (A, True), (d(2024, 4, 2), True)]
)
def test_accident_window_starts_on_the_incident_day(day, counts):
    facts = person(
        emp(role="safety_manager", start=d(2020, 1, 1)),
        incidents=[IncidentFact(A, ENT, "major_hidden_danger", "safety_manager")],
        trainings=[tr(day, 16, "accident")],
        exams=[ex(day, "mgmt_assessment")],
    )
    assert (run(AccidentRule(), facts, d(2024, 6, 1)) == []) == counts


def test_accident_training_without_mgmt_exam_still_pending():
    facts = person(
        emp(role="deputy", start=d(2020, 1, 1)),
        incidents=[IncidentFact(A, ENT, "repeated_larger_hidden_danger", "deputy")],
        trainings=[tr(A, 16, "accident")],
    )
    [f] = run(AccidentRule(), facts, d(2024, 6, 1))
    assert f.detail["training_done"] and not f.detail["exam_passed"]
    assert f.remedy.startswith("参加安全生产知识和管理能力考核并合格")


# ------------------------------------------------------------------------------------ 学时


@pytest.mark.parametrize(
    ("role", "high_risk", "required"),
    [("principal", True, 48), ("deputy", True, 48), ("safety_manager", False, 32)],
)
def test_initial_hours_lifetime_any_employer(role, high_risk, required):
    e = emp(role=role, start=d(2024, 1, 1), high_risk=high_risk, ent=ENT)
    facts = person(e, trainings=[tr(d(2019, 5, 1), required - 0.1, "initial", ent=OTHER)])
    [f] = run(InitialHoursRule(), facts, d(2025, 1, 1))
    assert f.detail == {"required_hours": float(required), "done_hours": required - 0.1}
    assert not f.blocking
    facts = add(facts, trainings=[tr(d(2019, 5, 2), 0.1, "initial", ent=None)])
    assert run(InitialHoursRule(), facts, d(2025, 1, 1)) == []
    assert run(InitialHoursRule(), person(emp(start=d(2024, 1, 1))), d(2025, 1, 1)) == []


@pytest.mark.parametrize(
    ("start", "applies"), [(d(2024, 12, 31), True), (d(2025, 1, 1), False), (d(2025, 1, 2), False)]
)
def test_annual_pending_applies_from_the_first_january(start, applies):
    facts = person(emp(start=start))
    found = run(AnnualPendingRule(), facts, d(2025, 1, 2))
    assert bool(found) == applies


def test_annual_pending_counts_from_1_january():
    e = emp(start=d(2020, 1, 1))
    facts = person(
        e,
        trainings=[
            tr(d(2024, 12, 31), 20, "continuing"),
            tr(d(2025, 1, 1), 19.9, "special", ent=OTHER),
        ],
    )
    [f] = run(AnnualPendingRule(), facts, d(2025, 1, 1))
    assert f.detail["done_hours"] == 19.9 and f.detail["required_hours"] == 20.0
    assert f.remedy.startswith("2025 年内再完成 0.1 学时再培训")
    assert (
        run(
            AnnualPendingRule(),
            add(facts, trainings=[tr(d(2025, 1, 1), 0.1, "continuing")]),
            d(2025, 1, 1),
        )
        == []
    )
    # on 2024-12-31 the 20 hours of that day make 2024 complete
    assert run(AnnualPendingRule(), facts, d(2024, 12, 31)) == []


def test_annual_pending_on_31_december_counts_the_whole_year():
    e = emp(start=d(2020, 1, 1))
    facts = person(
        e, trainings=[tr(d(2024, 1, 1), 10, "continuing"), tr(d(2024, 12, 31), 10, "continuing")]
    )
    assert run(AnnualPendingRule(), facts, d(2024, 12, 31)) == []
    assert [f.code for f in run(AnnualPendingRule(), facts, d(2024, 12, 30))] == [
        "ANNUAL_HOURS_PENDING"
    ]


@pytest.mark.parametrize(
    ("start", "on", "applies"),
    [
        (d(2020, 1, 1), d(2024, 12, 31), False),  # previous year 2023 < 2024: not judged
        (d(2020, 1, 1), d(2025, 1, 1), True),  # judges 2024
        (d(2023, 12, 31), d(2025, 1, 1), True),
        (d(2024, 1, 1), d(2025, 1, 1), False),  # started on 1 Jan of the previous year
        (d(2024, 1, 1), d(2026, 1, 1), True),
    ],
)
def test_annual_short_previous_year_from_2024(start, on, applies):
    facts = person(emp(start=start))
    found = run(AnnualShortRule(), facts, on)
    assert bool(found) == applies
    if applies:
        assert found[0].detail["year"] == on.year - 1 and not found[0].blocking


def test_annual_short_counts_exactly_the_previous_calendar_year():
    e = emp(start=d(2020, 1, 1), role="deputy")  # high-risk deputy: 16 per year
    facts = person(
        e,
        trainings=[
            tr(d(2023, 12, 31), 16, "continuing"),
            tr(d(2024, 1, 1), 8, "continuing"),
            tr(d(2024, 12, 31), 7.9, "continuing"),
            tr(d(2025, 1, 1), 16, "continuing"),
        ],
    )
    [f] = run(AnnualShortRule(), facts, d(2025, 3, 1))
    assert f.detail["done_hours"] == 15.9 and f.detail["required_hours"] == 16.0
    assert "还差 0.1 学时" in f.remedy


# ------------------------------------------------------------------------------------ status


def test_status_on_leave_and_not_employed_have_no_findings():
    e = emp(start=d(2024, 3, 1), end=d(2024, 12, 31), leaves=(LeaveFact(d(2024, 6, 1), None),))
    facts = person(e)
    ev = evaluate_facts(facts, POLICY, d(2024, 5, 31))
    assert ev.status == "in_post" and not ev.may_work and ev.enterprise == "CODE1"
    ev = evaluate_facts(facts, POLICY, d(2024, 6, 1))
    assert (ev.status, ev.may_work, ev.findings, ev.enterprise) == ("on_leave", False, (), "CODE1")
    ev = evaluate_facts(facts, POLICY, d(2025, 1, 1))
    assert (ev.status, ev.may_work, ev.enterprise) == ("not_employed", False, None)
    ev = evaluate_facts(facts, POLICY, d(2024, 2, 29))
    assert ev.status == "not_employed"


def test_end_date_is_inclusive():
    e = emp(start=d(2020, 1, 1), end=d(2024, 6, 30))
    assert evaluate_facts(person(e), POLICY, d(2024, 6, 30)).status == "in_post"
    assert evaluate_facts(person(e), POLICY, d(2024, 7, 1)).status == "not_employed"


def test_several_findings_at_once_and_may_work():
    e = emp(
        start=d(2024, 3, 1),
        op="5.4",
        posts=(
            PostFact(d(2024, 3, 1), "瓦斯检查工", "5.4"),
            PostFact(d(2024, 9, 1), "瓦斯检查工2", "5.4"),
        ),
    )
    facts = person(e, violations=[ViolationFact(d(2024, 10, 1), ENT)])
    ev = evaluate_facts(facts, POLICY, d(2024, 10, 2))
    assert set(ev.codes) == {
        "PREJOB_TRAINING_MISSING",
        "PREJOB_EXAM_MISSING",
        "CERT_MISSING",
        "VIOLATION_RETRAINING_PENDING",
        "TRANSFER_TRAINING_PENDING",
    }
    assert len(ev.codes) == len(set(ev.codes))  # each fires once
    assert not ev.may_work
    # a clean worker may work; a non-blocking finding alone does not stop work
    trainings, exams = prejob_done(d(2024, 3, 1))
    clean = person(emp(start=d(2024, 3, 1)), trainings=trainings, exams=exams)
    ev = evaluate_facts(clean, POLICY, d(2024, 3, 1))
    assert ev.may_work and ev.findings == ()
    ev = evaluate_facts(clean, POLICY, d(2025, 1, 1))
    assert ev.codes == ["ANNUAL_HOURS_PENDING"] and ev.may_work


def test_changing_employer_restarts_prejob_but_keeps_lifelong_hours():
    first = emp(role="safety_manager", start=d(2024, 1, 1), end=d(2024, 12, 31), ent=ENT, eid=1)
    second = emp(role="safety_manager", start=d(2025, 2, 1), ent=OTHER, eid=2)
    facts = person(
        first,
        second,
        trainings=[tr(d(2024, 1, 1), 48, "initial", ent=ENT)],
        certificates=[cert(None, d(2024, 1, 5))],
    )
    assert codes(facts, d(2025, 2, 1)) == set()  # initial hours from the old employer count
    # a worker who moves: the old enterprise's pre-job training does not count at the new one
    trainings, exams = prejob_done(d(2024, 1, 1), ent=ENT)
    w1 = emp(start=d(2024, 1, 1), end=d(2024, 12, 31), ent=ENT, eid=1)
    w2 = emp(start=d(2025, 2, 1), ent=OTHER, eid=2)
    worker = person(w1, w2, trainings=trainings, exams=exams)
    assert codes(worker, d(2024, 6, 1)) == set()
    assert codes(worker, d(2025, 2, 1)) == {"PREJOB_TRAINING_MISSING", "PREJOB_EXAM_MISSING"}
    trainings2, exams2 = prejob_done(d(2025, 1, 20), ent=OTHER)
    assert codes(add(worker, trainings=trainings2, exams=exams2), d(2025, 2, 1)) == set()


def test_rates_facts_on_the_evaluation():
    e = emp(start=d(2020, 1, 1), op="5.4")
    facts = person(
        e,
        certificates=[cert("5.4", d(2023, 1, 1))],
        trainings=[tr(d(2025, 1, 5), 2, "continuing")],
        exams=[
            ex(d(2025, 1, 6), "risk_awareness", True, xid=1),
            ex(d(2025, 1, 7), "spot_check", False, xid=2),
        ],
    )
    ev = evaluate_facts(facts, POLICY, d(2025, 1, 6))
    assert (ev.covered, ev.cert_required, ev.certified, ev.aware) == (True, True, True, True)
    ev = evaluate_facts(facts, POLICY, d(2025, 1, 7))
    assert not ev.aware  # the latest awareness exam failed
    ev = evaluate_facts(facts, POLICY, d(2025, 1, 4))
    assert not ev.covered and not ev.aware


# ------------------------------------------------------------------------------------ 演练


def ent(high_risk=True, drills=(), areas=("underground", "office")):
    return EnterpriseFacts(1, "CODE1", high_risk, tuple(areas), tuple(drills))


def drill_codes(facts, on):
    return {
        (f.code, tuple(f.detail["area_types"]))
        for f in DrillRule().evaluate(facts, DrillRule().params(POLICY), on)
    }


def test_drills_high_risk_half_year():
    facts = ent(drills=[DrillFact(d(2024, 6, 30), "underground")])
    # 2024-06-30: the last completed half-year is H2 2023, before 2024: not judged
    assert drill_codes(facts, d(2024, 6, 29)) == {("DRILL_DUE", ("underground", "office"))}
    assert drill_codes(facts, d(2024, 6, 30)) == {("DRILL_DUE", ("office",))}
    # 2024-07-01: H1 2024 is completed; office had none
    assert drill_codes(facts, d(2024, 7, 1)) == {
        ("DRILL_OVERDUE", ("office",)),
        ("DRILL_DUE", ("underground", "office")),
    }
    [over] = [
        f
        for f in DrillRule().evaluate(facts, DrillRule().params(POLICY), d(2024, 7, 1))
        if f.code == "DRILL_OVERDUE"
    ]
    assert over.detail["period_start"] == "2024-01-01" and over.detail["period_end"] == "2024-06-30"
    assert "办公" in over.remedy


def test_drills_other_sector_calendar_year():
    facts = ent(
        high_risk=False, drills=[DrillFact(d(2024, 3, 1), "production")], areas=("production",)
    )
    assert drill_codes(facts, d(2024, 12, 31)) == set()
    assert drill_codes(facts, d(2025, 1, 1)) == {("DRILL_DUE", ("production",))}
    facts = ent(
        high_risk=False, drills=[DrillFact(d(2025, 1, 1), "production")], areas=("production",)
    )
    assert drill_codes(facts, d(2025, 1, 1)) == {("DRILL_OVERDUE", ("production",))}
    assert drill_codes(facts, d(2024, 12, 31)) == {("DRILL_DUE", ("production",))}
