"""The one thing notices need from the inspections app: the enterprises under correction orders.

Looked up lazily, so this app works (and lists nothing) when safetrain.inspections is not
installed. The inspections app provides

    safetrain.inspections.selectors.orders_for_notice(*, region: str | None, on: date)
        -> Iterable[Mapping]  # keys: credit_code, enterprise, open, overdue, deadline (date|None)

region None is the whole city; `open` counts orders open on `on`, `overdue` those past their
deadline on `on`, `deadline` the earliest deadline among the open ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

PROVIDER = "safetrain.inspections.selectors.orders_for_notice"


def orders_for_notice(*, region: str | None, on: dt.date) -> list[dict[str, Any]]:
    if not apps.is_installed("safetrain.inspections"):
        return []
    try:
        provider = import_string(PROVIDER)
    except ImportError:
        return []
    out = []
    for row in provider(region=region, on=on):
        deadline = row.get("deadline")
        out.append(
            {
                "credit_code": str(row.get("credit_code", "")),
                "enterprise": str(row.get("enterprise", "")),
                "open": int(row.get("open", 0) or 0),
                "overdue": int(row.get("overdue", 0) or 0),
                "deadline": deadline.isoformat() if isinstance(deadline, dt.date) else "",
            }
        )
    return sorted(out, key=lambda r: (-r["overdue"], -r["open"], r["credit_code"]))
