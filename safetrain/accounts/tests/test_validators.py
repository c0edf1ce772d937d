from __future__ import annotations

import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from safetrain.demo.context import DEMO_PASSWORD
from safetrain.people.models import User
from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import PASSWORD, make_person, make_user

pytestmark = pytest.mark.django_db


def codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {e.code for e in exc.error_list}
    return set()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Short-1a", "password_too_short"),  # 8 characters
        ("Anquan-2024", "password_too_short"),  # the old demo password: 11
        ("anquanpeixunxitong", "password_too_simple"),  # one class
        ("anquanpeixun2024", "password_too_simple"),  # two classes
        ("Password1234", "password_too_common"),  # on Django's common-password list
    ],
)
def test_weak_passwords_are_refused(password, code):
    assert code in codes(password)


@pytest.mark.parametrize(
    "password", [DEMO_PASSWORD, PASSWORD, "jincheng 2024 ANQUAN", "晋城Anquan2024"]
)
def test_strong_passwords_pass(password):
    assert codes(password) == set()


def test_personal_data_is_refused():
    person = make_person(phone="13912345678")
    user = make_user("worker", person=person, username="wangjianguo")
    number = person_id_number(person)
    assert "password_contains_personal_data" in codes("Wangjianguo-99!", user)
    assert "password_contains_personal_data" in codes(f"Id-{number}", user)
    assert "password_contains_personal_data" in codes(f"Pass-word-{number[-6:]}", user)
    assert "password_contains_personal_data" in codes("Tel+13912345678", user)
    assert codes("Tel+13900000000a", user) == set()


def test_user_create_refuses_a_weak_password_and_writes_nothing():
    with pytest.raises(CommandError) as exc:
        call_command(
            "user",
            "create",
            "cityboss",
            "--role",
            "city_admin",
            "--region",
            "140500",
            stdin=io.StringIO("Anquan-2024\n"),
        )
    assert "12" in str(exc.value)
    assert not User.objects.filter(username="cityboss").exists()
    call_command(
        "user",
        "create",
        "cityboss",
        "--role",
        "city_admin",
        "--region",
        "140500",
        stdin=io.StringIO(f"{DEMO_PASSWORD}\n"),
        stdout=io.StringIO(),
    )
    assert User.objects.get(username="cityboss").check_password(DEMO_PASSWORD)


def test_worker_account_form_refuses_the_id_number_as_password():
    """user_create (behind the web account form and the command) checks the person's data."""
    from safetrain.core.errors import ValidationFailed
    from safetrain.people.services import user_create

    person = make_person()
    number = person_id_number(person)
    with pytest.raises(ValidationFailed) as exc:
        user_create(
            actor=None, username="w1", password=f"Aa-{number}", role="worker", person=person
        )
    assert "身份证" in exc.value.message or "ID number" in exc.value.message
    assert not User.objects.filter(username="w1").exists()
