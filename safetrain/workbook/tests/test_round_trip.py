"""Import → export → import changes nothing, with every sheet in one file; and jurisdiction."""

import datetime as dt
import io

import pytest
from django.apps import apps
from openpyxl import load_workbook

from safetrain.certificates.models import Certificate
from safetrain.people.models import Employment, Person, Post
from safetrain.people.services import PostSpec, leave_record, person_id_number, post_change
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord, Violation
from safetrain.workbook.engine import export_workbook, import_workbook
from safetrain.workbook.registry import ExportScope, registry
from safetrain.workbook.tests.conftest import TODAY
from safetrain.workbook.tests.helpers import enterprise_row, messages, person_row, xlsx

pytestmark = pytest.mark.django_db


def dump():
    """Every row of every table (ordered), to compare before and after."""
    out = {}
    for model in apps.get_models():
        if model._meta.label in ("sessions.Session",):
            continue
        out[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return out


def full_file(ids, code):
    c1, c2, c3 = code("140502"), code("140502"), code("140581")
    a, b, m = ids(), ids(), ids()
    return xlsx(
        {
            "企业": [
                enterprise_row(c1, "凤凰山煤业", "140502", "煤矿", "矿井,办公,生活"),
                enterprise_row(c2, "天泽化工", "140502", "危险化学品", "生产,办公"),
                enterprise_row(c3, "兴盛冶炼", "140581", "金属冶炼", "生产"),
            ],
            "人员": [
                person_row(
                    a,
                    "王建国",
                    c1,
                    phone="13912345678",
                    post="瓦斯检查工",
                    start="2019-04-01",
                    dept="通风科/一班",
                ),
                person_row(
                    b,
                    "李安全",
                    c2,
                    role="安全生产管理人员",
                    post="安全员",
                    op="无",
                    start="2018-01-01",
                    end="2022-12-31",
                    form="劳务派遣",
                ),
                person_row(
                    b,
                    "李安全",
                    c3,
                    role="分管负责人",
                    post="安全副总",
                    start="2023-01-01",
                    dept="安全科",
                ),
                person_row(m, "赵矿长", c1, role="主要负责人", post="矿长", start="2020-05-01"),
            ],
            "岗位变动": [
                [a, c1, "2023-06-01", "井下电钳工", ""],
                [b, c3, "2024-02-01", "安全总监", "无"],
            ],
            "离岗": [[a, c1, "2022-03-01", "2022-07-15"], [a, c1, "2024-05-01", ""]],
            "证书": [
                [
                    a,
                    "特种作业操作证",
                    "5.4",
                    "T140502001",
                    "2021-03-01",
                    "",
                    "",
                    "2024-02-20",
                    "晋城市应急管理局",
                    "有效",
                ],
                [
                    m,
                    "安全生产知识和管理能力考核合格证",
                    "",
                    "A140500007",
                    "2022-06-01",
                    "",
                    "",
                    "",
                    "晋城市应急管理局",
                    "有效",
                ],
                [
                    b,
                    "特种作业操作证",
                    "1.2",
                    "T140502002",
                    "2020-01-01",
                    "",
                    "",
                    "",
                    "城区应急局",
                    "吊销",
                ],
            ],
            "培训记录": [
                [a, c1, "2024-01-05", "24", "岗前", "公司级", "入矿安全教育"],
                [a, c1, "2024-01-08", "8.5", "再培训", "", "瓦斯防治"],
                [b, "", "2023-03-01", "48", "初次", "", "县局管理人员培训"],
            ],
            "考试记录": [
                [a, c1, "2024-01-10", "岗前", "86", "80"],
                [b, c3, "2024-03-02", "年度", "72.5", ""],
            ],
            "三违": [[a, c1, "2024-02-11", "违章作业", "未按规定检查瓦斯"]],
            "事故": [[c1, "2024-03-15", "重大事故隐患", "主扇风机故障"]],
            "演练": [
                [c1, "2024-04-20", "矿井", "井下透水应急演练", "120"],
                [c3, "2024-04-22", "生产", "煤气泄漏演练", "35"],
            ],
        }
    )


def test_round_trip_with_every_sheet_changes_nothing(ids, code):
    first = import_workbook(full_file(ids, code), actor=None, today=TODAY)
    assert first.ok, messages(first)
    assert {k: v.written for k, v in first.counts.items()} == {
        "企业": 3,
        "人员": 4,
        "岗位变动": 2,
        "离岗": 2,
        "证书": 3,
        "培训记录": 3,
        "考试记录": 2,
        "三违": 1,
        "事故": 1,
        "演练": 2,
    }
    assert (
        Certificate.objects.count(),
        TrainingRecord.objects.count(),
        ExamResult.objects.count(),
    ) == (3, 3, 2)
    assert (Violation.objects.count(), Incident.objects.count(), Drill.objects.count()) == (1, 1, 2)
    before = dump()
    exported = export_workbook(ExportScope())
    book = load_workbook(io.BytesIO(exported))
    assert book.sheetnames == registry.names()
    again = import_workbook(exported, actor=None, today=TODAY)
    assert again.ok, messages(again)
    # 证书 reports the rows it processed (certificate_issue returns an unchanged one as is)
    assert {k: v.written for k, v in again.counts.items() if v.written and k != "证书"} == {}
    assert dump() == before
    # and the export of the unchanged database is the same file content
    assert _sheets(export_workbook(ExportScope())) == _sheets(exported)


def test_round_trip_of_data_entered_in_the_web(ids):
    """Data made through the services (not an import) exports and imports as a no-op too."""
    a = make_enterprise(region="140502")
    emp = make_employment(enterprise=a, job="瓦斯检查工", start=dt.date(2019, 4, 1))
    from safetrain.enterprises.services import org_unit_ensure

    post_change(
        actor=None,
        employment=emp,
        from_date=dt.date(2023, 6, 1),
        post=PostSpec(
            title="综采班组长", org_unit=org_unit_ensure(enterprise=a, path="综采一队/早班")
        ),
    )
    leave_record(actor=None, employment=emp, start_date=dt.date(2022, 3, 1), end_date=None)
    make_employment(
        enterprise=a, role="principal", start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31)
    )
    before = dump()
    result = import_workbook(export_workbook(ExportScope()), actor=None, today=TODAY)
    assert result.ok, messages(result)
    assert dump() == before


