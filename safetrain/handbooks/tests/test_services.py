"""Handbook writes: authors, one handbook per post, items linked to questions of its sector."""

from __future__ import annotations

import pytest

from safetrain.catalog.models import JobType
from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.handbooks import services
from safetrain.handbooks.models import Handbook, HandbookItem, ItemRead

pytestmark = pytest.mark.django_db


def _handbook(world, job=True):
    return services.handbook_create(
        actor=world["trainer"],
        sector="coal_mine",
        job_type=world["gas_job"] if job else None,
        title="瓦斯检查工应知应会" if job else "煤矿从业人员应知应会",
    )


@pytest.mark.parametrize("who", ["city", "county", "trainer"])
def test_authors(world, who):
    h = services.handbook_create(actor=world[who], sector="煤矿", title="煤矿通用")
    assert h.sector_id == "coal_mine" and h.job_type is None and h.created_by == world[who]


@pytest.mark.parametrize("who", ["admin", "inspector", "w_gas"])
def test_non_authors_are_refused(world, who):
    with pytest.raises(NotAllowed):
        services.handbook_create(actor=world[who], sector="coal_mine", title="x")
    assert not Handbook.objects.exists()


def test_one_handbook_per_post_and_job_type_of_the_sector(world):
    _handbook(world)
    with pytest.raises(Conflict):
        _handbook(world)
    _handbook(world, job=False)
    with pytest.raises(Conflict):
        _handbook(world, job=False)
    chem_job = JobType.objects.get(name="化工总控工")
    with pytest.raises(ValidationFailed) as exc:
        services.handbook_create(
            actor=world["trainer"], sector="coal_mine", job_type=chem_job, title="x"
        )
    assert exc.value.fields == {"job_type": "不属于所选行业"}
    with pytest.raises(ValidationFailed):
        services.handbook_create(actor=world["trainer"], sector="fireworks", title="x")
    assert Handbook.objects.count() == 2


def test_item_with_questions_of_its_sector_and_general_ones(world):
    h = _handbook(world)
    q = world["coal_q"]
    first = services.item_add(
        actor=world["trainer"],
        handbook=h,
        title="进入采掘工作面前",
        body="检查瓦斯浓度……",
        question_ids=[q[0].pk, str(q[1].pk), world["general_q"].pk],
    )
    assert first.order == 1
    assert set(first.questions.all()) == {q[0], q[1], world["general_q"]}
    second = services.item_add(actor=world["trainer"], handbook=h, title="二", body="内容")
    assert second.order == 2
    with pytest.raises(Conflict) as exc:
        services.item_add(actor=world["trainer"], handbook=h, title="三", body="x", order=1)
    assert exc.value.fields == {"order": "已占用"}


def test_item_linked_to_another_sectors_question_is_refused_and_nothing_written(world):
    h = _handbook(world)
    chem = world["chem_q"][0]
    with pytest.raises(ValidationFailed) as exc:
        services.item_add(
            actor=world["trainer"],
            handbook=h,
            title="条目",
            body="内容",
            question_ids=[world["coal_q"][0].pk, chem.pk],
        )
    assert exc.value.fields == {"questions.1": "不属于本手册的行业"}
    assert f"#{chem.pk}" in exc.value.message and "危险化学品" in exc.value.message
    assert not HandbookItem.objects.exists()


@pytest.mark.parametrize(
    ("ids", "reason"),
    [(["abc"], "不是数字"), ([999999], "不存在或已停用"), (["same", "same"], "重复")],
)
def test_bad_question_ids(world, ids, reason):
    h = _handbook(world)
    ids = [world["coal_q"][0].pk if i == "same" else i for i in ids]
    with pytest.raises(ValidationFailed) as exc:
        services.item_add(actor=world["trainer"], handbook=h, title="t", body="b", question_ids=ids)
    assert reason in next(iter(exc.value.fields.values()))
    assert not HandbookItem.objects.exists()


def test_update_and_remove(world):
    h = _handbook(world)
    item = services.item_add(actor=world["trainer"], handbook=h, title="t", body="b")
    services.item_update(
        actor=world["city"],
        item=item,
        title="新标题",
        body="新内容",
        order=5,
        question_ids=[world["coal_q"][2].pk],
    )
    item.refresh_from_db()
    assert (item.title, item.order, list(item.questions.all())) == (
        "新标题",
        5,
        [world["coal_q"][2]],
    )
    with pytest.raises(ValidationFailed):
        services.item_update(
            actor=world["city"],
            item=item,
            title="t",
            body="b",
            order=5,
            question_ids=[world["chem_q"][0].pk],
        )
    item.refresh_from_db()
    assert item.title == "新标题"
    services.item_mark_read(actor=world["w_gas"], item=item)
    with pytest.raises(Conflict):
        services.item_remove(actor=world["trainer"], item=item)
    other = services.item_add(actor=world["trainer"], handbook=h, title="t2", body="b")
    with pytest.raises(NotAllowed):
        services.item_remove(actor=world["admin"], item=other)
    services.item_remove(actor=world["trainer"], item=other)
    assert list(h.items.all()) == [item]


def test_reading_is_kept_once_and_only_for_the_own_posts_handbook(world):
    h = _handbook(world)
    item = services.item_add(actor=world["trainer"], handbook=h, title="t", body="b")
    read, created = services.item_mark_read(actor=world["w_gas"], item=item)
    again, created_again = services.item_mark_read(actor=world["w_gas"], item=item)
    assert created and not created_again and read.pk == again.pk
    # the 采煤工 has no handbook of their own job type and there is no common one yet
    with pytest.raises(NotFound):
        services.item_mark_read(actor=world["w_miner"], item=item)
    with pytest.raises(NotAllowed):
        services.item_mark_read(actor=world["admin"], item=item)
    assert ItemRead.objects.count() == 1
