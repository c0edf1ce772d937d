"""Change notifications between apps, without lower apps importing higher ones.

A service that changes an input of someone's compliance status (an employment, a post, a leave,
a training record, an exam result, a certificate, a 三违, an incident) calls
``persons_changed`` / ``person_changed`` / ``enterprise_changed`` inside its write transaction.
Higher apps subscribe in their AppConfig.ready() (compliance refreshes its materialized status
after the commit). With no subscriber the calls do nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

PersonsListener = Callable[[list[int]], None]
EnterpriseListener = Callable[[int], None]

_persons: list[PersonsListener] = []
_enterprises: list[EnterpriseListener] = []


def subscribe_persons(fn: PersonsListener) -> None:
    if fn not in _persons:
        _persons.append(fn)


def subscribe_enterprises(fn: EnterpriseListener) -> None:
    if fn not in _enterprises:
        _enterprises.append(fn)


def persons_changed(person_ids: Iterable[int | None]) -> None:
    ids = sorted({int(p) for p in person_ids if p is not None})
    if not ids:
        return
    for fn in _persons:
        fn(ids)


def person_changed(person_id: int | None) -> None:
    persons_changed([person_id])


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
    saved = _persons[:], _enterprises[:]
    _persons[:] = [persons.update]
    _enterprises[:] = [enterprises.add]
    try:
        yield
    finally:
        _persons[:], _enterprises[:] = saved
    for eid in sorted(enterprises):
        enterprise_changed(eid)
    persons_changed(persons)
