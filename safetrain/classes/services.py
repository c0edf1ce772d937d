"""Writes for offline sessions (培训班) and training plans.

Every service: check that the actor may do it → validate → write in transaction.atomic.
`actor=None` is the command line / the demo (trusted, no jurisdiction check).

Who organises what (the notice §五(二), docs/classes.md): the city bureau trains principals and
special operators, a county bureau safety managers, an enterprise everyone else (and its own
safety managers). A session belongs to its organising body; only that body's admins manage
its roster and attendance and complete it. Completion writes one training record per attendee
through safetrain.records.services, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safetrain.catalog.models import RoleCategory
from safetrain.classes.models import (
    AUDIENCES_BY_ORGANISER,
    Audience,
    CheckInMethod,
    GroupKind,
    Participant,
    PlanItem,
    TrainingPlan,
    TrainingSession,
    Venue,
)
from safetrain.core.dates import SHANGHAI
from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.courses.models import Course
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.people.models import Employment, Person, Post, User
from safetrain.records.models import Channel, Organiser, TrainingKind
from safetrain.records.services import (
    training_session_add,
    validate_choice,
    validate_hours,
    validate_level,
    validate_text,
)
from safetrain.regions.models import Region

TOKEN_SALT = "safetrain.classes.checkin.v1"
MINUTES_PER_HOUR = 45  # 1 学时 = 45 minutes
CITY_CODE = "140500"
ORGANISER_ROLES = {
    "city_admin": Organiser.CITY,
    "county_admin": Organiser.COUNTY,
    "enterprise_admin": Organiser.ENTERPRISE,
}


def early_minutes() -> int:
    """How long before the start the QR check-in opens (SAFETRAIN_CHECKIN_EARLY_MINUTES)."""
    return int(getattr(settings, "SAFETRAIN_CHECKIN_EARLY_MINUTES", 30))


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def _fmt(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


# ----------------------------------------------------------------------------- organisers


@dataclass(frozen=True)
class OrganiserBody:
    organiser: str
    region: Region | None
    enterprise: Enterprise | None


def organiser_body(actor: User) -> OrganiserBody:
    """The body an admin organises for: the city, their county or their enterprise."""
    if not actor.is_authenticated or not actor.is_active:
        raise NotAllowed("请先登录")
    role = "city_admin" if actor.is_superuser else str(actor.role)
    organiser = ORGANISER_ROLES.get(role)
    if organiser is None:
        raise NotAllowed("只有市局、县局和企业管理员可以组织培训班")
    if organiser == Organiser.COUNTY and actor.region_id == "140500":
        organiser = Organiser.CITY  # a county-admin account anchored at the city acts for it
    if organiser == Organiser.CITY:
        return OrganiserBody(Organiser.CITY, None, None)
    if organiser == Organiser.COUNTY:
        return OrganiserBody(Organiser.COUNTY, actor.region, None)
    enterprise = actor.enterprise
    return OrganiserBody(
        Organiser.ENTERPRISE, enterprise.region if enterprise else None, enterprise
    )


def may_manage(actor: User | None, session: TrainingSession) -> bool:
    """True when the actor administers the body that organises the session."""
    if actor is None or actor.is_superuser:
        return True
    try:
        body = organiser_body(actor)
    except NotAllowed:
        return False
    if body.organiser != session.organiser:
        return False
    if body.organiser == Organiser.COUNTY:
        return body.region is not None and session.region_id == body.region.pk
    if body.organiser == Organiser.ENTERPRISE:
        return body.enterprise is not None and session.enterprise_id == body.enterprise.pk
    return True


def check_may_manage(actor: User | None, session: TrainingSession) -> None:
    if not may_manage(actor, session):
        raise NotAllowed("只有组织该培训班的单位可以管理它")


# ----------------------------------------------------------------------------- sessions


def validate_audience(organiser: str, audience: str) -> str:
    audience = validate_choice(audience, Audience, field="audience", label="培训对象")
    if audience not in AUDIENCES_BY_ORGANISER[organiser]:
        allowed = "、".join(Audience(a).label for a in sorted(AUDIENCES_BY_ORGANISER[organiser]))
        raise NotAllowed(
            f"{Organiser(organiser).label}不能组织“{Audience(audience).label}”的培训"
            f"（按通知第五条第二项，{Organiser(organiser).label}负责：{allowed}）",
            fields={"audience": "超出组织单位的职责"},
        )
    return audience


def validate_times(starts_at: Any, ends_at: Any, hours: object) -> Decimal:
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        raise ValidationFailed("请填写开始和结束时间", fields={"starts_at": "必填"})
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationFailed("时间须带时区", fields={"starts_at": "须带时区"})
    if ends_at <= starts_at:
        raise ValidationFailed("结束时间须晚于开始时间", fields={"ends_at": "须晚于开始时间"})
    value = validate_hours(hours)
    minutes = Decimal((ends_at - starts_at).total_seconds()) / 60
    if value * MINUTES_PER_HOUR > minutes:
        most = (minutes / MINUTES_PER_HOUR).quantize(Decimal("0.1"), rounding="ROUND_DOWN")
        raise ValidationFailed(
            f"学时 {value} 超过培训时长（{_fmt(starts_at)} 至 {_fmt(ends_at)} 最多 {most} 学时，"
            f"1 学时 = 45 分钟）",
            fields={"hours": "超过培训时长"},
        )
    return value


def session_create(
    *,
    actor: User | None,
    title: str,
    audience: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    hours: object,
    level: str = "",
    trainer: User | None = None,
    trainer_name: str = "",
    venue: str = "",
    organiser: str | None = None,
    region: Region | None = None,
    enterprise: Enterprise | None = None,
    source: str = "web",
) -> TrainingSession:
    """Create a session for the actor's body (the city, their county or their enterprise).

    The command line (actor None) names the organiser and its region or enterprise."""
    if actor is not None:
        body = organiser_body(actor)
    else:
        org = validate_choice(organiser or "", Organiser, field="organiser", label="组织单位")
        if org == Organiser.ENTERPRISE and enterprise is None:
            raise ValidationFailed("请指定企业", fields={"enterprise": "必填"})
        if org == Organiser.COUNTY and region is None:
            raise ValidationFailed("请指定县（市、区）", fields={"region": "必填"})
        if org == Organiser.ENTERPRISE and enterprise is not None:
            region = enterprise.region
        body = OrganiserBody(org, None if org == Organiser.CITY else region, enterprise)
    if body.organiser == Organiser.ENTERPRISE and body.enterprise is None:
        raise NotAllowed("该账号没有所属企业")
    kind = validate_choice(kind, TrainingKind, field="kind", label="培训类型")
    values = {
        "title": validate_text(title, field="title", label="培训班名称"),
        "organiser": body.organiser,
        "region": body.region,
        "enterprise": body.enterprise,
        "audience": validate_audience(body.organiser, audience),
        "kind": kind,
        "level": validate_level(kind, level),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "hours": validate_times(starts_at, ends_at, hours),
        "trainer": _trainer(trainer),
        "trainer_name": (trainer_name or "").strip()[:64],
        "venue": (venue or "").strip()[:128],
        "source": source,
        "created_by": actor,
    }
    if not values["trainer_name"] and trainer is not None:
        values["trainer_name"] = (trainer.get_full_name() or trainer.username)[:64]
    with transaction.atomic():
        return TrainingSession.objects.create(**values)


def _trainer(trainer: User | None) -> User | None:
    if trainer is not None and trainer.role != "trainer" and not trainer.is_superuser:
        raise ValidationFailed("讲师须是培训讲师账号", fields={"trainer": "不是讲师账号"})
    return trainer


# ----------------------------------------------------------------------------- roster


def _employments_on(person_ids: Iterable[int], day: dt.date) -> dict[int, Employment]:
    qs = (
        Employment.objects.filter(person_id__in=list(person_ids), start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("enterprise")
    )
    return {e.person_id: e for e in qs}


def current_posts(employments: Iterable[Employment], day: dt.date) -> dict[int, Post]:
    """The post each employment holds on the day (the latest post from on or before it)."""
    ids = [e.pk for e in employments]
    out: dict[int, Post] = {}
    for post in Post.objects.filter(employment_id__in=ids, from_date__lte=day).order_by(
        "employment_id", "from_date"
    ):
        out[post.employment_id] = post
    return out


def in_audience(audience: str, employment: Employment, post: Post | None) -> bool:
    if audience == Audience.PRINCIPAL:
        return employment.role_category == RoleCategory.PRINCIPAL
    if audience == Audience.SAFETY_MANAGER:
        return employment.role_category in (RoleCategory.SAFETY_MANAGER, RoleCategory.DEPUTY)
    if audience == Audience.SPECIAL_OPERATOR:
        return post is not None and post.operation_id is not None
    return True


def roster_problems(
    session: TrainingSession, persons: Sequence[Person]
) -> tuple[dict[int, str], dict[int, Employment]]:
    """Why each person may not join the session (person pk → reason), and the employments of
    those who may. Eligible: employed on the first day, by an enterprise of the organiser's
    jurisdiction, and in the session's audience."""
    day = local_date(session.starts_at)
    employments = _employments_on([p.pk for p in persons], day)
    posts = current_posts(employments.values(), day)
    problems: dict[int, str] = {}
    for person in persons:
        emp = employments.get(person.pk)
        if emp is None:
            problems[person.pk] = f"{person.name}在 {day} 没有在职记录"
            continue
        if session.organiser == Organiser.ENTERPRISE and emp.enterprise_id != session.enterprise_id:
            problems[person.pk] = f"{person.name}在 {day} 不在本企业任职"
        elif (
            session.organiser == Organiser.COUNTY and emp.enterprise.region_id != session.region_id
        ):
            problems[person.pk] = f"{person.name}的任职企业不在本县（市、区）"
        elif not in_audience(session.audience, emp, posts.get(emp.pk)):
            label = Audience(session.audience).label
            problems[person.pk] = f"{person.name}不属于本培训班的培训对象（{label}）"
    return problems, {k: v for k, v in employments.items() if k not in problems}


