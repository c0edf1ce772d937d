"""Rescue team writes: who may, what is refused (and that nothing is written then)."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.core.errors import Conflict, NotAllowed, ValidationFailed
from safetrain.rescue import services
from safetrain.rescue.models import Qualification, RescueTeam, TeamDrill, TeamMember
from safetrain.rescue.tests.factories import contract, own_team

pytestmark = pytest.mark.django_db

D = dt.date


def test_enterprise_admin_creates_an_own_team_and_a_contract(world):
    team = services.team_create(
        actor=world["admin_a"],
        enterprise=world["a"],
        kind="full_time",
        name="矿山救护中队",
        phone="0356-1234567",
        established_on=D(2024, 3, 1),
    )
    assert team.created_by == world["admin_a"] and team.established_on == D(2024, 3, 1)
    deal = services.team_create(
        actor=world["admin_a"],
        enterprise=world["a"],
        kind="contracted",
        name="晋城市矿山救护大队",
        agreement_number="XY-01",
        agreement_start=D(2024, 1, 1),
        agreement_end=D(2024, 12, 31),
    )
    assert deal.is_contracted and deal.agreement_end == D(2024, 12, 31)


def test_agreement_ending_before_it_starts_is_refused_and_nothing_written(world):
    with pytest.raises(ValidationFailed) as exc:
        services.team_create(
            actor=world["admin_a"],
            enterprise=world["a"],
            kind="contracted",
            name="晋城市矿山救护大队",
            agreement_start=D(2024, 6, 1),
            agreement_end=D(2024, 5, 31),
        )
    assert exc.value.fields == {"agreement_end": "早于协议开始日期"}
    assert "2024-05-31" in exc.value.message and "2024-06-01" in exc.value.message
    assert not RescueTeam.objects.exists()


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        ("contracted", {"agreement_start": D(2024, 1, 1)}, "agreement_end"),
        ("contracted", {"agreement_end": D(2024, 1, 1)}, "agreement_start"),
        ("full_time", {}, "established_on"),
        (
            "part_time",
            {"established_on": D(2024, 1, 1), "agreement_start": D(2024, 1, 1)},
            "agreement_start",
        ),
        ("volunteer", {"established_on": D(2024, 1, 1)}, "kind"),
    ],
)
def test_team_fields_are_checked(world, kind, extra, field):
    with pytest.raises(ValidationFailed) as exc:
        services.team_create(
            actor=world["admin_a"], enterprise=world["a"], kind=kind, name="队", **extra
        )
    assert field in exc.value.fields
    assert not RescueTeam.objects.exists()


@pytest.mark.parametrize("who", ["admin_b", "county_c", "inspector", "trainer", "worker"])
def test_only_the_enterprise_and_its_bureaus_write(world, who):
    with pytest.raises(NotAllowed):
        services.team_create(
            actor=world[who],
            enterprise=world["a"],
            kind="part_time",
            name="兼职队",
            established_on=D(2024, 1, 1),
        )
    assert not RescueTeam.objects.exists()


@pytest.mark.parametrize("who", ["county", "city"])
def test_bureaus_over_the_enterprise_write(world, who):
    team = services.team_create(
        actor=world[who],
        enterprise=world["a"],
        kind="part_time",
        name="兼职队",
        established_on=D(2024, 1, 1),
    )
    assert team.enterprise == world["a"]


def test_member_of_an_own_team_must_be_employed_there_on_the_day(world):
    team = own_team(world["a"])
    m = services.member_add(
        actor=world["admin_a"], team=team, person=world["pa"], joined_on=D(2024, 2, 1), duty="队长"
    )
    assert m.duty == "队长"
    # employed elsewhere
    with pytest.raises(ValidationFailed) as exc:
        services.member_add(
            actor=world["admin_a"], team=team, person=world["pb"], joined_on=D(2024, 2, 1)
        )
    assert exc.value.fields == {"person": "入队当日不在本企业任职"}
    assert world["pb"].name in exc.value.message
    # employed there, but no longer on that day (employment ended 2024-06-30)
    with pytest.raises(ValidationFailed):
        services.member_add(
            actor=world["admin_a"], team=team, person=world["pa2"], joined_on=D(2024, 7, 1)
        )
    services.member_add(
        actor=world["admin_a"], team=team, person=world["pa2"], joined_on=D(2024, 6, 30)
    )
    assert TeamMember.objects.filter(team=team).count() == 2


def test_member_must_be_a_person(world):
    team = own_team(world["a"])
    for bad in (None, "140502198001011234", world["admin_a"]):
        with pytest.raises(ValidationFailed) as exc:
            services.member_add(
                actor=world["admin_a"], team=team, person=bad, joined_on=D(2024, 1, 2)
            )
        assert exc.value.fields == {"person": "不是已登记人员"}
    assert not TeamMember.objects.exists()


def test_contracted_team_members_need_not_be_employed_there(world):
    team = contract(world["a"], D(2024, 1, 1), D(2025, 12, 31))
    m = services.member_add(actor=None, team=team, person=world["pc"], joined_on=D(2024, 3, 1))
    assert m.team == team


def test_member_once_and_leave_rules(world):
    team = own_team(world["a"])
    m = services.member_add(actor=None, team=team, person=world["pa"], joined_on=D(2024, 1, 5))
    with pytest.raises(Conflict):
        services.member_add(actor=None, team=team, person=world["pa"], joined_on=D(2024, 2, 5))
    with pytest.raises(ValidationFailed) as exc:
        services.member_leave(actor=world["admin_a"], member=m, left_on=D(2024, 1, 4))
    assert exc.value.fields == {"left_on": "早于入队日期"}
    services.member_leave(actor=world["admin_a"], member=m, left_on=D(2024, 5, 1))
    m.refresh_from_db()
    assert m.left_on == D(2024, 5, 1)
    # after leaving, may join again
    services.member_add(actor=None, team=team, person=world["pa"], joined_on=D(2024, 6, 1))
    assert TeamMember.objects.filter(team=team, person=world["pa"]).count() == 2


def test_joining_before_the_team_exists_is_refused(world):
    team = own_team(world["a"], since=D(2024, 5, 1))
    with pytest.raises(ValidationFailed) as exc:
        services.member_add(actor=None, team=team, person=world["pa"], joined_on=D(2024, 4, 30))
    assert exc.value.fields == {"joined_on": "早于队伍成立日期"}


def test_qualification_dates(world):
    team = own_team(world["a"])
    m = services.member_add(actor=None, team=team, person=world["pa"], joined_on=D(2024, 1, 5))
    q = services.qualification_add(
        actor=world["admin_a"],
        member=m,
        name="矿山救护队员证",
        number="JH-001",
        issued_on=D(2023, 6, 1),
        valid_until=D(2026, 5, 31),
    )
    assert q.number == "JH-001"
    with pytest.raises(ValidationFailed) as exc:
        services.qualification_add(
            actor=world["admin_a"],
            member=m,
            name="矿山救护队员证",
            issued_on=D(2023, 6, 1),
            valid_until=D(2023, 5, 31),
        )
    assert exc.value.fields == {"valid_until": "早于发证日期"}
    with pytest.raises(ValidationFailed):
        services.qualification_add(actor=world["admin_a"], member=m, name=" ")
    with pytest.raises(NotAllowed):
        services.qualification_add(actor=world["admin_b"], member=m, name="证")
    assert Qualification.objects.count() == 1


def test_drill_participants_must_be_on_the_team_that_day(world):
    team = own_team(world["a"])
    other = own_team(world["b"], name="B队")
    m1 = services.member_add(actor=None, team=team, person=world["pa"], joined_on=D(2024, 1, 5))
    m2 = services.member_add(actor=None, team=team, person=world["pa2"], joined_on=D(2024, 3, 1))
    stranger = services.member_add(
        actor=None, team=other, person=world["pb"], joined_on=D(2024, 1, 5)
    )
    drill = services.drill_add(
        actor=world["admin_a"],
        team=team,
        date=D(2024, 3, 10),
        subject="井下火灾救援",
        participants=[m1, m2],
    )
    assert drill.participant_count == 2 and set(drill.participants.all()) == {m1, m2}
    with pytest.raises(ValidationFailed) as exc:
        services.drill_add(
            actor=world["admin_a"],
            team=team,
            date=D(2024, 2, 1),
            subject="演练",
            participants=[m1, m2],
        )
    assert exc.value.fields == {"participants.1": "训练当日不在队中"}
    with pytest.raises(ValidationFailed) as exc:
        services.drill_add(
            actor=world["admin_a"],
            team=team,
            date=D(2024, 3, 10),
            subject="演练",
            participants=[stranger],
        )
    assert exc.value.fields == {"participants.0": "不是本队队员"}
    with pytest.raises(ValidationFailed):
        services.drill_add(actor=world["admin_a"], team=team, date=D(2024, 3, 10), subject="演练")
    with pytest.raises(ValidationFailed):
        services.drill_add(
            actor=world["admin_a"],
            team=team,
            date=D(2024, 3, 10),
            subject="演练",
            participants=[m1, m2],
            participant_count=1,
        )
    # a contracted team may report a head count without listing members
    deal = contract(world["a"], D(2024, 1, 1), D(2024, 12, 31))
    d2 = services.drill_add(
        actor=None, team=deal, date=D(2024, 4, 1), subject="联合演练", participant_count=12
    )
    assert d2.participant_count == 12
    assert TeamDrill.objects.count() == 2


def test_dissolving_an_own_team_ends_memberships(world):
    team = own_team(world["a"], since=D(2024, 1, 1))
    m = services.member_add(actor=None, team=team, person=world["pa"], joined_on=D(2024, 1, 5))
    with pytest.raises(ValidationFailed):
        services.team_dissolve(actor=world["admin_a"], team=team, dissolved_on=D(2023, 12, 31))
    services.team_dissolve(actor=world["admin_a"], team=team, dissolved_on=D(2024, 8, 31))
    m.refresh_from_db()
    assert m.left_on == D(2024, 8, 31)
    with pytest.raises(Conflict):
        services.team_dissolve(actor=world["admin_a"], team=team, dissolved_on=D(2024, 9, 1))
    deal = contract(world["a"], D(2024, 1, 1), D(2024, 12, 31))
    with pytest.raises(ValidationFailed):
        services.team_dissolve(actor=world["admin_a"], team=deal, dissolved_on=D(2024, 9, 1))
