"""Builders for rescue teams (through the services, like production)."""

from __future__ import annotations

import datetime as dt

from safetrain.enterprises.models import Enterprise
from safetrain.rescue.models import RescueTeam
from safetrain.rescue.services import team_create


def own_team(enterprise: Enterprise, since: dt.date = dt.date(2023, 1, 1), **kw) -> RescueTeam:
    return team_create(
        actor=None,
        enterprise=enterprise,
        kind=kw.pop("kind", "part_time"),
        name=kw.pop("name", "兼职救护队"),
        established_on=since,
        **kw,
    )


def contract(enterprise: Enterprise, start: dt.date, end: dt.date, **kw) -> RescueTeam:
    return team_create(
        actor=None,
        enterprise=enterprise,
        kind="contracted",
        name=kw.pop("name", "晋城市矿山救护大队"),
        agreement_start=start,
        agreement_end=end,
        agreement_number=kw.pop("agreement_number", "JY-2024-01"),
        **kw,
    )
