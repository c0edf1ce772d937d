"""The person rule kinds of DESIGN §3. Each is evaluated only for a person in_post on D (the
engine decides the status first); each reads the active employment on D from the facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from safetrain.certificates.matching import evaluate_requirement, requirements_for
from safetrain.compliance.domain import (
    MANAGEMENT_ROLES,
    Finding,
    PersonFacts,
    fmt_hours,
    hours_num,
)
from safetrain.compliance.policy import Hours, Policy
from safetrain.compliance.rules.base import (
    PersonRule,
    RuleParams,
    both_variant,
    hours_for,
    metas,
    passed_in,
    sum_hours,
    trained_in,
)
from safetrain.core.dates import add_months

LEVEL_LABELS = {"company": "公司级", "workshop": "车间级", "team": "班组级"}
CERT_LABELS = {
    "special_operation": "特种作业操作证",
    "safety_management": "安全生产知识和管理能力考核合格证",
}
INCIDENT_LABELS = {
    "fatal": "死亡事故",
    "major_hidden_danger": "重大事故隐患",
    "repeated_larger_hidden_danger": "较大事故隐患",
}


# ------------------------------------------------------------------------------------ 岗前


@dataclass(frozen=True)
class PrejobParams(RuleParams):
    lookback_days: int
    levels: tuple[str, ...]
    applies_from: dt.date  # employments started on/after this day
    hours: Mapping[tuple[str, str], Hours]


class PrejobRule(PersonRule):
    """PREJOB_TRAINING_MISSING / PREJOB_EXAM_MISSING: a worker whose employment started on or
    after the cut-off needs pre-job training of THIS enterprise dated in [start − 90 days, D]
    summing to the pre-job hours with all three levels, and a passed pre-job exam of this
    enterprise in the same window."""

    id = "prejob"
    label = "岗前三级安全培训与考核"
    codes = ("PREJOB_TRAINING_MISSING", "PREJOB_EXAM_MISSING")

    def params(self, policy: Policy) -> PrejobParams:
        n = policy.numbers
        return PrejobParams(
            meta=metas(policy, self.codes),
            lookback_days=n.prejob_lookback_days,
            levels=n.prejob_levels,
            applies_from=n.history_cutoff,
            hours=policy.hours_table,
        )

    def evaluate(self, facts: PersonFacts, params: PrejobParams, as_of: dt.date) -> list[Finding]:
        emp = facts.employment_on(as_of)
        if emp is None or emp.role != "worker" or emp.start < params.applies_from:
            return []
        start = emp.start - dt.timedelta(days=params.lookback_days)
        rows = [
            t
            for t in facts.trainings
            if t.kind == "prejob"
            and t.enterprise_id == emp.enterprise_id
            and start <= t.date <= as_of
        ]
        required = hours_for(params.hours, emp).initial
        done = sum_hours(rows)
        have_levels = {t.level for t in rows}
        missing = [lv for lv in params.levels if lv not in have_levels]
        out: list[Finding] = []
        window = {"window_start": start.isoformat(), "window_end": as_of.isoformat()}
        if done < required or missing:
            short = max(required - done, Decimal("0"))
            variant = (
                "both"
                if done < required and missing
                else ("hours" if done < required else "levels")
            )
            out.append(
                params.finding(
                    "PREJOB_TRAINING_MISSING",
                    {
                        "required_hours": hours_num(required),
                        "done_hours": hours_num(done),
                        "missing_levels": missing,
                        "employment_start": emp.start.isoformat(),
                        **window,
                    },
                    variant,
                    short=fmt_hours(short),
                    required=fmt_hours(required),
                    done=fmt_hours(done),
                    levels="、".join(LEVEL_LABELS.get(lv, lv) for lv in missing),
                )
            )
        passed = any(
            e.purpose == "prejob"
            and e.passed
            and e.enterprise_id == emp.enterprise_id
            and start <= e.date <= as_of
            for e in facts.exams
        )
        if not passed:
            out.append(
                params.finding(
                    "PREJOB_EXAM_MISSING", {"employment_start": emp.start.isoformat(), **window}
                )
            )
        return out


# ------------------------------------------------------------------------------------ 持证


@dataclass(frozen=True)
class CertParams(RuleParams):
    grace_months: int
    expiry_window_days: int
    review_window_days: int


class CertificateRule(PersonRule):
    """CERT_*: the post's special operation and, for management roles in high-risk sectors,
    the safety-management certificate; decided by certificates.matching (one source of truth
    with the ledger). A code that several requirements raise fires once."""

    id = "certificates"
    label = "持证上岗"
    codes = (
        "CERT_MISSING",
        "CERT_JOB_MISMATCH",
        "CERT_PENDING",
        "CERT_EXPIRED",
        "CERT_REVIEW_OVERDUE",
        "CERT_EXPIRING_SOON",
        "CERT_REVIEW_DUE_SOON",
    )

    def params(self, policy: Policy) -> CertParams:
        n = policy.numbers
        return CertParams(
            meta=metas(policy, self.codes),
            grace_months=n.cert_grace_months,
            expiry_window_days=n.cert_expiry_window_days,
            review_window_days=n.cert_review_window_days,
        )

    def checks(self, facts: PersonFacts, params: CertParams, as_of: dt.date) -> list[Any]:
        emp = facts.employment_on(as_of)
        if emp is None:
            return []
        post = emp.post_on(as_of)
        reqs = requirements_for(
            role_category=emp.role,
            sector_high_risk=emp.high_risk,
            operation=post.operation if post else None,
            employment_start=emp.start,
            grace_months=params.grace_months,
        )
        return [
            evaluate_requirement(
                req,
                facts.certificates,
                as_of,
                review_window_days=params.review_window_days,
                expiry_window_days=params.expiry_window_days,
            )
            for req in reqs
        ]

    def evaluate(self, facts: PersonFacts, params: CertParams, as_of: dt.date) -> list[Finding]:
        by_code: dict[str, list[dict[str, Any]]] = {}
        for check in self.checks(facts, params, as_of):
            for code in check.codes:
                by_code.setdefault(code, []).append(dict(check.detail))
        out: list[Finding] = []
        for code in self.codes:
            details = by_code.get(code)
            if not details:
                continue
            first = details[0]
            needed = CERT_LABELS.get(str(first.get("needed_type")), "证书")
            if first.get("needed_operation"):
                needed = f"{first['needed_operation']} {needed}"
            detail = first if len(details) == 1 else {"requirements": details}
            variant = "revoked" if first.get("revoked") else "expired"
            out.append(
                params.finding(
                    code,
                    detail,
                    variant if code == "CERT_EXPIRED" else "",
                    needed=needed,
                    number=first.get("number", ""),
                    valid_until=first.get("valid_until", ""),
                    review_due=first.get("review_due", ""),
                    grace_until=first.get("grace_until", ""),
                    days_to_expiry=first.get("days_to_expiry", ""),
                    days_to_review=first.get("days_to_review", ""),
                )
            )
        return out


# ------------------------------------------------------------------------------------ 三违


@dataclass(frozen=True)
class ViolationParams(RuleParams):
    hours: Decimal


class ViolationRule(PersonRule):
    """VIOLATION_RETRAINING_PENDING: after the latest 三违 V (≤ D), violation training in
    [V, D] below the hours, or no passed violation exam in [V, D]."""

    id = "violation"
    label = "三违脱产培训"
    codes = ("VIOLATION_RETRAINING_PENDING",)

    def params(self, policy: Policy) -> ViolationParams:
        return ViolationParams(meta=metas(policy, self.codes), hours=policy.numbers.violation_hours)

    def evaluate(
        self, facts: PersonFacts, params: ViolationParams, as_of: dt.date
    ) -> list[Finding]:
        dates = [v.date for v in facts.violations if v.date <= as_of]
        if not dates:
            return []
        v = max(dates)
        done = sum_hours(
            t for t in facts.trainings if t.kind == "violation" and v <= t.date <= as_of
        )
        passed = passed_in(facts, "violation", v, as_of)
        short_hours = done < params.hours
        if not short_hours and passed:
            return []
        variant = "both" if short_hours and not passed else ("hours" if short_hours else "exam")
        short = max(params.hours - done, Decimal("0"))
        return [
            params.finding(
                "VIOLATION_RETRAINING_PENDING",
                {
                    "violation_date": v.isoformat(),
                    "required_hours": hours_num(params.hours),
                    "done_hours": hours_num(done),
                    "exam_passed": passed,
                    "window_start": v.isoformat(),
                    "window_end": as_of.isoformat(),
                },
                variant,
                short=fmt_hours(short),
            )
        ]


# ------------------------------------------------------------------------------------ 复岗


@dataclass(frozen=True)
class ReturnParams(RuleParams):
    leave_months: int


class ReturnRule(PersonRule):
    """RETURN_TRAINING_PENDING: back (last day < D) from a leave of ≥ 3 calendar months — the
    day after its last day is on or after start + 3 months — without return training and a
    passed return exam dated in [leave start, D]. Checking the latest such leave suffices: its
    window lies inside every earlier one's."""

    id = "return"
    label = "离岗复岗培训"
    codes = ("RETURN_TRAINING_PENDING",)

    def params(self, policy: Policy) -> ReturnParams:
        return ReturnParams(
            meta=metas(policy, self.codes), leave_months=policy.numbers.leave_months
        )

    @staticmethod
    def is_long(start: dt.date, end: dt.date, months: int) -> bool:
        return end + dt.timedelta(days=1) >= add_months(start, months)

    def evaluate(self, facts: PersonFacts, params: ReturnParams, as_of: dt.date) -> list[Finding]:
        emp = facts.employment_on(as_of)
        if emp is None:
            return []
        long_leaves = [
            lv
            for lv in emp.leaves
            if lv.end is not None
            and lv.end < as_of
            and self.is_long(lv.start, lv.end, params.leave_months)
        ]
        if not long_leaves:
            return []
        leave = max(long_leaves, key=lambda lv: lv.start)
        assert leave.end is not None
        trained = trained_in(facts, "return", leave.start, as_of)
        passed = passed_in(facts, "return", leave.start, as_of)
        if trained and passed:
            return []
        return [
            params.finding(
                "RETURN_TRAINING_PENDING",
                {
                    "leave_start": leave.start.isoformat(),
                    "leave_end": leave.end.isoformat(),
                    "training_done": trained,
                    "exam_passed": passed,
                    "window_start": leave.start.isoformat(),
                    "window_end": as_of.isoformat(),
                },
                both_variant(trained, passed),
            )
        ]