def roster_add(
    *,
    actor: User | None,
    session: TrainingSession,
    persons: Sequence[Person],
    venue: Venue | None = None,
) -> list[Participant]:
    """Put persons on the roster (all or nothing); those already on it are left as they are,
    except that naming a venue moves those not yet checked in to it. `venue` None: the main
    venue (or the session's implicit single venue)."""
    check_may_manage(actor, session)
    if venue is not None and venue.session_id != session.pk:
        raise ValidationFailed("该课堂不属于本培训班", fields={"venue": "不属于本培训班"})
    if session.completed_at is not None:
        raise Conflict("培训班已结业，不能再调整名单", code="session_completed")
    if not persons:
        raise ValidationFailed("请至少选择一名人员", fields={"persons": "必填"})
    problems, employments = roster_problems(session, persons)
    if problems:
        raise ValidationFailed(
            "；".join(problems.values()),
            fields={"persons": {str(pk): reason for pk, reason in problems.items()}},
        )
    with transaction.atomic():
        on_roster = set(
            Participant.objects.filter(session=session, person__in=persons).values_list(
                "person_id", flat=True
            )
        )
        if venue is not None and on_roster:
            Participant.objects.filter(
                session=session, person_id__in=on_roster, checked_in_at__isnull=True
            ).exclude(venue=venue).update(venue=venue)
        new = [
            Participant(
                session=session,
                person=p,
                enterprise_id=employments[p.pk].enterprise_id,
                venue=venue,
                added_by=actor,
            )
            for p in persons
            if p.pk not in on_roster
        ]
        return Participant.objects.bulk_create(new)


