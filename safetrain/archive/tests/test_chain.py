"""The record log: appends from services and bulk paths, verify, tamper detection, triggers."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from safetrain.archive import chain
from safetrain.archive.models import ChainHead, LogEntry
from safetrain.certificates.services import (
    certificate_issue,
    certificate_review_record,
    certificate_revoke,
)
from safetrain.people.services import leave_record, person_id_number
from safetrain.people.tests.factories import make_employment
from safetrain.records.models import TrainingRecord
from safetrain.records.services import (
    drill_record,
    exam_result_add,
    incident_record,
    record_correct,
    training_record_add,
    violation_record,
)
from safetrain.workbook.engine import import_workbook
from safetrain.workbook.tests.helpers import xlsx

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 3, 1)


def run_verify(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("archive", "verify", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def emp():
    return make_employment(job="瓦斯检查工", start=dt.date(2020, 1, 1))


@pytest.fixture
def filled(emp):
    """One record of every kind through the services."""
    person, ent = emp.person, emp.enterprise
    t = training_record_add(
        actor=None, person=person, date=DAY, hours="8", kind="special", enterprise=ent, title="专题"
    )
    record_correct(actor=None, record=t, hours="6")
    exam_result_add(actor=None, person=person, date=DAY, purpose="continuing", score=90)
    violation_record(actor=None, person=person, enterprise=ent, date=DAY, type="operation")
    incident_record(actor=None, enterprise=ent, date=DAY, type="fatal")
    drill_record(
        actor=None, enterprise=ent, date=DAY, area_type="office", title="演练", participants=20
    )
    cert = certificate_issue(
        actor=None,
        person=person,
        cert_type="special_operation",
        operation_code="5.4",
        number="T1",
        issued_on=dt.date(2022, 1, 1),
    )
    certificate_review_record(actor=None, certificate=cert, passed_on=dt.date(2024, 12, 1))
    certificate_revoke(actor=None, certificate=cert)
    leave_record(actor=None, employment=emp, start_date=dt.date(2023, 1, 1), end_date=None)
    return emp


def kinds() -> list[str]:
    return list(LogEntry.objects.order_by("seq").values_list("kind", flat=True))


def test_services_append_one_entry_per_write_and_verify_passes(filled):
    assert kinds() == [
        "employment.added",
        "post.added",
        "training.added",
        "training.corrected",
        "exam.added",
        "violation.added",
        "incident.added",
        "drill.added",
        "certificate.issued",
        "review.recorded",
        "certificate.reviewed",
        "certificate.revoked",
        "leave.added",
    ]
    code, out, _ = run_verify()
    assert code == 0 and "13 entries" in out
    assert chain.head() == (13, LogEntry.objects.get(seq=13).hash)


def test_entries_are_canonical_chained_and_hold_no_id_number(filled):
    number = person_id_number(filled.person)
    prev = chain.GENESIS
    for entry in LogEntry.objects.order_by("seq"):
        body = json.loads(entry.canonical)
        assert entry.canonical == json.dumps(
            body, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        assert entry.prev_hash == prev
        assert entry.hash == chain.entry_hash(prev, entry.canonical)
        assert number not in entry.canonical
        prev = entry.hash
    training = json.loads(LogEntry.objects.get(kind="training.corrected").canonical)["data"]
    assert training["person"] == str(filled.person.uid)
    assert training["person_masked"] == filled.person.id_number_masked
    assert training["hours"] == "6.0" and training["date"] == "2024-03-01"
    assert training["enterprise"] == filled.enterprise.credit_code
    assert training["supersedes"] == TrainingRecord.objects.get(supersedes__isnull=True).pk


def test_verify_records_flags_a_row_edited_behind_the_log(filled):
    code, out, _ = run_verify("--records")
    assert code == 0 and "differing from the log: 0" in out
    TrainingRecord.objects.filter(supersedes__isnull=False).update(hours="60")
    code, out, err = run_verify("--records")
    assert code == 1
    assert "records.trainingrecord:" in err and "differs from its latest log entry" in err


# ----------------------------------------------------------------------------- tampering


def _unprotected():
    """What someone with the table owner's rights does first: drop the append-only triggers
    (inside the test's transaction, so they come back after)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE archive_logentry DISABLE TRIGGER USER")
        else:
            cur.execute("DROP TRIGGER archive_logentry_no_update")
            cur.execute("DROP TRIGGER archive_logentry_no_delete")


def _tamper(sql: str, params: list) -> None:
    _unprotected()
    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_edited_json_is_named(filled):
    entry = LogEntry.objects.get(seq=3)
    forged = entry.canonical.replace('"hours":"8.0"', '"hours":"80.0"')
    assert forged != entry.canonical
    _tamper("UPDATE archive_logentry SET canonical = %s WHERE seq = 3", [forged])
    code, _, err = run_verify()
    assert code == 1
    assert "entry 3:" in err and "modified" in err


def test_edited_json_with_a_recomputed_hash_breaks_the_next_link(filled):
    entry = LogEntry.objects.get(seq=3)
    forged = entry.canonical.replace('"hours":"8.0"', '"hours":"80.0"')
    _tamper(
        "UPDATE archive_logentry SET canonical = %s, hash = %s WHERE seq = 3",
        [forged, chain.entry_hash(entry.prev_hash, forged)],
    )
    code, _, err = run_verify()
    assert code == 1
    assert "entry 4:" in err and "not the hash of entry 3" in err


def test_deleted_entry_is_named(filled):
    _tamper("DELETE FROM archive_logentry WHERE seq = 5", [])
    code, _, err = run_verify()
    assert code == 1 and "entry 5 is missing" in err


def test_deleted_last_entries_are_named_through_the_head(filled):
    _tamper("DELETE FROM archive_logentry WHERE seq >= 12", [])
    code, _, err = run_verify()
    assert code == 1 and "entries 12–13 are missing" in err


def test_swapped_entries_are_named(filled):
    a, b = LogEntry.objects.get(seq=6), LogEntry.objects.get(seq=7)
    _unprotected()
    for target, src in ((a, b), (b, a)):
        LogEntry.objects.filter(seq=target.seq).update(
            kind=src.kind,
            ref=src.ref,
            prev_hash=src.prev_hash,
            canonical=src.canonical,
            hash=src.hash,
        )
    code, _, err = run_verify()
    assert code == 1 and "entry 6:" in err and "reordered" in err


def test_edited_hash_is_named(filled):
    _tamper("UPDATE archive_logentry SET hash = %s WHERE seq = 9", ["f" * 64])
    code, _, err = run_verify()
    assert code == 1 and "entry 9:" in err and "hash does not match" in err


def test_verify_rows_is_pure_and_accepts_the_empty_log():
    assert chain.verify_rows([], None) == (0, chain.GENESIS, None)
    assert chain.verify_rows([], (0, chain.GENESIS))[2] is None
    problem = chain.verify_rows([], (2, "a" * 64))[2]
    assert problem is not None and problem.seq == 1


# ----------------------------------------------------------------------------- protection


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE archive_logentry SET kind = 'x'",
        "DELETE FROM archive_logentry",
        "TRUNCATE archive_logentry",
    ],
)
def test_the_database_refuses_to_change_the_log(filled, sql):
    if sql.startswith("TRUNCATE") and connection.vendor == "sqlite":
        sql = "DELETE FROM archive_logentry WHERE 1"  # SQLite has no TRUNCATE
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(sql)
    assert LogEntry.objects.count() == 13


