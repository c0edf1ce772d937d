"""Job–certificate matching as a pure function over facts (DESIGN §3, the CERT_* rules).

Used by the ledger, the archive, the reminders and the compliance engine, so that the state a
page shows and the finding the engine raises can never disagree. No database access here.

As of a day D:
- only certificates issued on or before D exist;
- a review counts from the day it was passed: before that day the review due date it cleared
  is still in force;
- a revoked certificate counts as revoked on every date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from safetrain.core.dates import add_months, add_years

SPECIAL_OPERATION = "special_operation"
SAFETY_MANAGEMENT = "safety_management"


class CertState(StrEnum):
    VALID = "valid"
    REVIEW_DUE_SOON = "review_due_soon"
    EXPIRING_SOON = "expiring_soon"
    REVIEW_OVERDUE = "review_overdue"
    EXPIRED = "expired"
    REVOKED = "revoked"
    MISMATCH = "mismatch"
    MISSING = "missing"
    PENDING = "pending"


STATE_LABELS = {
    CertState.VALID: "有效",
    CertState.REVIEW_DUE_SOON: "即将复审",
    CertState.EXPIRING_SOON: "即将到期",
    CertState.REVIEW_OVERDUE: "逾期未复审",
    CertState.EXPIRED: "已过期",
    CertState.REVOKED: "已吊销",
    CertState.MISMATCH: "岗证不匹配",
    CertState.MISSING: "无证",
    CertState.PENDING: "取证期内",
}

# States that make a person "not certified" for the 持证上岗率 (DESIGN §3 rates).
NOT_CERTIFIED = frozenset(
    {
        CertState.MISSING,
        CertState.PENDING,
        CertState.MISMATCH,
        CertState.EXPIRED,
        CertState.REVOKED,
        CertState.REVIEW_OVERDUE,
    }
)


@dataclass(frozen=True)
class ReviewFact:
    passed_on: dt.date
    cleared_due: dt.date | None


@dataclass(frozen=True)
class CertFact:
    id: int
    cert_type: str
    operation: str | None
    number: str
    issued_on: dt.date
    valid_until: dt.date
    review_due: dt.date | None  # as stored today (None after a passed review)
    revoked: bool = False
    reviews: tuple[ReviewFact, ...] = ()

    def review_due_on(self, on: dt.date) -> dt.date | None:
        """The review due date in force on a day: a review passed after that day has not happened yet."""
        later = sorted((r for r in self.reviews if r.passed_on > on), key=lambda r: r.passed_on)
        if later:
            return later[0].cleared_due
        return self.review_due


@dataclass(frozen=True)
class Requirement:
    cert_type: str
    operation: str | None = None  # the needed operation code for special_operation
    grace_until: dt.date | None = None  # principal/deputy: no certificate needed before this day


@dataclass
class CertCheck:
    requirement: Requirement
    state: CertState
    best: CertFact | None
    codes: list[str] = field(default_factory=list)  # CERT_* finding codes that fire
    detail: dict[str, object] = field(default_factory=dict)

    @property
    def certified(self) -> bool:
        return self.state not in NOT_CERTIFIED


def default_dates(cert_type: str, issued_on: dt.date) -> tuple[dt.date, dt.date | None]:
    """(valid until, review due) when not given: special operation 6 years with review at 3;
    safety management 3 years, no review. 'Issued + 6 years − 1 day'; 29 Feb clamps to 28 Feb."""
    if cert_type == SPECIAL_OPERATION:
        return add_years(issued_on, 6) - dt.timedelta(days=1), add_years(issued_on, 3)
    return add_years(issued_on, 3) - dt.timedelta(days=1), None


def requirements_for(
    *,
    role_category: str,
    sector_high_risk: bool,
    operation: str | None,
    employment_start: dt.date,
    grace_months: int = 6,
) -> list[Requirement]:
    """What a person in this post and role must hold (DESIGN §3 CERT_MISSING 'applies to')."""
    reqs: list[Requirement] = []
    if operation:
        reqs.append(Requirement(SPECIAL_OPERATION, operation))
    if sector_high_risk and role_category in ("principal", "deputy", "safety_manager"):
        grace = (
            add_months(employment_start, grace_months)
            if role_category in ("principal", "deputy")
            else None
        )
        reqs.append(Requirement(SAFETY_MANAGEMENT, None, grace))
    return reqs


def evaluate_requirement(
    requirement: Requirement,
    certificates: list[CertFact] | tuple[CertFact, ...],
    on: dt.date,
    *,
    review_window_days: int = 60,
    expiry_window_days: int = 90,
) -> CertCheck:
    held = [c for c in certificates if c.issued_on <= on and c.cert_type == requirement.cert_type]
    if requirement.cert_type == SPECIAL_OPERATION:
        matching = [c for c in held if c.operation == requirement.operation]
    else:
        matching = held
    detail: dict[str, object] = {
        "needed_type": requirement.cert_type,
        "needed_operation": requirement.operation,
    }
    if not held:
        if requirement.grace_until is not None and on < requirement.grace_until:
            detail["grace_until"] = requirement.grace_until.isoformat()
            return CertCheck(requirement, CertState.PENDING, None, ["CERT_PENDING"], detail)
        return CertCheck(requirement, CertState.MISSING, None, ["CERT_MISSING"], detail)
    if not matching:
        detail["held_operations"] = sorted({c.operation or "" for c in held})
        return CertCheck(requirement, CertState.MISMATCH, None, ["CERT_JOB_MISMATCH"], detail)
    live = [c for c in matching if not c.revoked]
    if not live:
        best = max(matching, key=lambda c: (c.valid_until, c.id))
        detail.update(number=best.number, revoked=True)
        return CertCheck(requirement, CertState.REVOKED, best, ["CERT_EXPIRED"], detail)
    best = max(live, key=lambda c: (c.valid_until, c.id))
    due = best.review_due_on(on)
    detail.update(
        number=best.number,
        valid_until=best.valid_until.isoformat(),
        review_due=due.isoformat() if due else None,
    )
    codes: list[str] = []
    state = CertState.VALID
    expired = best.valid_until < on
    overdue = due is not None and due < on
    if expired:
        codes.append("CERT_EXPIRED")
        state = CertState.EXPIRED
    if overdue:
        codes.append("CERT_REVIEW_OVERDUE")
        if not expired:
            state = CertState.REVIEW_OVERDUE
    if not expired:
        days_left = (best.valid_until - on).days
        if days_left <= expiry_window_days:
            codes.append("CERT_EXPIRING_SOON")
            detail["days_to_expiry"] = days_left
            if state == CertState.VALID:
                state = CertState.EXPIRING_SOON
    if due is not None and not overdue:
        days_to_review = (due - on).days
        if days_to_review <= review_window_days:
            codes.append("CERT_REVIEW_DUE_SOON")
            detail["days_to_review"] = days_to_review
            if state in (CertState.VALID, CertState.EXPIRING_SOON):
                state = CertState.REVIEW_DUE_SOON
    return CertCheck(requirement, state, best, codes, detail)
