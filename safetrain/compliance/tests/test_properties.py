"""Property tests (hypothesis): adding the record a remedy names never adds a finding, and it
clears the finding it remedies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetrain.compliance.domain import Finding, PersonFacts
from safetrain.compliance.evaluation import evaluate_facts
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
    emp,
    ex,
    person,
    tr,
)

KINDS = [
    "prejob",
    "initial",
    "continuing",
    "special",
    "violation",
    "return",
    "transfer",
    "accident",
    "review",
]
PURPOSES = [
    "prejob",
    "continuing",
    "risk_awareness",
    "spot_check",
    "violation",
    "return",
    "transfer",
    "mgmt_assessment",
]
LEVELS = ["", "company", "workshop", "team"]
LO, HI = dt.date(2023, 1, 1), dt.date(2025, 12, 31)

days = st.dates(min_value=LO, max_value=HI)
hours = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("40"), places=1)


@st.composite
def facts_and_day(draw):
    start = draw(st.dates(min_value=dt.date(2022, 6, 1), max_value=dt.date(2025, 6, 1)))
    on = draw(st.dates(min_value=start, max_value=HI))
    role = draw(st.sampled_from(["worker", "worker", "principal", "deputy", "safety_manager"]))
    op = draw(st.sampled_from([None, None, "5.4", "1.2"]))
    posts = [PostFact(start, "岗位", op)]
    if draw(st.booleans()):
        change = draw(st.dates(min_value=start + dt.timedelta(days=1), max_value=HI))
        posts.append(PostFact(change, "新岗位", draw(st.sampled_from([None, "5.4", "2.1"]))))
    leaves = ()
    if on > start + dt.timedelta(days=2) and draw(st.booleans()):
        last = on - dt.timedelta(days=1)
        ls = draw(st.dates(min_value=start, max_value=last))
        le = draw(st.dates(min_value=ls, max_value=min(ls + dt.timedelta(days=200), last)))
        leaves = (LeaveFact(ls, le),)
    e = emp(
        role=role, start=start, high_risk=draw(st.booleans()), posts=tuple(posts), leaves=leaves
    )
    trainings = draw(
        st.lists(
            st.builds(
                tr,
                days,
                hours,
                st.sampled_from(KINDS),
                st.sampled_from(LEVELS),
                st.sampled_from([ENT, OTHER, None]),
            ),
            max_size=8,
        )
    )
    exams = draw(
        st.lists(
            st.builds(
                ex, days, st.sampled_from(PURPOSES), st.booleans(), st.sampled_from([ENT, OTHER])
            ),
            max_size=5,
        )
    )
    violations = draw(st.lists(st.builds(ViolationFact, days, st.just(ENT)), max_size=2))
    incidents = []
    if role != "worker" and draw(st.booleans()):
        incidents.append(
            IncidentFact(draw(st.dates(min_value=start, max_value=HI)), ENT, "fatal", role)
        )
    certs = []
    if draw(st.booleans()):
        issued = draw(st.dates(min_value=dt.date(2015, 1, 1), max_value=HI))
        certs.append(cert(draw(st.sampled_from([None, "5.4", "1.2"])), issued, cid=1))
    facts = person(
        e,
        trainings=trainings,
        exams=exams,
        violations=violations,
        incidents=incidents,
        certificates=certs,
    )
    return facts, on


def remedy(facts: PersonFacts, f: Finding, on: dt.date) -> PersonFacts:
    """The records the finding's remedy names, dated on D (a past year's hours on 31 Dec)."""
    emp_ = facts.employment_on(on)
    assert emp_ is not None
    d = f.detail
    short = Decimal(str(d.get("required_hours", 0))) - Decimal(str(d.get("done_hours", 0)))
    match f.code:
        case "PREJOB_TRAINING_MISSING":
            recs = [tr(on, "0.1", "prejob", lv, emp_.enterprise_id) for lv in d["missing_levels"]]
            if short > 0:
                recs.append(tr(on, short, "prejob", "company", emp_.enterprise_id))
            return add(facts, trainings=recs)
        case "PREJOB_EXAM_MISSING":
            return add(facts, exams=[ex(on, "prejob", True, emp_.enterprise_id)])
        case "VIOLATION_RETRAINING_PENDING":
            recs = [tr(on, short, "violation")] if short > 0 else []
            return add(facts, trainings=recs, exams=[ex(on, "violation")])
        case "RETURN_TRAINING_PENDING" | "TRANSFER_TRAINING_PENDING":
            kind = f.code.split("_")[0].lower()
            return add(facts, trainings=[tr(on, 4, kind)], exams=[ex(on, kind)])
        case "ACCIDENT_RETRAINING_PENDING":
            return add(facts, trainings=[tr(on, 16, "accident")], exams=[ex(on, "mgmt_assessment")])
        case "INITIAL_HOURS_SHORT":
            return add(facts, trainings=[tr(on, short, "initial")])
        case "ANNUAL_HOURS_PENDING":
            return add(facts, trainings=[tr(on, short, "continuing")])
        case "ANNUAL_HOURS_SHORT":
            return add(facts, trainings=[tr(dt.date(d["year"], 12, 31), short, "continuing")])
        case _ if f.code.startswith("CERT_"):
            reqs = d.get("requirements", [d])
            new = [cert(r.get("needed_operation"), on, cid=100 + i) for i, r in enumerate(reqs)]
            return add(facts, certificates=new)
    raise AssertionError(f.code)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts_and_day())
def test_adding_what_a_remedy_names_clears_it_and_adds_nothing(case):
    facts, on = case
    before = evaluate_facts(facts, POLICY, on)
    for finding in before.findings:
        fixed = remedy(facts, finding, on)
        after = evaluate_facts(fixed, POLICY, on)
        assert set(after.codes) <= set(before.codes), (finding.code, after.codes)
        assert finding.code not in after.codes, (finding.code, after.findings)


@settings(max_examples=150, deadline=None)
@given(facts_and_day())
def test_applying_every_remedy_eventually_clears_all_findings(case):
    facts, on = case
    for _ in range(len(POLICY.findings)):
        ev = evaluate_facts(facts, POLICY, on)
        if not ev.findings:
            break
        facts = remedy(facts, ev.findings[0], on)
    assert evaluate_facts(facts, POLICY, on).findings == ()
