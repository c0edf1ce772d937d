"""Writes of online study: start a session, take a heartbeat, end a session, complete a course.

The crediting rules are the pure functions of crediting.py; this module loads the state, applies
one heartbeat under a row lock, stores the result, logs refused heartbeats, and completes the
enrolment (training record through safetrain.records.services, xAPI statement) once the course's
hours are credited and its quiz is passed. The server's clock (clock.now()) is authoritative.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from safetrain.core.dates import SHANGHAI
from safetrain.core.errors import Conflict, NotAllowed, NotFound, ServiceError, ValidationFailed
from safetrain.courses.models import Enrolment, Lesson, LessonKind
from safetrain.courses.services import quiz_passed
from safetrain.people.models import User
from safetrain.records.models import Channel, Organiser
from safetrain.records.services import training_record_add
from safetrain.study import clock, crediting, xapi
from safetrain.study.models import EndReason, HeartbeatLog, LessonProgress, StudySession

logger = logging.getLogger("safetrain.study")

SECONDS_PER_HOUR = 45 * 60  # 1 学时 = 45 minutes credited (DESIGN §2)


def rules() -> crediting.Rules:
    return crediting.Rules(
        interval=float(settings.SAFETRAIN_STUDY_HEARTBEAT_SECONDS),
        idle_after=float(settings.SAFETRAIN_STUDY_IDLE_SECONDS),
        max_rate=float(settings.SAFETRAIN_STUDY_MAX_RATE),
    )


def required_seconds(hours: Decimal) -> float:
    return float(Decimal(hours) * SECONDS_PER_HOUR)


class HeartbeatRefused(ServiceError):
    """A forged, replayed or late heartbeat: nothing credited, the attempt logged."""

    status = 422

    def __init__(self, reason: crediting.Reason, message: str, fields: dict[str, Any]) -> None:
        super().__init__(message, code=REFUSAL_CODES[reason][0], fields=fields)
        self.status = REFUSAL_CODES[reason][1]
        self.reason = reason


R = crediting.Reason
REFUSAL_CODES: dict[crediting.Reason, tuple[str, int, str, str]] = {
    R.SESSION_ENDED: (
        "session_ended",
        409,
        "session",
        "本次学习已结束（已在其他设备或课时开始学习）",
    ),
    R.REPLAY: ("heartbeat_replayed", 409, "seq", "重复或过期的心跳，未计学时"),
    R.FUTURE_TIMESTAMP: (
        "heartbeat_from_future",
        422,
        "sent_at",
        "心跳时间晚于服务器时间，未计学时",
    ),
    R.POSITION_AHEAD: ("position_ahead", 422, "position_seconds", "进度超出实际播放进度，未计学时"),
    R.POSITION_INVALID: ("position_invalid", 422, "position_seconds", "进度超出课时长度，未计学时"),
}


# ----------------------------------------------------------------------------- helpers


def _worker(actor: User) -> int:
    if not actor.is_authenticated or not actor.is_active:
        raise NotAllowed("请先登录")
    if actor.person_id is None:
        raise NotAllowed("只有从业人员账号可以学习课程", code="not_a_worker")
    return int(actor.person_id)


def enrolment_for(person_id: int, course_id: int) -> Enrolment | None:
    """The enrolment a lesson is studied under: the open one, else the latest completed one."""
    mine = Enrolment.objects.filter(person_id=person_id, course_id=course_id).select_related(
        "course", "person"
    )
    return mine.filter(completed_at__isnull=True).first() or mine.order_by("-completed_at").first()


def _end_open_sessions(user_id: int, now: dt.datetime, reason: str) -> None:
    """End every open session of the account (one session per account at a time)."""
    open_sessions = list(
        StudySession.objects.select_for_update()
        .filter(user_id=user_id, ended_at__isnull=True)
        .select_related("progress__enrolment__course", "progress__enrolment__person")
        .select_related("progress__lesson")
    )
    for session in open_sessions:
        session.ended_at = now
        session.ended_reason = reason
        session.save(update_fields=["ended_at", "ended_reason"])
        xapi.session_ended(session, session.progress.enrolment, session.progress.lesson)


# ----------------------------------------------------------------------------- sessions


def resume_position(progress: LessonProgress | None, lesson: Lesson) -> float:
    """Where a new session starts: a video where it stopped; a text or PDF lesson, whose play
    clock is the time read, at the time credited so far (reading on then credits again)."""
    if progress is None:
        return 0.0
    if lesson.kind == LessonKind.VIDEO:
        return progress.position_seconds
    return progress.credited_seconds


def study_start(*, actor: User, lesson_id: int) -> StudySession:
    """Open a study session on a lesson; any other open session of the account ends."""
    person_id = _worker(actor)
    lesson = Lesson.objects.select_related("course").filter(pk=lesson_id).first()
    from safetrain.courses.selectors import course_get

    if lesson is None or course_get(viewer=actor, pk=lesson.course_id) is None:
        raise NotFound("课时不存在")
    enrolment = enrolment_for(person_id, lesson.course_id)
    if enrolment is None:
        raise Conflict("请先报名该课程", code="not_enrolled", fields={"course": "未报名"})
    now = clock.now()
    with transaction.atomic():
        # lock the account row: two devices starting at once still leave one open session
        User.objects.select_for_update().filter(pk=actor.pk).first()
        _end_open_sessions(actor.pk, now, EndReason.SUPERSEDED)
        progress, _ = LessonProgress.objects.get_or_create(
            enrolment=enrolment, lesson=lesson, defaults={"updated_at": now}
        )
        session = StudySession.objects.create(
            user=actor,
            progress=progress,
            started_at=now,
            anchor_at=now,
            anchor_position=resume_position(progress, lesson),
            last_interaction_at=now,
        )
        xapi.session_started(session, enrolment, lesson)
    return session


def study_end(*, actor: User, session_id: uuid.UUID | str) -> StudySession:
    """The learner left the lesson page (the page sends this when it is closed)."""
    now = clock.now()
    with transaction.atomic():
        session = _locked_session(actor, session_id)
        if session.ended_at is None:
            session.ended_at = now
            session.ended_reason = EndReason.LEFT
            session.save(update_fields=["ended_at", "ended_reason"])
            xapi.session_ended(session, session.progress.enrolment, session.progress.lesson)
    return session


def _locked_session(actor: User, session_id: uuid.UUID | str) -> StudySession:
    try:
        pk = uuid.UUID(str(session_id))
    except ValueError as exc:
        raise NotFound("学习会话不存在") from exc
    session = (
        StudySession.objects.select_for_update(of=("self", "progress"))
        .select_related("progress__lesson", "progress__enrolment__course")
        .filter(pk=pk, user_id=actor.pk)
        .first()
    )
    if session is None:
        raise NotFound("学习会话不存在")
    return session


@dataclass(frozen=True)
class HeartbeatResult:
    credited_seconds: float  # the lesson's total so far
    furthest_seconds: float
    credited_now: float
    reason: str
    idle: bool
    completed: bool


def _state(session: StudySession) -> crediting.State:
    progress = session.progress
    return crediting.State(
        anchor_at=session.anchor_at,
        anchor_position=session.anchor_position,
        last_interaction_at=session.last_interaction_at,
        furthest=progress.furthest_seconds,
        credited=progress.credited_seconds,
        duration=float(progress.lesson.duration_seconds),
        last_seq=session.last_seq,
        last_sent_at=session.last_sent_at,
        clock_offset=session.clock_offset,
        ended=session.ended_at is not None,
    )


def heartbeat(
    *,
    actor: User,
    session_id: uuid.UUID | str,
    position_seconds: float,
    visible: bool,
    seq: int | None = None,
    sent_at: dt.datetime | None = None,
    interacted: bool | None = None,
    remote_addr: str = "",
) -> HeartbeatResult:
    """Apply one heartbeat. A refused one (forged, replayed, on an ended session) is logged and
    raises HeartbeatRefused after the log is committed; nothing is credited."""
    now = clock.now()
    beat = crediting.Beat(
        at=now,
        position=float(position_seconds),
        visible=bool(visible),
        seq=seq,
        sent_at=sent_at,
        interacted=interacted,
    )
    completed = False
    with transaction.atomic():
        session = _locked_session(actor, session_id)
        progress = session.progress
        outcome = crediting.apply(_state(session), beat, rules())
        if outcome.rejected:
            HeartbeatLog.objects.create(
                session=session,
                at=now,
                reason=str(outcome.reason),
                position_seconds=beat.position,
                visible=beat.visible,
                seq=seq,
                sent_at=sent_at,
                remote_addr=remote_addr[:64],
            )
            StudySession.objects.filter(pk=session.pk).update(rejected=session.rejected + 1)
        else:
            state = outcome.state
            session.anchor_at = state.anchor_at
            session.anchor_position = state.anchor_position
            session.last_interaction_at = state.last_interaction_at
            session.last_seq = state.last_seq
            session.last_sent_at = state.last_sent_at
            session.clock_offset = state.clock_offset
            session.credited_seconds += outcome.credited_now
            session.heartbeats += 1
            session.save(
                update_fields=[
                    "anchor_at",
                    "anchor_position",
                    "last_interaction_at",
                    "last_seq",
                    "last_sent_at",
                    "clock_offset",
                    "credited_seconds",
                    "heartbeats",
                ]
            )
            progress.credited_seconds = state.credited
            progress.furthest_seconds = state.furthest
            progress.position_seconds = beat.position
            progress.updated_at = now
            progress.save(
                update_fields=[
                    "credited_seconds",
                    "furthest_seconds",
                    "position_seconds",
                    "updated_at",
                ]
            )
            enrolment = progress.enrolment
            if (
                outcome.credited_now > 0
                and enrolment.completed_at is None
                and credited_total(enrolment) + 1e-6 >= required_seconds(enrolment.course.hours)
            ):
                completed = enrolment_complete_if_done(enrolment)
    if outcome.rejected:
        code, _status, field, message = REFUSAL_CODES[outcome.reason]
        logger.warning(
            "study heartbeat refused (%s): session %s user %s position %s seq %s from %s",
            outcome.reason,
            session.pk,
            actor.pk,
            beat.position,
            seq,
            remote_addr,
        )
        raise HeartbeatRefused(outcome.reason, message, {field: message})
    return HeartbeatResult(
        credited_seconds=progress.credited_seconds,
        furthest_seconds=progress.furthest_seconds,
        credited_now=outcome.credited_now,
        reason=str(outcome.reason),
        idle=outcome.idle,
        completed=completed or progress.enrolment.completed_at is not None,
    )


# ----------------------------------------------------------------------------- completion


def credited_total(enrolment: Enrolment) -> float:
    total = LessonProgress.objects.filter(enrolment=enrolment).aggregate(s=Sum("credited_seconds"))
    return float(total["s"] or 0)


def _organiser(enrolment: Enrolment) -> str:
    """Who organised online training: the enterprise for its own courses and for assignments
    (then the record counts at that enterprise), the city for the city's course market."""
    if enrolment.enterprise_id is not None and (
        enrolment.course.enterprise_id is not None or enrolment.assignment_id is not None
    ):
        return Organiser.ENTERPRISE
    return Organiser.CITY


