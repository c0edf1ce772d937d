import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetrain.core.dates import add_months, add_years
from safetrain.core.identifiers import (
    InvalidIdentifier,
    credit_check_char,
    id_check_char,
    make_credit_code,
    make_id_number,
    mask_id_number,
    normalize_id_number,
    parse_credit_code,
)


def test_known_valid_id_number():
    # GB 11643 worked example
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "value, reason",
    [
        ("110105194912310021", "校验码"),
        ("110105194902300023", "出生日期"),
        ("11010519491231002", "18位"),
        ("1101051949123100AX", "18位"),
    ],
)
def test_invalid_id_numbers_name_the_reason(value, reason):
    with pytest.raises(InvalidIdentifier, match=reason):
        normalize_id_number(value)


@given(
    st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2008, 12, 31)), st.integers(0, 999)
)
def test_generated_id_numbers_validate(birth, seq):
    number = make_id_number("140502", birth, seq)
    assert normalize_id_number(number) == number
    # changing any digit of the body breaks the check character
    flipped = number[:16] + str((int(number[16]) + 1) % 10) + number[17]
    with pytest.raises(InvalidIdentifier):
        normalize_id_number(flipped)


def test_id_check_char_known_value_and_length():
    assert id_check_char("11010519491231002") == "X"  # GB 11643 worked example
    assert (
        id_check_char("14050219800101123") == make_id_number("140502", dt.date(1980, 1, 1), 123)[17]
    )
    for wrong in ("1101051949123100", "110105194912310021"):
        with pytest.raises(ValueError, match="17 digits"):
            id_check_char(wrong)


def test_mask():
    assert mask_id_number("14050219800101123X") == "140502********123X"


def test_credit_code_known_value():
    # a published code with a correct check character
    assert credit_check_char("91350100M000100Y4") == "3"
    assert parse_credit_code("91350100M000100Y43").check_ok


def test_credit_code_bad_check_is_warning_not_error():
    code = make_credit_code("140502", 12345)
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    parsed = parse_credit_code(bad)
    assert not parsed.check_ok
    assert "校验位" in parsed.warning


def test_credit_code_bad_form_is_error():
    with pytest.raises(InvalidIdentifier):
        parse_credit_code("91140502ABCDEFGHIO")  # contains I and O


def test_add_years_clamps_29_february():
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


def test_add_months_clamps_month_end():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
