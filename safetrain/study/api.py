"""The Study API (DESIGN §5; docs/study.md has curl examples).

POST /api/v1/lessons/{id}/study            (worker) → {"session", "heartbeat_seconds"}
POST /api/v1/study/{session}/heartbeat     {"position_seconds", "visible"} → {"credited_seconds"}
POST /api/v1/study/{session}/end           (the lesson page closes its session)
GET  /api/v1/persons/{id}/hours?year=      → {"year", "hours", "required"}
GET  /api/v1/persons/{id}/xapi?since=&limit=  → {"statements": [...], "more"}
"""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Status

from safetrain.core import dates
from safetrain.core.errors import NotFound, ValidationFailed
from safetrain.people.models import Person, User
from safetrain.people.selectors import person_get
from safetrain.study import selectors, services
from safetrain.study.schemas import (
    HeartbeatIn,
    HeartbeatOut,
    HoursOut,
    StudyEndIn,
    StudyEndOut,
    StudyStartOut,
    XapiOut,
)

router = Router(tags=["study 在线学习"])


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _person(request: HttpRequest, person_id: str) -> Person:
    person = person_get(viewer=_viewer(request), uid=person_id)
    if person is None:
        raise NotFound("人员不存在或不在您的辖区内")
    return person


@router.post("/lessons/{lesson_id}/study", response={201: StudyStartOut}, summary="开始学习课时")
def study_start(request: HttpRequest, lesson_id: int) -> Status:
    session = services.study_start(actor=_viewer(request), lesson_id=lesson_id)
    return Status(
        201,
        {
            "session": str(session.pk),
            "heartbeat_seconds": int(settings.SAFETRAIN_STUDY_HEARTBEAT_SECONDS),
        },
    )


@router.post("/study/{session_id}/heartbeat", response=HeartbeatOut, summary="学习心跳")
def study_heartbeat(request: HttpRequest, session_id: str, payload: HeartbeatIn) -> dict[str, Any]:
    result = services.heartbeat(
        actor=_viewer(request),
        session_id=session_id,
        position_seconds=payload.position_seconds,
        visible=payload.visible,
        seq=payload.seq,
        sent_at=payload.sent_at,
        interacted=payload.interacted,
        remote_addr=request.META.get("REMOTE_ADDR", ""),
    )
    return {
        "credited_seconds": int(result.credited_seconds),
        "furthest_seconds": int(result.furthest_seconds),
        "idle": result.idle,
        "completed": result.completed,
    }


@router.post("/study/{session_id}/end", response=StudyEndOut, summary="结束学习")
def study_end(
    request: HttpRequest, session_id: str, payload: StudyEndIn | None = None
) -> dict[str, Any]:
    """End the session; a body with `position_seconds` is applied as a last heartbeat first
    (the lesson page sends both in one request when it is closed)."""
    viewer = _viewer(request)
    if payload is not None and payload.position_seconds is not None:
        with suppress(services.HeartbeatRefused):  # a refused one is logged; the session ends
            services.heartbeat(
                actor=viewer,
                session_id=session_id,
                position_seconds=payload.position_seconds,
                visible=payload.visible,
                seq=payload.seq,
                sent_at=payload.sent_at,
                interacted=payload.interacted,
                remote_addr=request.META.get("REMOTE_ADDR", ""),
            )
    session = services.study_end(actor=viewer, session_id=session_id)
    return {
        "session": str(session.pk),
        "ended": session.ended_at is not None,
        "credited_seconds": int(session.credited_seconds),
    }


@router.get("/persons/{person_id}/hours", response=HoursOut, summary="年度学时")
def person_hours(request: HttpRequest, person_id: str, year: int | None = None) -> dict[str, Any]:
    person = _person(request, person_id)
    day = services.validate_year(year, dates.today().year)
    return selectors.year_hours(person, day).as_dict()


@router.get("/persons/{person_id}/xapi", response=XapiOut, summary="xAPI 学习记录")
def person_xapi(
    request: HttpRequest,
    person_id: str,
    since: dt.datetime | None = None,
    after: int = 0,
    limit: int = 100,
) -> dict[str, Any]:
    """xAPI StatementResult: `statements` oldest first, `more` the URL of the next page ("" at
    the end). `since` keeps statements stored after that time (ISO 8601)."""
    person = _person(request, person_id)
    if limit < 1 or limit > 500:
        raise ValidationFailed("limit 应在 1 到 500 之间", fields={"limit": "超出范围"})
    rows = list(selectors.xapi_statements(person, since=since, after=after, limit=limit + 1))
    more = ""
    if len(rows) > limit:
        rows = rows[:limit]
        params: dict[str, Any] = {"after": rows[-1].pk, "limit": limit}
        if since is not None:
            params["since"] = since.isoformat()
        query = urlencode(params)
        more = f"/api/v1/persons/{person.uid}/xapi?{query}"
    return {"statements": [r.statement for r in rows], "more": more}
