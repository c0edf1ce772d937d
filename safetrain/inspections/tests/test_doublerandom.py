"""双随机: the weighted draw (pure, statistical), conflicts (hypothesis), and the services on real
data: plans, uploads, conflicts, publication, planned inspections, the CLI."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from safetrain.core import dates
from safetrain.core.errors import NotAllowed, ValidationFailed
from safetrain.inspections import planning
from safetrain.inspections.draw import Risk, draw_pairs, risk_weight
from safetrain.inspections.models import Draw, EnforcementPlan, Inspection, PlanEnterprise
from safetrain.people.tests.factories import make_enterprise, make_user

# chi-square critical values at p = 0.001 (tables), by degrees of freedom
CHI2_999 = {1: 10.828, 2: 13.816, 3: 16.266, 4: 18.467, 9: 27.877}


def chi_square(observed: list[int], expected: list[float]) -> float:
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))


# ------------------------------------------------------------------------------ pure


def test_equal_weights_draw_every_enterprise_uniformly():
    ents = [f"E{i}" for i in range(10)]
    insp = ["a", "b", "c", "d"]
    counts: Counter[str] = Counter()
    pair_counts: Counter[tuple[str, ...]] = Counter()
    draws = 3000
    for seed in range(draws):
        for e, i in draw_pairs(ents, insp, 3, seed):
            counts[e] += 1
            pair_counts[tuple(i)] += 1
    expected = draws * 3 / 10
    stat = chi_square([counts[e] for e in ents], [expected] * 10)
    assert stat < CHI2_999[9], stat
    # the 6 possible inspector pairs are equally likely too (5 degrees of freedom: 20.515)
    pairs = sorted(pair_counts)
    assert len(pairs) == 6
    assert chi_square([pair_counts[p] for p in pairs], [draws * 3 / 6] * 6) < 20.515


def test_weights_make_the_first_pick_proportional():
    weights = {"A": Decimal(1), "B": Decimal(2), "C": Decimal(3), "D": Decimal(4)}
    counts: Counter[str] = Counter()
    draws = 4000
    for seed in range(draws):
        [(e, _i)] = draw_pairs(list(weights), ["x", "y"], 1, seed, weights=weights)
        counts[e] += 1
    expected = [draws * float(w) / 10 for w in weights.values()]
    assert chi_square([counts[e] for e in weights], expected) < CHI2_999[3]
    # and a uniform draw would fail that test: the weights really act
    uniform = [draws / 4] * 4
    assert chi_square([counts[e] for e in weights], uniform) > CHI2_999[3]


def test_risk_weight_formula():
    full = ((10, 10), (4, 4), (10, 10), (10, 10))
    assert risk_weight(Risk(False, 0, full)) == Decimal("1.000")
    assert risk_weight(Risk(True, 0, full)) == Decimal("2.000")
    assert risk_weight(Risk(True, 2, full)) == Decimal("4.000")
    assert risk_weight(Risk(True, 9, full)) == Decimal("6.000")  # orders capped at 4
    half = ((5, 10), (0, 0), (5, 10), (5, 10))  # a rate without population is left out
    assert risk_weight(Risk(False, 0, half)) == Decimal("2.000")
    worst = ((0, 10), (0, 4), (0, 10), (0, 10))
    assert risk_weight(Risk(True, 4, worst)) == Decimal("18.000")
    assert risk_weight(Risk(False, 0, ((0, 0),) * 4)) == Decimal("1.000")  # nobody in post


conflict_st = st.sets(
    st.tuples(st.sampled_from("abcdef"), st.sampled_from([f"E{i}" for i in range(8)])),
    max_size=20,
)


@settings(max_examples=200, deadline=None)
@given(conflict_st, st.integers(1, 8), st.integers(0, 2**32))
def test_never_an_inspector_with_a_conflict(conflicts, n, seed):
    ents = [f"E{i}" for i in range(8)]
    insp = list("abcdef")
    weights = {e: Decimal(1 + i) for i, e in enumerate(ents)}
    try:
        pairs = draw_pairs(ents, insp, n, seed, weights=weights, conflicts=conflicts)
    except ValueError as exc:
        # refused only when some enterprise has fewer than two inspectors without a conflict
        assert "无利害关系" in str(exc)
        assert any(sum((i, e) not in conflicts for i in insp) < 2 for e in ents)
        return
    assert len(pairs) == n and len({e for e, _ in pairs}) == n
    for e, (i1, i2) in pairs:
        assert i1 != i2
        assert (i1, e) not in conflicts and (i2, e) not in conflicts
    # reproducible, whatever the order of the inputs
    again = draw_pairs(
        list(reversed(ents)),
        list(reversed(insp)),
        n,
        seed,
        weights=weights,
        conflicts=sorted(conflicts),
    )
    assert again == pairs


# ------------------------------------------------------------------------------ services


@pytest.fixture
def bureau(db):
    ents = [make_enterprise(region="140525", name=f"泽州企业{i}") for i in range(6)]
    other = make_enterprise(region="140581", name="高平企业")
    inspectors = [make_user("inspector", region="140525", username=f"zz-{i}") for i in range(3)]
    return {
        "ents": ents,
        "other": other,
        "inspectors": inspectors,
        "admin": make_user("county_admin", region="140525", username="zz-admin"),
        "other_admin": make_user("county_admin", region="140581", username="gp-admin"),
        "city": make_user("city_admin", username="city-admin"),
        "year": dates.today().year,
    }


def _counts() -> tuple[int, int, int]:
    return Draw.objects.count(), Inspection.objects.count(), PlanEnterprise.objects.count()


def test_plan_upload_all_or_nothing_names_the_line(bureau):
    plan = planning.plan_create(
        actor=bureau["admin"], region="140525", year=bureau["year"], title="年度执法计划"
    )
    good = bureau["ents"][0].credit_code
    text = f"统一社会信用代码\n{good}\n{bureau['other'].credit_code}\n".encode()
    rows = planning.read_code_list(SimpleUploadedFile("list.csv", text))
    assert rows == [(2, good), (3, bureau["other"].credit_code)]
    with pytest.raises(ValidationFailed, match="第 3 行") as err:
        planning.plan_enterprises_add(actor=bureau["admin"], plan=plan, codes=rows)
    assert "line 3" in err.value.fields
    assert plan.entries.count() == 0  # nothing written
    added = planning.plan_enterprises_add(
        actor=bureau["admin"], plan=plan, codes=[(1, good.lower()), (2, good)]
    )
    assert added == 1 and plan.entries.count() == 1
    with pytest.raises(ValidationFailed, match="类型不支持"):
        planning.read_code_list(SimpleUploadedFile("list.pdf", b"%PDF"))


def test_only_the_bureau_admin_manages_its_plan(bureau):
    with pytest.raises(NotAllowed):
        planning.plan_create(
            actor=bureau["other_admin"], region="140525", year=bureau["year"], title="x"
        )
    with pytest.raises(NotAllowed):
        planning.plan_create(
            actor=bureau["inspectors"][0], region="140525", year=bureau["year"], title="x"
        )
    assert planning.plan_create(actor=bureau["city"], region="140525", year=2030, title="x")


def test_draw_from_an_empty_plan_is_refused_and_writes_nothing(bureau):
    planning.plan_create(
        actor=bureau["admin"], region="140525", year=bureau["year"], title="空计划"
    )
    before = _counts()
    with pytest.raises(ValidationFailed, match="还没有企业"):
        planning.draw_publish(actor=bureau["admin"], region_code="140525", count=1, seed=1)
    assert _counts() == before
    out = StringIO()
    with pytest.raises(CommandError, match="还没有企业"):
        call_command(
            "inspections",
            "draw",
            "--region",
            "140525",
            "--count",
            "1",
            "--seed",
            "1",
            "--publish",
            stdout=out,
        )
    assert _counts() == before


def test_publish_records_seed_digest_result_and_planned_inspections(bureau):
    plan = planning.plan_create(
        actor=bureau["admin"], region="140525", year=bureau["year"], title="计划"
    )
    planning.plan_enterprises_add(
        actor=bureau["admin"],
        plan=plan,
        codes=[(n, e.credit_code) for n, e in enumerate(bureau["ents"][:4], 1)],
    )
    conflicted = bureau["ents"][0]
    planning.conflict_record(
        actor=bureau["admin"],
        inspector=bureau["inspectors"][0],
        enterprise=conflicted,
        reason="配偶在该企业任职",
    )
    draw = planning.draw_publish(actor=bureau["admin"], region_code="140525", count=4, seed="77")
    assert draw.plan == plan and draw.seed == "77" and len(draw.inputs_digest) == 64
    assert {p["enterprise"] for p in draw.result} == {e.credit_code for e in bureau["ents"][:4]}
    assert planning.draw_replay(draw) == draw.result  # reproducible from what was stored
    assert planning.inputs_digest(draw.inputs) == draw.inputs_digest
    for pair in draw.pairs.select_related("inspection", "enterprise"):
        names = sorted(u.username for u in pair.inspectors.all())
        assert len(names) == 2
        assert sorted(u.username for u in pair.inspection.assigned.all()) == names
        assert pair.inspection.status == "planned"
        if pair.enterprise == conflicted:
            assert "zz-0" not in names
    # the CLI gives the same pairs for the same seed and data, and writes nothing
    before = _counts()
    out = StringIO()
    call_command(
        "inspections",
        "draw",
        "--region",
        "140525",
        "--count",
        "4",
        "--seed",
        "77",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["pairs"] == draw.result
    assert _counts() == before


def test_cli_without_plan_draws_from_all_and_publish_records(bureau):
    out = StringIO()
    call_command(
        "inspections",
        "draw",
        "--region",
        "140525",
        "--count",
        "6",
        "--seed",
        "3",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert {p["enterprise"] for p in data["pairs"]} == {e.credit_code for e in bureau["ents"]}
    assert Draw.objects.count() == 0
    out = StringIO()
    call_command(
        "inspections",
        "draw",
        "--region",
        "140525",
        "--count",
        "2",
        "--seed",
        "3",
        "--publish",
        stdout=out,
    )
    assert "已公示" in out.getvalue()
    draw = Draw.objects.get()
    assert draw.plan is None and draw.drawn_by is None and len(draw.result) == 2
    assert Inspection.objects.filter(status="planned").count() == 2


def test_planned_inspection_is_carried_out_before_spot_checks(bureau):
    from safetrain.core.errors import Conflict
    from safetrain.inspections import services

    draw = planning.draw_publish(actor=bureau["admin"], region_code="140525", count=1, seed=5)
    inspection = draw.pairs.get().inspection
    inspector = inspection.assigned.first()
    with pytest.raises(Conflict, match="请先开始检查"):
        services.spot_check_draw(actor=inspector, inspection=inspection, count=1, seed=1)
    with pytest.raises(ValidationFailed, match="检查方式"):
        planning.inspection_carry_out(
            actor=inspector, inspection=inspection, date=dates.today(), methods=[]
        )
    planning.inspection_carry_out(
        actor=inspector, inspection=inspection, date=dates.today(), methods=["site_visit"]
    )
    inspection.refresh_from_db()
    assert inspection.status == "done" and inspection.methods == ["site_visit"]


def test_conflict_outside_the_bureau_is_refused(bureau):
    with pytest.raises(ValidationFailed, match="不在该执法人员所属局"):
        planning.conflict_record(
            actor=bureau["admin"],
            inspector=bureau["inspectors"][0],
            enterprise=bureau["other"],
            reason="亲属",
        )
    with pytest.raises(NotAllowed):
        planning.conflict_record(
            actor=bureau["other_admin"],
            inspector=bureau["inspectors"][0],
            enterprise=bureau["ents"][0],
            reason="亲属",
        )
    assert not EnforcementPlan.objects.exists()
