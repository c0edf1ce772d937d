"""Writes for rescue teams: create, dissolve, members, qualifications, drills.

Every service: check that the actor may do it → validate → write in transaction.atomic; a
refused write raises a ServiceError naming the field and reason, and writes nothing.
`actor=None` is the command line / the demo (trusted, no jurisdiction check).

Who may write: the enterprise's own admin, and the city and county admins whose jurisdiction
holds the enterprise. Inspectors read only (docs/rescue.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q

from safetrain.core.errors import Conflict, NotAllowed, ValidationFailed
from safetrain.core.scope import enterprise_q
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Employment, Person, User
from safetrain.rescue.models import (
    OWN_KINDS,
    Qualification,
    RescueTeam,
    TeamDrill,
    TeamKind,
    TeamMember,
)

WRITER_ROLES = frozenset({"city_admin", "county_admin", "enterprise_admin"})


def may_manage(actor: User | None, enterprise: Enterprise) -> bool:
    """True when the actor administers the enterprise (its own admin, or a bureau over it)."""
    if actor is None or actor.is_superuser:
        return True
    if not actor.is_authenticated or not actor.is_active or actor.role not in WRITER_ROLES:
        return False
    return Enterprise.objects.filter(enterprise_q(actor), pk=enterprise.pk).exists()


def check_may_manage(actor: User | None, enterprise: Enterprise) -> None:
    if not may_manage(actor, enterprise):
        raise NotAllowed("只有本企业安全管理员或所辖县局、市局管理员可以维护救援队伍")


def _text(value: object, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(f"{label}不能为空", fields={field: "必填"})
    if len(text) > max_length:
        raise ValidationFailed(
            f"{label}不能超过 {max_length} 个字", fields={field: f"最多 {max_length} 个字"}
        )
    return text


def _date(value: object, *, field: str, label: str, required: bool = True) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise ValidationFailed(f"请填写{label}", fields={field: "必填"})
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationFailed(f"{label}不是有效日期（YYYY-MM-DD）", fields={field: "无效日期"})
    return value


# ----------------------------------------------------------------------------- teams


def team_create(
    *,
    actor: User | None,
    enterprise: Enterprise,
    kind: str,
    name: str,
    phone: str = "",
    established_on: dt.date | None = None,
    agreement_number: str = "",
    agreement_start: dt.date | None = None,
    agreement_end: dt.date | None = None,
    source: str = "web",
) -> RescueTeam:
    """An own team (专职/兼职, from established_on) or a contracted one (the agreement's dates,
    inclusive; the end may not be before the start)."""
    check_may_manage(actor, enterprise)
    if kind not in TeamKind.values:
        raise ValidationFailed(f"队伍类型“{kind}”无效", fields={"kind": "无效"})
    values: dict[str, object] = {
        "enterprise": enterprise,
        "kind": kind,
        "name": _text(name, field="name", label="队伍名称", max_length=128),
        "phone": _text(phone, field="phone", label="联系电话", max_length=32, required=False),
        "source": source,
        "created_by": actor,
    }
    if kind in OWN_KINDS:
        if agreement_start or agreement_end or (agreement_number or "").strip():
            raise ValidationFailed(
                "自建救援队伍不填救援协议；与专业救援队伍签订协议的，请选择“签订救援协议”",
                fields={"agreement_start": "自建队伍不填"},
            )
        values["established_on"] = _date(established_on, field="established_on", label="成立日期")
    else:
        start = _date(agreement_start, field="agreement_start", label="协议开始日期")
        end = _date(agreement_end, field="agreement_end", label="协议结束日期")
        assert start is not None and end is not None
        if end < start:
            raise ValidationFailed(
                f"协议结束日期 {end} 早于开始日期 {start}",
                fields={"agreement_end": "早于协议开始日期"},
            )
        if established_on is not None:
            raise ValidationFailed(
                "签订救援协议的队伍不填成立日期", fields={"established_on": "协议队伍不填"}
            )
        values["agreement_start"] = start
        values["agreement_end"] = end
        values["agreement_number"] = _text(
            agreement_number,
            field="agreement_number",
            label="协议编号",
            max_length=64,
            required=False,
        )
    with transaction.atomic():
        return RescueTeam.objects.create(**values)


def team_dissolve(*, actor: User | None, team: RescueTeam, dissolved_on: dt.date) -> RescueTeam:
    """An own team stops on dissolved_on (its last day); members still on it leave that day."""
    check_may_manage(actor, team.enterprise)
    day = _date(dissolved_on, field="dissolved_on", label="撤销日期")
    assert day is not None
    if team.kind not in OWN_KINDS:
        raise ValidationFailed(
            "协议队伍按协议结束日期失效，无需撤销", fields={"dissolved_on": "协议队伍不适用"}
        )
    if team.dissolved_on is not None:
        raise Conflict(f"该队伍已于 {team.dissolved_on} 撤销", fields={"dissolved_on": "已撤销"})
    if team.established_on and day < team.established_on:
        raise ValidationFailed(
            f"撤销日期 {day} 早于成立日期 {team.established_on}",
            fields={"dissolved_on": "早于成立日期"},
        )
    with transaction.atomic():
        team.dissolved_on = day
        team.save(update_fields=["dissolved_on"])
        team.members.filter(left_on__isnull=True).filter(joined_on__lte=day).update(left_on=day)
    return team


# ----------------------------------------------------------------------------- members


def _employed_at(person: Person, enterprise: Enterprise, day: dt.date) -> bool:
    return (
        Employment.objects.filter(person=person, enterprise=enterprise, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .exists()
    )


def member_add(
    *,
    actor: User | None,
    team: RescueTeam,
    person: object,
    joined_on: dt.date,
    duty: str = "队员",
    source: str = "web",
) -> TeamMember:
    """Put a person on the team. A member must be a registered person; a member of an own team
    must be employed at the enterprise on the day they join it."""
    check_may_manage(actor, team.enterprise)
    if not isinstance(person, Person) or person.pk is None:
        raise ValidationFailed(
            "队员须是系统中已登记的人员（按身份证号查找）", fields={"person": "不是已登记人员"}
        )
    day = _date(joined_on, field="joined_on", label="入队日期")
    assert day is not None
    duty = _text(duty or "队员", field="duty", label="职务", max_length=32)
    if team.kind in OWN_KINDS:
        if team.established_on and day < team.established_on:
            raise ValidationFailed(
                f"入队日期 {day} 早于队伍成立日期 {team.established_on}",
                fields={"joined_on": "早于队伍成立日期"},
            )
        if not _employed_at(person, team.enterprise, day):
            raise ValidationFailed(
                f"{person.name}（{person.id_number_masked}）{day} 不在{team.enterprise.name}任职，"
                "不能加入本企业自建救援队伍",
                fields={"person": "入队当日不在本企业任职"},
            )
    if team.dissolved_on and day > team.dissolved_on:
        raise ValidationFailed(
            f"队伍已于 {team.dissolved_on} 撤销", fields={"joined_on": "晚于队伍撤销日期"}
        )
    if TeamMember.objects.filter(team=team, person=person, left_on__isnull=True).exists():
        raise Conflict(f"{person.name} 已是该队伍队员", fields={"person": "已在队中"})
    with transaction.atomic():
        return TeamMember.objects.create(
            team=team,
            person=person,
            duty=duty,
            joined_on=day,
            source=source,
            created_by=actor,
        )


def member_leave(*, actor: User | None, member: TeamMember, left_on: dt.date) -> TeamMember:
    check_may_manage(actor, member.team.enterprise)
    day = _date(left_on, field="left_on", label="离队日期")
    assert day is not None
    if member.left_on is not None:
        raise Conflict(f"该队员已于 {member.left_on} 离队", fields={"left_on": "已离队"})
    if day < member.joined_on:
        raise ValidationFailed(
            f"离队日期 {day} 早于入队日期 {member.joined_on}", fields={"left_on": "早于入队日期"}
        )
    with transaction.atomic():
        member.left_on = day
        member.save(update_fields=["left_on"])
    return member


def qualification_add(
    *,
    actor: User | None,
    member: TeamMember,
    name: str,
    number: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    source: str = "web",
) -> Qualification:
    """A qualification of a member (free text, e.g. 矿山救护队员证; number; dates)."""
    check_may_manage(actor, member.team.enterprise)
    issued = _date(issued_on, field="issued_on", label="发证日期", required=False)
    until = _date(valid_until, field="valid_until", label="有效期至", required=False)
    if issued and until and until < issued:
        raise ValidationFailed(
            f"有效期至 {until} 早于发证日期 {issued}", fields={"valid_until": "早于发证日期"}
        )
    with transaction.atomic():
        return Qualification.objects.create(
            member=member,
            name=_text(name, field="name", label="资格名称", max_length=64),
            number=_text(number, field="number", label="证书编号", max_length=64, required=False),
            issued_on=issued,
            valid_until=until,
            source=source,
            created_by=actor,
        )


# ----------------------------------------------------------------------------- drills


def drill_add(
    *,
    actor: User | None,
    team: RescueTeam,
    date: dt.date,
    subject: str,
    participants: Sequence[TeamMember] = (),
    participant_count: int | None = None,
    source: str = "web",
) -> TeamDrill:
    """A drill of the team. Listed participants must be on the team on the drill's day;
    `participant_count` (default: the number listed) may be larger, for a contracted team whose
    members are not all registered here."""
    check_may_manage(actor, team.enterprise)
    day = _date(date, field="date", label="训练日期")
    assert day is not None
    subject = _text(subject, field="subject", label="训练科目", max_length=128)
    members = list(participants)
    if len({m.pk for m in members}) != len(members):
        raise ValidationFailed("参训队员重复", fields={"participants": "重复"})
    for i, m in enumerate(members):
        if m.team_id != team.pk:
            raise ValidationFailed(
                f"第 {i + 1} 名参训人员不是本队队员", fields={f"participants.{i}": "不是本队队员"}
            )
        if m.joined_on > day or (m.left_on is not None and m.left_on < day):
            raise ValidationFailed(
                f"第 {i + 1} 名参训人员 {day} 不在队中（入队 {m.joined_on}"
                f"{'，离队 ' + str(m.left_on) if m.left_on else ''}）",
                fields={f"participants.{i}": "训练当日不在队中"},
            )
    count = len(members) if participant_count is None else participant_count
    if isinstance(count, bool) or not isinstance(count, int) or count < max(1, len(members)):
        raise ValidationFailed(
            "参训人数须为正整数，且不少于列出的参训队员数",
            fields={"participant_count": "须 ≥ 列出的参训队员数且 ≥ 1"},
        )
    with transaction.atomic():
        drill = TeamDrill.objects.create(
            team=team,
            date=day,
            subject=subject,
            participant_count=count,
            source=source,
            created_by=actor,
        )
        drill.participants.set(members)
    return drill
