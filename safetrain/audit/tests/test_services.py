import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, RequestFactory

from safetrain.audit.models import AuditEvent, AuditEventKind
from safetrain.audit.services import audit_purge, audit_record, purge_cutoff, scrub
from safetrain.core.dates import today
from safetrain.core.errors import ValidationFailed
from safetrain.people.services import person_id_number, token_create
from safetrain.people.tests.factories import PASSWORD, make_person, make_user

pytestmark = pytest.mark.django_db


def test_scrub_masks_id_numbers_phones_and_tokens():
    text = scrub("id 14050219900101123X phone 13800001234 token st_" + "a" * 40)
    assert "14050219900101123X" not in text and "140502********123X" in text
    assert "13800001234" not in text and "138****1234" in text
    assert "st_aaaa" not in text and "[redacted]" in text


def test_audit_record_takes_user_and_ip_from_the_request():
    user = make_user("city_admin")
    request = RequestFactory().get("/x/", REMOTE_ADDR="10.1.2.3")
    request.user = user
    event = audit_record(event="export", request=request, obj=user, detail="a list")
    assert (event.user, event.username, event.ip, event.result) == (
        user,
        user.username,
        "10.1.2.3",
        "success",
    )
    assert event.object_type == "people.user" and event.object_id == str(user.pk)


def test_unknown_event_or_result_is_refused():
    with pytest.raises(ValueError):
        audit_record(event="nonsense")
    with pytest.raises(ValueError):
        audit_record(event="export", result="maybe")


def test_no_event_kind_ever_holds_a_password_token_or_full_id_number(world, users, tmp_path):
    """Every kind of event is produced, then every stored event is searched for the secrets."""
    secrets = []
    worker = users["worker"]
    number = person_id_number(world["pa"])
    secrets += [number, PASSWORD, "13800001234"]
    rf = RequestFactory()
    # sign-in failed, by ID number and by username, and a good sign-in and sign-out
    authenticate(rf.post("/login/"), username=number, password="wrong-" + PASSWORD)
    authenticate(rf.post("/login/"), username=worker.username, password=PASSWORD + "x")
    secrets.append("wrong-" + PASSWORD)
    c = Client()
    assert c.login(username=number, password=PASSWORD)
    c.logout()
    # permission denied (web), unmask, export (web)
    admin = Client()
    admin.force_login(users["city_admin"])
    assert Client().get("/audit/").status_code == 302
    inspector = Client()
    inspector.force_login(users["inspector"])
    assert inspector.get("/audit/").status_code == 403
    r = admin.post(f"/audit/persons/{world['pa'].uid}/unmask/", {"reason": "核对证件信息"})
    assert number.encode() in r.content
    assert admin.get("/workbook/export.xlsx").status_code == 200
    # token, account and role changes, purge, key rotation, CLI import/export
    token = token_create(user=users["county_admin"])
    secrets.append(token)
    user = users["inspector"]
    user.region_id = "140581"
    user.save()
    user.set_password("Another-pass-2024")
    user.save()
    secrets.append("Another-pass-2024")
    out = tmp_path / "all.xlsx"
    call_command("export", str(out))
    call_command("import", str(out), "--dry-run")
    call_command("keys", "rotate")
    audit_purge(before=purge_cutoff())
    kinds = set(AuditEvent.objects.values_list("event", flat=True))
    assert kinds == set(AuditEventKind.values), set(AuditEventKind.values) - kinds
    for event in AuditEvent.objects.all():
        text = " ".join(
            str(v)
            for v in (
                event.username,
                event.object_type,
                event.object_id,
                event.object_repr,
                event.detail,
            )
        )
        for secret in secrets:
            assert secret not in text, (event.event, text)
        assert token[:12] not in text


def test_sign_in_failure_keeps_the_typed_name_masked_when_it_is_an_id_number(world, users):
    number = person_id_number(world["pa"])
    request = RequestFactory().post("/login/", REMOTE_ADDR="192.0.2.7")
    authenticate(request, username=number, password="bad")
    event = AuditEvent.objects.get(event="sign_in_failed")
    assert event.result == "failure" and event.user is None and event.ip == "192.0.2.7"
    assert event.username == world["pa"].id_number_masked


def test_sign_in_and_sign_out_are_recorded(users):
    c = Client()
    assert c.login(username=users["county_admin"].username, password=PASSWORD)
    c.logout()
    events = list(AuditEvent.objects.order_by("id").values_list("event", "username"))
    name = users["county_admin"].username
    assert ("sign_in", name) in events and ("sign_out", name) in events


def test_role_changes_and_account_changes(users):
    AuditEvent.objects.all().delete()
    user = users["inspector"]
    user.region_id = "140581"
    user.save()
    user.is_active = False
    user.save()
    user.save(update_fields=["last_login"])  # nothing tracked: nothing recorded
    rows = list(AuditEvent.objects.order_by("id").values_list("event", "detail"))
    assert rows[0][0] == "role_change" and "region: 140502 → 140581" in rows[0][1]
    assert rows[1][0] == "account_change" and "is_active: True → False" in rows[1][1]
    assert len(rows) == 2


def test_user_create_command_and_token_are_recorded(world):
    import io

    call_command(
        "user", "create", "cli-county", "--role", "county_admin", "--region", "140502",
        stdin=io.StringIO("Strong-pass-2024\n"),
    )  # fmt: skip
    event = AuditEvent.objects.get(event="account_change", object_repr="cli-county")
    assert event.user is None and "created: role=county_admin region=140502" in event.detail
    call_command("token", "create", "cli-county")
    assert AuditEvent.objects.filter(event="token_create", detail__contains="cli-county").exists()


def test_purge_refuses_a_date_within_six_months_and_deletes_nothing():
    on = dt.date(2026, 11, 29)
    old = audit_record(event="export", detail="old")
    AuditEvent.objects.filter(pk=old.pk).update(at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(ValidationFailed) as exc:
        audit_purge(before=dt.date(2026, 5, 30), on=on)
    assert "2026-05-29" in exc.value.message
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    assert audit_purge(before=dt.date(2026, 5, 29), on=on) == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    purges = list(AuditEvent.objects.filter(event="audit_purge").values_list("result", flat=True))
    assert sorted(purges) == ["failure", "success"]


def test_purge_command(capsys):
    old = audit_record(event="export", detail="old")
    AuditEvent.objects.filter(pk=old.pk).update(at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    recent = audit_record(event="export", detail="recent")
    tomorrow = today() + dt.timedelta(days=1)
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "purge", "--before", tomorrow.isoformat())
    assert exc.value.code == 1
    assert "至少保存六个月" in capsys.readouterr().err
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    with pytest.raises(SystemExit):
        call_command("audit", "purge", "--before", "2024-13-01")
    call_command("audit", "purge", "--before", "2021-01-01")
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_make_person_helper_is_unaudited():
    make_person()
    assert not AuditEvent.objects.exists()