def roster_remove(*, actor: User | None, session: TrainingSession, person: Person) -> None:
    check_may_manage(actor, session)
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update().filter(session=session, person=person).first()
        )
        if participant is None:
            raise NotFound("该人员不在名单中")
        if participant.checked_in_at is not None:
            raise Conflict("该人员已签到，不能移出名单", code="already_checked_in")
        participant.delete()


# ----------------------------------------------------------------------------- venues


def venue_regions(session: TrainingSession) -> set[str] | None:
    """The region codes where the session's organiser may open a classroom; None: anywhere in
    the city (the city bureau). A county: its own county; an enterprise: its county."""
    if session.organiser == Organiser.CITY:
        return None
    return {session.region_id} if session.region_id else set()


def venue_add(
    *,
    actor: User | None,
    session: TrainingSession,
    name: str,
    region: Region | None,
    is_main: bool = False,
    address: str = "",
) -> Venue:
    """Open a classroom of the session: the main one (主课堂, at most one) or a sub-venue
    (分课堂) following it live. The first venue of a session is its main venue. Refused: a
    completed session, a duplicate name, a county outside the organiser's jurisdiction."""
    check_may_manage(actor, session)
    if session.completed_at is not None:
        raise Conflict("培训班已结业，不能再增加课堂", code="session_completed")
    name = validate_text(name, field="name", label="课堂名称")
    if region is None:
        raise ValidationFailed("请选择课堂所在的县（市、区）", fields={"region": "必填"})
    allowed = venue_regions(session)
    if allowed is not None and region.pk not in allowed:
        where = "、".join(sorted(allowed)) or "—"
        raise NotAllowed(
            f"课堂所在地 {region.name}（{region.pk}）不在组织单位的辖区内（可选：{where}）",
            fields={"region": "超出组织单位的辖区"},
        )
    if allowed is None and region.pk != CITY_CODE and region.parent_id != CITY_CODE:
        raise ValidationFailed(
            f"{region.name}（{region.pk}）不是本市的县（市、区）", fields={"region": "不在本市"}
        )
    with transaction.atomic():
        TrainingSession.objects.select_for_update().get(pk=session.pk)
        existing = list(Venue.objects.filter(session=session))
        if any(v.name == name for v in existing):
            raise ValidationFailed(f"已有名为“{name}”的课堂", fields={"name": "重名"})
        has_main = any(v.is_main for v in existing)
        if is_main and has_main:
            raise ValidationFailed("本培训班已有主课堂", fields={"is_main": "已有主课堂"})
        return Venue.objects.create(
            session=session,
            name=name,
            region=region,
            is_main=is_main or not has_main,
            address=(address or "").strip()[:128],
            created_by=actor,
        )


