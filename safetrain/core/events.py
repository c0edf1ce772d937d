"""Change notifications between apps, without lower apps importing higher ones.

A service that changes an input of someone's compliance status (an employment, a post, a leave,
a training record, an exam result, a certificate, a 三违, an incident) calls
``persons_changed`` / ``person_changed`` / ``enterprise_changed`` inside its write transaction.
Higher apps subscribe in their AppConfig.ready() (compliance refreshes its materialized status
after the commit). With no subscriber the calls do nothing.

``since`` (optional) is the earliest day the change can affect: a record dated D changes nobody's
status before D (the engine only counts records dated on or before the day it evaluates). A
listener that keeps per-day results (dashboards) subscribes with ``subscribe_persons_dated`` and
may leave the days before ``since`` alone; None (the default, and whenever a writer is not sure:
a revocation, a correction, an undated field) means every day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator

PersonsListener = Callable[[list[int]], None]
DatedPersonsListener = Callable[[list[int], dt.date | None], None]
EnterpriseListener = Callable[[int], None]

_persons: list[PersonsListener] = []
_persons_dated: list[DatedPersonsListener] = []
_enterprises: list[EnterpriseListener] = []


def subscribe_persons(fn: PersonsListener) -> None:
    if fn not in _persons:
        _persons.append(fn)


def subscribe_persons_dated(fn: DatedPersonsListener) -> None:
    """Like subscribe_persons; the listener also gets ``since`` (see the module docstring)."""
    if fn not in _persons_dated:
        _persons_dated.append(fn)


def subscribe_enterprises(fn: EnterpriseListener) -> None:
    if fn not in _enterprises:
        _enterprises.append(fn)


def persons_changed(person_ids: Iterable[int | None], since: dt.date | None = None) -> None:
    ids = sorted({int(p) for p in person_ids if p is not None})
    if not ids:
        return
    for fn in _persons:
        fn(ids)
    for dated in _persons_dated:
        dated(ids, since)


def person_changed(person_id: int | None, since: dt.date | None = None) -> None:
    persons_changed([person_id], since)


def enterprise_changed(enterprise_id: int | None) -> None:
    if enterprise_id is None:
        return
    for fn in _enterprises:
        fn(int(enterprise_id))


@contextlib.contextmanager
def coalesced() -> Iterator[None]:
    """Collect the notifications made inside the block and pass them on once at its end (one
    `persons_changed` with every id, one `enterprise_changed` per enterprise), so a bulk writer
    such as a demo step going through the services does not refresh a person per record."""
    persons: set[int] = set()
    enterprises: set[int] = set()
    sinces: list[dt.date | None] = []

    def collect_since(_ids: list[int], since: dt.date | None) -> None:
        sinces.append(since)

    saved = _persons[:], _persons_dated[:], _enterprises[:]
    _persons[:] = [persons.update]
    _persons_dated[:] = [collect_since]
    _enterprises[:] = [enterprises.add]
    try:
        yield
    finally:
        _persons[:], _persons_dated[:], _enterprises[:] = saved
    for eid in sorted(enterprises):
        enterprise_changed(eid)
    earliest = None if not sinces or None in sinces else min(d for d in sinces if d is not None)
    persons_changed(persons, earliest)
