"""Who sees and who manages which bank (no leak across jurisdictions)."""

from __future__ import annotations

import pytest

from safetrain.people.tests.factories import make_employment, make_enterprise, make_user
from safetrain.questions.selectors import bank_list, candidate_list, question_get
from safetrain.questions.services import bank_ensure
from safetrain.questions.tests.factories import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    e1 = make_enterprise(region="140502")
    e2 = make_enterprise(region="140581")
    county2 = make_user("county_admin", region="140581")
    trainer = make_user("trainer")
    banks = {
        "city": bank_ensure(actor=None, sector="coal_mine", job_type=None),
        "county502": bank_ensure(
            actor=make_user("county_admin", region="140502"), sector="coal_mine", job_type=None
        ),
        "county581": bank_ensure(actor=county2, sector="coal_mine", job_type=None),
        "e1": bank_ensure(actor=None, sector="coal_mine", job_type=None, enterprise=e1),
        "e2": bank_ensure(actor=None, sector="coal_mine", job_type=None, enterprise=e2),
        "trainer": bank_ensure(actor=trainer, sector="coal_mine", job_type=None),
    }
    for b in banks.values():
        make_question(bank=b)
    w1 = make_user("worker", person=make_employment(enterprise=e1).person)
    return {
        "banks": banks,
        "e1": e1,
        "w1": w1,
        "trainer": trainer,
        "county2": county2,
        "ea1": make_user("enterprise_admin", enterprise=e1),
        "city": make_user("city_admin"),
        "inspector": make_user("inspector", region="140502"),
    }


def names(world, qs):
    inverse = {b.pk: k for k, b in world["banks"].items()}
    return sorted(inverse[b.pk] for b in qs)


ALL = ["city", "county502", "county581", "e1", "e2", "trainer"]


@pytest.mark.parametrize(
    "who, read, manage",
    [
        ("city", ALL, ALL),
        ("inspector", ["city", "county502", "e1", "trainer"], []),
        ("county2", ["city", "county581", "e2", "trainer"], ["county581", "e2"]),
        ("ea1", ["city", "county502", "e1", "trainer"], ["e1"]),
        ("w1", ["city", "county502", "e1", "trainer"], []),
        ("trainer", ["city", "county502", "county581", "trainer"], ["trainer"]),
    ],
)
def test_bank_scope(world, who, read, manage):
    viewer = world[who]
    assert names(world, bank_list(viewer=viewer)) == read
    assert names(world, bank_list(viewer=viewer, manage=True)) == manage
    drawable = {c.question_id for c in candidate_list(viewer=viewer)}
    assert len(drawable) == len(read)


def test_question_outside_scope_is_invisible(world):
    foreign = world["banks"]["e2"].questions.get()
    assert question_get(viewer=world["w1"], pk=foreign.pk) is None
    assert question_get(viewer=world["county2"], pk=foreign.pk, manage=True) == foreign
    assert question_get(viewer=world["ea1"], pk=foreign.pk, manage=True) is None


def test_bank_list_query_count(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        list(bank_list(viewer=world["w1"]))