def test_maintenance_allows_delete_but_never_update(filled):
    with chain.log_maintenance():
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            LogEntry.objects.filter(seq=1).update(kind="x")
        with transaction.atomic():
            LogEntry.objects.all().delete()
            ChainHead.objects.all().delete()
    assert LogEntry.objects.count() == 0
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        chain.log_append_many([("test.added", "x:1", {})])
        LogEntry.objects.all().delete()


def test_appends_after_a_lost_head_row_continue_the_chain(filled):
    ChainHead.objects.all().delete()
    chain.log_append_many([("test.added", "x:1", {"n": 1})])
    assert LogEntry.objects.order_by("-seq").first().seq == 14
    assert run_verify()[0] == 0


# ----------------------------------------------------------------------------- bulk paths


def test_bulk_import_appends_one_entry_per_record(emp):
    number, code = person_id_number(emp.person), emp.enterprise.credit_code
    before = LogEntry.objects.count()
    rows = [[number, code, f"2024-02-{d:02d}", "2", "专题", "", f"课{d}"] for d in range(1, 21)]
    exams = [[number, code, "2024-02-01", "年度", "85", ""]]
    result = import_workbook(
        xlsx({"培训记录": rows, "考试记录": exams, "离岗": [[number, code, "2023-05-01", ""]]}),
        actor=None,
        today=dt.date(2024, 6, 30),
    )
    assert not result.errors
    new = list(LogEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.kind for e in new] == ["leave.added"] + ["training.added"] * 20 + ["exam.added"]
    refs = {e.ref for e in new if e.kind == "training.added"}
    assert refs == {
        f"records.trainingrecord:{pk}"
        for pk in TrainingRecord.objects.filter(source="import").values_list("pk", flat=True)
    }
    code_, _, _ = run_verify("--records")
    assert code_ == 0


