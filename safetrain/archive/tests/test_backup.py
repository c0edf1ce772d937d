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


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_no_plaintext_id_number_or_phone(tmp_path):
    """Issue 9: a grep of a backup for any valid plaintext ID number finds none (the numbers are
    stored encrypted; the file is searched as written, or as SQL text for a pg_dump archive)."""
    if not _can_back_up():
        pytest.skip("PostgreSQL without pg_dump on PATH")
    import subprocess

    from safetrain.catalog.services import catalog_load
    from safetrain.people.services import person_id_number, person_phone
    from safetrain.people.tests.factories import make_person

    catalog_load()
    persons = [make_person(phone=f"1380000{i:04d}") for i in range(4)]
    for person in persons:
        emp = make_employment(person=person)
        training_record_add(
            actor=None,
            person=person,
            date=dt.date(2024, 3, 1),
            hours="2",
            kind="special",
            enterprise=emp.enterprise,
            title="专题",
        )
    path = tmp_path / "safetrain.backup"
    call_command("backup", str(path))
    data = path.read_bytes()
    if connection.vendor == "postgresql":  # a custom-format archive is compressed: read its SQL
        data = subprocess.run(
            ["pg_restore", "-f", "-", str(path)], capture_output=True, check=True
        ).stdout
    # the search does find what is stored in clear (the masked number)
    assert persons[0].id_number_masked.encode() in data
    for person in persons:
        assert person_id_number(person).encode() not in data
        assert person_phone(person) and person_phone(person).encode() not in data
