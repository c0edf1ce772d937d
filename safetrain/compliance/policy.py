"""The compliance policy as versioned data (DESIGN §3; STYLE §4 'parameters in data').

Each ``policies/*.toml`` file is one version with an ``effective_from`` date. An evaluation on
day D uses the version in force on D: the one with the latest ``effective_from`` on or before
D. Before the earliest version the earliest applies (there is no older policy to use; see
docs/policy.md). The files are read with ``tomllib`` and checked strictly: a missing or
mistyped number is an error naming the file and the key, never a silent default.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

POLICY_DIR = Path(__file__).resolve().parent / "policies"

ROLES = ("principal", "deputy", "safety_manager", "worker")
GROUPS = ("high_risk", "other")

PERSON_CODES = (
    "PREJOB_TRAINING_MISSING",
    "PREJOB_EXAM_MISSING",
    "CERT_MISSING",
    "CERT_JOB_MISMATCH",
    "CERT_PENDING",
    "CERT_EXPIRED",
    "CERT_REVIEW_OVERDUE",
    "CERT_EXPIRING_SOON",
    "CERT_REVIEW_DUE_SOON",
    "VIOLATION_RETRAINING_PENDING",
    "RETURN_TRAINING_PENDING",
    "TRANSFER_TRAINING_PENDING",
    "ACCIDENT_RETRAINING_PENDING",
    "INITIAL_HOURS_SHORT",
    "ANNUAL_HOURS_PENDING",
    "ANNUAL_HOURS_SHORT",
)
ENTERPRISE_CODES = ("DRILL_OVERDUE", "DRILL_DUE")


class PolicyError(ValueError):
    """A policy file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Hours:
    initial: Decimal  # 初次 (management) or 岗前 (worker)
    annual: Decimal  # 每年再培训


@dataclass(frozen=True)
class FindingMeta:
    code: str
    label: str
    blocking: bool
    basis: str
    # one template, or named variants chosen by the rule ({"hours": ..., "exam": ...})
    remedy: Mapping[str, str]

    def render(self, variant: str = "", **values: object) -> str:
        template = (
            self.remedy.get(variant) or self.remedy.get("") or next(iter(self.remedy.values()))
        )
        return template.format(**values)


@dataclass(frozen=True)
class Numbers:
    prejob_lookback_days: int
    prejob_levels: tuple[str, ...]
    violation_hours: Decimal
    leave_months: int
    transfer_lookback_days: int
    cert_grace_months: int
    cert_expiry_window_days: int
    cert_review_window_days: int
    history_cutoff: dt.date
    drill_period_months_high_risk: int
    drill_period_months_other: int


@dataclass(frozen=True)
class Policy:
    version: str
    effective_from: dt.date
    title: str
    numbers: Numbers
    hours_table: Mapping[tuple[str, str], Hours]  # (group, role) → Hours
    findings: Mapping[str, FindingMeta]
    source: str = ""

    def hours(self, *, high_risk: bool, role: str) -> Hours:
        return self.hours_table[("high_risk" if high_risk else "other", role)]

    def meta(self, code: str) -> FindingMeta:
        return self.findings[code]