def test_people_import_logs_employments_and_posts(emp):
    from safetrain.workbook.tests.helpers import person_row

    code = emp.enterprise.credit_code
    from safetrain.core.testing import new_id_number

    numbers = [new_id_number() for _ in range(5)]
    before = LogEntry.objects.count()
    result = import_workbook(
        xlsx({"人员": [person_row(n, f"李{i}", code) for i, n in enumerate(numbers)]}),
        actor=None,
        today=dt.date(2024, 6, 30),
    )
    assert not result.errors
    new = LogEntry.objects.filter(seq__gt=before)
    assert (
        sorted(new.values_list("kind", flat=True)) == ["employment.added"] * 5 + ["post.added"] * 5
    )
    for entry in new:
        assert not any(n in entry.canonical for n in numbers)
    assert run_verify("--records")[0] == 0


def test_people_import_entries_equal_the_rows_read_back(emp):
    """The 人员 import builds its entries from the values it inserted (workbook.bulk): each one
    must hold exactly what the rows read back from the database give (chain.items_for_rows
    over chain.rows_qs, the former read-back), byte for byte in the canonical JSON."""
    from safetrain.core.testing import new_id_number
    from safetrain.people.models import Employment, Post
    from safetrain.people.tests.factories import make_user
    from safetrain.workbook.tests.helpers import person_row

    code = emp.enterprise.credit_code
    stored = person_id_number(emp.person)  # a stored person: a second employment, refs fetched
    rows = [
        person_row(new_id_number(), "李一", code, phone="13800138000", op="5.4", dept="综采/一班"),
        person_row(
            new_id_number(), "李二", code, post="文员", role="安全生产管理人员", end="2024-01-31"
        ),
        person_row(
            stored, emp.person.name, code, start="2010-01-01", end="2012-12-31", form="劳务派遣"
        ),
        person_row(new_id_number(), "李三", code, post="瓦斯检查工", op="无"),
    ]
    before = LogEntry.objects.count()
    actor = make_user("city_admin")
    result = import_workbook(xlsx({"人员": rows}), actor=actor, today=dt.date(2024, 6, 30))
    assert not result.errors, result.errors
    new = list(LogEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.kind for e in new] == ["employment.added"] * 4 + ["post.added"] * 4
    for label, model in (("people.employment", Employment), ("people.post", Post)):
        pks = model.objects.filter(source="import").order_by("pk").values_list("pk", flat=True)
        read_back = chain.items_for_rows(
            label, list(chain.rows_qs(label).filter(pk__in=pks)), "added"
        )
        logged = [e for e in new if e.ref.startswith(f"{label}:")]
        assert [(e.kind, e.ref) for e in logged] == [item[:2] for item in read_back]
        for entry, (kind, ref, data) in zip(logged, read_back, strict=True):
            at = json.loads(entry.canonical)["at"]
            whole = {"seq": entry.seq, "kind": kind, "ref": ref, "at": at, "data": data}
            assert entry.canonical == chain.canonical_json(whole)
            assert data["created_by"] == actor.pk and data["source"] == "import"
    posts = [json.loads(e.canonical)["data"] for e in new if e.kind == "post.added"]
    assert {p["operation"] for p in posts} >= {"5.4", None}
    assert any(p["org_unit"] for p in posts) and any(p["org_unit"] is None for p in posts)
    assert run_verify("--records")[0] == 0