def venue_remove(*, actor: User | None, venue: Venue) -> None:
    """Remove a classroom added by mistake: only while nobody is on its roster and the session
    is not completed; the main classroom only when it is the last one."""
    session = venue.session
    check_may_manage(actor, session)
    if session.completed_at is not None:
        raise Conflict("培训班已结业，不能再调整课堂", code="session_completed")
    with transaction.atomic():
        TrainingSession.objects.select_for_update().get(pk=session.pk)
        if Participant.objects.filter(venue=venue).exists():
            raise Conflict(
                f"“{venue.name}”的名单上还有人员，请先将他们移出或调到其他课堂",
                code="venue_in_use",
            )
        if venue.is_main and Venue.objects.filter(session=session).exclude(pk=venue.pk).exists():
            raise Conflict("请先移除各分课堂，再移除主课堂", code="venue_in_use")
        venue.delete()


def main_venue(session: TrainingSession) -> Venue | None:
    return Venue.objects.filter(session=session, is_main=True).first()


def effective_venue_id(participant: Participant, main_id: int | None) -> int | None:
    """The venue a roster entry is expected in: its own, else the main venue (None: the
    session's implicit single venue)."""
    return participant.venue_id or main_id


# ----------------------------------------------------------------------------- attendance


def checkin_token(session: TrainingSession, venue: Venue | None = None) -> str:
    """The QR payload: the session id (and the venue's, for a classroom) signed with
    SECRET_KEY (its own salt); unforgeable. The session's own token is its main classroom's."""
    value = str(session.pk) if venue is None else f"{session.pk}.{venue.pk}"
    return signing.Signer(salt=TOKEN_SALT).sign(value)


