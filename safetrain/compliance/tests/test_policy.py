"""Policy as data: the v1 file, strict loading, and versions switching on their effective date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from safetrain.compliance.evaluation import evaluate_facts
from safetrain.compliance.policy import (
    ENTERPRISE_CODES,
    PERSON_CODES,
    POLICY_DIR,
    PolicyError,
    load_policies,
    policy_for,
)
from safetrain.compliance.tests.builders import emp, person, tr

V1 = (POLICY_DIR / "v1.toml").read_text(encoding="utf-8")


def test_v1_numbers_match_design_section_3():
    p = policy_for(dt.date(2024, 1, 1))
    assert p.version == "v1" and p.effective_from == dt.date(2024, 1, 1)
    table = {
        (True, "principal"): (48, 24),
        (True, "deputy"): (48, 16),
        (True, "safety_manager"): (48, 16),
        (True, "worker"): (72, 20),
        (False, "principal"): (32, 12),
        (False, "deputy"): (32, 12),
        (False, "safety_manager"): (32, 12),
        (False, "worker"): (24, 8),
    }
    for (high_risk, role), (initial, annual) in table.items():
        h = p.hours(high_risk=high_risk, role=role)
        assert (h.initial, h.annual) == (Decimal(initial), Decimal(annual))
    n = p.numbers
    assert (n.prejob_lookback_days, n.violation_hours, n.leave_months) == (90, Decimal(24), 3)
    assert (n.transfer_lookback_days, n.cert_grace_months) == (30, 6)
    assert (n.cert_expiry_window_days, n.cert_review_window_days) == (90, 60)
    assert n.history_cutoff == dt.date(2024, 1, 1)
    assert n.prejob_levels == ("company", "workshop", "team")
    assert (n.drill_period_months_high_risk, n.drill_period_months_other) == (6, 12)
    non_blocking = {
        "CERT_PENDING",
        "CERT_EXPIRING_SOON",
        "CERT_REVIEW_DUE_SOON",
        "INITIAL_HOURS_SHORT",
        "ANNUAL_HOURS_PENDING",
        "ANNUAL_HOURS_SHORT",
        "DRILL_DUE",
    }
    for code in PERSON_CODES + ENTERPRISE_CODES:
        meta = p.meta(code)
        assert meta.blocking == (code not in non_blocking), code
        assert meta.basis and meta.remedy and meta.label


def test_dates_before_the_first_version_use_it():
    assert policy_for(dt.date(2020, 1, 1)).version == "v1"


def write(tmp: Path, name: str, text: str) -> None:
    (tmp / name).write_text(text, encoding="utf-8")


def v2_text() -> str:
    return (
        V1.replace('version = "v1"', 'version = "v2"')
        .replace("effective_from = 2024-01-01", "effective_from = 2026-01-01")
        .replace(
            "worker = { initial = 72.0, annual = 20.0 }",
            "worker = { initial = 72.0, annual = 30.0 }",
        )
    )


def test_versions_switch_on_their_effective_date(tmp_path):
    write(tmp_path, "v1.toml", V1)
    write(tmp_path, "v2.toml", v2_text())
    policies = load_policies(tmp_path)
    assert [p.version for p in policies.versions] == ["v1", "v2"]
    assert policies.for_date(dt.date(2025, 12, 31)).version == "v1"
    assert policies.for_date(dt.date(2026, 1, 1)).version == "v2"
    assert policies.for_date(dt.date(2026, 1, 2)).version == "v2"
    # a worker with 25 hours in each year: enough under v1 (20), short under v2 (30)
    facts = person(
        emp(start=dt.date(2020, 1, 1)),
        trainings=[
            tr(dt.date(2024, 6, 1), 25, "continuing"),
            tr(dt.date(2025, 6, 1), 25, "continuing"),
            tr(dt.date(2026, 1, 1), 25, "continuing"),
        ],
    )
    on = dt.date(2025, 12, 31)
    before = evaluate_facts(facts, policies.for_date(on), on)
    assert before.codes == [] and before.policy_version == "v1"
    on = dt.date(2026, 1, 1)
    after = evaluate_facts(facts, policies.for_date(on), on)
    assert after.codes == ["ANNUAL_HOURS_PENDING", "ANNUAL_HOURS_SHORT"]
    assert after.policy_version == "v2"
    assert after.findings[0].detail["required_hours"] == 30.0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("prejob_lookback_days = 90", 'prejob_lookback_days = "90"', "prejob_lookback_days"),
        ("violation_hours = 24.0\n", "", "violation_hours"),
        (
            "deputy = { initial = 48.0, annual = 16.0 }",
            "deputy = { initial = 48.0 }",
            "hours.high_risk.deputy",
        ),
        ("blocking = true", 'blocking = "yes"', "blocking"),
        ("drill_period_months_high_risk = 6", "drill_period_months_high_risk = 5", "12"),
    ],
)
def test_malformed_policy_is_refused_naming_the_key(tmp_path, old, new, message):
    assert old in V1
    write(tmp_path, "v1.toml", V1.replace(old, new, 1))
    with pytest.raises(PolicyError, match=message.replace(".", r"\.")):
        load_policies(tmp_path)


def test_two_versions_with_the_same_date_are_refused(tmp_path):
    write(tmp_path, "a.toml", V1)
    write(tmp_path, "b.toml", V1.replace('version = "v1"', 'version = "v1b"'))
    with pytest.raises(PolicyError, match="生效日期相同"):
        load_policies(tmp_path)
