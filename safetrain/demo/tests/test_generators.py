"""The plan generators are pure: same seed and anchor, same plan; every plan is consistent."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from safetrain.catalog import data as catalog_data
from safetrain.core.dates import add_months, add_years
from safetrain.core.identifiers import (
    id_birth_date,
    normalize_id_number,
    normalize_phone,
    parse_credit_code,
)
from safetrain.demo.generators import COUNTY_CODES, JinchengGenerator, PersonPlan
from safetrain.people.services import ranges_overlap

ANCHOR = dt.date(2026, 6, 30)


def plan(seed: int = 1, enterprises: int = 40, persons: int = 1200):
    gen = JinchengGenerator(seed=seed, anchor=ANCHOR)
    ents = gen.enterprises(enterprises)
    return ents, gen.persons(ents, persons)


def test_same_seed_same_plan_other_seed_other_plan():
    assert plan(seed=5, enterprises=20, persons=300) == plan(seed=5, enterprises=20, persons=300)
    ents_a, people_a = plan(seed=5, enterprises=20, persons=300)
    ents_b, people_b = plan(seed=6, enterprises=20, persons=300)
    assert {e.name for e in ents_a} != {e.name for e in ents_b}
    assert {p.id_number for p in people_a}.isdisjoint({p.id_number for p in people_b})


def test_enterprises_are_valid_unique_and_cover_counties_and_sectors():
    ents, _ = plan(enterprises=60, persons=1500)
    assert len({e.credit_code for e in ents}) == 60
    assert len({e.name for e in ents}) == 60
    assert {e.region for e in ents} == set(COUNTY_CODES)
    sectors = Counter(e.sector for e in ents)
    assert set(sectors) == {code for code, *_ in catalog_data.SECTORS}
    assert sectors.most_common(1)[0][0] == "coal_mine"
    for e in ents:
        assert parse_credit_code(e.credit_code).check_ok
        assert e.credit_code[2:8] == e.region
        assert e.production_workshops


def test_people_plans_are_consistent():
    ents, people = plan()
    by_code = {e.credit_code: e for e in ents}
    jobs = {(s, n): op for s, n, op in catalog_data.JOB_TYPES}
    assert len(people) == 1200
    assert len({p.id_number for p in people}) == 1200
    phones = [p.phone for p in people if p.phone]
    assert len(phones) == len(set(phones)) and len(phones) > 1000
    for person in people:
        check_person(person, by_code, jobs)


def check_person(person: PersonPlan, by_code, jobs) -> None:
    assert normalize_id_number(person.id_number) == person.id_number
    assert person.id_number[:6] in COUNTY_CODES
    for phone in filter(None, [person.phone]):
        assert normalize_phone(phone) == phone
    birth = id_birth_date(person.id_number)
    emps = person.employments
    assert sum(e.end is None for e in emps) <= 1
    for i, emp in enumerate(emps):
        assert emp.start >= add_years(birth, 18)
        assert emp.start < ANCHOR and (emp.end is None or emp.start <= emp.end < ANCHOR)
        for other in emps[i + 1 :]:
            assert not ranges_overlap(emp.start, emp.end, other.start, other.end)
        enterprise = by_code[emp.enterprise]
        assert emp.posts[0].from_date == emp.start
        dates = [p.from_date for p in emp.posts]
        assert dates == sorted(set(dates))
        for post in emp.posts:
            assert post.from_date <= (emp.end or ANCHOR)
            assert post.org_path.split("/")[0] in {w for w, _ in enterprise.workshops}
            if post.job_type is not None:
                assert jobs[(enterprise.sector, post.job_type)] == post.operation
        for leave in emp.leaves:
            assert emp.start <= leave.start < ANCHOR
            assert leave.end is None or leave.start <= leave.end < ANCHOR
        if emp.form == "intern":
            assert emp.role == "worker" and ANCHOR.year - birth.year <= 25


def test_rosters_leaves_transfers_and_movers_are_all_there():
    ents, people = plan()
    current = [p.current for p in people if p.current is not None]
    for e in ents:
        roles = Counter(c.role for c in current if c.enterprise == e.credit_code)
        assert roles["principal"] == 1 and 1 <= roles["deputy"] <= 2
        assert 2 <= roles["safety_manager"] <= 4 and roles["worker"] >= 3
    leaves = [leave for c in current for leave in c.leaves]
    long_ended = [
        leave
        for leave in leaves
        if leave.end and leave.end + dt.timedelta(days=1) >= add_months(leave.start, 3)
    ]
    assert long_ended and any(leave.end is None for leave in leaves)
    assert sum(len(c.posts) > 1 for c in current) >= 20
    movers = [p for p in people if len(p.employments) == 2]
    assert len(movers) >= 20
    assert all(p.employments[0].enterprise != p.employments[1].enterprise for p in movers)
    assert sum(p.current is None for p in people) >= 10
    forms = Counter(c.form for c in current)
    assert set(forms) == {"contract", "dispatched", "temporary", "rotating", "agreement", "intern"}


def test_too_few_persons_or_enterprises_is_refused():
    gen = JinchengGenerator(seed=1, anchor=ANCHOR)
    with pytest.raises(ValueError, match="cover every county"):
        gen.enterprises(3)
    ents = gen.enterprises(10)
    with pytest.raises(ValueError, match="at least"):
        gen.persons(ents, 40)