def venue_from_token(token: str) -> tuple[TrainingSession, Venue | None]:
    """The session and the classroom (None: the main or implicit one) a QR token names."""
    try:
        value = signing.Signer(salt=TOKEN_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise NotFound("签到二维码无效（请扫描培训现场展示的二维码）", code="bad_token") from exc
    session_part, _dot, venue_part = value.partition(".")
    session = TrainingSession.objects.filter(
        pk=int(session_part) if session_part.isdigit() else 0
    ).first()
    if session is None:
        raise NotFound("签到二维码无效（该培训班不存在）", code="bad_token")
    venue = None
    if venue_part:
        venue = Venue.objects.filter(
            session=session, pk=int(venue_part) if venue_part.isdigit() else 0
        ).first()
        if venue is None:
            raise NotFound("签到二维码无效（该课堂不存在）", code="bad_token")
    return session, venue


def session_from_token(token: str) -> TrainingSession:
    return venue_from_token(token)[0]


def checkin_window(session: TrainingSession) -> tuple[dt.datetime, dt.datetime]:
    return session.starts_at - dt.timedelta(minutes=early_minutes()), session.ends_at


def _mark(
    participant: Participant, *, at: dt.datetime, method: str, by: User | None
) -> Participant:
    participant.checked_in_at = at
    participant.check_in_method = method
    participant.checked_in_by = by
    participant.save(update_fields=["checked_in_at", "check_in_method", "checked_in_by"])
    return participant


def checkin_by_qr(
    *, actor: User, token: str, at: dt.datetime | None = None
) -> tuple[Participant, bool]:
    """A worker scanned the session's QR code. Returns (participant, newly checked in).

    Refused with a clear message: a forged token, outside the session's window, an account
    without a person, a person not on the roster."""
    at = at or timezone.now()
    session, venue = venue_from_token(token)
    if not actor.is_authenticated or actor.person_id is None:
        raise NotAllowed("请用本人的从业人员账号扫码签到", code="not_a_worker")
    opens, closes = checkin_window(session)
    where = f"（{venue.name}）" if venue is not None else ""
    if at < opens:
        raise Conflict(
            f"签到尚未开始{where}：本培训班 {_fmt(opens)} 起可以签到（培训时间 {_fmt(session.starts_at)}"
            f" 至 {_fmt(session.ends_at)}）",
            code="checkin_not_open",
        )
    if at > closes:
        raise Conflict(
            f"签到已结束{where}：本培训班已于 {_fmt(closes)} 结束，不能再扫码签到；"
            "如确实参加，请联系组织单位登记",
            code="checkin_closed",
        )
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .filter(session=session, person_id=actor.person_id)
            .first()
        )
        if participant is None:
            raise NotAllowed(
                "您不在本培训班的名单中，不能签到；如需参加请联系组织单位", code="not_on_roster"
            )
        main = main_venue(session)
        scanned = venue.pk if venue is not None else (main.pk if main else None)
        expected = effective_venue_id(participant, main.pk if main else None)
        if expected != scanned:
            room = Venue.objects.filter(pk=expected).first() if expected else None
            raise NotAllowed(
                f"您被安排在“{room.name if room else '主课堂'}”参训，请扫描该课堂展示的二维码",
                code="wrong_venue",
            )
        if participant.checked_in_at is not None:
            return participant, False
        return _mark(participant, at=at, method=CheckInMethod.QR, by=actor), True


def attendance_mark(
    *,
    actor: User | None,
    session: TrainingSession,
    persons: Sequence[Person],
    method: str = CheckInMethod.MANUAL,
    at: dt.datetime | None = None,
) -> int:
    """The organiser records attendance (a paper sign-in sheet, an import). Persons must be on
    the roster; the session must have begun. Returns how many were newly checked in; records
    are written at once for a session already completed."""
    check_may_manage(actor, session)
    now = timezone.now()
    at = at or min(now, session.ends_at)
    opens, closes = checkin_window(session)
    if now < opens:
        raise Conflict("培训班尚未开始，不能登记签到", code="checkin_not_open")
    if not (opens <= at <= closes):
        raise ValidationFailed(
            f"签到时间须在 {_fmt(opens)} 至 {_fmt(closes)} 之间", fields={"at": "不在培训时间内"}
        )
    validate_choice(method, CheckInMethod, field="method", label="签到方式")
    with transaction.atomic():
        rows = {
            p.person_id: p
            for p in Participant.objects.select_for_update().filter(
                session=session, person__in=persons
            )
        }
        missing = [p.name for p in persons if p.pk not in rows]
        if missing:
            raise ValidationFailed(
                f"不在名单中：{'、'.join(missing)}", fields={"persons": "不在名单中"}
            )
        count = 0
        for participant in rows.values():
            if participant.checked_in_at is None:
                _mark(participant, at=at, method=method, by=actor)
                count += 1
        if session.completed_at is not None and count:
            _write_records(actor=actor, session=session)
        return count


# ----------------------------------------------------------------------------- completion


def _write_records(
    *, actor: User | None, session: TrainingSession, source: str | None = None
) -> int:
    todo = list(
        Participant.objects.select_for_update(of=("self",))
        .filter(session=session, checked_in_at__isnull=False, training_record__isnull=True)
        .select_related("person", "enterprise")
    )
    if not todo:
        return 0
    enterprise = session.enterprise
    records = training_session_add(
        actor=actor,
        persons=[p.person for p in todo],
        date=local_date(session.ends_at),
        hours=session.hours,
        kind=session.kind,
        level=session.level,
        enterprise=enterprise,
        enterprises=None if enterprise else {p.person_id: p.enterprise for p in todo},
        organiser=session.organiser,
        title=session.title[:128],
        channel=Channel.OFFLINE,
        source=source or ("system" if actor is None else "web"),
    )
    for participant, record in zip(todo, records, strict=True):
        participant.training_record = record
    Participant.objects.bulk_update(todo, ["training_record"])
    return len(records)


