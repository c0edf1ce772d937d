"""The spot-check draw: random but reproducible with a seed, stratified by job type, never
anyone not passed in (the caller passes only persons in post: see test_services)."""

from __future__ import annotations

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from safetrain.inspections.draw import Candidate, allocate, draw_pairs, draw_persons

candidates_st = st.lists(
    st.builds(
        Candidate, st.integers(1, 10_000), st.sampled_from(["采煤工", "瓦斯检查工", "电工", ""])
    ),
    max_size=80,
    unique_by=lambda c: c.person_id,
)


@settings(max_examples=150, deadline=None)
@given(candidates_st, st.integers(0, 100), st.integers(0, 2**32))
def test_draw_is_reproducible_and_drawn_from_the_pool(cands, n, seed):
    first = draw_persons(cands, n, seed)
    shuffled = list(cands)
    random.Random(seed).shuffle(shuffled)
    assert draw_persons(shuffled, n, seed) == first  # input order does not matter
    assert len(first) == min(n, len(cands))
    assert len({c.person_id for c in first}) == len(first)
    assert set(first) <= set(cands)


@settings(max_examples=150, deadline=None)
@given(candidates_st, st.integers(1, 100), st.integers(0, 2**32))
def test_draw_is_stratified_by_job_type(cands, n, seed):
    chosen = draw_persons(cands, n, seed)
    total = len(cands)
    k = min(n, total)
    for stratum in {c.stratum for c in cands}:
        size = sum(1 for c in cands if c.stratum == stratum)
        got = sum(1 for c in chosen if c.stratum == stratum)
        share = k * size / total
        assert math.floor(share) <= got <= math.ceil(share)


def test_different_seeds_give_different_draws():
    cands = [Candidate(i, "采煤工" if i % 3 else "电工") for i in range(1, 201)]
    draws = {tuple(c.person_id for c in draw_persons(cands, 10, s)) for s in range(20)}
    assert len(draws) > 15  # random: almost every seed gives another sample
    assert draw_persons(cands, 10, "abc") == draw_persons(cands, 10, "abc")


def test_small_strata_get_their_share():
    cands = [Candidate(i, "采煤工") for i in range(1, 91)] + [
        Candidate(i, "瓦斯检查工") for i in range(91, 101)
    ]
    chosen = draw_persons(cands, 10, 7)
    assert sum(c.stratum == "瓦斯检查工" for c in chosen) == 1
    assert sum(c.stratum == "采煤工" for c in chosen) == 9


def test_allocate_never_exceeds_a_stratum():
    rng = random.Random(1)
    assert allocate({"a": 1, "b": 1, "c": 1}, 2, rng) in (
        {"a": 1, "b": 1, "c": 0},
        {"a": 1, "b": 0, "c": 1},
        {"a": 0, "b": 1, "c": 1},
    )
    assert allocate({"a": 2}, 5, rng) == {"a": 2}
    assert allocate({}, 3, rng) == {}


def test_draw_pairs_two_different_inspectors_and_reproducible():
    ents = [f"E{i}" for i in range(10)]
    insp = ["i1", "i2", "i3"]
    pairs = draw_pairs(ents, insp, 4, 42)
    assert pairs == draw_pairs(list(reversed(ents)), insp, 4, 42)
    assert len({e for e, _ in pairs}) == 4
    assert all(len(set(i)) == 2 for _, i in pairs)


def test_draw_pairs_refuses_too_few():
    import pytest

    with pytest.raises(ValueError, match="企业不足"):
        draw_pairs(["E1"], ["a", "b"], 2, 1)
    with pytest.raises(ValueError, match="执法人员不足"):
        draw_pairs(["E1", "E2"], ["a"], 1, 1)
