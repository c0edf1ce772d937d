"""Date helpers shared by every app: calendar arithmetic and 'today' in Asia/Shanghai."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def add_years(day: dt.date, years: int) -> dt.date:
    """Add calendar years; 29 February becomes 28 February in a non-leap year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """Add calendar months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def parse_iso_date(value: object) -> dt.date:
    """Parse YYYY-MM-DD (or a date/datetime from a workbook cell); raise ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if len(text) != 10:
        raise ValueError(f"“{text}” 不是 YYYY-MM-DD 格式的日期")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"“{text}” 不是有效日期（YYYY-MM-DD）") from exc


def _iso_date_only(value: object) -> object:
    if isinstance(value, str):
        return parse_iso_date(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError("不是有效日期（YYYY-MM-DD）")


# A date parameter of the API: YYYY-MM-DD only. Plain `dt.date` lets pydantic read "0" or 1700000000
# as a Unix time (1970-01-01 …), so `?on=0` answered 200 for 1970 instead of 422.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
