"""The pure core of the engine: facts + policy version + day → Evaluation. No database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safetrain.compliance.domain import (
    IN_POST,
    MANAGEMENT_ROLES,
    NOT_EMPLOYED,
    ON_LEAVE,
    Evaluation,
    Finding,
    PersonFacts,
)
from safetrain.compliance.policy import Policy
from safetrain.compliance.rules import PERSON_RULES, PersonRule

# Codes that make a person "not certified" for 持证上岗率 (DESIGN §3 rates).
NOT_CERTIFIED_CODES = frozenset(
    {"CERT_MISSING", "CERT_PENDING", "CERT_JOB_MISMATCH", "CERT_EXPIRED", "CERT_REVIEW_OVERDUE"}
)
AWARENESS_PURPOSES = frozenset({"risk_awareness", "spot_check"})

_params_cache: dict[int, tuple[Policy, dict[str, Any]]] = {}


def rule_params(policy: Policy, rules: tuple[PersonRule, ...] = PERSON_RULES) -> dict[str, Any]:
    """Each rule's parameters for a policy version (built once per version)."""
    cached = _params_cache.get(id(policy))
    if cached is not None and cached[0] is policy:
        return cached[1]
    params = {rule.id: rule.params(policy) for rule in rules}
    _params_cache[id(policy)] = (policy, params)
    return params


def status_on(facts: PersonFacts, on: dt.date) -> str:
    employment = facts.employment_on(on)
    if employment is None:
        return NOT_EMPLOYED
    if employment.on_leave(on) is not None:
        return ON_LEAVE
    return IN_POST


def evaluate_facts(facts: PersonFacts, policy: Policy, on: dt.date) -> Evaluation:
    """Findings are evaluated for a person in_post only: on_leave and not_employed persons may
    not work anyway and their status says why (docs/policy.md)."""
    employment = facts.employment_on(on)
    status = status_on(facts, on)
    enterprise = employment.credit_code if employment is not None else None
    if status != IN_POST:
        return Evaluation(
            as_of=on,
            status=status,
            may_work=False,
            enterprise=enterprise,
            policy_version=policy.version,
        )
    params = rule_params(policy)
    findings: list[Finding] = []
    for rule in PERSON_RULES:
        findings.extend(rule.evaluate(facts, params[rule.id], on))
    assert employment is not None
    post = employment.post_on(on)
    # as for CERT_MISSING: a post requiring an operation, or a manager in a high-risk sector
    cert_required = bool(post is not None and post.operation) or (
        employment.high_risk and employment.role in MANAGEMENT_ROLES
    )
    codes = {f.code for f in findings}
    jan1 = dt.date(on.year, 1, 1)
    covered = any(jan1 <= t.date <= on for t in facts.trainings)
    latest = None
    for exam in facts.exams:
        if (
            exam.purpose in AWARENESS_PURPOSES
            and jan1 <= exam.date <= on
            and (latest is None or (exam.date, exam.id) > (latest.date, latest.id))
        ):
            latest = exam
    return Evaluation(
        as_of=on,
        status=status,
        may_work=not any(f.blocking for f in findings),
        enterprise=enterprise,
        findings=tuple(findings),
        policy_version=policy.version,
        covered=covered,
        cert_required=cert_required,
        certified=cert_required and not (codes & NOT_CERTIFIED_CODES),
        aware=latest is not None and latest.passed,
    )
