"""企业, 人员, 岗位变动, 离岗 through the engine: bad input, update semantics, departments, posts."""

import datetime as dt

import pytest

from safetrain.catalog.models import JobType
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.enterprises.services import org_unit_ensure
from safetrain.people.models import Employment, Leave, Person, Post
from safetrain.people.services import PostSpec, leave_record, post_change
from safetrain.people.tests.factories import make_employment, make_enterprise, make_person
from safetrain.workbook.engine import import_workbook
from safetrain.workbook.tests.conftest import TODAY
from safetrain.workbook.tests.helpers import enterprise_row, messages, person_row, xlsx

pytestmark = pytest.mark.django_db


def run(sheets, actor=None, **kw):
    return import_workbook(xlsx(sheets), actor=actor, today=TODAY, **kw)


def counts():
    return (
        Enterprise.objects.count(),
        Person.objects.count(),
        Employment.objects.count(),
        Post.objects.count(),
        Leave.objects.count(),
    )


@pytest.fixture
def ent(code):
    return make_enterprise(region="140502", sector="coal_mine")


def bad_id(number):
    return number[:17] + ("0" if number[17] != "0" else "1")


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda r: r.__setitem__(0, bad_id(r[0])), "人员, 2, 身份证号: 身份证号"),
        (lambda r: r.__setitem__(0, r[0][:10] + "0230" + r[0][14:]), "不是真实日期"),
        (lambda r: r.__setitem__(3, "91140502MA0000000X"), "人员, 2, 统一社会信用代码: 未找到"),
        (lambda r: r.__setitem__(4, "老板"), "人员, 2, 人员类别: 人员类别“老板”无效"),
        (
            lambda r: r.__setitem__(6, "99.9"),
            "人员, 2, 岗位所需特种作业: 未知的特种作业类别代码“99.9”",
        ),
        (lambda r: r.__setitem__(7, "2023/1/1"), "人员, 2, 入职日期: “2023/1/1” 不是 YYYY-MM-DD"),
        (lambda r: r.__setitem__(7, "2023-02-30"), "人员, 2, 入职日期: “2023-02-30” 不是有效日期"),
        (
            lambda r: r.__setitem__(8, "2022-12-31"),
            "人员, 2, 离职日期: 离职日期 2022-12-31 早于入职日期",
        ),
        (lambda r: r.__setitem__(10, "长期工"), "人员, 2, 用工形式: 用工形式“长期工”无效"),
        (lambda r: r.__setitem__(2, "12345"), "人员, 2, 手机号: 手机号应为11位"),
        (lambda r: r.__setitem__(1, ""), "人员, 2, 姓名: 姓名不能为空"),
        (lambda r: r.__setitem__(9, "一/二/三"), "人员, 2, 部门: 部门最多两级"),
    ],
)
def test_bad_person_row(ent, ids, mutate, expected):
    row = person_row(ids(), "张三", ent.credit_code)
    mutate(row)
    before = counts()
    result = run({"人员": [row, person_row(ids(), "李四", ent.credit_code)]})
    assert any(expected in m for m in messages(result)), messages(result)
    assert counts() == before


def test_impossible_birth_date_names_the_date(ent):
    from safetrain.core.identifiers import id_check_char

    first17 = "14050219990230001"
    number = first17 + id_check_char(first17)
    result = run({"人员": [person_row(number, "张三", ent.credit_code)]})
    assert messages(result) == [
        f"人员, 2, 身份证号: 身份证号“{number[:6]}********{number[-4:]}”无效：身份证号中的出生日期 19990230 不是真实日期"
    ]


def test_same_id_twice_with_different_names(ent, ids):
    number = ids()
    other = make_enterprise()
    result = run(
        {
            "人员": [
                person_row(number, "张三", ent.credit_code, end="2021-12-31", start="2020-01-01"),
                person_row(number, "张叁", other.credit_code, start="2022-01-01"),
            ]
        }
    )
    assert messages(result) == [
        "人员, 3, 姓名: 同一身份证号在第 2 行的姓名为“张三”，与“张叁”不一致"
    ]
    assert Person.objects.count() == 0