def test_entry_text_is_the_canonical_json():
    """log_append_many puts an entry's text together from the JSON of its parts: it must be
    canonical_json() of the whole entry, whatever the data hold."""
    items = [
        ("test.added", "x:1", {}),
        ("test.changed", 'q"uote\\:2', {"b": 1, "a": [1, 2.5, None], "c": {"z": True, "y": "é"}}),
        ("测试.新增", "x:\u2028", {"text": '换行\n\t"引号"', "n": -0.1, "big": 10**20}),
    ]
    chain.log_append_many(items)
    entries = list(LogEntry.objects.order_by("-seq")[:3])[::-1]
    for entry, (kind, ref, data) in zip(entries, items, strict=True):
        body = json.loads(entry.canonical)
        whole = {"seq": entry.seq, "kind": kind, "ref": ref, "at": body["at"], "data": data}
        assert entry.canonical == chain.canonical_json(whole)
        assert (entry.kind, entry.ref) == (kind, ref)
    assert chain.verify().ok


def test_items_for_values_equal_items_for_rows(filled):
    """Built from values in hand (decimals, booleans, dates, enterprises, persons) or from the
    rows read back: the same items, for every logged model that has rows."""
    with_constants = 0
    for label in chain.SPECS:
        rows = list(chain.current_rows(label))
        if not rows:
            continue
        columns = [c for c in rows[0] if not c.startswith("_")]
        plain = [{c: r[c] for c in columns} for r in rows]  # without the joined references
        expected = chain.items_for_rows(label, plain, "x")
        ids = [r["id"] for r in rows]
        values = [tuple(r[c] for c in columns) for r in rows]
        got = list(chain.items_for_values(label, ids, columns, values, "x"))
        assert got == expected, label
        # the attribution given as constants of the insert, the rest per row
        if len({(r["source"], r["created_by_id"]) for r in rows}) == 1:
            attribution = {"source": rows[0]["source"], "created_by_id": rows[0]["created_by_id"]}
            own = [c for c in columns if c not in attribution]
            own_values = [tuple(r[c] for c in own) for r in rows]
            shared = chain.items_for_values(label, ids, own, own_values, "x", None, attribution)
            assert list(shared) == expected, label
            with_constants += 1
        assert [chain.canonical_json(i[2]) for i in got] == [
            chain.canonical_json(i[2]) for i in chain.items_for_rows(label, rows, "x")
        ]
    assert with_constants >= 5


def test_seed_loader_logs_every_record():
    from safetrain.scale.load import seed_city

    result = seed_city(persons=40, seed=3, today=dt.date(2025, 6, 30))
    logged = sum(
        n for table, n in result.counts.items() if table not in ("enterprise", "orgunit", "person")
    )
    assert logged > 40
    assert LogEntry.objects.count() == logged
    code, out, err = run_verify("--records")
    assert code == 0, err


@pytest.mark.django_db(transaction=True)  # the online backup needs no open transaction
def test_tampering_with_a_copy_of_the_database_file(tmp_path):
    """The attack verify is for: someone edits a copy of the SQLite file with the sqlite3
    tool (dropping the triggers first). The copy's chain no longer verifies."""
    import sqlite3

    if connection.vendor != "sqlite":
        pytest.skip("a file copy is an SQLite matter (PostgreSQL: the tests above)")
    chain.log_append_many([("test.added", f"x:{i}", {"i": i}) for i in range(10)])
    copy = tmp_path / "copy.sqlite3"
    target = sqlite3.connect(copy)
    connection.ensure_connection()
    connection.connection.backup(target)
    rows = "SELECT seq, kind, ref, prev_hash, canonical, hash FROM archive_logentry ORDER BY seq"
    head = target.execute("SELECT seq, hash FROM archive_chainhead").fetchone()
    assert chain.verify_rows(target.execute(rows), head)[2] is None
    target.execute("DROP TRIGGER archive_logentry_no_delete")
    target.execute("DELETE FROM archive_logentry WHERE seq = 7")
    target.commit()
    problem = chain.verify_rows(target.execute(rows), head)[2]
    target.close()
    assert problem is not None and problem.seq == 7 and "missing" in problem.what


def test_backfill_logs_records_written_before_the_log(filled):
    with chain.log_maintenance(), transaction.atomic():
        LogEntry.objects.all().delete()
        ChainHead.objects.all().delete()
    code, _, err = run_verify("--records")
    assert code == 1 and "no log entry" in err
    call_command("archive", "backfill", stdout=io.StringIO())
    assert all(k.endswith(".backfilled") for k in kinds())
    assert run_verify("--records")[0] == 0
    before = LogEntry.objects.count()
    call_command("archive", "backfill", stdout=io.StringIO())
    assert LogEntry.objects.count() == before
