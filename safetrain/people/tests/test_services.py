import datetime as dt

import pytest

from safetrain.core import crypto
from safetrain.core.errors import Conflict, NotAllowed, ValidationFailed
from safetrain.core.testing import new_id_number
from safetrain.people.models import Person
from safetrain.people.services import (
    PostSpec,
    employment_start,
    id_lookup_hash,
    leave_record,
    lookup_hashers,
    person_id_number,
    person_register,
    phone_lookup_hash,
    post_change,
    user_create,
)
from safetrain.people.tests.factories import (
    make_employment,
    make_enterprise,
    make_person,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_lookup_hashers_give_the_lookup_hashes():
    """The bulk import's hashers (the key read once) give exactly the services' hashes."""
    id_hash, phone_hash = lookup_hashers()
    number = new_id_number()
    assert id_hash(number) == id_lookup_hash(number) == crypto.lookup_hash("id:" + number)
    assert phone_hash("13800138000") == phone_lookup_hash("13800138000")
    assert id_hash("13800138000") != phone_hash("13800138000")  # the prefixes keep them apart


def test_person_is_stored_encrypted_and_found_by_hash():
    number = new_id_number()
    person = person_register(actor=None, id_number=number, name="李四", phone="13800138000")
    row = Person.objects.get(pk=person.pk)
    assert number not in row.id_number_enc
    assert row.id_number_masked == number[:6] + "********" + number[-4:]
    assert person_id_number(row) == number
    assert crypto.decrypt(row.phone_enc) == "13800138000"
    assert row.phone_masked == "138****8000"
    # registering again returns the same lifelong person
    assert person_register(actor=None, id_number=number.lower(), name="李四").pk == person.pk


def test_same_id_different_name_is_refused():
    number = new_id_number()
    person_register(actor=None, id_number=number, name="李四")
    with pytest.raises(Conflict):
        person_register(actor=None, id_number=number, name="王五")


def test_invalid_id_is_refused_with_field():
    with pytest.raises(ValidationFailed) as info:
        person_register(actor=None, id_number="140502198001011231", name="李四")
    assert "id_number" in info.value.fields


def test_overlapping_employment_is_refused_and_moving_keeps_the_person():
    person = make_person()
    first = make_enterprise()
    second = make_enterprise(region="140521")
    make_employment(person, first, start=dt.date(2020, 1, 1), end=dt.date(2023, 6, 30))
    with pytest.raises(Conflict):
        make_employment(person, second, start=dt.date(2023, 6, 30))
    moved = make_employment(person, second, start=dt.date(2023, 7, 1))
    assert moved.person_id == person.pk
    assert person.employments.count() == 2


def test_open_employment_blocks_a_later_one():
    person = make_person()
    make_employment(person, start=dt.date(2021, 1, 1))
    with pytest.raises(Conflict):
        make_employment(person, start=dt.date(2025, 1, 1))


def test_post_change_and_leave_rules():
    emp = make_employment(start=dt.date(2022, 1, 1), job="瓦斯检查工")
    assert emp.posts.get().operation_id == "5.4"
    post_change(
        actor=None, employment=emp, from_date=dt.date(2023, 3, 1), post=PostSpec(title="采煤工")
    )
    with pytest.raises(ValidationFailed):
        post_change(
            actor=None, employment=emp, from_date=dt.date(2021, 3, 1), post=PostSpec(title="采煤工")
        )
    leave_record(
        actor=None, employment=emp, start_date=dt.date(2023, 5, 1), end_date=dt.date(2023, 9, 30)
    )
    with pytest.raises(Conflict):
        leave_record(actor=None, employment=emp, start_date=dt.date(2023, 9, 1), end_date=None)


def test_enterprise_admin_cannot_hire_into_another_enterprise():
    admin = make_user("enterprise_admin")
    other = make_enterprise()
    with pytest.raises(NotAllowed):
        employment_start(
            actor=admin,
            person=make_person(),
            enterprise=other,
            role_category="worker",
            start_date=dt.date(2024, 1, 1),
            post=PostSpec(title="采煤工"),
        )


def test_account_creation_follows_the_hierarchy():
    county = make_user("county_admin", region="140521")
    with pytest.raises(NotAllowed):
        user_create(
            actor=county,
            username="x1",
            password="Long-enough-pass-9",
            role="city_admin",
            region_code="140500",
        )
    with pytest.raises(NotAllowed):
        user_create(
            actor=county,
            username="x2",
            password="Long-enough-pass-9",
            role="inspector",
            region_code="140502",
        )
    inspector = user_create(
        actor=county,
        username="x3",
        password="Long-enough-pass-9",
        role="inspector",
        region_code="140521",
    )
    assert inspector.region_id == "140521"
    with pytest.raises(ValidationFailed):
        user_create(
            actor=None,
            username="x4",
            password="Long-enough-pass-9",
            role="county_admin",
            region_code="140500",
        )


def test_county_admin_cannot_move_another_countys_enterprise():
    from safetrain.enterprises.services import enterprise_register

    other = make_enterprise(region="140581")
    county = make_user("county_admin", region="140502")
    with pytest.raises(NotAllowed):
        enterprise_register(
            actor=county,
            credit_code=other.credit_code,
            name="改名",
            region_code="140502",
            sector_code="coal_mine",
        )
    other.refresh_from_db()
    assert other.region_id == "140581" and other.name != "改名"
