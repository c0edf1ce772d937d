"""The 培训签到 sheet: every row error named, nothing written on any error; write; export; round trip."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from safetrain.classes import services
from safetrain.classes.models import Participant
from safetrain.classes.sheets import AttendanceSheet
from safetrain.classes.tests.factories import make_session
from safetrain.core.dates import SHANGHAI
from safetrain.core.testing import new_id_number
from safetrain.people.services import person_id_number
from safetrain.records.models import TrainingRecord
from safetrain.workbook.engine import export_workbook, import_workbook
from safetrain.workbook.registry import ExportScope, registry

pytestmark = pytest.mark.django_db


def book(rows: list[list[str]]) -> io.BytesIO:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "培训签到"
    ws.append(AttendanceSheet.headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def fmt(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def past(world):
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=6)
    s = make_session(actor=world["admin_a"], starts_at=start)
    services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"], world["pa2"]])
    return s


def test_registered_with_its_headers():
    handler = registry.get("培训签到")
    assert isinstance(handler, AttendanceSheet)
    assert handler.headers == ["培训班编号", "培训班名称", "身份证号", "姓名", "签到时间"]
    assert handler.optional_headers == ["课堂"]  # old files without it still import


def test_rows_are_imported_as_attendance(world, past):
    pa = world["pa"]
    at = past.starts_at + dt.timedelta(minutes=5)
    result = import_workbook(
        book([[str(past.pk), past.title, person_id_number(pa), pa.name, fmt(at)]]),
        actor=world["admin_a"],
    )
    assert result.ok, result.errors
    p = Participant.objects.get(person=pa)
    assert (p.checked_in_at, p.check_in_method) == (at, "import")


def test_every_bad_row_is_named_and_nothing_is_written(world, past):
    pa, pa2, pb = world["pa"], world["pa2"], world["pb"]
    future = make_session(actor=world["admin_a"], starts_at=timezone.now() + dt.timedelta(days=3))
    other = make_session(actor=world["admin_b"], starts_at=past.starts_at)
    late = fmt(past.ends_at + dt.timedelta(minutes=1))
    rows = [
        [str(past.pk), past.title, person_id_number(pa), pa.name, ""],  # 2: good
        ["999999", "", person_id_number(pa), "", ""],  # 3
        [str(past.pk), "别的培训", person_id_number(pa2), "", ""],  # 4
        [str(past.pk), "", "140502199001011234", "", ""],  # 5: bad check digit
        [str(past.pk), "", new_id_number(), "", ""],  # 6: unknown person
        [str(past.pk), "", person_id_number(pa2), "王五", ""],  # 7: wrong name
        [str(past.pk), "", person_id_number(pb), "", ""],  # 8: not on roster
        [str(past.pk), "", person_id_number(pa2), "", late],  # 9: after the end
        [str(past.pk), "", person_id_number(pa2), "", "昨天上午"],  # 10
        [str(future.pk), "", person_id_number(pa2), "", ""],  # 11: not begun
        [str(other.pk), "", person_id_number(pb), "", ""],  # 12: another enterprise's session
        [str(past.pk), "", person_id_number(pa), "", ""],  # 13: duplicate of row 2
    ]
    result = import_workbook(book(rows), actor=world["admin_a"])
    assert not result.ok
    got = [(e.row, e.column) for e in result.errors]
    assert got == [
        (3, "培训班编号"),
        (4, "培训班名称"),
        (5, "身份证号"),
        (6, "身份证号"),
        (7, "姓名"),
        (8, "身份证号"),
        (9, "签到时间"),
        (10, "签到时间"),
        (11, "培训班编号"),
        (12, "培训班编号"),
        (13, "身份证号"),
    ]
    messages = {e.row: e.message for e in result.errors}
    assert "不存在" in messages[3]
    assert "不在培训班" in messages[8] and "名单" in messages[8]
    assert "签到时间须在" in messages[9]
    assert "尚未开始" in messages[11]
    assert "不是您的单位组织的" in messages[12]
    assert "与第 2 行重复" in messages[13]
    assert not Participant.objects.filter(checked_in_at__isnull=False).exists()


def test_import_into_a_completed_session_writes_the_late_records(world, past):
    services.attendance_mark(actor=world["admin_a"], session=past, persons=[world["pa"]])
    services.session_complete(actor=world["admin_a"], session=past)
    assert TrainingRecord.objects.count() == 1
    pa2 = world["pa2"]
    result = import_workbook(
        book([[str(past.pk), "", person_id_number(pa2), "", ""]]), actor=world["admin_a"]
    )
    assert result.ok, result.errors
    assert TrainingRecord.objects.filter(person=pa2, channel="offline").count() == 1


def test_export_then_import_changes_nothing(world, past):
    services.attendance_mark(actor=world["admin_a"], session=past, persons=[world["pa"]])
    rows = list(registry.get("培训签到").export_rows(ExportScope(viewer=world["admin_a"])))
    assert rows == [
        [
            str(past.pk),
            past.title,
            person_id_number(world["pa"]),
            world["pa"].name,
            fmt(Participant.objects.get(person=world["pa"]).checked_in_at),
            "",  # 课堂: a session without classrooms
        ]
    ]
    assert list(registry.get("培训签到").export_rows(ExportScope(viewer=world["admin_c"]))) == []
    before = list(Participant.objects.values_list("person_id", "checked_in_at", "check_in_method"))
    data = export_workbook(ExportScope(viewer=world["admin_a"]), sheets=["培训签到"])
    result = import_workbook(io.BytesIO(data), actor=world["admin_a"])
    assert result.ok, result.errors
    after = list(Participant.objects.values_list("person_id", "checked_in_at", "check_in_method"))
    assert before == after
