"""Builders for sessions and plans (through the services, like production)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from safetrain.classes.models import TrainingSession
from safetrain.classes.services import session_create
from safetrain.core.dates import SHANGHAI
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import User
from safetrain.regions.models import Region


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def make_session(
    *,
    actor: User | None = None,
    enterprise: Enterprise | None = None,
    organiser: str = "enterprise",
    region: str | None = None,
    audience: str = "general",
    kind: str = "continuing",
    level: str = "",
    starts_at: dt.datetime | None = None,
    hours: object = Decimal("4"),
    duration: dt.timedelta = dt.timedelta(hours=4),
    title: str = "安全生产再培训",
) -> TrainingSession:
    starts = starts_at or timezone.now() - dt.timedelta(hours=1)
    return session_create(
        actor=actor,
        title=title,
        audience=audience,
        kind=kind,
        level=level,
        starts_at=starts,
        ends_at=starts + duration,
        hours=hours,
        organiser=None if actor else organiser,
        enterprise=enterprise,
        region=Region.objects.get(code=region) if region else None,
        venue="三楼会议室",
    )