def test_name_differs_from_the_stored_person(ent):
    person = make_person(name="王五")
    from safetrain.people.services import person_id_number

    result = run({"人员": [person_row(person_id_number(person), "王六", ent.credit_code)]})
    assert messages(result) == ["人员, 2, 姓名: 姓名与系统中该身份证号已登记的姓名不一致"]


def test_overlapping_employments_within_the_file(ent, ids):
    number = ids()
    other = make_enterprise()
    result = run(
        {
            "人员": [
                person_row(number, "张三", ent.credit_code, start="2020-01-01", end="2022-06-30"),
                person_row(number, "张三", other.credit_code, start="2022-06-30"),
            ]
        }
    )
    assert messages(result) == [
        f"人员, 3, 入职日期: 任职期间 2022-06-30–至今 与第 2 行（{ent.credit_code} "
        "2020-01-01–2022-06-30）重叠"
    ]


def test_overlapping_employment_against_the_database(ent):
    from safetrain.people.services import person_id_number

    emp = make_employment(start=dt.date(2019, 1, 1))  # open, at another enterprise
    number = person_id_number(emp.person)
    result = run(
        {"人员": [person_row(number, emp.person.name, ent.credit_code, start="2023-01-01")]}
    )
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(
        "人员, 2, 入职日期: 任职期间 2023-01-01–至今 与系统中已有的任职"
    )
    # ending the old employment in the same file makes the new one fit
    old = person_row(
        number,
        emp.person.name,
        emp.enterprise.credit_code,
        post="一线岗位",
        op="无",
        start="2019-01-01",
        end="2022-12-31",
    )
    result = run(
        {"人员": [old, person_row(number, emp.person.name, ent.credit_code, start="2023-01-01")]}
    )
    assert result.ok, messages(result)
    emp.refresh_from_db()
    assert emp.end_date == dt.date(2022, 12, 31)
    assert Employment.objects.filter(person=emp.person).count() == 2


def test_same_employment_twice_in_the_file(ent, ids):
    number = ids()
    result = run(
        {
            "人员": [
                person_row(number, "张三", ent.credit_code),
                person_row(number, "张三", ent.credit_code),
            ]
        }
    )
    assert messages(result) == [
        "人员, 3, 入职日期: 与第 2 行是同一段任职（同一企业、同一入职日期）"
    ]


def test_bad_enterprise_rows(code):
    good = code()
    result = run(
        {
            "企业": [
                enterprise_row("ABC", "甲"),
                enterprise_row(good, "乙", region="140599"),
                enterprise_row(code(), "丙", sector="养殖"),
                enterprise_row(code(), "丁", areas="地下室"),
                enterprise_row(code(), ""),
                enterprise_row(good, "戊"),
            ]
        }
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "统一社会信用代码"),
        (3, "行政区划代码"),
        (4, "行业"),
        (5, "区域类型"),
        (6, "企业名称"),
        (7, "统一社会信用代码"),
    ]
    assert "未知或非县级行政区划代码“140599”" in result.errors[1].message
    assert "未知行业“养殖”（可选：煤矿/" in result.errors[2].message
    assert Enterprise.objects.count() == 0


