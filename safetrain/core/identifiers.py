"""Chinese identifiers: resident ID numbers (GB 11643) and unified social credit codes (GB 32100)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from operator import mul

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier; the message says why (in Chinese)."""


def id_check_char(first17: str) -> str:
    if len(first17) != len(ID_WEIGHTS):
        raise ValueError(f"an ID number's check character needs 17 digits, not {len(first17)}")
    total = sum(map(mul, map(int, first17), ID_WEIGHTS))
    return ID_CHECK[total % 11]


def normalize_id_number(raw: str) -> str:
    """Return the canonical ID number or raise InvalidIdentifier naming the reason."""
    value = (raw or "").strip().upper().replace(" ", "")
    if not _ID_RE.match(value):
        raise InvalidIdentifier("身份证号应为18位（17位数字加1位校验码）")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise InvalidIdentifier(f"身份证号中的出生日期 {value[6:14]} 不是真实日期") from exc
    if birth.year < 1900 or birth > dt.date.today():
        raise InvalidIdentifier(f"身份证号中的出生日期 {value[6:14]} 不合理")
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise InvalidIdentifier(f"身份证号校验码错误（应为 {expected}）")
    return value


def looks_like_id_number(raw: str) -> bool:
    return bool(_ID_RE.match((raw or "").strip().upper()))


def id_birth_date(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def mask_id_number(id_number: str) -> str:
    """140502********123X: region kept, birth date and sequence hidden, last four kept."""
    return id_number[:6] + "*" * 8 + id_number[-4:]


def mask_echo(raw: str) -> str:
    """An identifier as typed, masked for an error message: a typo away from a real ID number
    is nearly that number, so invalid input is never echoed whole (docs/security.md)."""
    value = (raw or "").strip()
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def make_id_number(region: str, birth: dt.date, seq: int) -> str:
    """Build a valid ID number (demo and test data)."""
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_char(first17)


_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str) -> str:
    value = (raw or "").strip().replace(" ", "").replace("-", "")
    if value.startswith("+86"):
        value = value[3:]
    if not _PHONE_RE.match(value):
        raise InvalidIdentifier("手机号应为11位中国大陆手机号码")
    return value


CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$")


@dataclass(frozen=True)
class CreditCode:
    value: str
    check_ok: bool

    @property
    def warning(self) -> str:
        if self.check_ok:
            return ""
        return f"统一社会信用代码 {self.value} 校验位不符（应为 {credit_check_char(self.value[:17])}），已按原样保存"


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def parse_credit_code(raw: str) -> CreditCode:
    """Validate the form of a credit code. A wrong check digit is a warning, not an error."""
    value = (raw or "").strip().upper()
    if not _CREDIT_RE.match(value):
        raise InvalidIdentifier("统一社会信用代码应为18位数字或大写字母（不含 I、O、Z、S、V）")
    return CreditCode(value=value, check_ok=credit_check_char(value[:17]) == value[17])


def make_credit_code(region: str, org_seq: int, prefix: str = "91") -> str:
    """Build a valid credit code (demo and test data)."""
    body = f"{prefix}{region}"
    org = ""
    n = org_seq
    for _ in range(9):
        org = CREDIT_CHARS[n % 31] + org
        n //= 31
    first17 = body + org
    return first17 + credit_check_char(first17)
