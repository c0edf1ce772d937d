"""A record that clears a finding may close a correction order: when a person's inputs change
(core.events), the open order items naming them are evaluated again after the commit (one query
when none names them). `safetrain inspections refresh-orders` does the same for every open
order (for cron: findings can also clear with time, and a failed hook is repaired there)."""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def _refresh(ids: list[int]) -> None:
    from safetrain.inspections.services import orders_refresh

    try:
        orders_refresh(person_ids=ids)
    except Exception:  # never break the write; refresh-orders repairs it
        log.exception("correction order refresh failed for persons %s", ids)


def persons_changed(person_ids: list[int]) -> None:
    ids = sorted(set(person_ids))
    if ids:
        transaction.on_commit(lambda: _refresh(ids))
