"""No valid plaintext ID number of any person in the database, the logs, an error page or a
workbook downloaded from the web (the CLI export is the documented exception: it is full).

The small Jincheng demo (people, employments, training, exams, study, classes …) is loaded, then
a workbook is imported through the web page (a bad file first: a wrong check digit beside a real
number), people sign in with their ID number (and fail), an admin unmasks a person and downloads
the export. Everything stored is then searched for every person's plaintext ID number.
"""

import io
import logging
import sqlite3
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from safetrain.audit.models import AuditEvent
from safetrain.core.testing import new_id_number
from safetrain.demo.tests.helpers import load_small
from safetrain.people.models import Person
from safetrain.people.services import person_id_number, person_phone
from safetrain.people.tests.factories import make_enterprise, make_user
from safetrain.workbook.tests.helpers import person_row, xlsx

pytestmark = pytest.mark.django_db(transaction=False)


def _database_bytes(tmp_path) -> bytes:
    """SQLite: the database file itself; another engine: every column of every table as text."""
    if connection.vendor == "sqlite":
        # the file image of the test database, open transaction included (sqlite3_serialize)
        connection.ensure_connection()
        image = connection.connection.serialize()
        (tmp_path / "copy.sqlite3").write_bytes(image)
        check = sqlite3.connect(tmp_path / "copy.sqlite3")
        assert check.execute("SELECT count(*) FROM people_person").fetchone()[0] > 50
        check.close()
        return image
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks).encode()


def _xlsx_text(data: bytes) -> bytes:
    """The xml inside an .xlsx (the zip would hide a plaintext from a byte search)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return b"\n".join(z.read(name) for name in z.namelist())


def test_no_plaintext_id_number_in_database_logs_pages_or_web_export(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    load_small()
    ent = make_enterprise(region="140502", name="审计测试煤矿")
    admin = make_user("county_admin", region="140502")
    web = Client()
    web.force_login(admin)
    fresh = [new_id_number() for _ in range(3)]
    wrong = fresh[0][:17] + ("0" if fresh[0][17] != "0" else "1")
    rows = [
        person_row(n, f"审计{i}", ent.credit_code, phone=f"1390000{i:04d}")
        for i, n in enumerate(fresh)
    ]
    bad = web.post(
        "/workbook/",
        {
            "file": SimpleUploadedFile(
                "bad.xlsx", xlsx({"人员": [*rows, person_row(wrong, "错号", ent.credit_code)]})
            )
        },
    )
    assert bad.status_code == 400 and "校验码错误" in bad.content.decode()
    pages = [bad.content]
    good = web.post("/workbook/", {"file": SimpleUploadedFile("good.xlsx", xlsx({"人员": rows}))})
    assert good.status_code == 200
    pages.append(good.content)
    people = list(Person.objects.all())
    assert len(people) > 50
    numbers = {person_id_number(p) for p in people}
    phones = {person_phone(p) for p in people} - {""}
    assert set(fresh) <= numbers
    # sign-ins with an ID number: a failure and a success; a worker's own archive page
    worker = make_user("worker", person=Person.objects.get(name="审计1"))
    Client().post("/login/", {"username": fresh[1], "password": "not-the-password"})
    c = Client()
    assert c.login(username=fresh[1], password="Demo-pass-2024!")
    pages.append(c.get("/me/").content)
    # the unmask page shows one number (that is its purpose) and is not stored anywhere
    shown = web.post(f"/audit/persons/{people[-1].uid}/unmask/", {"reason": "核对证件信息"})
    assert person_id_number(people[-1]).encode() in shown.content
    assert AuditEvent.objects.filter(event="unmask").exists()
    assert AuditEvent.objects.filter(event="sign_in_failed").exists()
    # the web export: masked
    export = web.get("/workbook/export.xlsx")
    assert export.status_code == 200
    sheets = _xlsx_text(export.content)
    assert people[-1].id_number_masked.encode() in sheets
    pages.append(web.get("/persons/").content)

    stored = _database_bytes(tmp_path)
    logs = "\n".join(r.getMessage() for r in caplog.records).encode()
    assert worker.person.id_number_masked.encode() in stored  # the search does find text
    leaks = []
    for number in numbers:
        for where, blob in [("database", stored), ("logs", logs), ("web export", sheets)]:
            if number.encode() in blob:
                leaks.append((where, number[:6]))
        if any(number.encode() in page for page in pages):
            leaks.append(("page", number[:6]))
    for phone in phones:
        if phone.encode() in sheets:
            leaks.append(("web export phone", phone[:3]))
    assert not leaks, leaks
    assert wrong.encode() not in pages[0]  # the invalid number is not echoed whole either