# ------------------------------------------------------------------------------------ 转岗


@dataclass(frozen=True)
class TransferParams(RuleParams):
    lookback_days: int


class TransferRule(PersonRule):
    """TRANSFER_TRAINING_PENDING: each post change T of the active employment (start < T ≤ D)
    needs transfer training and a passed transfer exam dated in [T − 30 days, D]. Fires once,
    listing every pending change."""

    id = "transfer"
    label = "转岗培训"
    codes = ("TRANSFER_TRAINING_PENDING",)

    def params(self, policy: Policy) -> TransferParams:
        return TransferParams(
            meta=metas(policy, self.codes), lookback_days=policy.numbers.transfer_lookback_days
        )

    def evaluate(self, facts: PersonFacts, params: TransferParams, as_of: dt.date) -> list[Finding]:
        emp = facts.employment_on(as_of)
        if emp is None:
            return []
        pending: list[dict[str, Any]] = []
        for post in sorted(emp.posts, key=lambda p: p.from_date):
            if not (emp.start < post.from_date <= as_of):
                continue
            start = post.from_date - dt.timedelta(days=params.lookback_days)
            trained = trained_in(facts, "transfer", start, as_of)
            passed = passed_in(facts, "transfer", start, as_of)
            if not (trained and passed):
                pending.append(
                    {
                        "changed_on": post.from_date.isoformat(),
                        "post": post.title,
                        "window_start": start.isoformat(),
                        "window_end": as_of.isoformat(),
                        "training_done": trained,
                        "exam_passed": passed,
                    }
                )
        if not pending:
            return []
        last = pending[-1]
        detail = dict(last)
        if len(pending) > 1:
            detail["pending_changes"] = pending
        return [
            params.finding(
                "TRANSFER_TRAINING_PENDING",
                detail,
                both_variant(bool(last["training_done"]), bool(last["exam_passed"])),
                changed_on=last["changed_on"],
            )
        ]


