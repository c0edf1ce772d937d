"""Questions: validation, versioning, duplicates."""

from __future__ import annotations

import pytest

from safetrain.core.errors import ValidationFailed
from safetrain.questions.models import Question, QuestionVersion
from safetrain.questions.selectors import candidate_list
from safetrain.questions.services import (
    DuplicateQuestion,
    content_or_raise,
    question_edit,
    validate_content,
)
from safetrain.questions.tests.factories import make_question

pytestmark = pytest.mark.django_db


def content(**over):
    values = dict(
        type="single",
        stem="煤矿井下采掘工作面风流中甲烷浓度达到多少时，必须停止用电钻打眼？",
        options=["0.5%", "1.0%", "1.5%", "2.0%"],
        answer=["B"],
        explanation="《煤矿安全规程》第一百七十二条。",
        sector="coal_mine",
        topic="瓦斯防治",
        difficulty="medium",
    )
    values.update(over)
    return values


@pytest.mark.parametrize(
    "over, field",
    [
        ({"stem": "  "}, "stem"),
        ({"answer": ["E"]}, "answer"),
        ({"answer": ["A", "B"]}, "answer"),
        ({"answer": []}, "answer"),
        ({"type": "multiple", "answer": ["A"]}, "answer"),
        ({"options": ["甲"]}, "options"),
        ({"options": ["甲", "", "丙"]}, "options"),
        ({"options": ["甲", "甲"]}, "options"),
        ({"type": "truefalse", "answer": ["T"]}, "options"),
        ({"type": "truefalse", "options": [], "answer": ["B"]}, "answer"),
        ({"type": "fill"}, "type"),
        ({"difficulty": "insane"}, "difficulty"),
        ({"sector": "farming"}, "sector"),
        ({"job_type": "coal_mine:不存在"}, "job_type"),
    ],
)
def test_invalid_content(over, field):
    result, errors = validate_content(**content(**over))
    assert result is None and field in errors


def test_job_type_of_another_sector_is_refused():
    _, errors = validate_content(
        **content(sector="hazardous_chemicals", job_type="coal_mine:瓦斯检查工")
    )
    assert "job_type" in errors


def test_edit_makes_a_new_version_and_keeps_the_old():
    q = make_question(
        **{k: v for k, v in content().items() if k != "options"}, options=content()["options"]
    )
    v1 = q.current
    edited = question_edit(
        actor=None, question=q, content=content_or_raise(**content(answer=["A"], explanation="改"))
    )
    assert edited.current.number == 2 and edited.current.answer == ["A"]
    v1.refresh_from_db()
    assert v1.answer == ["B"] and v1.explanation.startswith("《煤矿")
    assert QuestionVersion.objects.filter(question=q).count() == 2
    # unchanged content: no new version
    again = question_edit(
        actor=None, question=q, content=content_or_raise(**content(answer=["A"], explanation="改"))
    )
    assert again.current_id == edited.current_id
    # only the current version is drawn
    assert [c.version_id for c in candidate_list(viewer=None)] == [edited.current_id]


def test_duplicate_in_the_same_bank_is_refused():
    q = make_question(stem="同一题", options=["甲", "乙"], answer=["A"])
    with pytest.raises(DuplicateQuestion) as exc:
        make_question(stem="同一题 ", options=["甲", "乙"], answer=["B"])
    assert exc.value.existing == q
    assert Question.objects.count() == 1


def test_content_or_raise_names_fields():
    with pytest.raises(ValidationFailed) as exc:
        content_or_raise(**content(answer=["Z"]))
    assert "answer" in exc.value.fields