def session_complete(
    *,
    actor: User | None,
    session: TrainingSession,
    at: dt.datetime | None = None,
    source: str | None = None,
) -> int:
    """结业: write one training record per attendee (kind, level, organiser, hours, title of the
    session; channel 线下培训班), through the records service. Idempotent: an attendee who
    already has a record gets none; completing again writes nothing. Returns records written."""
    check_may_manage(actor, session)
    at = at or timezone.now()
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if at < locked.ends_at:
            raise Conflict(
                f"培训班 {_fmt(locked.ends_at)} 结束后才能结业", code="session_not_ended"
            )
        if (
            locked.completed_at is None
            and not locked.participants.filter(checked_in_at__isnull=False).exists()
        ):
            raise ValidationFailed("还没有人签到，不能结业", fields={"participants": "无人签到"})
        written = _write_records(actor=actor, session=locked, source=source)
        if locked.completed_at is None:
            locked.completed_at = at
            locked.completed_by = actor
            locked.save(update_fields=["completed_at", "completed_by"])
        session.completed_at = locked.completed_at
        session.completed_by = locked.completed_by
        return written


# ----------------------------------------------------------------------------- plans


def _check_plan_actor(actor: User | None, enterprise: Enterprise) -> None:
    if actor is None or actor.is_superuser:
        return
    if actor.role != "enterprise_admin" or actor.enterprise_id != enterprise.pk:
        raise NotAllowed("只有本企业的安全管理员可以编制培训计划")


def plan_create(
    *, actor: User | None, enterprise: Enterprise, year: int, title: str = ""
) -> TrainingPlan:
    _check_plan_actor(actor, enterprise)
    if not (2000 <= int(year) <= 2100):
        raise ValidationFailed(f"年度 {year} 无效", fields={"year": "无效"})
    if TrainingPlan.objects.filter(enterprise=enterprise, year=year).exists():
        raise Conflict(f"{enterprise.name}已有 {year} 年度培训计划", code="plan_exists")
    title = (title or "").strip() or f"{year}年度安全培训计划"
    with transaction.atomic():
        return TrainingPlan.objects.create(
            enterprise=enterprise,
            year=year,
            title=validate_text(title, field="title", label="计划名称"),
            created_by=actor,
        )


def plan_item_add(
    *,
    actor: User | None,
    plan: TrainingPlan,
    title: str,
    group: str,
    due_on: dt.date,
    job_type: Any = None,
    org_unit: OrgUnit | None = None,
    role_category: str = "",
    session: TrainingSession | None = None,
    course: Course | None = None,
) -> PlanItem:
    """Add a line: a group of the enterprise's people and the session or the course they
    should complete by `due_on`."""
    _check_plan_actor(actor, plan.enterprise)
    group = validate_choice(group, GroupKind, field="group", label="培训对象")
    if group == GroupKind.JOB_TYPE and job_type is None:
        raise ValidationFailed("请选择工种", fields={"job_type": "必填"})
    if group == GroupKind.ORG_UNIT:
        if org_unit is None:
            raise ValidationFailed("请选择部门或班组", fields={"org_unit": "必填"})
        if org_unit.enterprise_id != plan.enterprise_id:
            raise ValidationFailed("该部门不属于本企业", fields={"org_unit": "不属于本企业"})
    if group == GroupKind.ROLE:
        validate_choice(role_category, RoleCategory, field="role_category", label="人员类别")
    if (session is None) == (course is None):
        raise ValidationFailed(
            "每项计划须指定一个培训班或一门课程", fields={"session": "须指定培训班或课程"}
        )
    if session is not None and session.enterprise_id not in (None, plan.enterprise_id):
        raise ValidationFailed("该培训班属于其他企业", fields={"session": "属于其他企业"})
    if not isinstance(due_on, dt.date) or due_on.year != plan.year:
        raise ValidationFailed(
            f"完成期限须在 {plan.year} 年内", fields={"due_on": f"须在 {plan.year} 年内"}
        )
    values: dict[str, Any] = {
        "plan": plan,
        "title": validate_text(title, field="title", label="计划项名称"),
        "group": group,
        "job_type": job_type if group == GroupKind.JOB_TYPE else None,
        "org_unit": org_unit if group == GroupKind.ORG_UNIT else None,
        "role_category": role_category if group == GroupKind.ROLE else "",
        "session": session,
        "course": course,
        "due_on": due_on,
    }
    with transaction.atomic():
        return PlanItem.objects.create(**values)


def plan_item_remove(*, actor: User | None, item: PlanItem) -> None:
    _check_plan_actor(actor, item.plan.enterprise)
    item.delete()
