"""Sessions and plans over the API (scoped like the pages).

GET  /api/v1/sessions?state=upcoming|current|past
GET  /api/v1/sessions/{id}
GET  /api/v1/sessions/{id}/attendance?form=   (参训率 per classroom, enterprise and session)
POST /api/v1/sessions/checkin   {"token"}   (a worker's phone app, after scanning the QR)
GET  /api/v1/plans/progress?enterprise=CREDIT_CODE&year=&on=
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from safetrain.classes import selectors, services
from safetrain.core.dates import IsoDate, today
from safetrain.core.errors import NotFound
from safetrain.enterprises.selectors import enterprise_get
from safetrain.people.selectors import employment_form_param

router = Router(tags=["classes 培训班与培训计划"])


class VenueOut(Schema):
    id: int
    name: str
    region: str
    is_main: bool


class SessionOut(Schema):
    id: int
    title: str
    organiser: str
    enterprise: str | None
    audience: str
    kind: str
    level: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    hours: float
    trainer: str
    venue: str
    completed: bool
    roster: int
    attended: int
    venues: list[VenueOut]


class TallyOut(Schema):
    key: str
    label: str
    region: str
    is_main: bool
    expected: int
    attended: int
    rate: str


class AbsentOut(Schema):
    name: str
    id_number_masked: str
    enterprise: str
    venue: str


class AttendanceOut(Schema):
    session: int
    form: str
    venues: list[TallyOut]
    enterprises: list[TallyOut]
    total: TallyOut
    absent: list[AbsentOut]


class CheckinIn(Schema):
    token: str


class CheckinOut(Schema):
    session: int
    checked_in_at: dt.datetime
    new: bool


class ItemOut(Schema):
    title: str
    group: str
    due_on: dt.date
    session: int | None
    course: int | None
    done: int
    total: int
    overdue: bool


class ProgressOut(Schema):
    enterprise: str
    year: int
    on: dt.date
    done: int
    total: int
    items: list[ItemOut]


def _out(s: Any) -> dict[str, Any]:
    return {
        "id": s.pk,
        "title": s.title,
        "organiser": s.organiser,
        "enterprise": s.enterprise.credit_code if s.enterprise else None,
        "audience": s.audience,
        "kind": s.kind,
        "level": s.level,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "hours": float(s.hours),
        "trainer": s.trainer_name,
        "venue": s.venue,
        "completed": s.completed_at is not None,
        "roster": s.roster_count,
        "attended": s.attended_count,
        "venues": [
            {"id": v.pk, "name": v.name, "region": v.region_id, "is_main": v.is_main}
            for v in s.venues.all()
        ],
    }


@router.get("/sessions", response=list[SessionOut], summary="培训班列表")
def sessions_get(request: HttpRequest, state: str = "") -> list[dict[str, Any]]:
    rows = selectors.session_list(viewer=request.user, state=state, on=timezone.now())  # type: ignore[arg-type]
    rows = rows.prefetch_related("venues")[:500]
    return [_out(s) for s in rows]


@router.get("/sessions/{int:pk}", response=SessionOut, summary="培训班")
def session_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    row = (
        selectors.session_list(viewer=request.user)  # type: ignore[arg-type]
        .prefetch_related("venues")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFound("培训班不存在或不在您的辖区内")
    return _out(row)


def _tally(t: Any) -> dict[str, Any]:
    return {
        "key": t.key,
        "label": t.label,
        "region": t.region,
        "is_main": t.is_main,
        "expected": t.expected,
        "attended": t.attended,
        "rate": t.percent,
    }


@router.get("/sessions/{int:pk}/attendance", response=AttendanceOut, summary="参训率（分课堂）")
def session_attendance(request: HttpRequest, pk: int, form: str = "") -> dict[str, Any]:
    viewer = request.user
    session = selectors.session_get(viewer=viewer, pk=pk)  # type: ignore[arg-type]
    if session is None:
        raise NotFound("培训班不存在或不在您的辖区内")
    value = employment_form_param(form, strict=True)
    report = selectors.attendance_report(viewer=viewer, session=session, form=value)  # type: ignore[arg-type]
    return {
        "session": session.pk,
        "form": value,
        "venues": [_tally(t) for t in report.venues],
        "enterprises": [_tally(t) for t in report.enterprises],
        "total": _tally(report.total),
        "absent": [vars(a) for a in report.absent],
    }


@router.post("/sessions/checkin", response=CheckinOut, summary="扫码签到")
def checkin(request: HttpRequest, payload: CheckinIn) -> dict[str, Any]:
    participant, new = services.checkin_by_qr(actor=request.user, token=payload.token)  # type: ignore[arg-type]
    return {
        "session": participant.session_id,
        "checked_in_at": participant.checked_in_at,
        "new": new,
    }


@router.get("/plans/progress", response=ProgressOut, summary="年度培训计划进度")
def plan_progress_get(
    request: HttpRequest, enterprise: str, year: int | None = None, on: IsoDate | None = None
) -> dict[str, Any]:
    ent = enterprise_get(viewer=request.user, credit_code=enterprise)  # type: ignore[arg-type]
    if ent is None:
        raise NotFound("企业不存在或不在您的辖区内")
    day = on or today()
    progress = selectors.plan_progress(ent, year or day.year, day)
    if progress is None:
        raise NotFound(f"{ent.name}没有 {year or day.year} 年度培训计划")
    return {
        "enterprise": ent.credit_code,
        "year": progress.plan.year,
        "on": day,
        "done": progress.done,
        "total": progress.total,
        "items": [
            {
                "title": i.item.title,
                "group": i.item.group,
                "due_on": i.item.due_on,
                "session": i.item.session_id,
                "course": i.item.course_id,
                "done": i.done,
                "total": i.total,
                "overdue": i.overdue,
            }
            for i in progress.items
        ],
    }
