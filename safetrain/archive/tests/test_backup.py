"""backup → restore round trip: every table's row count and the chain head come back."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safetrain.archive import chain
from safetrain.archive.backup import table_counts
from safetrain.people.tests.factories import make_employment
from safetrain.records.services import training_record_add


def _can_back_up() -> bool:
    if connection.vendor == "sqlite":
        return True
    return connection.vendor == "postgresql" and shutil.which("pg_dump") is not None


@pytest.mark.django_db(transaction=True)
def test_backup_restore_round_trip(tmp_path):
    if not _can_back_up():
        pytest.skip("PostgreSQL without pg_dump on PATH")
    from safetrain.catalog.services import catalog_load

    catalog_load()  # a transactional test may start from a flushed database
    emp = make_employment()
    for day in range(1, 4):
        training_record_add(
            actor=None,
            person=emp.person,
            date=dt.date(2024, 1, day),
            hours="4",
            kind="special",
            enterprise=emp.enterprise,
            title="专题",
        )
    before, head = table_counts(), chain.head()
    assert head[0] == 5 and before["records_trainingrecord"] == 3
    path = tmp_path / "safetrain.backup"
    call_command("backup", str(path))
    assert path.stat().st_size > 0

    # a database with data is not overwritten without --force
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(path))

    call_command("flush", interactive=False, verbosity=0)
    assert table_counts()["archive_logentry"] == 0 and chain.head()[0] == 0
    call_command("restore", str(path))
    assert table_counts() == before
    assert chain.head() == head
    assert chain.verify(records=True).ok

    # --force overwrites a database holding data (here: one more record than the backup)
    training_record_add(
        actor=None,
        person=emp.person,
        date=dt.date(2024, 2, 1),
        hours="1",
        kind="special",
        enterprise=emp.enterprise,
        title="多出来的",
    )
    assert chain.head()[0] == 6
    call_command("restore", str(path), "--force")
    assert table_counts() == before and chain.head() == head


def test_restore_names_a_missing_file(tmp_path, db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "nope.backup"))


def test_backup_inside_a_transaction_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="inside a transaction"):
        call_command("backup", str(tmp_path / "x.backup"))
