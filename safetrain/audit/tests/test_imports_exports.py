"""Imports and exports are audited, web and command line; the web export is masked, the command
line's keeps full ID numbers (DESIGN §5: import → export → import changes nothing)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from safetrain.audit.models import AuditEvent
from safetrain.core.testing import new_id_number
from safetrain.people.tests.factories import make_enterprise, make_user
from safetrain.workbook.tests.helpers import person_row, xlsx

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode() for n in z.namelist())


def test_web_import_and_export_are_audited_and_the_export_is_masked(client, tmp_path):
    ent = make_enterprise(region="140502")
    admin = make_user("enterprise_admin", enterprise=ent)
    client.force_login(admin)
    number = new_id_number()
    rows = [person_row(number, "审计甲", ent.credit_code, phone="13700001111")]
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    bad = xlsx({"人员": [*rows, person_row(wrong, "审计乙", ent.credit_code)]})
    assert (
        client.post("/workbook/", {"file": SimpleUploadedFile("bad.xlsx", bad)}).status_code == 400
    )
    ok = client.post("/workbook/", {"file": SimpleUploadedFile("ok.xlsx", xlsx({"人员": rows}))})
    assert ok.status_code == 200
    failed, done = AuditEvent.objects.filter(event="import").order_by("id")
    assert (failed.result, failed.object_repr, failed.user) == ("failure", "bad.xlsx", admin)
    assert "1 errors, nothing written" in failed.detail
    assert (done.result, done.object_repr) == ("success", "ok.xlsx") and "人员 1" in done.detail

    web = client.get("/workbook/export.xlsx")
    text = _text(web.content)
    assert number not in text and number[:6] + "********" + number[-4:] in text
    assert "13700001111" not in text and "137****1111" in text
    assert AuditEvent.objects.get(event="export").user == admin

    out = tmp_path / "full.xlsx"
    call_command("export", str(out), "--enterprise", ent.credit_code, stdout=io.StringIO())
    full = _text(out.read_bytes())
    assert number in full and "13700001111" in full
    cli = AuditEvent.objects.filter(event="export", user=None).get()
    assert "command line, full ID numbers" in cli.detail and ent.credit_code in cli.detail
    call_command("import", str(out), stdout=io.StringIO())
    cli_import = AuditEvent.objects.filter(event="import", user=None).get()
    assert cli_import.result == "success" and "command line" in cli_import.detail