def _sheets(data):
    book = load_workbook(io.BytesIO(data))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


# ----------------------------------------------------------------------------- jurisdiction


@pytest.fixture
def two_counties(ids):
    a = make_enterprise(region="140502")
    b = make_enterprise(region="140502")
    c = make_enterprise(region="140581")
    for e in (a, b, c):
        make_employment(enterprise=e, start=dt.date(2020, 1, 1))
    return a, b, c


def test_enterprise_admin_imports_only_its_own_rows(two_counties, ids):
    a, b, _ = two_counties
    admin = make_user("enterprise_admin", enterprise=a)
    result = import_workbook(
        xlsx(
            {
                "人员": [
                    person_row(ids(), "甲", a.credit_code),
                    person_row(ids(), "乙", b.credit_code),
                ],
                "企业": [enterprise_row(a.credit_code, "改个名字", "140502")],
            }
        ),
        actor=admin,
        today=TODAY,
    )
    assert messages(result) == [
        "企业, 2, 统一社会信用代码: 企业管理员不能登记或修改企业信息（请联系县局）",
        "人员, 3, 统一社会信用代码: 只能导入本企业的人员",
    ]
    assert Person.objects.filter(name__in=["甲", "乙"]).count() == 0
    ok = import_workbook(
        xlsx({"人员": [person_row(ids(), "甲", a.credit_code)]}), actor=admin, today=TODAY
    )
    assert ok.ok
    emp = Employment.objects.get(person__name="甲")
    assert (emp.enterprise, emp.created_by, emp.source) == (a, admin, "import")


def test_county_admin_imports_only_its_county(two_counties, ids, code):
    a, _, c = two_counties
    county = make_user("county_admin", region="140502")
    new_other = code("140581")
    result = import_workbook(
        xlsx(
            {
                "企业": [
                    enterprise_row(code("140502"), "本县新企业", "140502"),
                    enterprise_row(new_other, "外县新企业", "140581"),
                    enterprise_row(c.credit_code, "改外县企业", "140502"),
                ],
                "人员": [
                    person_row(ids(), "甲", a.credit_code),
                    person_row(ids(), "丙", c.credit_code),
                    person_row(ids(), "丁", new_other),
                ],
            }
        ),
        actor=county,
        today=TODAY,
    )
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("企业", 3, "行政区划代码"),
        ("企业", 4, "统一社会信用代码"),
        ("人员", 3, "统一社会信用代码"),
        ("人员", 4, "统一社会信用代码"),
    ]
    assert result.errors[1].message == "该统一社会信用代码已登记在其他辖区，无权修改"
    assert result.errors[2].message == "该企业不在您的辖区内"


def test_other_roles_may_not_import(two_counties, ids):
    a, _, _ = two_counties
    inspector = make_user("inspector", region="140502")
    result = import_workbook(
        xlsx({"人员": [person_row(ids(), "甲", a.credit_code)]}), actor=inspector, today=TODAY
    )
    assert messages(result) == ["人员, 1, : 您的角色无权导入该表"]


def test_export_honours_the_viewer_and_the_narrowing(two_counties):
    a, b, c = two_counties

    def codes(scope, sheet="人员"):
        column = 3 if sheet == "人员" else 0
        return {r[column] for r in registry.get(sheet).export_rows(scope)}

    assert codes(ExportScope()) == {a.credit_code, b.credit_code, c.credit_code}
    admin = make_user("enterprise_admin", enterprise=a)
    assert codes(ExportScope(viewer=admin)) == {a.credit_code}
    assert codes(ExportScope(viewer=admin), "企业") == {a.credit_code}
    county = make_user("county_admin", region="140502")
    assert codes(ExportScope(viewer=county)) == {a.credit_code, b.credit_code}
    assert codes(ExportScope(viewer=county, enterprise=b.credit_code)) == {b.credit_code}
    assert codes(ExportScope(region="140581")) == {c.credit_code}
    assert codes(ExportScope(region="140581"), "企业") == {c.credit_code}
    assert (
        codes(ExportScope(viewer=make_user("county_admin", region="140581"), region="140502"))
        == set()
    )
    # the ID number is exported in full (the file is for re-import)
    person = Employment.objects.get(enterprise=a).person
    rows = list(registry.get("人员").export_rows(ExportScope(viewer=admin)))
    assert rows[0][0] == person_id_number(person) and "*" not in rows[0][0]


def test_enterprise_admin_export_imports_back_as_that_admin(two_counties):
    a, _, _ = two_counties
    admin = make_user("enterprise_admin", enterprise=a)
    emp = Employment.objects.get(enterprise=a)
    leave_record(
        actor=None, employment=emp, start_date=dt.date(2021, 1, 1), end_date=dt.date(2021, 2, 1)
    )
    before = dump()
    result = import_workbook(export_workbook(ExportScope(viewer=admin)), actor=admin, today=TODAY)
    assert result.ok, messages(result)
    assert dump() == before
    assert Post.objects.filter(employment=emp).count() == 1
