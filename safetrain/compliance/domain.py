"""Facts the rules read and the findings they produce: frozen values, no database.

The loaders in ``facts.py`` build these from the records; tests build them by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from safetrain.certificates.matching import CertFact

IN_POST = "in_post"
ON_LEAVE = "on_leave"
NOT_EMPLOYED = "not_employed"

MANAGEMENT_ROLES = frozenset({"principal", "deputy", "safety_manager"})


@dataclass(frozen=True)
class PostFact:
    from_date: dt.date
    title: str = ""
    operation: str | None = None  # special-operation code the post requires


@dataclass(frozen=True)
class LeaveFact:
    start: dt.date
    end: dt.date | None = None  # last day away, inclusive; None while still away


@dataclass(frozen=True)
class EmploymentFact:
    id: int
    enterprise_id: int
    credit_code: str
    high_risk: bool
    role: str
    start: dt.date
    end: dt.date | None = None
    posts: tuple[PostFact, ...] = ()
    leaves: tuple[LeaveFact, ...] = ()

    def active_on(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    def post_on(self, on: dt.date) -> PostFact | None:
        current = None
        for post in sorted(self.posts, key=lambda p: p.from_date):
            if post.from_date <= on:
                current = post
        return current

    def on_leave(self, on: dt.date) -> LeaveFact | None:
        for leave in self.leaves:
            if leave.start <= on and (leave.end is None or on <= leave.end):
                return leave
        return None


@dataclass(frozen=True)
class TrainingFact:
    date: dt.date
    hours: Decimal
    kind: str
    level: str = ""
    enterprise_id: int | None = None


@dataclass(frozen=True)
class ExamFact:
    date: dt.date
    purpose: str
    passed: bool
    enterprise_id: int | None = None
    id: int = 0  # orders exams of the same day (the later record is the latest)


@dataclass(frozen=True)
class ViolationFact:
    date: dt.date
    enterprise_id: int | None = None
    type: str = ""


@dataclass(frozen=True)
class IncidentFact:
    """An incident of an enterprise where the person held a management role on its date."""

    date: dt.date
    enterprise_id: int
    type: str
    role: str  # the role the person held at that enterprise on the incident date
    credit_code: str = ""


@dataclass(frozen=True)
class PersonFacts:
    person_id: int
    employments: tuple[EmploymentFact, ...] = ()
    trainings: tuple[TrainingFact, ...] = ()
    exams: tuple[ExamFact, ...] = ()
    violations: tuple[ViolationFact, ...] = ()
    certificates: tuple[CertFact, ...] = ()
    incidents: tuple[IncidentFact, ...] = ()

    def employment_on(self, on: dt.date) -> EmploymentFact | None:
        for employment in self.employments:
            if employment.active_on(on):
                return employment
        return None


@dataclass(frozen=True)
class Finding:
    code: str
    blocking: bool
    basis: str
    remedy: str
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "blocking": self.blocking,
            "basis": self.basis,
            "remedy": self.remedy,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Evaluation:
    as_of: dt.date
    status: str
    may_work: bool
    enterprise: str | None  # credit code of the active employment
    findings: tuple[Finding, ...] = ()
    policy_version: str = ""
    # facts behind the rates (DESIGN §3), computed with the findings
    covered: bool = False
    cert_required: bool = False
    certified: bool = False
    aware: bool = False

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    @property
    def blocking_codes(self) -> list[str]:
        return [f.code for f in self.findings if f.blocking]

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "status": self.status,
            "may_work": self.may_work,
            "enterprise": self.enterprise,
            "findings": [f.as_dict() for f in self.findings],
        }


def fmt_hours(value: Decimal) -> str:
    """One decimal, as 学时 are recorded: Decimal('6') → '6.0'."""
    return f"{value.quantize(Decimal('0.1'))}"


def hours_num(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1")))
