"""Rule kinds (STYLE §4): small pure classes; parameters come from the policy version."""

from safetrain.compliance.rules.base import PersonRule, RuleParams
from safetrain.compliance.rules.enterprise import DrillFact, DrillRule, EnterpriseFacts
from safetrain.compliance.rules.person import (
    PERSON_RULES,
    AccidentRule,
    AnnualPendingRule,
    AnnualShortRule,
    CertificateRule,
    InitialHoursRule,
    PrejobRule,
    ReturnRule,
    TransferRule,
    ViolationRule,
)

__all__ = [
    "PERSON_RULES",
    "AccidentRule",
    "AnnualPendingRule",
    "AnnualShortRule",
    "CertificateRule",
    "DrillFact",
    "DrillRule",
    "EnterpriseFacts",
    "InitialHoursRule",
    "PersonRule",
    "PrejobRule",
    "ReturnRule",
    "RuleParams",
    "TransferRule",
    "ViolationRule",
]
