"""The engine: file refusals, headers, cells, all or nothing, dry runs, warnings, templates."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Employment, Person
from safetrain.records.models import TrainingRecord
from safetrain.workbook.engine import (
    WorkbookRefused,
    cell_text,
    export_workbook,
    import_workbook,
    template_workbook,
)
from safetrain.workbook.registry import ExportScope, registry
from safetrain.workbook.tests.conftest import TODAY
from safetrain.workbook.tests.helpers import enterprise_row, messages, person_row, xlsx

pytestmark = pytest.mark.django_db


def run(data, **kw):
    kw.setdefault("actor", None)
    kw.setdefault("today", TODAY)
    return import_workbook(data, **kw)


# ----------------------------------------------------------------------------- the file


def test_not_an_xlsx_is_refused():
    with pytest.raises(WorkbookRefused, match="不是 Excel 工作簿"):
        run("身份证号,姓名\n140502,张三\n".encode())
    with pytest.raises(WorkbookRefused, match=r"旧版 \.xls"):
        run(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)


def test_a_zip_that_is_not_a_workbook_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with pytest.raises(WorkbookRefused, match="无法作为 Excel 工作簿"):
        run(buf.getvalue())


class Huge(io.BytesIO):
    """An upload that claims 50 MB and fails the test if anyone reads it."""

    size = 50 * 1024 * 1024

    def read(self, *args):
        raise AssertionError("the file was read before its size was checked")


def test_oversize_upload_is_refused_before_parsing(settings):
    with pytest.raises(WorkbookRefused, match="文件过大（50 MB）"):
        run(Huge(b"PK\x03\x04"))
    settings.SAFETRAIN_MAX_UPLOAD_BYTES = 1000
    data = xlsx({"人员": []})
    assert len(data) > 1000
    with pytest.raises(WorkbookRefused, match="文件过大"):
        run(data)
    assert Person.objects.count() == 0


def test_missing_and_misspelled_headers(code):
    c = code()
    headers = registry.get("人员").headers.copy()
    headers[1] = "名字"  # misspelled 姓名
    headers.remove("部门")  # missing
    data = xlsx({"人员": [["x"] * len(headers)]}, headers={"人员": headers})
    result = run(data)
    out = messages(result)
    assert any(m.startswith("人员, 1, 名字: 未知的列“名字”（应为：身份证号、姓名") for m in out)
    assert any(m.startswith("人员, 1, 姓名: 缺少列“姓名”") for m in out)
    assert any(m.startswith("人员, 1, 部门: 缺少列“部门”") for m in out)
    assert not result.ok
    # 企业 with the right headers in the same file is not written either
    data = xlsx(
        {"企业": [enterprise_row(c, "甲煤业")], "人员": [["x"] * len(headers)]},
        headers={"人员": headers},
    )
    assert not run(data).ok
    assert not Enterprise.objects.filter(credit_code=c).exists()


def test_optional_header_may_be_absent(ids, code):
    c = code()
    headers = registry.get("人员").headers
    row = person_row(ids(), "张三", c)[: len(headers)]
    result = run(
        xlsx({"企业": [enterprise_row(c, "甲煤业")], "人员": [row]}, headers={"人员": headers})
    )
    assert result.ok, messages(result)
    assert Employment.objects.get().employment_form == "contract"


def test_cells_dates_and_numbers_become_text(ids, code):
    assert cell_text(13800138000.0) == "13800138000"
    assert cell_text(8.0) == "8"
    assert cell_text(8.5) == "8.5"
    assert cell_text(dt.datetime(2023, 5, 4)) == "2023-05-04"
    assert cell_text(dt.date(2023, 5, 4)) == "2023-05-04"
    assert cell_text(None) == ""
    assert cell_text("  a ") == "a"
    # typed by a person in Excel: a numeric phone, a real date cell, blank rows in between
    c = code()
    book = Workbook()
    book.remove(book.active)
    ent = book.create_sheet("企业")
    ent.append(registry.get("企业").all_headers)
    ent.append(enterprise_row(c, "甲煤业"))
    sheet = book.create_sheet("人员")
    sheet.append(registry.get("人员").all_headers)
    sheet.append([])
    number = ids()
    sheet.append(
        [number, "张三", 13800138000, c, "一线操作人员", "采煤机司机", "", dt.datetime(2023, 5, 4)]
    )
    sheet.append([None, None, None])
    sheet.append([ids(), "李四", None, c, "一线操作人员", "采煤机司机", "", "2023/05/04"])
    buf = io.BytesIO()
    book.save(buf)
    result = run(buf.getvalue())
    assert messages(result) == ["人员, 5, 入职日期: “2023/05/04” 不是有效日期（YYYY-MM-DD）"]


def test_unknown_sheets_are_ignored_with_a_warning(ids, code):
    c = code()
    result = run(xlsx({"企业": [enterprise_row(c, "甲煤业")], "说明": [["随便写"]]}))
    assert result.ok
    assert result.warnings == ["工作表“说明”不是可导入的表，已忽略"]
    assert Enterprise.objects.filter(credit_code=c).exists()


def test_credit_code_check_digit_is_a_warning(code):
    good = code()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    result = run(xlsx({"企业": [enterprise_row(bad, "校验位不符煤业")]}))
    assert result.ok
    assert result.warnings[0].startswith(
        f"企业, 2, 统一社会信用代码: 统一社会信用代码 {bad} 校验位不符"
    )
    assert Enterprise.objects.get(credit_code=bad).credit_code_check_ok is False


# ----------------------------------------------------------------------------- all or nothing


def test_one_bad_row_among_good_ones_writes_nothing(ids, code):
    c = code()
    rows = [person_row(ids(), f"人{i}", c) for i in range(5)]
    rows[3][0] = rows[3][0][:17] + ("0" if rows[3][0][17] != "0" else "1")  # wrong check char
    result = run(xlsx({"企业": [enterprise_row(c, "甲煤业")], "人员": rows}))
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith("人员, 5, 身份证号: 身份证号")
    assert "校验码错误" in str(result.errors[0])
    assert Enterprise.objects.count() == 0
    assert Person.objects.count() == 0
    assert all(c.written == 0 for c in result.counts.values())


def test_a_bad_row_in_a_later_sheet_writes_nothing_in_earlier_ones(ids, code):
    c, number = code(), ids()
    data = xlsx(
        {
            "企业": [enterprise_row(c, "甲煤业")],
            "人员": [person_row(number, "张三", c)],
            "培训记录": [
                [number, c, "2024-01-05", "8", "岗前", "公司级", "入矿教育"],
                [number, c, "2024-01-06", "8", "岗前", "部门级", "车间教育"],
            ],
        }
    )
    result = run(data)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("培训记录", 3, "培训层级")]
    assert (Enterprise.objects.count(), Person.objects.count(), TrainingRecord.objects.count()) == (
        0,
        0,
        0,
    )
    # fixed, the same file imports, and the training refers to the person of the 人员 sheet
    data = xlsx(
        {
            "企业": [enterprise_row(c, "甲煤业")],
            "人员": [person_row(number, "张三", c)],
            "培训记录": [
                [number, c, "2024-01-05", "8", "岗前", "公司级", "入矿教育"],
                [number, c, "2024-01-06", "8", "岗前", "车间级", "车间教育"],
            ],
        }
    )
    result = run(data)
    assert result.ok, messages(result)
    assert {k: v.written for k, v in result.counts.items()} == {"企业": 1, "人员": 1, "培训记录": 2}
    assert TrainingRecord.objects.filter(person__name="张三").count() == 2


def test_errors_are_sorted_by_sheet_order_then_row(ids, code):
    c = code()
    data = xlsx(
        {
            "离岗": [[ids(), c, "2024-01-01", ""]],
            "人员": [person_row("123", "甲", c), person_row(ids(), "", c)],
            "企业": [enterprise_row(c, "甲煤业", region="999999")],
        }
    )
    result = run(data)
    assert [(e.sheet, e.row) for e in result.errors] == [
        ("企业", 2),
        ("人员", 2),
        ("人员", 3),
        ("离岗", 2),
    ]


def test_dry_run_reports_counts_and_writes_nothing(ids, code):
    c = code()
    data = xlsx({"企业": [enterprise_row(c, "甲煤业")], "人员": [person_row(ids(), "张三", c)]})
    result = run(data, dry_run=True)
    assert result.ok and result.dry_run
    assert {k: (v.rows, v.written) for k, v in result.counts.items()} == {
        "企业": (1, 1),
        "人员": (1, 1),
    }
    assert Enterprise.objects.count() == 0 and Person.objects.count() == 0


# ----------------------------------------------------------------------------- export, template


def test_template_is_every_sheet_with_headers_only():
    book = load_workbook(io.BytesIO(template_workbook()))
    assert book.sheetnames == registry.names()
    assert book.sheetnames[:4] == ["企业", "人员", "岗位变动", "离岗"]
    for handler in registry:
        rows = list(book[handler.name].iter_rows(values_only=True))
        assert rows == [tuple(handler.all_headers)]


def test_export_only_requested_sheets_in_registry_order(ids, code):
    c = code()
    run(xlsx({"企业": [enterprise_row(c, "甲煤业")], "人员": [person_row(ids(), "张三", c)]}))
    book = load_workbook(io.BytesIO(export_workbook(ExportScope(), ["人员", "企业"])))
    assert book.sheetnames == ["企业", "人员"]
    rows = list(book["人员"].iter_rows(values_only=True))
    assert rows[0] == tuple(registry.get("人员").all_headers)
    assert rows[1][1] == "张三" and rows[1][7] == "2023-01-01"
    assert isinstance(rows[1][7], str)  # dates are YYYY-MM-DD text