def _req(table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in table:
        raise PolicyError(f"{where}: 缺少 {key}")
    value = table[key]
    if kind is int and isinstance(value, bool):
        raise PolicyError(f"{where}.{key}: 应为整数")
    if not isinstance(value, kind):
        raise PolicyError(f"{where}.{key}: 类型应为 {kind}，实际为 {type(value).__name__}")
    return value


def _hours(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PolicyError(f"{where}: 学时应为数字")
    number = Decimal(str(value)).quantize(Decimal("0.1"))
    if number < 0:
        raise PolicyError(f"{where}: 学时不能为负")
    return number


def parse_policy(data: Mapping[str, Any], source: str = "<policy>") -> Policy:
    version = _req(data, "version", str, source)
    effective = _req(data, "effective_from", dt.date, source)
    nums = _req(data, "numbers", dict, source)
    w = f"{source}[numbers]"
    levels = _req(nums, "prejob_levels", list, w)
    numbers = Numbers(
        prejob_lookback_days=_req(nums, "prejob_lookback_days", int, w),
        prejob_levels=tuple(str(x) for x in levels),
        violation_hours=_hours(_req(nums, "violation_hours", (int, float), w), w),
        leave_months=_req(nums, "leave_months", int, w),
        transfer_lookback_days=_req(nums, "transfer_lookback_days", int, w),
        cert_grace_months=_req(nums, "cert_grace_months", int, w),
        cert_expiry_window_days=_req(nums, "cert_expiry_window_days", int, w),
        cert_review_window_days=_req(nums, "cert_review_window_days", int, w),
        history_cutoff=_req(nums, "history_cutoff", dt.date, w),
        drill_period_months_high_risk=_req(nums, "drill_period_months_high_risk", int, w),
        drill_period_months_other=_req(nums, "drill_period_months_other", int, w),
    )
    for months in (numbers.drill_period_months_high_risk, numbers.drill_period_months_other):
        if months <= 0 or 12 % months:
            raise PolicyError(f"{w}: 演练周期（月）须整除 12")
    hours_raw = _req(data, "hours", dict, source)
    table: dict[tuple[str, str], Hours] = {}
    for group in GROUPS:
        g = _req(hours_raw, group, dict, f"{source}[hours]")
        for role in ROLES:
            r = _req(g, role, dict, f"{source}[hours.{group}]")
            where = f"{source}[hours.{group}.{role}]"
            table[(group, role)] = Hours(
                initial=_hours(_req(r, "initial", (int, float), where), where + ".initial"),
                annual=_hours(_req(r, "annual", (int, float), where), where + ".annual"),
            )
    finds = _req(data, "findings", dict, source)
    metas: dict[str, FindingMeta] = {}
    for code in PERSON_CODES + ENTERPRISE_CODES:
        f = _req(finds, code, dict, f"{source}[findings]")
        where = f"{source}[findings.{code}]"
        remedy = f.get("remedy")
        if isinstance(remedy, str):
            variants: dict[str, str] = {"": remedy}
        elif (
            isinstance(remedy, dict) and remedy and all(isinstance(v, str) for v in remedy.values())
        ):
            variants = dict(remedy)
        else:
            raise PolicyError(f"{where}.remedy: 应为文本或文本表")
        metas[code] = FindingMeta(
            code=code,
            label=_req(f, "label", str, where),
            blocking=_req(f, "blocking", bool, where),
            basis=_req(f, "basis", str, where),
            remedy=MappingProxyType(variants),
        )
    unknown = set(finds) - set(metas)
    if unknown:
        raise PolicyError(f"{source}[findings]: 未知的代码 {', '.join(sorted(unknown))}")
    return Policy(
        version=version,
        effective_from=effective,
        title=str(data.get("title", version)),
        numbers=numbers,
        hours_table=MappingProxyType(table),
        findings=MappingProxyType(metas),
        source=source,
    )


def load_policy_file(path: Path) -> Policy:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path.name}: {exc}") from exc
    return parse_policy(data, source=path.name)


@dataclass(frozen=True)
class PolicySet:
    """All versions of one policy directory, oldest first."""

    versions: tuple[Policy, ...]

    def for_date(self, on: dt.date) -> Policy:
        chosen = self.versions[0]
        for policy in self.versions:
            if policy.effective_from <= on:
                chosen = policy
        return chosen


@lru_cache(maxsize=8)
def load_policies(directory: Path | str = POLICY_DIR) -> PolicySet:
    path = Path(directory)
    files = sorted(path.glob("*.toml"))
    if not files:
        raise PolicyError(f"{path}: 没有策略文件")
    versions = sorted((load_policy_file(f) for f in files), key=lambda p: p.effective_from)
    dates = [p.effective_from for p in versions]
    if len(set(dates)) != len(dates):
        raise PolicyError(f"{path}: 两个策略版本的生效日期相同")
    return PolicySet(tuple(versions))


def policy_for(on: dt.date, directory: Path | str = POLICY_DIR) -> Policy:
    """The policy version in force on a day."""
    return load_policies(directory).for_date(on)
