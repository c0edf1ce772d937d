"""The server's clock, which is authoritative for study time, made injectable for tests.

Every service of this app asks `clock.now()`, never `timezone.now()`. Tests (and the browser
journey, whose live server runs in the same process) install a `TestClock` and move it on by
hand, so that 45 minutes of study take milliseconds:

    with clock.frozen() as tc:
        tc.advance(30)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from threading import Lock

from django.utils import timezone

from safetrain.core.dates import SHANGHAI


class TestClock:
    """A clock that stands still until advanced (thread-safe: the live server reads it)."""

    __test__ = False  # not a pytest test class

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or same_day_start()
        self._lock = Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> dt.datetime:
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)
            return self._now

    def set(self, when: dt.datetime) -> None:
        with self._lock:
            self._now = when


def same_day_start(room: dt.timedelta = dt.timedelta(hours=12)) -> dt.datetime:
    """A start for a test clock: now, or `room` earlier when less than that is left of today.

    Records written from study time carry its date in Asia/Shanghai, and a record may not be
    dated after today. A journey that moves the clock on by hours late in the evening would
    otherwise cross midnight and date its record tomorrow. The start never lies in the future."""
    now = timezone.now()
    local = now.astimezone(SHANGHAI)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), SHANGHAI)
    return now - room if midnight - local < room else now


_installed: TestClock | None = None


def now() -> dt.datetime:
    """The server's time (aware, UTC), or the installed test clock's."""
    return _installed.now() if _installed is not None else timezone.now()


def install(test_clock: TestClock | None) -> None:
    global _installed
    _installed = test_clock


@contextmanager
def frozen(start: dt.datetime | None = None) -> Iterator[TestClock]:
    previous = _installed
    tc = TestClock(start)
    install(tc)
    try:
        yield tc
    finally:
        install(previous)
