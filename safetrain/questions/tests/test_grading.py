"""Grading of every type, including partial answers to multiple choice."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from safetrain.questions.grading import grade, is_correct


@dataclass
class V:
    type: str
    answer: list[str]


SINGLE = V("single", ["B"])
MULTI = V("multiple", ["A", "B", "D"])
TF = V("truefalse", ["F"])


@pytest.mark.parametrize(
    "version, given, points, expected",
    [
        (SINGLE, ["B"], 2, "2.00"),
        (SINGLE, ["b"], 2, "2.00"),
        (SINGLE, ["A"], 2, "0.00"),
        (SINGLE, ["A", "B"], 2, "0.00"),  # two answers to a single choice: wrong
        (SINGLE, [], 2, "0.00"),
        (SINGLE, None, 2, "0.00"),
        (TF, ["F"], 1, "1.00"),
        (TF, ["T"], 1, "0.00"),
        (TF, ["T", "F"], 1, "0.00"),
        (MULTI, ["D", "B", "A"], 4, "4.00"),  # order does not matter
        (MULTI, ["A", "B", "B", "D"], 4, "4.00"),  # repeats do not matter
        (MULTI, ["A", "B"], 4, "2.00"),  # 少选: half
        (MULTI, ["D"], 3, "1.50"),
        (MULTI, ["A", "B", "C"], 4, "0.00"),  # 错选: nothing
        (MULTI, ["A", "B", "C", "D"], 4, "0.00"),
        (MULTI, ["Z"], 4, "0.00"),  # a key the question does not have
        (MULTI, [], 4, "0.00"),
    ],
)
def test_grade(version, given, points, expected):
    assert grade(version, given, points) == Decimal(expected)


def test_partial_credit_can_be_off():
    assert grade(MULTI, ["A", "B"], 4, partial_credit=Decimal(0)) == 0
    assert grade(MULTI, ["A", "B", "D"], 4, partial_credit=Decimal(0)) == 4


def test_is_correct():
    assert is_correct(MULTI, ["D", "A", "B"])
    assert not is_correct(MULTI, ["A", "B"])
    assert is_correct(TF, "F")
