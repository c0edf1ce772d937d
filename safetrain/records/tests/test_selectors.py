"""No leak across jurisdictions: every list selector, every role."""

import datetime as dt
from decimal import Decimal

import pytest

from safetrain.people.tests.factories import make_employment, make_user
from safetrain.records import selectors
from safetrain.records.services import (
    drill_record,
    exam_result_add,
    incident_record,
    record_correct,
    training_record_add,
    violation_record,
)

pytestmark = pytest.mark.django_db
D = dt.date(2024, 3, 1)


@pytest.fixture
def data(world):
    out = {}
    for key in ("a", "b", "c"):
        ent, person = world[key], world["p" + key]
        out["t" + key] = training_record_add(
            actor=None,
            person=person,
            date=D,
            hours="8",
            kind="continuing",
            enterprise=ent,
            title="年度再培训",
        )
        out["x" + key] = exam_result_add(
            actor=None, person=person, date=D, purpose="continuing", score=90, enterprise=ent
        )
        out["v" + key] = violation_record(
            actor=None, person=person, enterprise=ent, date=D, type="command"
        )
        out["i" + key] = incident_record(actor=None, enterprise=ent, date=D, type="fatal")
        out["d" + key] = drill_record(
            actor=None,
            enterprise=ent,
            date=D,
            area_type="office",
            title="消防演练",
            participants=10,
        )
    return out


PERSON_LISTS = [
    (selectors.training_list, "t"),
    (selectors.exam_list, "x"),
    (selectors.violation_list, "v"),
]
ENTERPRISE_LISTS = [(selectors.incident_list, "i"), (selectors.drill_list, "d")]


def _ids(qs):
    return {r.pk for r in qs}


@pytest.mark.parametrize(("fn", "prefix"), PERSON_LISTS + ENTERPRISE_LISTS)
def test_city_admin_sees_everything(world, data, fn, prefix):
    assert _ids(fn(viewer=world["city"])) == {data[prefix + k].pk for k in "abc"}


@pytest.mark.parametrize(("fn", "prefix"), PERSON_LISTS + ENTERPRISE_LISTS)
@pytest.mark.parametrize("role", ["county", "inspector"])
def test_county_roles_see_their_county_only(world, data, fn, prefix, role):
    assert _ids(fn(viewer=world[role])) == {data[prefix + "a"].pk, data[prefix + "b"].pk}
    assert _ids(fn(viewer=world[role], enterprise=world["c"])) == set()


@pytest.mark.parametrize(("fn", "prefix"), PERSON_LISTS + ENTERPRISE_LISTS)
def test_enterprise_admin_sees_its_enterprise_only(world, data, fn, prefix):
    assert _ids(fn(viewer=world["admin_a"])) == {data[prefix + "a"].pk}
    assert _ids(fn(viewer=world["admin_a"], enterprise=world["b"])) == set()
    assert _ids(fn(viewer=world["admin_a"], enterprise=world["a"])) == {data[prefix + "a"].pk}


@pytest.mark.parametrize(("fn", "prefix"), PERSON_LISTS)
def test_worker_sees_own_records_only(world, data, fn, prefix):
    assert _ids(fn(viewer=world["worker"])) == {data[prefix + "a"].pk}
    assert _ids(fn(viewer=world["worker"], person=world["pb"])) == set()


@pytest.mark.parametrize(("fn", "prefix"), ENTERPRISE_LISTS)
def test_worker_and_trainer_see_no_enterprise_records(world, data, fn, prefix):
    assert _ids(fn(viewer=world["worker"])) == set()
    assert _ids(fn(viewer=make_user("trainer"))) == set()


def test_new_employer_sees_the_lifelong_archive_but_not_in_its_enterprise_list(world, data):
    person = world["pc"]
    emp = person.employments.get()
    emp.end_date = dt.date(2024, 6, 30)
    emp.save()
    make_employment(person, world["a"], start=dt.date(2024, 7, 1))
    viewer = world["admin_a"]
    assert data["tc"].pk in _ids(selectors.training_list(viewer=viewer, person=person))
    assert data["tc"].pk not in _ids(selectors.training_list(viewer=viewer, enterprise=world["a"]))
    # and 城区's county admin still does not see 高平市's incidents
    assert _ids(selectors.incident_list(viewer=world["county"], enterprise=world["c"])) == set()


def test_filters_and_superseded(world, data):
    viewer = world["city"]
    new = record_correct(actor=None, record=data["ta"], hours="6")
    assert data["ta"].pk not in _ids(selectors.training_list(viewer=viewer))
    assert data["ta"].pk in _ids(selectors.training_list(viewer=viewer, include_superseded=True))
    assert _ids(selectors.training_list(viewer=viewer, kind="prejob")) == set()
    assert _ids(selectors.training_list(viewer=viewer, date_from=dt.date(2024, 3, 2))) == set()
    assert new.pk in _ids(selectors.training_list(viewer=viewer, date_to=D, person=world["pa"]))
    assert selectors.training_hours_by_year(viewer=viewer, person=world["pa"]) == [
        (2024, Decimal("6.0"))
    ]
    assert selectors.training_hours_by_year(viewer=world["admin_c"], person=world["pa"]) == []
