"""`safetrain inspections bench`: time the order reads and the daily refresh on the current
database, with N synthetic orders written inside a transaction that is rolled back (nothing
stays). Figures are medians of `repeat` runs, in milliseconds, with query counts."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from safetrain.compliance.models import PersonStatus
from safetrain.core import dates
from safetrain.enterprises.models import Enterprise
from safetrain.inspections import enforcement
from safetrain.inspections.models import CorrectionOrder, OrderItem
from safetrain.inspections.selectors import open_orders, order_counts, order_list
from safetrain.inspections.services import in_post_candidates, orders_refresh
from safetrain.people.models import User


class _Rollback(Exception):
    pass


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, int]:
    runs = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(runs), queries


def run(orders: int = 500, repeat: int = 5) -> dict[str, Any]:
    """Needs the materialized status (safetrain compliance recompute) to pick blocked persons."""
    today = dates.today()
    blocked = list(
        PersonStatus.objects.filter(status="in_post", may_work=False, enterprise__isnull=False)
        .values_list("person_id", "enterprise_id", "blocking_codes")
        .order_by("person_id")
    )
    pairs = [
        (pid, eid, code)
        for pid, eid, codes in blocked
        for code in codes
        if code in enforcement.ORDER_CODES
    ]
    if not pairs:
        raise ValueError("没有可责令改正的阻断问题：先运行 safetrain compliance recompute")
    viewer = User(role="city_admin", region_id="140500", is_active=True)
    result: dict[str, Any] = {"orders": orders, "items": 0}
    try:
        with transaction.atomic():
            made = []
            for n in range(orders):
                pid, eid, _code = pairs[n % len(pairs)]
                issued = today - dt.timedelta(days=n % 40)
                made.append(
                    CorrectionOrder(
                        number=f"BENCH-{n:06d}",
                        enterprise_id=eid,
                        issued_on=issued,
                        deadline=issued + dt.timedelta(days=n % 60),
                    )
                )
            made = CorrectionOrder.objects.bulk_create(made, batch_size=1000)
            items = [
                OrderItem(
                    order=o, person_id=pairs[n % len(pairs)][0], code=pairs[n % len(pairs)][2]
                )
                for n, o in enumerate(made)
            ]
            OrderItem.objects.bulk_create(items, batch_size=1000)
            result["items"] = len(items)
            result["open_orders_city"] = _time(lambda: open_orders("140500", today), repeat)
            result["order_counts"] = _time(lambda: order_counts(viewer=viewer, on=today), repeat)
            result["order_list_page"] = _time(
                lambda: [
                    (o, o.state_on(today))
                    for o in order_list(viewer=viewer, on=today, state="active")[:25]
                ],
                repeat,
            )
            biggest = (
                Enterprise.objects.filter(pk__in={e for _p, e, _c in pairs}).order_by("pk").first()
            )
            if biggest is not None:
                result["draw_candidates"] = _time(
                    lambda: in_post_candidates(biggest, today), repeat
                )
            start = time.perf_counter()
            refreshed = orders_refresh(on=today)
            result["refresh_orders"] = ((time.perf_counter() - start) * 1000, refreshed)
            raise _Rollback
    except _Rollback:
        pass
    return result