def test_post_change_outside_the_employment_or_without_one(ent, ids):
    number = ids()
    other = make_enterprise()
    people = [person_row(number, "张三", ent.credit_code, start="2020-01-01", end="2022-12-31")]
    result = run(
        {
            "人员": people,
            "岗位变动": [
                [number, ent.credit_code, "2020-01-01", "井下电钳工", ""],
                [number, ent.credit_code, "2023-01-01", "井下电钳工", ""],
                [number, other.credit_code, "2021-01-01", "井下电钳工", ""],
                [ids(), ent.credit_code, "2021-01-01", "井下电钳工", ""],
                [number, ent.credit_code, "2021-13-01", "井下电钳工", ""],
            ],
        }
    )
    assert messages(result) == [
        "岗位变动, 2, 变动日期: 变动日期 2020-01-01 不在任职期间（2020-01-01–2022-12-31）内，"
        "须晚于入职日期且不晚于离职日期",
        "岗位变动, 3, 变动日期: 变动日期 2023-01-01 不在任职期间（2020-01-01–2022-12-31）内，"
        "须晚于入职日期且不晚于离职日期",
        "岗位变动, 4, 统一社会信用代码: 该人员在该企业没有任职记录（请先在“人员”表中登记这段任职）",
        "岗位变动, 5, 身份证号: 未找到该身份证号的人员（请先在“人员”表中登记）",
        "岗位变动, 6, 变动日期: “2021-13-01” 不是有效日期（YYYY-MM-DD）",
    ]
    assert Person.objects.count() == 0


def test_leave_overlaps_and_leave_without_employment(ent, ids):
    number = ids()
    emp = make_employment(enterprise=ent, start=dt.date(2020, 1, 1))
    leave_record(
        actor=None, employment=emp, start_date=dt.date(2021, 3, 1), end_date=dt.date(2021, 5, 31)
    )
    from safetrain.people.services import person_id_number

    stored = person_id_number(emp.person)
    result = run(
        {
            "人员": [person_row(number, "张三", ent.credit_code, start="2020-01-01")],
            "离岗": [
                [number, ent.credit_code, "2021-01-01", "2021-02-28"],
                [number, ent.credit_code, "2021-02-01", "2021-03-31"],
                [stored, ent.credit_code, "2021-05-01", ""],
                [number, ent.credit_code, "2019-05-01", "2019-06-01"],
                [number, ent.credit_code, "2022-05-01", "2022-04-01"],
                [ids(), ent.credit_code, "2022-05-01", ""],
            ],
        }
    )
    assert messages(result) == [
        "离岗, 3, 离岗开始: 与第 2 行（2021-01-01–2021-02-28）重叠",
        "离岗, 4, 离岗开始: 与系统中已有的离岗记录（2021-03-01–2021-05-31）重叠",
        "离岗, 5, 离岗开始: 离岗开始 2019-05-01 不在任职期间（2020-01-01–至今）内，须在任职期间内",
        "离岗, 6, 离岗结束: 离岗结束 2022-04-01 早于离岗开始 2022-05-01",
        "离岗, 7, 身份证号: 未找到该身份证号的人员（请先在“人员”表中登记）",
    ]
    assert Leave.objects.count() == 1


# ----------------------------------------------------------------------------- semantics


def test_posts_departments_operations_and_forms(ent, ids):
    a, b, c, d = ids(), ids(), ids(), ids()
    result = run(
        {
            "人员": [
                person_row(a, "甲", ent.credit_code, post="瓦斯检查工", dept="通风科/一班"),
                person_row(b, "乙", ent.credit_code, post="瓦斯检查工", op="无", form="劳务派遣"),
                person_row(c, "丙", ent.credit_code, post="综采队长", op="5.5", dept="综采车间"),
                person_row(d, "丁", ent.credit_code, post="库管员", role="安全生产管理人员"),
            ],
            "岗位变动": [[a, ent.credit_code, "2023-06-01", "井下电钳工", ""]],
        }
    )
    assert result.ok, messages(result)
    posts = {
        (p.employment.person.name, p.from_date): p
        for p in Post.objects.select_related("employment__person", "job_type", "org_unit")
    }
    gas = JobType.objects.get(name="瓦斯检查工", sector="coal_mine")
    first = posts[("甲", dt.date(2023, 1, 1))]
    assert (first.job_type, first.operation_id, first.org_unit.path) == (gas, "5.4", "通风科/一班")
    assert first.org_unit.kind == OrgUnit.Kind.TEAM
    later = posts[("甲", dt.date(2023, 6, 1))]
    assert (later.title, later.operation_id, later.org_unit) == (
        "井下电钳工",
        "5.1",
        first.org_unit,
    )
    assert posts[("乙", dt.date(2023, 1, 1))].operation_id is None
    assert posts[("乙", dt.date(2023, 1, 1))].employment.employment_form == "dispatched"
    third = posts[("丙", dt.date(2023, 1, 1))]
    assert (third.job_type, third.operation_id, third.org_unit.path) == (None, "5.5", "综采车间")
    fourth = posts[("丁", dt.date(2023, 1, 1))]
    assert (fourth.job_type, fourth.operation_id) == (None, None)
    assert fourth.employment.role_category == "safety_manager"


