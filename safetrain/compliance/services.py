"""Writes of the compliance app: the materialized per-person status for today."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from safetrain.compliance.domain import Evaluation
from safetrain.compliance.engine import evaluate_persons
from safetrain.compliance.models import PersonStatus
from safetrain.core import dates
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person

log = logging.getLogger(__name__)

_FIELDS = [
    "as_of",
    "status",
    "may_work",
    "enterprise_id",
    "blocking_codes",
    "codes",
    "covered",
    "cert_required",
    "certified",
    "aware",
    "policy_version",
    "computed_at",
]


def _row(pid: int, ev: Evaluation, ent_ids: dict[str, int], now: dt.datetime) -> PersonStatus:
    return PersonStatus(
        person_id=pid,
        as_of=ev.as_of,
        status=ev.status,
        may_work=ev.may_work,
        enterprise_id=ent_ids.get(ev.enterprise) if ev.enterprise else None,
        blocking_codes=ev.blocking_codes,
        codes=ev.codes,
        covered=ev.covered,
        cert_required=ev.cert_required,
        certified=ev.certified,
        aware=ev.aware,
        policy_version=ev.policy_version,
        computed_at=now,
    )


def _write(evaluations: list[tuple[int, Evaluation]]) -> int:
    codes = {ev.enterprise for _, ev in evaluations if ev.enterprise}
    ent_ids = dict(
        Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "id")
    )
    now = timezone.now()
    rows = [_row(pid, ev, ent_ids, now) for pid, ev in evaluations]
    PersonStatus.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=[f for f in _FIELDS if f != "enterprise_id"] + ["enterprise"],
    )
    return len(rows)


def refresh_persons(person_ids: Iterable[int], on: dt.date | None = None) -> int:
    """Recompute and store today's status of these persons (set-based)."""
    on = on or dates.today()
    ids = sorted(set(person_ids))
    if not ids:
        return 0
    with transaction.atomic():
        return _write(list(evaluate_persons(ids, on)))


def refresh_person(person: Person | int) -> PersonStatus:
    pid = person if isinstance(person, int) else person.pk
    refresh_persons([pid])
    return PersonStatus.objects.get(person_id=pid)


def recompute_all(*, chunk: int = 20000, on: dt.date | None = None) -> int:
    """`safetrain compliance recompute`: every person's status for today."""
    on = on or dates.today()
    ids = list(Person.objects.order_by("id").values_list("id", flat=True))
    done = 0
    for i in range(0, len(ids), chunk):
        done += refresh_persons(ids[i : i + chunk], on)
    return done
