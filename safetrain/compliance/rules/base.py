"""What every rule kind looks like (STYLE §4): a stable id, a typed parameter dataclass taken
from the policy version, a label, and a pure ``evaluate(facts, params, as_of)`` → findings."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from safetrain.compliance.domain import EmploymentFact, Finding, PersonFacts
from safetrain.compliance.policy import FindingMeta, Hours, Policy


@dataclass(frozen=True)
class RuleParams:
    """Every rule's parameters carry the metadata (blocking, basis, remedy) of its codes."""

    meta: Mapping[str, FindingMeta]

    def finding(
        self, code: str, detail: dict[str, Any], variant: str = "", **values: object
    ) -> Finding:
        meta = self.meta[code]
        return Finding(
            code=code,
            blocking=meta.blocking,
            basis=meta.basis,
            remedy=meta.render(variant, **values),
            detail=detail,
        )


def metas(policy: Policy, codes: tuple[str, ...]) -> Mapping[str, FindingMeta]:
    return {code: policy.meta(code) for code in codes}


class PersonRule(ABC):
    """Base of the person rule kinds. Subclasses set id, label, codes and implement both methods."""

    id: ClassVar[str]
    label: ClassVar[str]
    codes: ClassVar[tuple[str, ...]]

    @abstractmethod
    def params(self, policy: Policy) -> Any:
        """The rule's typed parameters, taken from the policy version."""

    @abstractmethod
    def evaluate(self, facts: PersonFacts, params: Any, as_of: dt.date) -> list[Finding]:
        """Pure: the findings of this rule for the facts on a day."""


def hours_for(table: Mapping[tuple[str, str], Hours], employment: EmploymentFact) -> Hours:
    return table[("high_risk" if employment.high_risk else "other", employment.role)]


def sum_hours(trainings: Any) -> Decimal:
    return sum((t.hours for t in trainings), Decimal("0"))


def passed_in(facts: PersonFacts, purpose: str, start: dt.date, end: dt.date) -> bool:
    return any(e.purpose == purpose and e.passed and start <= e.date <= end for e in facts.exams)


def trained_in(facts: PersonFacts, kind: str, start: dt.date, end: dt.date) -> bool:
    return any(t.kind == kind and start <= t.date <= end for t in facts.trainings)


def both_variant(trained: bool, passed: bool) -> str:
    if not trained and not passed:
        return "both"
    return "training" if not trained else "exam"
