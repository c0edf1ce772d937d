"""`safetrain import` and `safetrain export`: exit codes, stdout/stderr format, nothing written."""

import contextlib
import io
from unittest import mock

import pytest
from django.core.management import load_command_class
from openpyxl import load_workbook

from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person
from safetrain.people.tests.factories import make_employment, make_enterprise
from safetrain.workbook.tests.helpers import enterprise_row, person_row, xlsx

pytestmark = pytest.mark.django_db


def cli(*argv):
    """Run like the console script; returns (exit code, stdout, stderr)."""
    name = argv[0]
    out, err = io.StringIO(), io.StringIO()
    command = load_command_class("safetrain.workbook", name)
    command.stdout._out = out  # OutputWrapper targets
    command.stderr._out = err
    try:
        # run_from_argv closes the database connections when done: keep the test's open
        with (
            contextlib.redirect_stderr(err),  # argparse's usage errors
            mock.patch("django.core.management.base.connections.close_all"),
        ):
            command.run_from_argv(["safetrain", *argv])
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, data, name="in.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_import_ok_prints_counts(tmp_path, ids, code):
    c = code()
    path = write(
        tmp_path,
        xlsx(
            {
                "企业": [enterprise_row(c, "甲煤业")],
                "人员": [person_row(ids(), "张三", c)],
                "备注": [],
            }
        ),
    )
    status, out, err = cli("import", path)
    assert status == 0
    assert out.splitlines() == ["企业: 读取 1 行，写入 1 行", "人员: 读取 1 行，写入 1 行"]
    assert err.splitlines() == ["警告：工作表“备注”不是可导入的表，已忽略"]
    assert Person.objects.filter(name="张三").exists()


def test_import_errors_exit_one_and_write_nothing(tmp_path, ids, code):
    c = code()
    path = write(
        tmp_path,
        xlsx(
            {
                "企业": [enterprise_row(c, "甲煤业")],
                "人员": [
                    person_row(ids(), "张三", c),
                    person_row(ids(), "李四", "91140502MA00000001", start="2023-1-1"),
                ],
            }
        ),
    )
    status, out, err = cli("import", path)
    assert status == 1
    assert out == ""
    lines = err.splitlines()
    assert (
        lines[0]
        == "人员, 3, 统一社会信用代码: 未找到统一社会信用代码为 91140502MA00000001 的企业（系统中和“企业”表中都没有）"
    )
    assert lines[1] == "人员, 3, 入职日期: “2023-1-1” 不是 YYYY-MM-DD 格式的日期"
    assert lines[2] == "共 2 处错误，未写入任何数据"
    assert Enterprise.objects.count() == 0 and Person.objects.count() == 0


def test_import_dry_run(tmp_path, ids, code):
    c = code()
    path = write(tmp_path, xlsx({"企业": [enterprise_row(c, "甲煤业")]}))
    status, out, _ = cli("import", path, "--dry-run")
    assert status == 0
    assert out.splitlines() == ["试运行：检查通过，未写入任何数据", "企业: 读取 1 行，将写入 1 行"]
    assert Enterprise.objects.count() == 0


def test_import_refuses_a_non_xlsx_and_a_missing_file(tmp_path):
    path = write(tmp_path, b"hello", "roster.xlsx")
    status, _, err = cli("import", path)
    assert status == 1 and "文件不是 Excel 工作簿（.xlsx）" in err
    status, _, err = cli("import", str(tmp_path / "nope.xlsx"))
    assert status == 1 and "文件不存在" in err
    status, _, _ = cli("import")  # usage error: 1, not argparse's 2
    assert status == 1


def test_export_all_sheets_and_narrowed(tmp_path):
    a = make_enterprise(region="140502")
    b = make_enterprise(region="140581")
    make_employment(enterprise=a)
    make_employment(enterprise=b)
    out_path = tmp_path / "out.xlsx"
    status, out, _ = cli("export", str(out_path))
    from safetrain.workbook.registry import registry

    assert status == 0 and f"已导出 {len(registry.names())} 张表" in out
    book = load_workbook(out_path)
    assert book.sheetnames[:4] == ["企业", "人员", "岗位变动", "离岗"]
    assert len(list(book["人员"].iter_rows())) == 3
    status, _, _ = cli(
        "export", str(out_path), "--sheet", "人员", "--sheet", "企业", "--region", "140581"
    )
    assert status == 0
    book = load_workbook(out_path)
    assert book.sheetnames == ["企业", "人员"]
    assert [r[3] for r in book["人员"].iter_rows(min_row=2, values_only=True)] == [b.credit_code]
    status, _, _ = cli("export", str(out_path), "--enterprise", a.credit_code.lower())
    assert status == 0
    assert [
        r[0] for r in load_workbook(out_path)["企业"].iter_rows(min_row=2, values_only=True)
    ] == [a.credit_code]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--sheet", "工资"], "未知的工作表：工资"),
        (["--region", "999999"], "未知的行政区划代码：999999"),
        (
            ["--enterprise", "91140502MA00000001"],
            "未找到统一社会信用代码为 91140502MA00000001 的企业",
        ),
        (["--region", "140502", "--enterprise", "X"], "not allowed with argument"),
    ],
)
def test_export_bad_arguments_exit_one(tmp_path, args, message):
    status, _, err = cli("export", str(tmp_path / "o.xlsx"), *args)
    assert status == 1
    assert message in err
    assert not (tmp_path / "o.xlsx").exists()
