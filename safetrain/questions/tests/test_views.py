"""Pages: bank list, browse/edit (managers only, scoped), practice, wrong book, mock exams."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safetrain.people.tests.factories import make_employment, make_enterprise, make_user
from safetrain.questions.models import MockExam, PracticeSession, QuestionVersion
from safetrain.questions.practice import wrong_book_record
from safetrain.questions.tests.factories import make_bank, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    ent = make_enterprise(region="140502")
    worker = make_user("worker", person=make_employment(enterprise=ent).person)
    bank = make_bank()
    for i in range(12):
        make_question(bank=bank, stem=f"单选题{i}", answer=("C",))
    make_question(bank=bank, type="multiple", stem="多选题", answer=("A", "D"))
    make_question(bank=bank, type="truefalse", stem="判断题", answer=("F",))
    foreign = make_bank(enterprise=make_enterprise(region="140581"))
    make_question(bank=foreign, stem="外单位题")
    return {
        "worker": worker,
        "bank": bank,
        "foreign": foreign,
        "city": make_user("city_admin"),
        "ea": make_user("enterprise_admin", enterprise=ent),
    }


def test_bank_list_for_a_worker(client, world, django_assert_max_num_queries):
    client.force_login(world["worker"])
    with django_assert_max_num_queries(14):
        r = client.get(reverse("questions:banks"))
    assert r.status_code == 200
    html = r.content.decode()
    assert world["bank"].name in html and "顺序练习" in html
    assert "外单位题" not in html and f'data-bank="{world["foreign"].pk}"' not in html


def test_browse_is_for_managers_and_scoped(client, world, django_assert_max_num_queries):
    client.force_login(world["worker"])
    assert client.get(reverse("questions:bank", args=[world["bank"].pk])).status_code == 403
    client.force_login(world["ea"])
    assert client.get(reverse("questions:bank", args=[world["foreign"].pk])).status_code == 404
    client.force_login(world["city"])
    with django_assert_max_num_queries(12):
        r = client.get(reverse("questions:bank", args=[world["bank"].pk]) + "?type=single")
    assert r.status_code == 200
    assert r.content.decode().count("单选题") == 12


def test_edit_page_saves_a_new_version(client, world):
    q = world["bank"].questions.order_by("pk").first()
    client.force_login(world["ea"])  # reads the city bank, cannot edit it
    r = client.get(reverse("questions:question", args=[q.pk]))
    assert r.status_code == 200 and "保存为新版本" not in r.content.decode()
    assert client.post(reverse("questions:question", args=[q.pk]), {}).status_code == 403
    client.force_login(world["city"])
    data = {
        "type": "single",
        "stem": q.current.stem,
        "option_a": "甲",
        "option_b": "乙",
        "option_c": "丙",
        "option_d": "丁",
        "answer": "A",
        "explanation": "新解析",
        "topic": "法律法规",
        "difficulty": "hard",
    }
    r = client.post(reverse("questions:question", args=[q.pk]), data)
    assert r.status_code == 302
    q.refresh_from_db()
    assert q.current.number == 2 and q.current.answer == ["A"]
    assert QuestionVersion.objects.get(question=q, number=1).answer == ["C"]
    bad = dict(data, answer="G")
    r = client.post(reverse("questions:question", args=[q.pk]), bad)
    assert r.status_code == 200 and "不是本题的选项" in r.content.decode()
    assert q.versions.count() == 2


def test_add_question_page(client, world):
    client.force_login(world["city"])
    r = client.post(
        reverse("questions:question_new", args=[world["bank"].pk]),
        {"type": "truefalse", "stem": "新判断题", "answer": "对", "difficulty": "easy"},
    )
    assert r.status_code == 302
    v = QuestionVersion.objects.get(stem="新判断题")
    assert v.answer == ["T"] and v.question.bank == world["bank"]


def test_practice_flow_with_feedback(client, world):
    client.force_login(world["worker"])
    r = client.post(
        reverse("questions:practice_start"), {"bank": world["bank"].pk, "mode": "sequential"}
    )
    session = PracticeSession.objects.get()
    assert r.url == reverse("questions:practice", args=[session.pk])
    page = client.get(r.url).content.decode()
    assert "第 1 题，共 14 题" in page
    first = world["bank"].questions.order_by("pk").first()
    r = client.post(r.url, {"question": first.pk, "answer": ["A"]})
    html = r.content.decode()
    assert "回答错误" in html and "解析" in html and "已加入错题本" in html
    # the same answer again (a reload) records nothing new
    client.post(
        reverse("questions:practice", args=[session.pk]), {"question": first.pk, "answer": ["C"]}
    )
    session.refresh_from_db()
    assert session.answered == 1
    r = client.get(reverse("questions:wrong_book"))
    assert "单选题0" in r.content.decode()


def test_practice_of_a_foreign_bank_is_404(client, world):
    client.force_login(world["worker"])
    r = client.post(
        reverse("questions:practice_start"), {"bank": world["foreign"].pk, "mode": "random"}
    )
    assert r.status_code == 404
    other = make_user("worker", person=make_employment(enterprise=make_enterprise()).person)
    client.force_login(other)
    client.post(reverse("questions:practice_start"), {"bank": world["bank"].pk, "mode": "random"})
    session = PracticeSession.objects.get()
    client.force_login(world["worker"])
    assert client.get(reverse("questions:practice", args=[session.pk])).status_code == 404


def test_mock_exam_pages(client, world, django_assert_max_num_queries):
    client.force_login(world["worker"])
    r = client.post(reverse("questions:mock_start"), {"bank": world["bank"].pk})
    mock = MockExam.objects.get()
    with django_assert_max_num_queries(10):
        page = client.get(r.url).content.decode()
    assert page.count('data-testid="mock-question"') == len(mock.paper) == 14
    answers = {}
    for item in mock.paper:
        if item["options"] == ["T", "F"]:
            answers[f"q{item['question']}"] = "F"
        elif len(item["options"]) == 4 and item["points"] == "3.00":
            answers[f"q{item['question']}"] = ["A", "D"]
        else:
            answers[f"q{item['question']}"] = "C"
    r = client.post(r.url, answers)
    mock.refresh_from_db()
    assert mock.score == 100
    html = client.get(r.url).content.decode()
    assert "100.0 / 100" in html and "可以及格" in html


def test_practice_and_wrong_book_query_counts(client, world, django_assert_max_num_queries):
    client.force_login(world["worker"])
    client.post(reverse("questions:practice_start"), {"bank": world["bank"].pk, "mode": "random"})
    session = PracticeSession.objects.get()
    url = reverse("questions:practice", args=[session.pk])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for q in world["bank"].questions.all()[:5]:  # five wrong answers in the book
        wrong_book_record(user=world["worker"], version=q.current, answer=["A"], correct=False)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("questions:wrong_book"))
    assert r.content.decode().count('data-testid="wrong-entry"') == 5