def enrolment_complete_if_done(enrolment: Enrolment) -> bool:
    """Complete the enrolment when its credited time reaches the course's hours and its quiz (if
    any) is passed: set completed_at, write the training record, write the xAPI statement.

    Idempotent (the enrolment row is locked; a completed enrolment is left alone)."""
    with transaction.atomic():
        locked = (
            Enrolment.objects.select_for_update()
            .select_related("course", "person")
            .get(pk=enrolment.pk)
        )
        if locked.completed_at is not None:
            return False
        total = credited_total(locked)
        if total + 1e-6 < required_seconds(locked.course.hours):
            return False
        if not quiz_passed(locked):
            return False
        now = clock.now()
        record = training_record_add(
            actor=None,
            person=locked.person,
            date=now.astimezone(SHANGHAI).date(),
            hours=locked.course.hours,
            kind=locked.training_kind,
            enterprise=locked.enterprise,
            organiser=_organiser(locked),
            title=locked.course.title[:128],
            channel=Channel.ONLINE,
            source="system",
        )
        locked.completed_at = now
        locked.training_record = record
        locked.save(update_fields=["completed_at", "training_record"])
        xapi.course_completed(locked, total)
        enrolment.completed_at = now
        enrolment.training_record = record
    return True


def validate_year(year: int | None, today_year: int) -> int:
    if year is None:
        return today_year
    if year < 2000 or year > today_year:
        raise ValidationFailed(
            f"年份 {year} 无效（应在 2000 到 {today_year} 之间）", fields={"year": "超出范围"}
        )
    return year
