"""Rescue teams over the API (scoped like the pages), mounted under /api/v1/rescue.

GET /api/v1/rescue/teams?enterprise=CREDIT_CODE&on=YYYY-MM-DD   teams in the caller's scope
GET /api/v1/rescue/teams/{id}?on=                               one team: members, drills
GET /api/v1/rescue/gaps?on=                                     high-risk enterprises without one

A team outside the caller's jurisdiction is 404, like an unknown one. Members are named by the
person's opaque id and masked ID number, never the ID number itself.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from safetrain.core.dates import IsoDate, today
from safetrain.core.errors import NotFound
from safetrain.enterprises.selectors import enterprise_get
from safetrain.people.models import User
from safetrain.rescue import selectors
from safetrain.rescue.models import RescueTeam

router = Router(tags=["rescue 应急救援队伍"])


class TeamOut(Schema):
    id: int
    enterprise: str
    enterprise_name: str
    kind: str
    name: str
    phone: str
    established_on: dt.date | None
    dissolved_on: dt.date | None
    agreement_number: str
    agreement_start: dt.date | None
    agreement_end: dt.date | None
    valid: bool
    members: int


class QualificationOut(Schema):
    name: str
    number: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    expired: bool


class MemberOut(Schema):
    person: str
    name: str
    id_number_masked: str
    duty: str
    joined_on: dt.date
    left_on: dt.date | None
    qualifications: list[QualificationOut]


class DrillOut(Schema):
    date: dt.date
    subject: str
    participant_count: int


class TeamDetailOut(TeamOut):
    member_list: list[MemberOut]
    drills: list[DrillOut]


class GapOut(Schema):
    enterprise: str
    name: str
    region: str
    sector: str


def _team(team: RescueTeam, on: dt.date, members: int) -> dict[str, object]:
    return {
        "id": team.pk,
        "enterprise": team.enterprise.credit_code,
        "enterprise_name": team.enterprise.name,
        "kind": team.kind,
        "name": team.name,
        "phone": team.phone,
        "established_on": team.established_on,
        "dissolved_on": team.dissolved_on,
        "agreement_number": team.agreement_number,
        "agreement_start": team.agreement_start,
        "agreement_end": team.agreement_end,
        "valid": selectors.team_is_valid(team, on),
        "members": members,
    }


@router.get("/teams", response=list[TeamOut], summary="辖区内的应急救援队伍")
def team_list(
    request: HttpRequest, enterprise: str = "", on: IsoDate | None = None
) -> list[dict[str, object]]:
    viewer: User = request.user  # type: ignore[assignment]
    day = on or today()
    ent = None
    if enterprise:
        ent = enterprise_get(viewer=viewer, credit_code=enterprise)
        if ent is None:
            raise NotFound("未找到该企业，或不在您的管辖范围内", fields={"enterprise": "未找到"})
    rows = selectors.team_list(viewer=viewer, enterprise=ent, on=day)
    return [_team(t, day, t.member_count) for t in rows]  # type: ignore[attr-defined]


@router.get("/teams/{team_id}", response=TeamDetailOut, summary="一支救援队伍")
def team_get(request: HttpRequest, team_id: int, on: IsoDate | None = None) -> dict[str, object]:
    viewer: User = request.user  # type: ignore[assignment]
    day = on or today()
    team = selectors.team_get(viewer=viewer, pk=team_id)
    if team is None:
        raise NotFound("未找到该救援队伍")
    members = list(team.members.all())
    on_team = [m for m in members if m.joined_on <= day and (m.left_on is None or m.left_on >= day)]
    out = _team(team, day, len(on_team))
    out["member_list"] = [
        {
            "person": str(m.person.uid),
            "name": m.person.name,
            "id_number_masked": m.person.id_number_masked,
            "duty": m.duty,
            "joined_on": m.joined_on,
            "left_on": m.left_on,
            "qualifications": [
                {
                    "name": q.name,
                    "number": q.number,
                    "issued_on": q.issued_on,
                    "valid_until": q.valid_until,
                    "expired": q.valid_until is not None and q.valid_until < day,
                }
                for q in m.qualifications.all()
            ],
        }
        for m in members
    ]
    out["drills"] = [
        {"date": d.date, "subject": d.subject, "participant_count": d.participant_count}
        for d in team.drills.all()
    ]
    return out


@router.get("/gaps", response=list[GapOut], summary="未建立或未签约救援队伍的高危行业企业")
def gaps(request: HttpRequest, on: IsoDate | None = None) -> list[dict[str, str]]:
    viewer: User = request.user  # type: ignore[assignment]
    rows = selectors.viewer_gaps(viewer=viewer, on=on or today())
    return [
        {
            "enterprise": e.credit_code,
            "name": e.name,
            "region": e.region_id,
            "sector": e.sector_id,
        }
        for e in rows
    ]
