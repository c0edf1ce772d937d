"""Data-key rotation with two keys: old values stay readable through SAFETRAIN_OLD_DATA_KEYS,
`keys rotate` rewrites every value and lookup hash under the current key, all or nothing."""

import base64
import io

import pytest
from django.core.management import call_command

from safetrain.audit.models import AuditEvent
from safetrain.core import crypto
from safetrain.people.models import Person
from safetrain.people.selectors import person_lookup
from safetrain.people.services import (
    id_lookup_hash,
    person_id_number,
    person_phone,
    phone_lookup_hash,
)
from safetrain.people.tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db

K1 = crypto.generate_key()
K2 = crypto.generate_key()


def snapshot():
    return list(
        Person.objects.order_by("pk").values_list(
            "id_number_enc", "id_number_hash", "phone_enc", "phone_hash"
        )
    )


def test_generate_prints_a_usable_32_byte_key():
    out = io.StringIO()
    call_command("keys", "generate", stdout=out)
    key = out.getvalue().strip()
    assert len(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))) == 32
    assert key != crypto.generate_key()
    crypto._keys(key, "x")  # accepted as a SAFETRAIN_DATA_KEY


def test_rotate_from_one_key_to_another(settings):
    settings.SAFETRAIN_DATA_KEY = K1
    people = [make_person(phone=f"1380000{i:04d}") for i in range(5)] + [make_person()]
    numbers = {p.pk: person_id_number(p) for p in people}
    phones = {p.pk: person_phone(p) for p in people}
    k1_id = crypto.current_keys()[0]
    assert all(crypto.key_id_of(enc) == k1_id for enc, *_ in snapshot())

    settings.SAFETRAIN_DATA_KEY = K2
    settings.SAFETRAIN_OLD_DATA_KEYS = f" {K1} ,"
    k2_id = crypto.current_keys()[0]
    assert k2_id != k1_id
    # readable through the old key before the rotation
    assert all(person_id_number(p) == numbers[p.pk] for p in Person.objects.all())
    out = io.StringIO()
    call_command("keys", "rotate", "--batch-size", "2", stdout=out)
    assert "6 行" in out.getvalue() and "11 个值" in out.getvalue()

    settings.SAFETRAIN_OLD_DATA_KEYS = ""  # the old key can now be thrown away
    for person in Person.objects.all():
        assert crypto.key_id_of(person.id_number_enc) == k2_id
        assert person_id_number(person) == numbers[person.pk]
        assert person.id_number_hash == id_lookup_hash(numbers[person.pk])
        if phones[person.pk]:
            assert crypto.key_id_of(person.phone_enc) == k2_id
            assert person_phone(person) == phones[person.pk]
            assert person.phone_hash == phone_lookup_hash(phones[person.pk])
        else:
            assert person.phone_enc == "" and person.phone_hash == ""
    admin = make_user("city_admin")
    assert person_lookup(viewer=admin, id_number=numbers[people[0].pk]) == people[0]
    event = AuditEvent.objects.get(event="key_rotation")
    assert event.result == "success" and k2_id in event.detail


def test_without_the_old_key_old_values_cannot_be_read(settings):
    settings.SAFETRAIN_DATA_KEY = K1
    person = make_person()
    settings.SAFETRAIN_DATA_KEY = K2
    with pytest.raises(ValueError, match="SAFETRAIN_OLD_DATA_KEYS"):
        person_id_number(person)


def test_rotation_is_all_or_nothing(settings, capsys):
    settings.SAFETRAIN_DATA_KEY = K1
    for _ in range(4):
        make_person(phone="13900001111")
    lost = crypto.generate_key()
    settings.SAFETRAIN_DATA_KEY = lost
    orphan = make_person()  # written under a key nobody will remember
    settings.SAFETRAIN_DATA_KEY = K2
    settings.SAFETRAIN_OLD_DATA_KEYS = K1
    before = snapshot()
    with pytest.raises(SystemExit) as exc:
        call_command("keys", "rotate", "--batch-size", "2")
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert f"#{orphan.pk}" in err and "未修改任何数据" in err
    assert snapshot() == before
    assert AuditEvent.objects.get(event="key_rotation").result == "failure"
