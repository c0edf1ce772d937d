"""Hand-built facts for the pure rule tests (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from safetrain.certificates.matching import CertFact, default_dates
from safetrain.compliance.domain import (
    EmploymentFact,
    ExamFact,
    IncidentFact,
    LeaveFact,
    PersonFacts,
    PostFact,
    TrainingFact,
    ViolationFact,
)
from safetrain.compliance.evaluation import evaluate_facts
from safetrain.compliance.policy import policy_for

d = dt.date
POLICY = policy_for(d(2025, 1, 1))
ENT = 1
OTHER = 2
DEFAULT_START = d(2024, 3, 1)


def emp(
    role: str = "worker",
    start: dt.date = DEFAULT_START,
    *,
    end: dt.date | None = None,
    high_risk: bool = True,
    ent: int = ENT,
    op: str | None = None,
    posts: tuple[PostFact, ...] | None = None,
    leaves: tuple[LeaveFact, ...] = (),
    eid: int = 1,
) -> EmploymentFact:
    return EmploymentFact(
        id=eid,
        enterprise_id=ent,
        credit_code=f"CODE{ent}",
        high_risk=high_risk,
        role=role,
        start=start,
        end=end,
        posts=posts if posts is not None else (PostFact(start, "岗位", op),),
        leaves=leaves,
    )


def tr(
    day: dt.date, hours: str | float, kind: str, level: str = "", ent: int | None = ENT
) -> TrainingFact:
    return TrainingFact(day, Decimal(str(hours)), kind, level, ent)


def ex(
    day: dt.date, purpose: str, passed: bool = True, ent: int | None = ENT, xid: int = 0
) -> ExamFact:
    return ExamFact(day, purpose, passed, ent, xid)


def prejob_done(
    day: dt.date, hours: float = 72.0, ent: int = ENT
) -> tuple[list[TrainingFact], list[ExamFact]]:
    each = round(hours / 3, 1)
    rest = round(hours - 2 * each, 1)
    return (
        [
            tr(day, each, "prejob", "company", ent),
            tr(day, each, "prejob", "workshop", ent),
            tr(day, rest, "prejob", "team", ent),
        ],
        [ex(day, "prejob", True, ent)],
    )


def cert(
    op: str | None,
    issued: dt.date,
    *,
    valid_until: dt.date | None = None,
    review_due: dt.date | None | str = "default",
    revoked: bool = False,
    cid: int = 1,
) -> CertFact:
    ctype = "special_operation" if op else "safety_management"
    dv, dr = default_dates(ctype, issued)
    return CertFact(
        id=cid,
        cert_type=ctype,
        operation=op,
        number=f"N{cid}",
        issued_on=issued,
        valid_until=valid_until or dv,
        review_due=dr if review_due == "default" else review_due,  # type: ignore[arg-type]
        revoked=revoked,
    )


def person(*employments: EmploymentFact, **kw: object) -> PersonFacts:
    return PersonFacts(
        person_id=1, employments=tuple(employments), **{k: tuple(v) for k, v in kw.items()}
    )  # type: ignore[arg-type]


def add(facts: PersonFacts, **kw: object) -> PersonFacts:
    return replace(facts, **{k: tuple(getattr(facts, k)) + tuple(v) for k, v in kw.items()})  # type: ignore[arg-type]


def codes(facts: PersonFacts, on: dt.date, policy=POLICY) -> set[str]:  # type: ignore[no-untyped-def]
    return set(evaluate_facts(facts, policy, on).codes)


def run(rule, facts: PersonFacts, on: dt.date, policy=POLICY):  # type: ignore[no-untyped-def]
    return rule.evaluate(facts, rule.params(policy), on)


__all__ = [
    "ENT",
    "OTHER",
    "POLICY",
    "IncidentFact",
    "LeaveFact",
    "PostFact",
    "ViolationFact",
    "add",
    "cert",
    "codes",
    "d",
    "emp",
    "ex",
    "person",
    "prejob_done",
    "run",
    "tr",
]
