"""Partitions in parallel (compliance.fastrates.sql_workers): a city-wide question split over k
connections gives exactly the one-statement answer, and the set-based recompute written by k
partitions equals the one written by one statement. Committed data (transaction=True): other
connections cannot see a test transaction's rows, which is also why sql_workers() is 1 inside
one."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from safetrain.compliance import fastrates
from safetrain.compliance.engine import policy_on
from safetrain.compliance.models import PersonStatus
from safetrain.compliance.services import _COLUMNS as _STATUS_COLUMNS
from safetrain.core import dates
from safetrain.people.models import Person
from safetrain.scale.load import seed_city

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = dt.date(2026, 6, 30)
# every stored column but the time it was computed at
COLUMNS = tuple(c for c in _STATUS_COLUMNS if c != "computed_at")


@pytest.fixture
def city(monkeypatch: pytest.MonkeyPatch) -> None:
    from safetrain.catalog.services import catalog_load

    catalog_load()  # a transactional test starts from a flushed database
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    seed_city(persons=400, seed=13, today=TODAY, batch_size=400)


def _rows() -> list[tuple[object, ...]]:
    return list(PersonStatus.objects.order_by("person_id").values_list(*COLUMNS))


def test_partitions_give_the_one_statement_answers(
    city: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def answers(workers: str, on: dt.date) -> tuple[tuple[int, ...], tuple[int, ...], list[Any]]:
        monkeypatch.setenv("SAFETRAIN_SQL_WORKERS", workers)
        assert fastrates.sql_workers() == int(workers)
        policy = policy_on(on)
        return (
            fastrates.rates_counts(policy, on),
            fastrates.rates_counts(policy, on, region="140502"),
            fastrates.grouped_counts(policy, on),
        )

    for day in ("2024-03-31", "2025-12-31", "2026-06-30"):
        on = dt.date.fromisoformat(day)
        serial = answers("1", on)
        parallel = answers("3", on)
        assert parallel == serial, day
        assert serial[0][0] > 300 and len(serial[2]) > 20
    with transaction.atomic():  # other connections would not see this transaction's rows
        assert fastrates.sql_workers() == 1


def test_the_recompute_by_partitions_equals_the_one_statement(
    city: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = policy_on(TODAY)
    monkeypatch.setenv("SAFETRAIN_SQL_WORKERS", "1")
    assert fastrates.write_statuses(policy, TODAY, timezone.now()) == 400
    one = _rows()
    PersonStatus.objects.all().delete()
    monkeypatch.setenv("SAFETRAIN_SQL_WORKERS", "3")
    assert fastrates.write_statuses(policy, TODAY, timezone.now()) == 400
    assert _rows() == one
    # and again over the rows now there (the upsert path of every partition)
    PersonStatus.objects.update(status="x", codes=["X"], findings=None)
    assert fastrates.write_statuses(policy, TODAY, timezone.now()) == 400
    assert _rows() == one
    assert len(one) == Person.objects.count() and any(r[6] for r in one)


def test_in_parallel_runs_the_jobs_at_once_each_on_its_own_connection() -> None:
    from django.db import connection

    main = threading.get_ident()
    together = threading.Barrier(3, timeout=10)  # breaks unless all three run at once

    def job() -> tuple[int, int]:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        together.wait()
        return threading.get_ident(), id(connection.connection)

    got = fastrates.in_parallel([job, job, job])
    assert len({ident for ident, _ in got}) == 3 and main not in {i for i, _ in got}
    assert len({conn for _, conn in got}) == 3

    def fails() -> None:
        raise ValueError("partition 2")

    with pytest.raises(ValueError, match="partition 2"):
        fastrates.in_parallel([lambda: 1, fails])
