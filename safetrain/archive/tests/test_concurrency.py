"""Concurrent appends on PostgreSQL: the head row lock keeps one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from safetrain.archive import chain
from safetrain.archive.models import LogEntry


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself (and the test database is in memory)")
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    chain.log_append_many(
                        [("test.added", f"w{n}:{i}:{j}", {"j": j}) for j in range(3)]
                    )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert LogEntry.objects.count() == 120
    report = chain.verify()
    assert report.ok and report.entries == 120 and report.head_seq == 120
