"""Which blocking findings a correction order may name, grouped as the notice §五(四) names
them (应持证未持证 / 岗证不匹配 / 未经培训就上岗), and the penalty provisions to cite.

Legal basis (《中华人民共和国安全生产法》, as amended 2021-06-10, in force 2021-09-01):
- 第九十七条: 责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上
  二十万元以下的罚款，对其直接负责的主管人员和其他直接责任人员处二万元以上五万元以下的罚款 —
  (二) 矿山、金属冶炼、危险物品单位的主要负责人和安全生产管理人员未按照规定经考核合格；
  (三) 未按照规定对从业人员、被派遣劳动者、实习学生进行安全生产教育和培训；
  (七) 特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业。
The article numbers are those of the 2021 text (in the 2014 text the same clauses were
第九十四条, with lower amounts). The amounts above are the statutory range; the bureau decides
the amount. Verify against the official text before citing in a real decision.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

UNCERTIFIED = "uncertified"
MISMATCH = "mismatch"
UNTRAINED = "untrained"

GROUP_LABELS = {
    UNCERTIFIED: "应持证未持证",
    MISMATCH: "岗证不匹配",
    UNTRAINED: "未经培训（考核）上岗",
}

ORDER_CODES: dict[str, str] = {
    "CERT_MISSING": UNCERTIFIED,
    "CERT_EXPIRED": UNCERTIFIED,
    "CERT_REVIEW_OVERDUE": UNCERTIFIED,
    "CERT_JOB_MISMATCH": MISMATCH,
    "PREJOB_TRAINING_MISSING": UNTRAINED,
    "PREJOB_EXAM_MISSING": UNTRAINED,
    "VIOLATION_RETRAINING_PENDING": UNTRAINED,
    "RETURN_TRAINING_PENDING": UNTRAINED,
    "TRANSFER_TRAINING_PENDING": UNTRAINED,
    "ACCIDENT_RETRAINING_PENDING": UNTRAINED,
}

LAW = "《中华人民共和国安全生产法》（2021年修正）"
BASIS_TRAINING = f"{LAW}第九十七条第（三）项"
BASIS_SPECIAL_OPERATION = f"{LAW}第九十七条第（七）项"
BASIS_MANAGEMENT = f"{LAW}第九十七条第（二）项"
BASES = [BASIS_SPECIAL_OPERATION, BASIS_TRAINING, BASIS_MANAGEMENT]
# 第九十七条: 责令限期改正，处十万元以下的罚款 (before the deadline passes)
MAX_AMOUNT_IN_TIME = Decimal("100000")
# 逾期未改正: 十万元以上二十万元以下 on the unit
MAX_AMOUNT = Decimal("200000")


def group_of(code: str) -> str | None:
    return ORDER_CODES.get(code)


def needed_cert_types(detail: dict[str, Any]) -> set[str]:
    """The certificate types a CERT_* finding's detail asks for (one requirement, or several
    under "requirements"): special_operation and/or safety_management."""
    reqs = detail.get("requirements") or [detail]
    return {str(r["needed_type"]) for r in reqs if isinstance(r, dict) and r.get("needed_type")}


def suggested_basis(codes: list[str], cert_types: set[str] | None = None) -> str:
    """The provision to suggest for a penalty on an order with these finding codes: (七) for a
    special operator without the right certificate, (二) when the only certificates missing are
    the safety-management qualification of a principal or safety manager (cert_types, from the
    findings' details), (三) for training."""
    groups = {ORDER_CODES.get(c) for c in codes}
    if groups & {UNCERTIFIED, MISMATCH}:
        if cert_types and cert_types <= {"safety_management"}:
            return BASIS_MANAGEMENT
        return BASIS_SPECIAL_OPERATION
    return BASIS_TRAINING