# ------------------------------------------------------------------------------------ 事故


class AccidentRule(PersonRule):
    """ACCIDENT_RETRAINING_PENDING: for every incident A (≤ D) of an enterprise where the
    person was principal/deputy/safety_manager on A (any employment, also an ended one): no
    accident training or no passed mgmt_assessment exam dated in [A, D]."""

    id = "accident"
    label = "事故后重新培训考核"
    codes = ("ACCIDENT_RETRAINING_PENDING",)

    def params(self, policy: Policy) -> RuleParams:
        return RuleParams(meta=metas(policy, self.codes))

    def evaluate(self, facts: PersonFacts, params: RuleParams, as_of: dt.date) -> list[Finding]:
        pending: list[dict[str, Any]] = []
        for inc in sorted(facts.incidents, key=lambda i: i.date):
            if inc.date > as_of or inc.role not in MANAGEMENT_ROLES:
                continue
            trained = trained_in(facts, "accident", inc.date, as_of)
            passed = passed_in(facts, "mgmt_assessment", inc.date, as_of)
            if not (trained and passed):
                pending.append(
                    {
                        "incident_date": inc.date.isoformat(),
                        "incident_type": inc.type,
                        "enterprise": inc.credit_code,
                        "role": inc.role,
                        "training_done": trained,
                        "exam_passed": passed,
                        "window_start": inc.date.isoformat(),
                        "window_end": as_of.isoformat(),
                    }
                )
        if not pending:
            return []
        last = pending[-1]
        detail = dict(last)
        if len(pending) > 1:
            detail["pending_incidents"] = pending
        return [
            params.finding(
                "ACCIDENT_RETRAINING_PENDING",
                detail,
                both_variant(bool(last["training_done"]), bool(last["exam_passed"])),
                incident_date=last["incident_date"],
                incident_type=INCIDENT_LABELS.get(
                    str(last["incident_type"]), last["incident_type"]
                ),
            )
        ]


