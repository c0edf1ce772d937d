"""The participation report (参训率) of a session as an .xlsx: by classroom, by enterprise,
and the absent by name (masked ID number)."""

from __future__ import annotations

from io import BytesIO

from safetrain.classes.selectors import AttendanceReport, Tally
from safetrain.classes.services import _fmt

RATE_HEADERS = ["应到", "实到", "缺勤", "参训率"]


def _rate_row(t: Tally) -> list[object]:
    return [t.expected, t.attended, t.absent, t.percent]


def report_workbook(report: AttendanceReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    session = report.session
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "按课堂"
    ws.append(["课堂", "类型", "所在县（市、区）", *RATE_HEADERS])
    for t in report.venues:
        kind = "主课堂" if t.is_main else "分课堂"
        ws.append([t.label, kind, t.region, *_rate_row(t)])
    ws.append(["合计", "", "", *_rate_row(report.total)])
    ents = wb.create_sheet("按企业")
    ents.append(["企业", *RATE_HEADERS])
    for t in report.enterprises:
        ents.append([t.label, *_rate_row(t)])
    ents.append(["合计", *_rate_row(report.total)])
    absent = wb.create_sheet("缺勤名单")
    absent.append(["序号", "姓名", "身份证号", "企业", "课堂"])
    for n, a in enumerate(report.absent, start=1):
        absent.append([n, a.name, a.id_number_masked, a.enterprise, a.venue])
    info = wb.create_sheet("说明")
    info.append(["培训班编号", session.pk])
    info.append(["培训班名称", session.title])
    info.append(["培训时间", f"{_fmt(session.starts_at)} 至 {_fmt(session.ends_at)}"])
    info.append(["参训率", "实到 / 应到（名单人数），目标 100%"])
    for sheet in (ws, ents, absent):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for col in "ABCDEFG":
            sheet.column_dimensions[col].width = 20
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
