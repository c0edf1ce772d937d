"""The record sheets, driven directly through check() / write() / export_rows()."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import make_employment
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord, Violation
from safetrain.records.services import record_correct
from safetrain.workbook.registry import ExportScope, ImportContext, Row, registry

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 6, 30)


def rows_of(handler, records):
    return [
        Row(number=i + 2, cells=dict(zip(handler.headers, [str(v) for v in r], strict=True)))
        for i, r in enumerate(records)
    ]


def run(name, records, actor=None, state=None):
    """What the engine does for one sheet: check everything; write only without errors."""
    handler = registry.get(name)
    ctx = ImportContext(actor=actor, today=TODAY, state=state or {})
    plan = handler.check(rows_of(handler, records), ctx)
    written = None
    if not ctx.errors:
        with transaction.atomic():
            written = handler.write(plan, ctx)
    return ctx, written


def errors(ctx):
    return [(e.row, e.column) for e in ctx.errors]


def export(name, **scope):
    return list(registry.get(name).export_rows(ExportScope(**scope)))


@pytest.fixture
def ids(world):
    return {k: person_id_number(world["p" + k]) for k in "abc"}


def test_headers_and_order_exactly_as_design():
    expected = {
        "培训记录": (
            60,
            [
                "身份证号",
                "统一社会信用代码",
                "培训日期",
                "学时",
                "培训类型",
                "培训层级",
                "培训名称",
            ],
        ),
        "考试记录": (
            70,
            ["身份证号", "统一社会信用代码", "考试日期", "考试类型", "成绩", "及格分"],
        ),
        "三违": (80, ["身份证号", "统一社会信用代码", "日期", "类型", "描述"]),
        "事故": (90, ["统一社会信用代码", "日期", "类型", "描述"]),
        "演练": (100, ["统一社会信用代码", "日期", "区域类型", "名称", "参加人数"]),
    }
    for name, (order, headers) in expected.items():
        handler = registry.get(name)
        assert handler.order == order
        assert handler.all_headers == headers


# ----------------------------------------------------------------------------- 培训记录


def test_training_import_writes_and_labels_map(world, ids):
    code = world["a"].credit_code
    ctx, written = run(
        "培训记录",
        [
            [ids["a"], code, "2024-03-01", "24", "岗前", "公司级", "公司级岗前培训"],
            [ids["a"], code, "2024-03-02", "8.5", "专题", "", "瓦斯防治专题"],
            [ids["b"], "", "2024-03-02", "16", "再培训", "", "市局再培训班"],
        ],
    )
    assert ctx.errors == [] and written == 3
    first = TrainingRecord.objects.get(title="公司级岗前培训")
    assert (first.kind, first.level, first.hours, first.enterprise) == (
        "prejob",
        "company",
        Decimal("24.0"),
        world["a"],
    )
    assert first.source == "import" and first.channel == "import"
    assert first.organiser == "enterprise"
    bureau = TrainingRecord.objects.get(title="市局再培训班")
    assert bureau.enterprise is None and bureau.organiser == "city"


def test_training_every_bad_row_is_reported_and_nothing_is_written(world, ids):
    code = world["a"].credit_code
    good = [ids["a"], code, "2024-03-01", "8", "岗前", "班组级", "班组级"]
    bad = [
        ["140502199001011234", code, "2024-03-01", "8", "岗前", "", "x"],  # bad check digit
        [
            ids["a"][:-1] + ("0" if ids["a"][-1] != "0" else "1"),
            code,
            "2024-03-01",
            "8",
            "岗前",
            "",
            "x",
        ],
        ["11010519491231002X", code, "2024-03-01", "8", "岗前", "", "x"],  # valid, unknown
        [ids["a"], "91140502MA0000000X", "2024-03-01", "8", "岗前", "", "x"],  # unknown code
        [ids["a"], code, "2024-03-01", "8", "入职", "", "x"],  # bad kind label
        [ids["a"], code, "2024-03-01", "0", "岗前", "", "x"],
        [ids["a"], code, "2024-03-01", "2.35", "岗前", "", "x"],
        [ids["a"], code, "2024/03/01", "8", "岗前", "", "x"],
        [ids["a"], code, "2024-02-30", "8", "岗前", "", "x"],
        [ids["a"], code, "2024-07-01", "8", "岗前", "", "x"],  # after ctx.today
        [ids["a"], code, "2024-03-01", "8", "再培训", "公司级", "x"],  # level on a non-prejob
        [ids["a"], code, "2024-03-01", "8", "岗前", "楼层级", "x"],
        [ids["a"], code, "2024-03-01", "8", "岗前", "", ""],
        [ids["a"], code, "2024-03-01", "", "岗前", "", "x"],
    ]
    ctx, written = run("培训记录", [good, *bad])
    assert written is None
    assert errors(ctx) == [
        (3, "身份证号"),
        (4, "身份证号"),
        (5, "身份证号"),
        (6, "统一社会信用代码"),
        (7, "培训类型"),
        (8, "学时"),
        (9, "学时"),
        (10, "培训日期"),
        (11, "培训日期"),
        (12, "培训日期"),
        (13, "培训层级"),
        (14, "培训层级"),
        (15, "培训名称"),
        (16, "学时"),
    ]
    assert not TrainingRecord.objects.exists()
    messages = {(e.row, e.column): e.message for e in ctx.errors}
    assert "一位小数" in messages[(9, "学时")]
    assert "大于 0" in messages[(8, "学时")]
    assert "晚于今天" in messages[(12, "培训日期")]
    assert "YYYY-MM-DD" in messages[(10, "培训日期")]
    assert "岗前/初次/再培训" in messages[(7, "培训类型")]
    assert str(ctx.errors[0]).startswith("培训记录, 3, 身份证号: ")


def test_training_round_trip_changes_nothing(world, ids):
    code = world["a"].credit_code
    records = [
        [ids["a"], code, "2024-03-01", "24", "岗前", "公司级", "公司级"],
        [ids["a"], code, "2024-03-01", "24", "岗前", "公司级", "公司级"],  # same row twice
        [ids["a"], code, "2024-03-05", "7.5", "专题", "", "专题"],
        [ids["c"], "", "2024-04-01", "16", "初次", "", "主要负责人初次培训"],
    ]
    ctx, written = run("培训记录", records)
    assert written == 3
    exported = export("培训记录")
    assert [ids["a"], code, "2024-03-01", 24, "岗前", "公司级", "公司级"] in exported
    assert [ids["a"], code, "2024-03-05", 7.5, "专题", "", "专题"] in exported
    ctx, written = run("培训记录", exported)
    assert ctx.errors == [] and written == 0
    assert TrainingRecord.objects.count() == 3
    assert export("培训记录") == exported


def test_superseded_records_are_not_exported_and_not_resurrected(world, ids):
    code = world["a"].credit_code
    original = [ids["a"], code, "2024-03-01", "8", "专题", "", "专题"]
    run("培训记录", [original])
    record_correct(actor=None, record=TrainingRecord.objects.get(), hours="6")
    exported = export("培训记录")
    assert exported == [[ids["a"], code, "2024-03-01", 6, "专题", "", "专题"]]
    ctx, written = run("培训记录", [original])  # the old file again
    assert written == 0
    assert TrainingRecord.objects.filter(superseded_by__isnull=True).get().hours == Decimal("6.0")


def test_training_export_is_scoped(world, ids):
    run(
        "培训记录",
        [
            [ids["a"], world["a"].credit_code, "2024-03-01", "8", "专题", "", "a"],
            [ids["b"], world["b"].credit_code, "2024-03-01", "8", "专题", "", "b"],
            [ids["c"], world["c"].credit_code, "2024-03-01", "8", "专题", "", "c"],
            [ids["c"], "", "2024-03-02", "8", "专题", "", "c-bureau"],
        ],
    )

    def titles(**scope):
        return sorted(r[6] for r in export("培训记录", **scope))

    assert titles() == ["a", "b", "c", "c-bureau"]
    assert titles(region="140502") == ["a", "b"]
    assert titles(region="140581") == ["c", "c-bureau"]
    assert titles(enterprise=world["a"].credit_code) == ["a"]
    assert titles(viewer=world["admin_a"]) == ["a"]
    assert titles(viewer=world["county"]) == ["a", "b"]
    assert titles(viewer=world["county_c"]) == ["c", "c-bureau"]
    assert titles(viewer=world["worker"]) == []


def test_enterprise_admin_imports_only_its_enterprise_and_roster(world, ids):
    ctx, written = run(
        "培训记录",
        [
            [ids["a"], world["a"].credit_code, "2024-03-01", "8", "专题", "", "ok"],
            [ids["b"], world["a"].credit_code, "2024-03-01", "8", "专题", "", "not on roster"],
            [ids["a"], world["b"].credit_code, "2024-03-01", "8", "专题", "", "other enterprise"],
            [ids["a"], "", "2024-03-01", "8", "专题", "", "no enterprise"],
        ],
        actor=world["admin_a"],
    )
    assert errors(ctx) == [(3, "身份证号"), (4, "统一社会信用代码"), (5, "统一社会信用代码")]
    assert written is None


def test_county_admin_import_is_limited_to_its_county(world, ids):
    ctx, _ = run(
        "培训记录",
        [
            [ids["a"], world["a"].credit_code, "2024-03-01", "8", "专题", "", "ok"],
            [ids["c"], world["c"].credit_code, "2024-03-01", "8", "专题", "", "other county"],
        ],
        actor=world["county"],
    )
    assert errors(ctx) == [(3, "身份证号"), (3, "统一社会信用代码")]
    ctx, written = run(
        "培训记录",
        [[ids["a"], world["a"].credit_code, "2024-03-01", "8", "专题", "", "ok"]],
        actor=world["county"],
    )
    rec = TrainingRecord.objects.get()
    assert written == 1 and rec.organiser == "county"
    assert (rec.created_by, rec.source, rec.supersedes) == (world["county"], "import", None)
    assert rec.created_at is not None


@pytest.mark.parametrize("role", ["inspector", "worker"])
def test_roles_that_record_nothing_cannot_import(world, ids, role):
    ctx, written = run(
        "培训记录",
        [[ids["a"], world["a"].credit_code, "2024-03-01", "8", "专题", "", "x"]],
        actor=world[role],
    )
    assert errors(ctx) == [(1, "")] and written is None


def test_persons_and_enterprises_declared_by_the_same_file(world):
    """The 人员/企业 sheets run first and leave what they declared in ctx.state."""
    from safetrain.core.testing import new_credit_code, new_id_number
    from safetrain.people.tests.factories import make_enterprise, make_person

    number, code = new_id_number(), new_credit_code()
    row = [number, code, "2024-03-01", "8", "专题", "", "x"]
    handler = registry.get("培训记录")
    ctx = ImportContext(actor=None, today=TODAY)
    handler.check(rows_of(handler, [row]), ctx)
    assert errors(ctx) == [(2, "身份证号"), (2, "统一社会信用代码")]
    ctx = ImportContext(
        actor=None,
        today=TODAY,
        state={"declared_persons": {number}, "declared_enterprises": [code]},
    )
    plan = handler.check(rows_of(handler, [row]), ctx)
    assert ctx.errors == []
    # the engine writes 企业 and 人员 before this sheet
    make_enterprise(credit_code=code)
    make_person(id_number=number)
    assert handler.write(plan, ctx) == 1


def test_check_uses_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    persons = [make_employment(enterprise=world["a"]).person for _ in range(30)]
    records = [
        [person_id_number(p), world["a"].credit_code, "2024-03-01", "8", "专题", "", f"t{i}"]
        for i, p in enumerate(persons)
    ]
    handler = registry.get("培训记录")
    ctx = ImportContext(actor=world["admin_a"], today=TODAY)
    with django_assert_max_num_queries(3):
        plan = handler.check(rows_of(handler, records), ctx)
    assert ctx.errors == []
    # + 5 for the record log: max id, rows read back, head lock, entries, head (docs/archive.md)
    with django_assert_max_num_queries(10):
        assert handler.write(plan, ctx) == 30


# ----------------------------------------------------------------------------- 考试记录


def test_exam_import_and_errors(world, ids):
    code = world["a"].credit_code
    ctx, written = run(
        "考试记录",
        [
            [ids["a"], code, "2024-03-01", "岗前", "85", ""],
            [ids["a"], code, "2024-03-02", "应知应会", "59.5", "60"],
        ],
    )
    assert written == 2
    a, b = ExamResult.objects.order_by("date")
    assert (a.purpose, a.score, a.pass_mark, a.passed) == (
        "prejob",
        Decimal("85.0"),
        Decimal("80.0"),
        True,
    )
    assert (b.purpose, b.passed) == ("risk_awareness", False)
    ctx, written = run(
        "考试记录",
        [
            [ids["a"], code, "2024-03-01", "期末", "85", ""],
            [ids["a"], code, "2024-03-01", "岗前", "八十五", ""],
            [ids["a"], code, "2024-03-01", "岗前", "101", ""],
            [ids["a"], code, "2024-03-01", "岗前", "85", "abc"],
            [ids["a"], code, "2024-3-1", "岗前", "85", ""],
            [ids["a"], code, "2024-03-01", "岗前", "", ""],
        ],
    )
    assert errors(ctx) == [
        (2, "考试类型"),
        (3, "成绩"),
        (4, "成绩"),
        (5, "及格分"),
        (6, "考试日期"),
        (7, "成绩"),
    ]
    assert written is None and ExamResult.objects.count() == 2


def test_exam_round_trip(world, ids):
    code = world["a"].credit_code
    run(
        "考试记录",
        [
            [ids["a"], code, "2024-03-01", "岗前", "85.5", "80"],
            [ids["b"], "", "2024-03-01", "管理能力考核", "70", "60"],
        ],
    )
    exported = export("考试记录")
    assert [ids["a"], code, "2024-03-01", "岗前", 85.5, 80] in exported
    ctx, written = run("考试记录", exported)
    assert written == 0 and ExamResult.objects.count() == 2


# ----------------------------------------------------------------------------- 三违, 事故, 演练


def test_violation_sheet(world, ids):
    code = world["a"].credit_code
    ctx, written = run("三违", [[ids["a"], code, "2024-03-01", "违章作业", "未戴安全帽"]])
    assert written == 1 and Violation.objects.get().type == "operation"
    ctx, written = run(
        "三违",
        [
            [ids["a"], code, "2024-03-01", "违规", ""],
            [ids["a"], "", "2024-03-01", "违章指挥", ""],
            ["", code, "2024-03-01", "违章指挥", ""],
            [ids["a"], code, "", "违章指挥", ""],
        ],
    )
    assert errors(ctx) == [(2, "类型"), (3, "统一社会信用代码"), (4, "身份证号"), (5, "日期")]
    exported = export("三违")
    assert exported == [[ids["a"], code, "2024-03-01", "违章作业", "未戴安全帽"]]
    assert run("三违", exported)[1] == 0


def test_incident_sheet(world):
    code = world["b"].credit_code
    ctx, written = run("事故", [[code, "2024-02-01", "重大事故隐患", "主通风机故障"]])
    assert written == 1 and Incident.objects.get().type == "major_hidden_danger"
    ctx, _ = run(
        "事故", [[code, "2024-02-01", "小事故", ""], ["UNKNOWN", "2024-02-01", "死亡事故", ""]]
    )
    assert errors(ctx) == [(2, "类型"), (3, "统一社会信用代码")]
    ctx, _ = run(
        "事故", [[world["b"].credit_code, "2024-02-01", "死亡事故", ""]], actor=world["admin_a"]
    )
    assert errors(ctx) == [(2, "统一社会信用代码")]
    exported = export("事故")
    assert exported == [[code, "2024-02-01", "重大事故隐患", "主通风机故障"]]
    assert run("事故", exported)[1] == 0
    assert export("事故", viewer=world["county_c"]) == []


def test_drill_sheet(world):
    code = world["a"].credit_code
    ctx, written = run("演练", [[code, "2024-05-01", "矿井", "透水演练", "40"]])
    assert written == 1 and Drill.objects.get().area_type == "underground"
    ctx, _ = run(
        "演练",
        [
            [code, "2024-05-01", "地下", "x", "10"],
            [code, "2024-05-01", "办公", "", "10"],
            [code, "2024-05-01", "办公", "x", "0"],
            [code, "2024-05-01", "办公", "x", "十"],
            [code, "2025-05-01", "办公", "x", "10"],
        ],
    )
    assert errors(ctx) == [
        (2, "区域类型"),
        (3, "名称"),
        (4, "参加人数"),
        (5, "参加人数"),
        (6, "日期"),
    ]
    exported = export("演练")
    assert exported == [[code, "2024-05-01", "矿井", "透水演练", 40]]
    assert run("演练", exported)[1] == 0
    assert run("演练", [[code, "2024-05-01", "矿井", "透水演练", "40.0"]])[1] == 0