def test_an_existing_employment_is_updated_only_when_something_differs(ent, ids):
    number = ids()
    row = person_row(number, "张三", ent.credit_code, phone="13800138000", dept="综采车间")
    assert run({"人员": [row]}).ok
    emp = Employment.objects.get()
    post = Post.objects.get()
    again = run({"人员": [row]})
    assert again.counts["人员"].written == 0
    changed = person_row(
        number,
        "张三",
        ent.credit_code,
        phone="13900139000",
        post="井下电钳工",
        end="2024-03-31",
        role="安全生产管理人员",
        dept="机电科",
    )
    result = run({"人员": [changed]})
    assert result.ok and result.counts["人员"].written == 1
    assert (Employment.objects.count(), Post.objects.count(), Person.objects.count()) == (1, 1, 1)
    emp.refresh_from_db()
    post.refresh_from_db()
    assert (emp.end_date, emp.role_category) == (dt.date(2024, 3, 31), "safety_manager")
    assert (post.title, post.operation_id, post.org_unit.path) == ("井下电钳工", "5.1", "机电科")
    assert Person.objects.get().phone_masked == "139****9000"


def test_a_person_who_changed_employer_keeps_one_identity(ent, ids):
    number = ids()
    other = make_enterprise(region="140581")
    result = run(
        {
            "人员": [
                person_row(number, "张三", ent.credit_code, start="2015-03-01", end="2020-12-31"),
                person_row(number, "张三", other.credit_code, start="2021-01-01"),
            ]
        }
    )
    assert result.ok
    person = Person.objects.get()
    assert list(person.employments.values_list("enterprise_id", flat=True)) == [ent.pk, other.pk]


def test_leave_end_filled_in_later_updates_the_leave(ent, ids):
    number = ids()
    people = [person_row(number, "张三", ent.credit_code, start="2020-01-01")]
    assert run({"人员": people, "离岗": [[number, ent.credit_code, "2023-03-01", ""]]}).ok
    result = run({"人员": people, "离岗": [[number, ent.credit_code, "2023-03-01", "2023-08-31"]]})
    assert result.ok and result.counts["离岗"].written == 1
    assert list(Leave.objects.values_list("start_date", "end_date")) == [
        (dt.date(2023, 3, 1), dt.date(2023, 8, 31))
    ]


def test_post_change_for_a_stored_employment(ent):
    from safetrain.people.services import person_id_number

    emp = make_employment(enterprise=ent, job="采煤机司机", start=dt.date(2020, 1, 1))
    team = org_unit_ensure(enterprise=ent, path="综采一队/早班")
    Post.objects.filter(employment=emp).update(org_unit=team)
    number = person_id_number(emp.person)
    result = run({"岗位变动": [[number, ent.credit_code, "2022-01-01", "瓦斯检查工", ""]]})
    assert result.ok, messages(result)
    new = Post.objects.get(employment=emp, from_date=dt.date(2022, 1, 1))
    assert (new.operation_id, new.org_unit) == ("5.4", team)
    post_change(
        actor=None, employment=emp, from_date=dt.date(2023, 1, 1), post=PostSpec(title="队长")
    )
    again = run({"岗位变动": [[number, ent.credit_code, "2022-01-01", "瓦斯检查工", ""]]})
    assert again.ok and again.counts["岗位变动"].written == 0
