"""The 题库 sheet: row errors, duplicates, versions on re-import, round trip, scope."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from safetrain.people.tests.factories import make_enterprise, make_user
from safetrain.questions.models import Bank, Question, QuestionVersion
from safetrain.workbook.engine import export_workbook, import_workbook
from safetrain.workbook.registry import ExportScope
from safetrain.workbook.tests.helpers import messages, xlsx

pytestmark = pytest.mark.django_db


def q(
    type="单选",
    stem="《安全生产法》规定，从业人员发现事故隐患应当立即向谁报告？",
    options=("现场安全生产管理人员或者本单位负责人", "当地派出所", "新闻媒体", "家属"),
    answer="A",
    explanation="《安全生产法》第五十九条。",
    sector="煤矿",
    job="",
    topic="法律法规",
    difficulty="易",
):
    opts = list(options) + [""] * (6 - len(options))
    return [type, stem, *opts, answer, explanation, sector, job, topic, difficulty]


GOOD = [
    q(),
    q(
        type="多选",
        stem="自救器使用时应注意哪些事项？",
        options=("佩戴前检查", "佩戴后不得取下", "感觉吸气发热时摘下", "撤离时保持匀速"),
        answer="ABD",
        job="瓦斯检查工",
        topic="自救互救",
        difficulty="中",
    ),
    q(
        type="判断",
        stem="矿井总回风巷中甲烷浓度超过0.75%时，必须立即查明原因，进行处理。",
        options=(),
        answer="对",
        topic="瓦斯防治",
        difficulty="难",
    ),
    q(
        type="判断",
        stem="从业人员有权拒绝违章指挥和强令冒险作业。",
        options=(),
        answer="正确",
        sector="",
    ),
]


def run(rows, actor=None, dry_run=False):
    return import_workbook(xlsx({"题库": rows}), actor=actor, dry_run=dry_run)


def test_import_creates_banks_and_questions():
    result = run(GOOD)
    assert result.ok, messages(result)
    assert result.counts["题库"].written == 4
    assert Question.objects.count() == 4
    keys = set(Bank.objects.values_list("scope_key", flat=True))
    assert keys == {
        "region:140500|coal_mine|-",
        "region:140500|coal_mine|coal_mine:瓦斯检查工",
        "region:140500|-|-",
    }
    multi = QuestionVersion.objects.get(type="multiple")
    assert multi.answer == ["A", "B", "D"] and multi.option_count == 4
    assert multi.job_type.name == "瓦斯检查工" and multi.sector_id == "coal_mine"
    tf = QuestionVersion.objects.get(stem__startswith="矿井总回风巷")
    assert tf.answer == ["T"] and tf.difficulty == "hard" and tf.option_keys == ["T", "F"]
    assert Question.objects.filter(current__source="import").count() == 4


@pytest.mark.parametrize(
    "row, column, fragment",
    [
        (q(answer="E"), "答案", "答案 E 不是本题的选项"),
        (q(answer="AB"), "答案", "单选题只能有一个答案"),
        (q(type="多选", answer="A"), "答案", "多选题至少有两个答案"),
        (q(answer=""), "答案", "答案为空"),
        (q(answer="甲"), "答案", "应为选项字母"),
        (q(type="判断", answer="正确"), "选项A", "判断题不应填写选项"),
        (q(type="判断", options=(), answer="B"), "答案", "正确 或 错误"),
        (q(stem=""), "题干", "题干为空"),
        (q(type="填空"), "题型", "题型“填空”无效"),
        (q(sector="农业"), "行业", "未知行业“农业”"),
        (q(job="炼钢工"), "工种", "行业“煤矿”中没有工种“炼钢工”"),
        (q(sector="", job="不存在的工种"), "工种", "未知工种"),
        (q(difficulty="很难"), "难度", "难度“很难”无效"),
        (q(options=("甲", "", "丙")), "选项B", "选项B为空"),
        (q(options=("甲",)), "选项A", "至少需要两个选项"),
        (q(options=("甲", "甲")), "选项A", "有重复的选项"),
    ],
)
def test_row_errors_name_row_column_and_reason(row, column, fragment):
    result = run([GOOD[0], row])
    assert not result.ok
    assert len(result.errors) == 1, messages(result)
    err = result.errors[0]
    assert (err.sheet, err.row, err.column) == ("题库", 3, column)
    assert fragment in err.message, err.message
    assert Question.objects.count() == 0  # nothing written


def test_answer_spellings():
    result = run(
        [
            q(type="多选", answer="a, b、D", stem="多选甲"),
            q(type="多选", answer="ＡＣ", stem="多选乙"),  # full-width letters
            q(type="判断", options=(), answer="错", stem="判断甲"),
        ]
    )
    assert result.ok, messages(result)
    answers = dict(QuestionVersion.objects.values_list("stem", "answer"))
    assert answers == {"多选甲": ["A", "B", "D"], "多选乙": ["A", "C"], "判断甲": ["F"]}


def test_duplicates_in_the_file_and_in_the_bank():
    result = run([GOOD[0], GOOD[0], q(stem=GOOD[0][1] + "  ")])
    assert result.ok, messages(result)
    assert Question.objects.count() == 1
    assert any("与第 2 行是同一题" in w and "题库, 3" in w for w in result.warnings)
    assert any("题库, 4" in w for w in result.warnings)
    again = run([GOOD[0]])
    assert again.ok and again.counts["题库"].written == 0
    assert any("1 行与题库中已有的题目相同" in w for w in again.warnings)
    assert Question.objects.count() == 1 and QuestionVersion.objects.count() == 1


def test_conflicting_rows_of_the_same_question_are_an_error():
    result = run([GOOD[0], q(answer="B")])
    assert messages(result) == ["题库, 3, 题干: 与第 2 行题干和选项相同，但答案、解析或分类不同"]


def test_reimport_with_a_changed_answer_makes_a_new_version():
    run([GOOD[0]])
    question = Question.objects.get()
    first = question.current
    result = run([q(answer="B", explanation="改正后的解析")])
    assert result.ok and result.counts["题库"].written == 1
    question.refresh_from_db()
    assert question.current.number == 2 and question.current.answer == ["B"]
    first.refresh_from_db()
    assert first.answer == ["A"]
    assert Question.objects.count() == 1


def dump():
    return (
        sorted(Bank.objects.values_list("scope_key", "name")),
        list(Question.objects.order_by("pk").values("bank_id", "current_id", "content_hash")),
        list(QuestionVersion.objects.order_by("pk").values()),
    )


def exported_rows(data: bytes):
    sheet = load_workbook(io.BytesIO(data))["题库"]
    return [[c.value for c in r] for r in sheet.iter_rows()]


def test_import_export_import_changes_nothing():
    assert run(GOOD).ok
    before = dump()
    data = export_workbook(ExportScope(), ["题库"])
    rows = exported_rows(data)
    assert rows[0][:2] == ["题型", "题干"] and len(rows) == 5
    result = import_workbook(data, actor=None)
    assert result.ok and result.counts["题库"].written == 0
    assert dump() == before


def test_owner_by_role_and_export_scope():
    ent = make_enterprise(region="140521")
    admin = make_user("enterprise_admin", enterprise=ent)
    county = make_user("county_admin", region="140502")
    assert run([GOOD[0]], actor=admin).ok
    assert run([GOOD[0]], actor=county).ok
    assert run([GOOD[0]]).ok  # the city
    assert Question.objects.count() == 3
    assert Bank.objects.get(enterprise=ent).scope_key == f"enterprise:{ent.pk}|coal_mine|-"
    # each exports its own banks only
    assert len(exported_rows(export_workbook(ExportScope(viewer=admin), ["题库"]))) == 2
    assert len(exported_rows(export_workbook(ExportScope(viewer=county), ["题库"]))) == 2
    other = make_user("enterprise_admin", enterprise=make_enterprise(region="140521"))
    assert len(exported_rows(export_workbook(ExportScope(viewer=other), ["题库"]))) == 1
    # the command line narrows by region or enterprise
    cli = export_workbook(ExportScope(enterprise=ent.credit_code), ["题库"])
    assert len(exported_rows(cli)) == 2


def test_worker_and_inspector_cannot_import_questions():
    ent = make_enterprise()
    inspector = make_user("inspector", region="140502")
    result = run([GOOD[0]], actor=inspector)
    assert messages(result) == ["题库, 2, 题型: 您的角色不能导入题库"]
    assert Question.objects.count() == 0
    assert ent  # the enterprise is irrelevant here


def test_trainer_gets_own_banks():
    trainer = make_user("trainer")
    assert run([GOOD[0]], actor=trainer).ok
    bank = Bank.objects.get()
    assert bank.scope_key == f"region:140500:trainer:{trainer.pk}|coal_mine|-"
    assert bank.created_by == trainer
