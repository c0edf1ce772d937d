"""Paper rules that name a handbook: pure drawing, and the Exam API end to end (the rule's
optional `handbook` key; rules without it are unchanged)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from safetrain.exams import services as exam_services
from safetrain.exams.models import AttemptQuestion, Exam
from safetrain.handbooks import services
from safetrain.people.services import token_create
from safetrain.questions.papers import (
    Candidate,
    PaperError,
    PaperShortfall,
    draw_paper,
    parse_rules,
)


def pool(n: int = 40) -> list[Candidate]:
    return [
        Candidate(
            1000 + i, i, "single" if i % 2 else "truefalse", "coal_mine", None, "", "medium", 4
        )
        for i in range(1, n + 1)
    ]


HB = {7: frozenset({1, 2, 3, 4, 5, 6}), 8: frozenset()}


def test_a_handbook_rule_draws_only_its_questions():
    rules = parse_rules([{"handbook": 7, "count": 4, "points": 5}], handbook_questions=HB)
    assert rules[0].questions == HB[7] and rules[0].filters() == {"handbook": "7"}
    for seed in range(20):
        paper = draw_paper(rules, pool(), seed)
        assert {q.question_id for q in paper.questions} <= HB[7]
        assert len(paper.questions) == 4


def test_handbook_and_type_filters_combine_and_shortfall_counts_the_handbook():
    rules = parse_rules(
        [{"handbook": "7", "type": "单选", "count": 3, "points": 5}], handbook_questions=HB
    )
    paper = draw_paper(rules, pool(), 1)
    assert {q.question_id for q in paper.questions} == {1, 3, 5}
    rules = parse_rules(
        [{"handbook": 7, "type": "单选", "count": 4, "points": 5}], handbook_questions=HB
    )
    with pytest.raises(PaperShortfall) as exc:
        draw_paper(rules, pool(), 1)
    assert exc.value.available == 3 and exc.value.wanted == 4


def test_a_broad_rule_does_not_take_the_handbooks_questions_twice():
    rules = parse_rules(
        [{"count": 34, "points": 1}, {"handbook": 7, "count": 6, "points": 1}],
        handbook_questions=HB,
    )
    paper = draw_paper(rules, pool(), 3)
    ids = [q.question_id for q in paper.questions]
    assert len(ids) == len(set(ids)) == 40
    assert {q.question_id for q in paper.questions if q.rule_index == 2} == HB[7]


@pytest.mark.parametrize(
    ("rule", "known"),
    [
        ({"handbook": 9, "count": 1, "points": 1}, HB),
        ({"handbook": "x", "count": 1, "points": 1}, HB),
        ({"handbook": 7, "count": 1, "points": 1}, None),
    ],
)
def test_unknown_handbooks_are_refused(rule, known):
    with pytest.raises(PaperError):
        parse_rules([rule], handbook_questions=known)


# ----------------------------------------------------------------------------- Exam API


def api(client, user, method, url, body=None):
    return getattr(client, method)(
        f"/api/v1{url}",
        json.dumps(body) if body is not None else None,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}",
    )


def _body(world, rule):
    now = timezone.now()
    return {
        "title": "瓦斯检查工应知应会测试",
        "purpose": "risk_awareness",
        "duration_minutes": 30,
        "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=1)).isoformat(),
        "candidates": [str(world["gas"].uid)],
        "rule": rule,
    }


@pytest.mark.django_db
def test_risk_awareness_exam_drawn_from_the_posts_handbook(client, world):
    h = services.handbook_create(
        actor=None, sector="coal_mine", job_type=world["gas_job"], title="瓦斯检查工应知应会"
    )
    linked = world["coal_q"][:3] + world["coal_q"][6:8]
    services.item_add(
        actor=None, handbook=h, title="一", body="b", question_ids=[q.pk for q in linked[:3]]
    )
    services.item_add(
        actor=None, handbook=h, title="二", body="b", question_ids=[q.pk for q in linked[3:]]
    )
    r = api(
        client,
        world["admin"],
        "post",
        "/exams",
        _body(world, [{"handbook": h.pk, "count": 5, "points": 20}]),
    )
    assert r.status_code == 201, r.json()
    exam = Exam.objects.get(pk=r.json()["id"])
    assert exam.rule == [{"handbook": h.pk, "count": 5, "points": 20.0}]
    attempt = api(client, world["w_gas"], "post", f"/exams/{exam.pk}/attempts")
    assert attempt.status_code == 200
    asked = set(AttemptQuestion.objects.values_list("question_id", flat=True))
    assert asked == {q.pk for q in linked}
    # more than the handbook holds → 422 naming the shortfall, nothing written
    r = api(
        client,
        world["admin"],
        "post",
        "/exams",
        _body(world, [{"handbook": h.pk, "count": 6, "points": 10}]),
    )
    assert r.status_code == 422
    assert r.json()["fields"]["rule"]["available"] == 5
    r = api(
        client,
        world["admin"],
        "post",
        "/exams",
        _body(world, [{"handbook": 987654, "count": 1, "points": 10}]),
    )
    assert r.status_code == 422 and "987654" in r.json()["message"]
    assert Exam.objects.count() == 1


@pytest.mark.django_db
def test_rules_without_a_handbook_still_work(world):
    exam = exam_services.exam_create(
        actor=world["admin"],
        title="年度考试",
        purpose="continuing",
        duration_minutes=30,
        opens_at=timezone.now(),
        closes_at=timezone.now() + dt.timedelta(days=1),
        candidates=[world["gas"]],
        rule=[{"type": "判断", "count": 4, "points": 25}],
    )
    assert exam.rule == [{"type": "判断", "count": 4, "points": 25}]
