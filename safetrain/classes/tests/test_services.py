"""Sessions: who organises what, roster, QR window, attendance and idempotent completion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from safetrain.classes import services
from safetrain.classes.models import Participant
from safetrain.classes.tests.factories import make_session
from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.records.models import TrainingRecord

pytestmark = pytest.mark.django_db


def test_organiser_comes_from_the_account(world):
    s = make_session(actor=world["admin_a"])
    assert (s.organiser, s.enterprise, s.region_id) == ("enterprise", world["a"], "140502")
    s = make_session(actor=world["county"], audience="safety_manager")
    assert (s.organiser, s.enterprise, s.region_id) == ("county", None, "140502")
    s = make_session(actor=world["city"], audience="principal")
    assert (s.organiser, s.enterprise, s.region_id) == ("city", None, None)


@pytest.mark.parametrize(
    ("who", "audience"),
    [
        ("admin_a", "principal"),
        ("admin_a", "special_operator"),
        ("county", "principal"),
        ("county", "general"),
        ("city", "safety_manager"),
        ("city", "general"),
    ],
)
def test_each_level_organises_only_its_audiences(world, who, audience):
    with pytest.raises(NotAllowed) as exc:
        make_session(actor=world[who], audience=audience)
    assert "audience" in exc.value.fields
    assert "通知第五条第二项" in exc.value.message


@pytest.mark.parametrize("who", ["inspector", "trainer", "worker"])
def test_other_roles_organise_nothing(world, who):
    with pytest.raises(NotAllowed):
        make_session(actor=world[who])


def test_hours_cannot_exceed_the_time_in_45_minute_units(world):
    # 2 hours = 120 minutes = 2.6 学时 at most
    with pytest.raises(ValidationFailed) as exc:
        make_session(actor=world["admin_a"], hours="3", duration=dt.timedelta(hours=2))
    assert exc.value.fields == {"hours": "超过培训时长"}
    assert "最多 2.6 学时" in exc.value.message
    make_session(actor=world["admin_a"], hours="2.6", duration=dt.timedelta(hours=2))


def test_bad_times_and_levels_are_refused(world):
    start = timezone.now()
    with pytest.raises(ValidationFailed):
        services.session_create(
            actor=world["admin_a"],
            title="x",
            audience="general",
            kind="continuing",
            starts_at=start,
            ends_at=start,
            hours=1,
        )
    with pytest.raises(ValidationFailed) as exc:
        make_session(actor=world["admin_a"], kind="continuing", level="team")
    assert "level" in exc.value.fields
    s = make_session(actor=world["admin_a"], kind="prejob", level="team")
    assert s.level == "team"


def test_roster_checks_employer_jurisdiction_and_audience(world):
    ent = make_session(actor=world["admin_a"])
    with pytest.raises(ValidationFailed) as exc:
        services.roster_add(actor=world["admin_a"], session=ent, persons=[world["pa"], world["pb"]])
    assert "不在本企业任职" in exc.value.message
    assert Participant.objects.count() == 0  # all or nothing

    county = make_session(actor=world["county"], audience="safety_manager")
    with pytest.raises(ValidationFailed) as exc:
        services.roster_add(actor=world["county"], session=county, persons=[world["manager_c"]])
    assert "不在本县" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        services.roster_add(actor=world["county"], session=county, persons=[world["pa"]])
    assert "不属于本培训班的培训对象" in exc.value.message
    added = services.roster_add(actor=world["county"], session=county, persons=[world["manager_a"]])
    assert [p.enterprise for p in added] == [world["a"]]

    city = make_session(actor=world["city"], audience="principal")
    services.roster_add(actor=world["city"], session=city, persons=[world["principal_a"]])
    with pytest.raises(ValidationFailed):
        services.roster_add(actor=world["city"], session=city, persons=[world["manager_a"]])


def test_only_the_organising_body_manages_the_roster(world):
    s = make_session(actor=world["admin_a"])
    for who in ("admin_b", "county", "city", "trainer"):
        with pytest.raises(NotAllowed):
            services.roster_add(actor=world[who], session=s, persons=[world["pa"]])


def test_adding_twice_keeps_one_entry(world):
    s = make_session(actor=world["admin_a"])
    services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"]])
    again = services.roster_add(
        actor=world["admin_a"], session=s, persons=[world["pa"], world["pa2"]]
    )
    assert [p.person for p in again] == [world["pa2"]]
    assert s.participants.count() == 2


# ----------------------------------------------------------------------------- QR window


def _roster(world, **kw):
    s = make_session(actor=world["admin_a"], **kw)
    services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"]])
    return s


def test_qr_check_in_during_the_session(world):
    s = _roster(world)
    token = services.checkin_token(s)
    participant, new = services.checkin_by_qr(actor=world["worker"], token=token)
    assert new and participant.check_in_method == "qr" and participant.checked_in_at
    again, new = services.checkin_by_qr(actor=world["worker"], token=token)
    assert not new and again.checked_in_at == participant.checked_in_at


def test_qr_window_opens_30_minutes_early_and_closes_at_the_end(world):
    start = timezone.now() + dt.timedelta(days=1)
    s = _roster(world, starts_at=start)
    token = services.checkin_token(s)
    with pytest.raises(Conflict) as exc:
        services.checkin_by_qr(
            actor=world["worker"], token=token, at=start - dt.timedelta(minutes=31)
        )
    assert exc.value.code == "checkin_not_open" and "起可以签到" in exc.value.message
    services.checkin_by_qr(actor=world["worker"], token=token, at=start - dt.timedelta(minutes=29))


def test_qr_after_the_end_is_refused(world):
    start = timezone.now() - dt.timedelta(hours=5)
    s = _roster(world, starts_at=start)
    with pytest.raises(Conflict) as exc:
        services.checkin_by_qr(actor=world["worker"], token=services.checkin_token(s))
    assert exc.value.code == "checkin_closed" and "签到已结束" in exc.value.message
    assert not Participant.objects.filter(checked_in_at__isnull=False).exists()


def test_qr_refuses_who_is_not_on_the_roster_and_forged_tokens(world):
    s = _roster(world)
    with pytest.raises(NotAllowed) as exc:
        services.checkin_by_qr(actor=world["worker_b"], token=services.checkin_token(s))
    assert exc.value.code == "not_on_roster"
    with pytest.raises(NotAllowed) as exc:
        services.checkin_by_qr(actor=world["admin_a"], token=services.checkin_token(s))
    assert exc.value.code == "not_a_worker"
    forged = services.checkin_token(s).replace(str(s.pk), str(s.pk + 1), 1)
    with pytest.raises(NotFound):
        services.checkin_by_qr(actor=world["worker"], token=forged)
    with pytest.raises(NotFound):
        services.checkin_by_qr(actor=world["worker"], token="1:abc")


# ----------------------------------------------------------------------------- completion


def _past_with_attendance(world):
    start = timezone.now() - dt.timedelta(hours=5)
    s = make_session(actor=world["admin_a"], starts_at=start, kind="prejob", level="company")
    services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"], world["pa2"]])
    services.attendance_mark(actor=world["admin_a"], session=s, persons=[world["pa"]])
    return s


def test_completion_writes_records_once(world):
    s = _past_with_attendance(world)
    assert services.session_complete(actor=world["admin_a"], session=s) == 1
    record = TrainingRecord.objects.get()
    assert (record.person, record.kind, record.level, record.organiser, record.hours) == (
        world["pa"],
        "prejob",
        "company",
        "enterprise",
        Decimal("4.0"),
    )
    assert (record.enterprise, record.channel, record.title) == (world["a"], "offline", s.title)
    assert record.session_participant.session == s
    assert services.session_complete(actor=world["admin_a"], session=s) == 0
    assert TrainingRecord.objects.count() == 1
    assert s.completed_at is not None


def test_late_attendance_after_completion_writes_only_the_new_record(world):
    s = _past_with_attendance(world)
    services.session_complete(actor=world["admin_a"], session=s)
    assert services.attendance_mark(actor=world["admin_a"], session=s, persons=[world["pa2"]]) == 1
    assert sorted(TrainingRecord.objects.values_list("person_id", flat=True)) == sorted(
        [world["pa"].pk, world["pa2"].pk]
    )
    assert services.attendance_mark(actor=world["admin_a"], session=s, persons=[world["pa2"]]) == 0
    assert TrainingRecord.objects.count() == 2


def test_completion_before_the_end_or_without_attendance_is_refused(world):
    s = _roster(world)
    with pytest.raises(Conflict):
        services.session_complete(actor=world["admin_a"], session=s)
    past = make_session(actor=world["admin_a"], starts_at=timezone.now() - dt.timedelta(hours=5))
    with pytest.raises(ValidationFailed):
        services.session_complete(actor=world["admin_a"], session=past)
    with pytest.raises(NotAllowed):
        services.session_complete(actor=world["county"], session=past)
    assert not TrainingRecord.objects.exists()


def test_bureau_session_records_count_at_each_attendees_employer(world):
    start = timezone.now() - dt.timedelta(hours=5)
    s = make_session(actor=world["city"], audience="principal", kind="initial", starts_at=start)
    services.roster_add(actor=world["city"], session=s, persons=[world["principal_a"]])
    services.attendance_mark(actor=world["city"], session=s, persons=[world["principal_a"]])
    services.session_complete(actor=world["city"], session=s)
    record = TrainingRecord.objects.get()
    assert (record.organiser, record.enterprise, record.kind) == ("city", world["a"], "initial")


def test_the_compliance_engine_counts_the_hours(world):
    from safetrain.compliance.engine import evaluate_persons
    from safetrain.core.dates import today

    def done_hours():
        [(_, ev)] = evaluate_persons([world["pa"].pk], today())
        [finding] = [f for f in ev.findings if f.code == "ANNUAL_HOURS_PENDING"]
        return finding.detail["done_hours"]

    before = done_hours()
    s = make_session(
        actor=world["admin_a"], starts_at=timezone.now() - dt.timedelta(hours=5), kind="special"
    )
    services.roster_add(actor=world["admin_a"], session=s, persons=[world["pa"]])
    services.attendance_mark(actor=world["admin_a"], session=s, persons=[world["pa"]])
    services.session_complete(actor=world["admin_a"], session=s)
    assert done_hours() == before + 4


def test_attendance_before_the_start_or_for_others_is_refused(world):
    s = _roster(world, starts_at=timezone.now() + dt.timedelta(days=2))
    with pytest.raises(Conflict):
        services.attendance_mark(actor=world["admin_a"], session=s, persons=[world["pa"]])
    now = _roster(world)
    with pytest.raises(ValidationFailed) as exc:
        services.attendance_mark(actor=world["admin_a"], session=now, persons=[world["pa2"]])
    assert "不在名单中" in exc.value.message
