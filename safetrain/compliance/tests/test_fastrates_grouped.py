"""compliance.fastrates.grouped_counts (one SQL query: counts per enterprise and employment form,
persons per blocking finding code, needed certificates per ledger state) equals the per-person
engine and the certificate ledger, on a generated city over days across its history."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from safetrain.certificates.selectors import ledger
from safetrain.compliance.domain import IN_POST
from safetrain.compliance.engine import evaluate_persons, policy_on
from safetrain.compliance.fastrates import grouped_counts, rates_sql_applies
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Employment
from safetrain.scale.load import seed_city

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 30)
DAYS = ["2022-06-30", "2024-03-31", "2025-02-28", "2025-12-31", "2026-06-30"]


@pytest.fixture
def city() -> None:
    seed_city(persons=300, seed=11, today=TODAY, batch_size=300)


def by_engine(on: dt.date) -> tuple[dict, dict]:
    """{(enterprise id, form): [pop, covered, cert_required, certified, aware, may_work]} and
    {enterprise id: Counter(blocking codes)} from evaluating every person."""
    ids = sorted(
        set(
            Employment.objects.filter(start_date__lte=on)
            .exclude(end_date__lt=on)
            .values_list("person_id", flat=True)
        )
    )
    credit = dict(Enterprise.objects.values_list("credit_code", "id"))
    forms = {
        (pid, eid): form
        for pid, eid, form in Employment.objects.filter(start_date__lte=on)
        .exclude(end_date__lt=on)
        .values_list("person_id", "enterprise_id", "employment_form")
    }
    rates: dict = defaultdict(lambda: [0] * 6)
    blocking: dict = defaultdict(Counter)
    for pid, ev in evaluate_persons(ids, on):
        if ev.status != IN_POST:
            continue
        eid = credit[ev.enterprise]
        r = rates[(eid, forms[(pid, eid)])]
        for i, v in enumerate(
            (1, ev.covered, ev.cert_required, ev.certified, ev.aware, ev.may_work)
        ):
            r[i] += int(v)
        blocking[eid].update(ev.blocking_codes)
    return dict(rates), {e: c for e, c in blocking.items() if c}


def test_grouped_counts_equal_the_engine_and_the_ledger(city: None) -> None:
    forms_seen: set[str] = set()
    codes_seen: set[str] = set()
    for day in DAYS:
        on = dt.date.fromisoformat(day)
        policy = policy_on(on)
        assert rates_sql_applies(policy)
        rows = grouped_counts(policy, on)
        fast_rates = {(e, f): list(r.values()) for e, f, r, _, _ in rows}
        fast_blocking: dict = defaultdict(Counter)
        fast_ledger: dict = defaultdict(Counter)
        for e, _f, _r, b, lg in rows:
            fast_blocking[e].update(b)
            fast_ledger[e].update(lg)
        want_rates, want_blocking = by_engine(on)
        assert fast_rates == want_rates, day
        assert {e: c for e, c in fast_blocking.items() if c} == want_blocking, day
        want_ledger: dict = defaultdict(Counter)
        for r in ledger(viewer=None, on=on).rows:
            want_ledger[r.employment.enterprise_id][r.state.value] += 1
        assert {e: c for e, c in fast_ledger.items() if c} == dict(want_ledger), day
        forms_seen |= {f for _, f in fast_rates}
        codes_seen |= {c for cs in want_blocking.values() for c in cs}
    # the city exercises what is compared: several forms and blocking codes
    assert len(forms_seen) >= 4 and len(codes_seen) >= 6, (forms_seen, codes_seen)


def test_grouped_counts_for_some_enterprises(city: None) -> None:
    on = TODAY
    policy = policy_on(on)
    everything = grouped_counts(policy, on)
    some = sorted({row[0] for row in everything})[:3]
    assert len(some) == 3
    part = grouped_counts(policy, on, enterprise_ids=some)
    assert sorted(part) == sorted(row for row in everything if row[0] in some)
    assert grouped_counts(policy, on, enterprise_ids=[]) == []
