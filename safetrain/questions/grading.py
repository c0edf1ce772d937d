"""Grading: a pure function of the version asked and the keys answered.

Rules (the issue leaves them open; written down in docs/questions.md):
- 单选 single, 判断 true/false: full points when the answer is exactly the one right key,
  otherwise 0 (two keys given for a single-choice question are wrong, not half right).
- 多选 multiple: full points when the answer is exactly the set of right keys; **half the
  points** when it is a non-empty proper subset of them (少选得一半分: every key chosen is right,
  some right key is missing); 0 when any chosen key is wrong (错选不得分) or nothing is chosen.
  `partial_credit` changes the fraction (0 makes multiple choice all-or-nothing).
- The order of keys and repeated keys do not matter; a key the question does not have counts as
  a wrong key. Points are Decimals rounded to 0.01.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

HALF = Decimal("0.5")
CENT = Decimal("0.01")


class Gradable(Protocol):
    type: str
    answer: Any  # list of keys


def normalise_answer(keys: Iterable[Any] | None) -> frozenset[str]:
    if keys is None:
        return frozenset()
    if isinstance(keys, str):
        keys = [keys]
    return frozenset(str(k).strip().upper() for k in keys if str(k).strip())


def is_correct(version: Gradable, keys: Iterable[Any] | None) -> bool:
    return normalise_answer(keys) == normalise_answer(version.answer)


def grade(
    version: Gradable,
    keys: Iterable[Any] | None,
    points: Decimal | int | str = 1,
    *,
    partial_credit: Decimal = HALF,
) -> Decimal:
    """Points earned for `keys` on `version` worth `points`."""
    value = Decimal(str(points))
    given = normalise_answer(keys)
    right = normalise_answer(version.answer)
    if not given:
        return Decimal("0.00")
    if given == right:
        return value.quantize(CENT, ROUND_HALF_UP)
    if version.type == "multiple" and given < right:
        return (value * partial_credit).quantize(CENT, ROUND_HALF_UP)
    return Decimal("0.00")
