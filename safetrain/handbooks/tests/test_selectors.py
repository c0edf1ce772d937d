"""Which handbook a worker reads (their post), progress, question ids for paper rules."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.handbooks import selectors, services

pytestmark = pytest.mark.django_db


def test_the_post_decides_the_handbook(world):
    common = services.handbook_create(actor=None, sector="coal_mine", title="煤矿通用")
    gas = services.handbook_create(
        actor=None, sector="coal_mine", job_type=world["gas_job"], title="瓦斯检查工"
    )
    assert selectors.handbook_for_person(person=world["gas"]) == gas
    assert selectors.handbook_for_person(person=world["miner"]) == common  # no own job handbook
    assert selectors.handbook_for_person(person=world["chem"]) is None  # no chemicals handbook
    # before employment: no post, no handbook
    assert selectors.handbook_for_person(person=world["gas"], on=dt.date(2022, 12, 31)) is None


def test_progress(world):
    h = services.handbook_create(
        actor=None, sector="coal_mine", job_type=world["gas_job"], title="瓦斯检查工"
    )
    items = [services.item_add(actor=None, handbook=h, title=f"t{i}", body="b") for i in range(4)]
    assert selectors.progress(person=world["gas"], handbook=h).read == 0
    services.item_mark_read(actor=world["w_gas"], item=items[0])
    services.item_mark_read(actor=world["w_gas"], item=items[2])
    p = selectors.progress(person=world["gas"], handbook=h)
    assert (p.read, p.total, p.percent) == (2, 4, 50)
    assert selectors.read_item_ids(person=world["gas"], handbook=h) == {items[0].pk, items[2].pk}


def test_handbook_question_ids(world):
    h = services.handbook_create(actor=None, sector="coal_mine", title="通用")
    empty = services.handbook_create(
        actor=None, sector="coal_mine", job_type=world["gas_job"], title="空"
    )
    q = world["coal_q"]
    services.item_add(actor=None, handbook=h, title="a", body="b", question_ids=[q[0].pk, q[1].pk])
    services.item_add(actor=None, handbook=h, title="c", body="d", question_ids=[q[1].pk, q[6].pk])
    found = selectors.handbook_question_ids([h.pk, empty.pk, 987654])
    assert found == {h.pk: frozenset({q[0].pk, q[1].pk, q[6].pk}), empty.pk: frozenset()}
