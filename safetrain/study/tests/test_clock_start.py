"""A test clock never carries a journey of hours past midnight in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safetrain.core.dates import SHANGHAI
from safetrain.study import clock


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        # late in the evening: twelve hours earlier, so that twelve hours of study stay today
        (dt.datetime(2026, 11, 29, 23, 50, tzinfo=SHANGHAI), dt.datetime(2026, 11, 29, 11, 50)),
        (dt.datetime(2026, 11, 29, 12, 0, 1, tzinfo=SHANGHAI), dt.datetime(2026, 11, 29, 0, 0, 1)),
        # early in the day: now itself
        (dt.datetime(2026, 11, 30, 0, 10, tzinfo=SHANGHAI), dt.datetime(2026, 11, 30, 0, 10)),
        (dt.datetime(2026, 11, 29, 11, 59, tzinfo=SHANGHAI), dt.datetime(2026, 11, 29, 11, 59)),
    ],
)
def test_start_leaves_twelve_hours_of_the_day(monkeypatch, local, expected):
    now = local.astimezone(dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    start = clock.same_day_start()
    assert start.astimezone(SHANGHAI).replace(tzinfo=None) == expected
    assert start <= now
    end = (start + dt.timedelta(hours=12) - dt.timedelta(seconds=1)).astimezone(SHANGHAI)
    assert end.date() == start.astimezone(SHANGHAI).date()
    assert clock.TestClock().now() == start
