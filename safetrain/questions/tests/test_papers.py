"""Paper drawing: pure, no database."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safetrain.questions.papers import (
    Candidate,
    PaperError,
    PaperShortfall,
    draw_paper,
    fixed_paper,
    parse_rules,
)

TYPES = ["single", "multiple", "truefalse"]
DIFFS = ["easy", "medium", "hard"]


def bank(n: int = 300) -> list[Candidate]:
    return [
        Candidate(
            version_id=1000 + i,
            question_id=i,
            type=TYPES[i % 3],
            sector="coal_mine" if i % 2 else "hazardous_chemicals",
            job="coal_mine:瓦斯检查工" if i % 5 == 0 else None,
            topic=f"t{i % 4}",
            difficulty=DIFFS[i % 3 if i % 7 else 0],
            option_count=2 if i % 3 == 2 else 4,
        )
        for i in range(1, n + 1)
    ]


RULES = [
    {"type": "单选", "count": 20, "points": 2},
    {"type": "多选", "topic": "t1", "count": 10, "points": 3},
    {"type": "判断", "difficulty": "难", "count": 15, "points": "2"},
]


def test_rules_are_met():
    paper = draw_paper(RULES, bank(), seed=1)
    by_id = {c.question_id: c for c in bank()}
    assert len(paper.questions) == 45
    assert len({q.question_id for q in paper.questions}) == 45
    counts = Counter(q.rule_index for q in paper.questions)
    assert counts == {1: 20, 2: 10, 3: 15}
    for q in paper.questions:
        c = by_id[q.question_id]
        if q.rule_index == 1:
            assert c.type == "single" and q.points == 2
        if q.rule_index == 2:
            assert c.type == "multiple" and c.topic == "t1" and q.points == 3
        if q.rule_index == 3:
            assert c.type == "truefalse" and c.difficulty == "hard"
    assert paper.total_points == 20 * 2 + 10 * 3 + 15 * 2


def test_ordered_by_type_and_options_are_the_questions_keys():
    paper = draw_paper(RULES, bank(), seed=1)
    types = [q.type for q in paper.questions]
    assert types == sorted(types, key=["single", "multiple", "truefalse"].index)
    for q in paper.questions:
        if q.type == "truefalse":
            assert q.option_order == ("T", "F")
        else:
            assert sorted(q.option_order) == ["A", "B", "C", "D"]


def test_same_seed_same_paper_other_seed_other_paper():
    a = draw_paper(RULES, bank(), seed=42)
    b = draw_paper(RULES, list(reversed(bank())), seed=42)  # candidate order does not matter
    c = draw_paper(RULES, bank(), seed=43)
    assert a.as_list() == b.as_list()
    assert a.as_list() != c.as_list()


def test_options_are_shuffled_somewhere():
    paper = draw_paper([{"type": "single", "count": 40, "points": 1}], bank(), seed=3)
    assert any(q.option_order != ("A", "B", "C", "D") for q in paper.questions)


def test_unsatisfiable_rule_names_the_shortfall():
    with pytest.raises(PaperShortfall) as exc:
        draw_paper(
            [
                {"type": "单选", "count": 5, "points": 2},
                {"type": "多选", "topic": "t1", "count": 99, "points": 2},
            ],
            bank(),
            seed=1,
        )
    err = exc.value
    available = sum(1 for c in bank() if c.type == "multiple" and c.topic == "t1")
    assert err.index == 2 and err.wanted == 99 and err.available == available
    assert err.status == 422
    assert err.as_dict()["fields"]["rule"] == {
        "index": 2,
        "wanted": 99,
        "available": available,
        "filters": {"type": "multiple", "topic": "t1"},
    }
    assert "第 2 条" in err.message and "99" in err.message and str(available) in err.message


def small(n: int, hard_every: int) -> list[Candidate]:
    return [
        Candidate(
            i, i, "single", difficulty="hard" if i % hard_every == 0 else "easy", option_count=4
        )
        for i in range(1, n + 1)
    ]


def test_overlapping_rules_narrow_first():
    # 10 singles, 3 hard. Rule 1 (any single, 7) listed first could take hard ones rule 2 needs.
    cands = small(10, 3)
    for seed in range(30):
        paper = draw_paper(
            [
                {"type": "single", "count": 7, "points": 1},
                {"type": "single", "difficulty": "hard", "count": 3, "points": 1},
            ],
            cands,
            seed=seed,
        )
        assert len(paper.questions) == 10


def test_overlapping_rules_shortfall_counts_what_is_left():
    cands = small(10, 3)
    with pytest.raises(PaperShortfall) as exc:
        draw_paper(
            [
                {"type": "single", "difficulty": "hard", "count": 2, "points": 1},
                {"type": "single", "count": 9, "points": 1},
            ],
            cands,
            seed=5,
        )
    assert (exc.value.index, exc.value.wanted, exc.value.available) == (2, 9, 8)


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"type": "填空", "count": 1, "points": 1}, "题型"),
        ({"type": "单选", "count": 0, "points": 1}, "题数"),
        ({"type": "单选", "count": "x", "points": 1}, "题数"),
        ({"type": "单选", "count": 1, "points": -1}, "分值"),
        ({"type": "单选", "count": 1, "points": "abc"}, "分值"),
        ({"type": "单选", "count": 1}, "points"),
        ({"type": "单选", "count": 1, "points": 1, "colour": "red"}, "未知字段"),
        ({"difficulty": "很难", "count": 1, "points": 1}, "难度"),
    ],
)
def test_bad_rules_are_refused(rule, message):
    with pytest.raises(PaperError) as exc:
        parse_rules([rule])
    assert message in exc.value.message


def test_sector_and_job_spellings():
    rules = parse_rules(
        [{"sector": "煤矿", "job": "瓦斯检查工", "count": 1, "points": 1}],
        sector_codes={"煤矿": "coal_mine", "coal_mine": "coal_mine"},
        job_codes={"瓦斯检查工": "coal_mine:瓦斯检查工"},
    )
    assert rules[0].sector == "coal_mine" and rules[0].job == "coal_mine:瓦斯检查工"
    with pytest.raises(PaperError, match="未知行业"):
        parse_rules([{"sector": "农业", "count": 1, "points": 1}], sector_codes={})


def test_fixed_paper():
    cands = bank(20)
    paper = fixed_paper([3, 1, 2], [5, 5, "10"], cands, seed=9)
    assert {q.question_id for q in paper.questions} == {1, 2, 3}
    assert paper.total_points == 20
    assert {q.question_id: q.points for q in paper.questions}[2] == 10
    same = fixed_paper([3, 1, 2], [5, 5, 10], cands, seed=9)
    assert paper.as_list() == same.as_list()
    unshuffled = fixed_paper([3, 1, 2], 2, cands, seed=9, shuffle=False)
    assert [q.question_id for q in unshuffled.questions] == [3, 1, 2]
    assert unshuffled.questions[1].option_order == ("A", "B", "C", "D")
    with pytest.raises(PaperError) as exc:
        fixed_paper([1, 999], 2, cands, seed=9)
    assert exc.value.fields == {"question_ids": [999]}
    with pytest.raises(PaperError):
        fixed_paper([1, 1], 2, cands, seed=9)
    with pytest.raises(PaperError):
        fixed_paper([1, 2], [1], cands, seed=9)


rule_st = st.fixed_dictionaries(
    {"count": st.integers(1, 12), "points": st.integers(1, 5)},
    optional={
        "type": st.sampled_from(["单选", "多选", "判断", "single"]),
        "topic": st.sampled_from(["t0", "t1", "t2", "t3"]),
        "difficulty": st.sampled_from(["易", "中", "难", "hard"]),
        "sector": st.sampled_from(["coal_mine", "hazardous_chemicals"]),
    },
)


@settings(max_examples=150, deadline=None)
@given(rules=st.lists(rule_st, min_size=1, max_size=4), seed=st.integers(0, 10**6))
def test_property_paper_meets_rules_or_names_shortfall(rules, seed):
    cands = bank(120)
    by_id = {c.question_id: c for c in cands}
    parsed = parse_rules(rules)
    try:
        paper = draw_paper(parsed, cands, seed)
    except PaperShortfall as err:
        rule = parsed[err.index - 1]
        assert err.wanted == rule.count and err.available < err.wanted
        assert err.available <= sum(1 for c in cands if rule.matches(c))
        return
    assert len(paper.questions) == sum(r.count for r in parsed)
    assert len({q.question_id for q in paper.questions}) == len(paper.questions)
    for q in paper.questions:
        assert parsed[q.rule_index - 1].matches(by_id[q.question_id])
        assert q.points == parsed[q.rule_index - 1].points
    assert paper.as_list() == draw_paper(parsed, list(reversed(cands)), seed).as_list()
    assert paper.total_points == sum((r.points * r.count for r in parsed), Decimal(0))
