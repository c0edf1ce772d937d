"""How other apps tell compliance that an input of a person's status changed.

The record, certificate and people services call ``person_changed(person_id)`` (or
``persons_changed`` / ``enterprise_changed`` for an incident) inside their write transaction.
The refresh of the materialized status runs when that transaction commits
(``transaction.on_commit``), so a rolled-back write leaves the cache untouched, and a failure
of the refresh never breaks the write: the status is a cache, and `safetrain compliance
recompute` (or the next change) rebuilds it. Calling these for an unknown id, an id without
employment, or several times in one transaction is safe.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

log = logging.getLogger(__name__)


def _refresh(ids: list[int]) -> None:
    from safetrain.compliance.services import refresh_persons
    from safetrain.people.models import Person

    try:
        existing = list(Person.objects.filter(pk__in=ids).values_list("id", flat=True))
        refresh_persons(existing)
    except Exception:  # the cache must never break a write; recompute repairs it
        log.exception("compliance status refresh failed for persons %s", ids)


def persons_changed(person_ids: Iterable[int]) -> None:
    ids = sorted({int(p) for p in person_ids if p is not None})
    if ids:
        transaction.on_commit(lambda: _refresh(ids))


def person_changed(person_id: int | None) -> None:
    if person_id is not None:
        persons_changed([person_id])


def enterprise_changed(enterprise_id: int) -> None:
    """An incident (or a change of sector) touches everyone who ever held a management role
    there (ACCIDENT_RETRAINING_PENDING) and everyone employed there now."""
    from django.db.models import Q

    from safetrain.catalog.models import MANAGEMENT_ROLES
    from safetrain.core import dates
    from safetrain.people.models import Employment

    ids = (
        Employment.objects.filter(enterprise_id=enterprise_id)
        .filter(role_category__in=[str(r) for r in MANAGEMENT_ROLES])
        .values_list("person_id", flat=True)
    )
    current = Employment.objects.filter(enterprise_id=enterprise_id).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=dates.today())
    )
    persons_changed(list(ids) + list(current.values_list("person_id", flat=True)))
