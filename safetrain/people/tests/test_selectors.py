"""No leak across jurisdictions: every list selector, every role."""

import datetime as dt

import pytest

from safetrain.enterprises.selectors import enterprise_list
from safetrain.people.selectors import employment_list, person_list, person_lookup, user_list
from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a = make_enterprise(region="140502")
    b = make_enterprise(region="140502")
    c = make_enterprise(region="140581")
    ea = make_employment(enterprise=a)
    eb = make_employment(enterprise=b)
    ec = make_employment(enterprise=c)
    return {"a": a, "b": b, "c": c, "pa": ea.person, "pb": eb.person, "pc": ec.person}


def test_city_admin_sees_everything(world):
    viewer = make_user("city_admin")
    assert set(enterprise_list(viewer=viewer)) >= {world["a"], world["b"], world["c"]}
    assert set(person_list(viewer=viewer)) >= {world["pa"], world["pb"], world["pc"]}


@pytest.mark.parametrize("role", ["county_admin", "inspector"])
def test_county_roles_see_only_their_county(world, role):
    viewer = make_user(role, region="140502")
    assert set(enterprise_list(viewer=viewer)) == {world["a"], world["b"]}
    assert set(person_list(viewer=viewer)) == {world["pa"], world["pb"]}
    assert {e.enterprise for e in employment_list(viewer=viewer)} == {world["a"], world["b"]}
    assert person_lookup(viewer=viewer, id_number=person_id_number(world["pc"])) is None
    assert person_lookup(viewer=viewer, id_number=person_id_number(world["pa"])) == world["pa"]


def test_enterprise_admin_sees_only_its_enterprise(world):
    viewer = make_user("enterprise_admin", enterprise=world["a"])
    assert list(enterprise_list(viewer=viewer)) == [world["a"]]
    assert list(person_list(viewer=viewer)) == [world["pa"]]
    assert {e.enterprise for e in employment_list(viewer=viewer)} == {world["a"]}


def test_enterprise_admin_sees_a_former_worker_and_a_new_employer_sees_the_history(world):
    person = world["pa"]
    emp = person.employments.get()
    emp.end_date = dt.date(2022, 12, 31)
    emp.save()
    make_employment(person, world["c"], start=dt.date(2023, 1, 1))
    old = make_user("enterprise_admin", enterprise=world["a"])
    new = make_user("enterprise_admin", enterprise=world["c"])
    assert person in person_list(viewer=old)
    assert person in person_list(viewer=new)
    # but the other county's admin of world["b"] does not see it
    assert person not in person_list(viewer=make_user("enterprise_admin", enterprise=world["b"]))


def test_worker_sees_only_self(world):
    viewer = make_user("worker", person=world["pa"])
    assert list(person_list(viewer=viewer)) == [world["pa"]]
    assert list(enterprise_list(viewer=viewer)) == []
    assert {e.person for e in employment_list(viewer=viewer)} == {world["pa"]}


def test_trainer_sees_no_people(world):
    viewer = make_user("trainer")
    assert list(person_list(viewer=viewer)) == []
    assert list(enterprise_list(viewer=viewer)) == []


def test_user_list_is_scoped(world):
    city = make_user("city_admin")
    county = make_user("county_admin", region="140581")
    ea = make_user("enterprise_admin", enterprise=world["a"])
    assert ea not in user_list(viewer=county)
    assert ea in user_list(viewer=city)
    assert county not in user_list(viewer=ea)
