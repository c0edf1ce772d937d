"""Test data builders shared by every app's tests (built through the services, like production).

factory_boy factories live in each app's tests/factories.py and call these.
"""

from __future__ import annotations

import datetime as dt
import itertools

from safetrain.core.identifiers import make_credit_code, make_id_number

_seq = itertools.count(1)


def next_seq() -> int:
    return next(_seq)


def new_id_number(region: str = "140502", birth: dt.date | None = None) -> str:
    n = next_seq()
    birth = birth or dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28)
    return make_id_number(region, birth, n)


def new_credit_code(region: str = "140502") -> str:
    return make_credit_code(region, 10_000 + next_seq())