# ------------------------------------------------------------------------------------ 学时


@dataclass(frozen=True)
class HoursParams(RuleParams):
    hours: Mapping[tuple[str, str], Hours]
    from_year: int  # ANNUAL_HOURS_SHORT judges only years ≥ this


class HoursRule(PersonRule):
    """Shared parameters of the three hours rules: the hours table and the history cut-off."""

    def params(self, policy: Policy) -> HoursParams:
        return HoursParams(
            meta=metas(policy, self.codes),
            hours=policy.hours_table,
            from_year=policy.numbers.history_cutoff.year,
        )


class InitialHoursRule(HoursRule):
    """INITIAL_HOURS_SHORT: a manager's lifetime `initial` hours (any employer, ≤ D) below the
    initial hours of the current sector group and role."""

    id = "initial_hours"
    label = "初次培训学时"
    codes = ("INITIAL_HOURS_SHORT",)

    def evaluate(self, facts: PersonFacts, params: HoursParams, as_of: dt.date) -> list[Finding]:
        emp = facts.employment_on(as_of)
        if emp is None or emp.role not in MANAGEMENT_ROLES:
            return []
        required = hours_for(params.hours, emp).initial
        done = sum_hours(t for t in facts.trainings if t.kind == "initial" and t.date <= as_of)
        if done >= required:
            return []
        return [
            params.finding(
                "INITIAL_HOURS_SHORT",
                {"required_hours": hours_num(required), "done_hours": hours_num(done)},
                short=fmt_hours(required - done),
                required=fmt_hours(required),
                done=fmt_hours(done),
            )
        ]


def _year_hours(facts: PersonFacts, start: dt.date, end: dt.date) -> Decimal:
    return sum_hours(t for t in facts.trainings if start <= t.date <= end)


class AnnualPendingRule(HoursRule):
    """ANNUAL_HOURS_PENDING: employment started before 1 Jan of D's year; hours of all training
    dated 1 Jan – D (any employer) below the yearly hours."""

    id = "annual_pending"
    label = "本年度再培训学时"
    codes = ("ANNUAL_HOURS_PENDING",)

    def evaluate(self, facts: PersonFacts, params: HoursParams, as_of: dt.date) -> list[Finding]:
        emp = facts.employment_on(as_of)
        jan1 = dt.date(as_of.year, 1, 1)
        if emp is None or emp.start >= jan1:
            return []
        required = hours_for(params.hours, emp).annual
        done = _year_hours(facts, jan1, as_of)
        if done >= required:
            return []
        return [
            params.finding(
                "ANNUAL_HOURS_PENDING",
                {
                    "year": as_of.year,
                    "required_hours": hours_num(required),
                    "done_hours": hours_num(done),
                    "window_start": jan1.isoformat(),
                    "window_end": as_of.isoformat(),
                },
                year=as_of.year,
                short=fmt_hours(required - done),
                required=fmt_hours(required),
                done=fmt_hours(done),
            )
        ]


class AnnualShortRule(HoursRule):
    """ANNUAL_HOURS_SHORT: employment started before 1 Jan of the previous year Y (Y ≥ the
    cut-off year 2024); hours dated in Y below the yearly hours (of the current role)."""

    id = "annual_short"
    label = "上年度再培训学时"
    codes = ("ANNUAL_HOURS_SHORT",)

    def evaluate(self, facts: PersonFacts, params: HoursParams, as_of: dt.date) -> list[Finding]:
        emp = facts.employment_on(as_of)
        year = as_of.year - 1
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if emp is None or year < params.from_year or emp.start >= start:
            return []
        required = hours_for(params.hours, emp).annual
        done = _year_hours(facts, start, end)
        if done >= required:
            return []
        return [
            params.finding(
                "ANNUAL_HOURS_SHORT",
                {
                    "year": year,
                    "required_hours": hours_num(required),
                    "done_hours": hours_num(done),
                    "window_start": start.isoformat(),
                    "window_end": end.isoformat(),
                },
                year=year,
                short=fmt_hours(required - done),
                required=fmt_hours(required),
                done=fmt_hours(done),
            )
        ]


# The person rules in the order their findings are listed.
PERSON_RULES: tuple[PersonRule, ...] = (
    PrejobRule(),
    CertificateRule(),
    ViolationRule(),
    ReturnRule(),
    TransferRule(),
    AccidentRule(),
    InitialHoursRule(),
    AnnualPendingRule(),
    AnnualShortRule(),
)
