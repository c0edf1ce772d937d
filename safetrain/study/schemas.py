"""Request and response bodies of the Study API (DESIGN §5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class StudyStartOut(Schema):
    session: str
    heartbeat_seconds: int


class HeartbeatIn(Schema):
    position_seconds: float = Field(..., ge=0, le=86_400)
    visible: bool
    # optional: clients that send them get replay and clock checks (docs/study.md)
    seq: int | None = Field(None, ge=0)
    sent_at: dt.datetime | None = None
    interacted: bool | None = None


class StudyEndIn(Schema):
    """Optional: the page's last heartbeat, applied before the session ends."""

    position_seconds: float | None = Field(None, ge=0, le=86_400)
    visible: bool = False
    seq: int | None = Field(None, ge=0)
    sent_at: dt.datetime | None = None
    interacted: bool | None = None


class HeartbeatOut(Schema):
    credited_seconds: int
    furthest_seconds: int
    idle: bool
    completed: bool


class StudyEndOut(Schema):
    session: str
    ended: bool
    credited_seconds: int


class HoursOut(Schema):
    year: int
    hours: float
    required: float | None


class XapiOut(Schema):
    statements: list[dict[str, Any]]
    more: str
