"""Writes for the archive records: training, exam results, 三违, incidents, drills, corrections.

Every service: check that the actor may record it → validate → write in transaction.atomic.
`actor=None` is the command line / system (trusted, no jurisdiction check).

Who records what (docs/records.md):
- enterprise admin: anything for its own enterprise and for persons on its roster
  (people.selectors.person_list); organiser 企业.
- county admin / city admin: training and exams they organise, 三违 and incidents, drills
  reported on paper, for persons and enterprises in their jurisdiction; organiser 县局 / 市局.
- nobody else (inspectors, trainers and workers record nothing here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from safetrain.archive.chain import log_objects
from safetrain.catalog.models import AreaType
from safetrain.core import events
from safetrain.core.dates import today
from safetrain.core.errors import Conflict, NotAllowed, ValidationFailed
from safetrain.core.models import Attributed
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person, User
from safetrain.records.models import (
    Channel,
    Drill,
    ExamPurpose,
    ExamResult,
    Incident,
    IncidentType,
    Organiser,
    TrainingKind,
    TrainingLevel,
    TrainingRecord,
    Violation,
    ViolationType,
)

MAX_HOURS = Decimal("999.9")
MAX_SCORE = Decimal("100")
DEFAULT_PASS_MARK = Decimal("80")
TITLE_MAX = 128
# Kinds for which a level (公司级/车间级/班组级) applies: the three-level pre-job training.
LEVELLED_KINDS = frozenset({TrainingKind.PREJOB.value})
RECORDING_ROLES = frozenset({"city_admin", "county_admin", "enterprise_admin"})
TENTH = Decimal("0.1")


# ----------------------------------------------------------------------------- validation


def parse_tenths(value: object, *, field: str, label: str) -> Decimal:
    """A decimal with at most one decimal place (2.35 is refused, 2.50 is 2.5)."""
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(f"{label}“{value}”不是数字", fields={field: "不是数字"}) from exc
    if not number.is_finite():
        raise ValidationFailed(f"{label}“{value}”不是数字", fields={field: "不是数字"})
    try:
        tenths = number.quantize(TENTH)
    except InvalidOperation as exc:  # more digits than the context holds (1e227)
        raise ValidationFailed(f"{label}“{value}”过大", fields={field: "过大"}) from exc
    if number != tenths:
        raise ValidationFailed(
            f"{label}最多保留一位小数（“{value}”）", fields={field: "最多一位小数"}
        )
    return tenths


def validate_hours(value: object) -> Decimal:
    hours = parse_tenths(value, field="hours", label="学时")
    if hours <= 0:
        raise ValidationFailed("学时必须大于 0", fields={"hours": "必须大于 0"})
    if hours > MAX_HOURS:
        raise ValidationFailed(f"学时不能超过 {MAX_HOURS}", fields={"hours": "过大"})
    return hours


def validate_score(
    score: object, pass_mark: object, max_score: object = MAX_SCORE
) -> tuple[Decimal, Decimal]:
    top = parse_tenths(max_score, field="max_score", label="满分")
    if top <= 0 or top > MAX_SCORE:
        raise ValidationFailed("满分应在 0 到 100 之间", fields={"max_score": "超出范围"})
    value = parse_tenths(score, field="score", label="成绩")
    if value < 0 or value > top:
        raise ValidationFailed(f"成绩应在 0 到 {top} 之间", fields={"score": "超出范围"})
    mark = parse_tenths(pass_mark, field="pass_mark", label="及格分")
    if mark <= 0 or mark > top:
        raise ValidationFailed(f"及格分应在 0 到 {top} 之间", fields={"pass_mark": "超出范围"})
    return value, mark


def validate_date(value: dt.date, *, on: dt.date | None = None, field: str = "date") -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationFailed("日期无效", fields={field: "日期无效"})
    if isinstance(value, dt.datetime):
        value = value.date()
    if value > (on or today()):
        raise ValidationFailed(f"日期 {value} 晚于今天", fields={field: "不能晚于今天"})
    return value


def validate_text(value: str, *, field: str, label: str, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(f"{label}不能为空", fields={field: "必填"})
    if len(text) > TITLE_MAX and field == "title":
        raise ValidationFailed(f"{label}不能超过 {TITLE_MAX} 个字", fields={field: "过长"})
    return text


def validate_choice(value: str, choices: Any, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(f"{label}“{value}”无效", fields={field: "无效"})
    return str(value)


def validate_level(kind: str, level: str) -> str:
    level = level or ""
    if level and level not in TrainingLevel.values:
        raise ValidationFailed(f"培训层级“{level}”无效", fields={"level": "无效"})
    if level and kind not in LEVELLED_KINDS:
        raise ValidationFailed(
            "只有岗前培训分公司级、车间级、班组级三级", fields={"level": "该培训类型不分层级"}
        )
    return level


def _require_enterprise(enterprise: Enterprise | None, *, required: bool) -> Enterprise | None:
    if enterprise is None:
        if required:
            raise ValidationFailed("请指定企业", fields={"enterprise": "必填"})
        return None
    if enterprise.pk is None or not Enterprise.objects.filter(pk=enterprise.pk).exists():
        raise ValidationFailed("企业不存在", fields={"enterprise": "企业不存在"})
    return enterprise


# ----------------------------------------------------------------------------- jurisdiction


def _role(actor: User) -> str:
    return "city_admin" if actor.is_superuser else str(actor.role)


def organiser_for(actor: User | None, *, has_enterprise: bool) -> str:
    """Who organised training recorded by this actor: its level of government or the enterprise.

    The command line (actor None) records for an enterprise when one is given, else for the city."""
    if actor is None:
        return Organiser.ENTERPRISE if has_enterprise else Organiser.CITY
    return {
        "city_admin": Organiser.CITY,
        "county_admin": Organiser.COUNTY,
        "enterprise_admin": Organiser.ENTERPRISE,
    }.get(_role(actor), "")


def check_may_record(
    actor: User | None,
    *,
    enterprise: Enterprise | None,
    person: Person | None = None,
    roles: frozenset[str] = RECORDING_ROLES,
) -> None:
    """Raise NotAllowed unless the actor may record for this person and enterprise."""
    if actor is None:
        return
    if not actor.is_authenticated or not actor.is_active:
        raise NotAllowed("请先登录")
    role = _role(actor)
    if role not in roles:
        raise NotAllowed("您的角色无权登记该记录")
    if role == "enterprise_admin":
        if enterprise is None or enterprise.pk != actor.enterprise_id:
            raise NotAllowed("只能为本企业登记记录", fields={"enterprise": "不是本企业"})
    elif role == "county_admin" and not actor.is_superuser:
        from safetrain.core.scope import is_citywide

        if (
            enterprise is not None
            and not is_citywide(actor)
            and enterprise.region_id != actor.region_id
        ):
            raise NotAllowed("该企业不在您的辖区内", fields={"enterprise": "不在辖区内"})
    if person is not None:
        from safetrain.people.selectors import person_list

        if not person_list(viewer=actor).filter(pk=person.pk).exists():
            raise NotAllowed(
                "该人员不在您的管辖范围内（不在本企业或本辖区的人员名册中）",
                fields={"person": "不在管辖范围内"},
            )


def _source(source: str) -> str:
    if source not in Attributed.Source.values:
        raise ValidationFailed(f"来源“{source}”无效", fields={"source": "无效"})
    return source


# ----------------------------------------------------------------------------- training


def _training_values(
    *,
    actor: User | None,
    person: Person,
    date: dt.date,
    hours: object,
    kind: str,
    level: str,
    enterprise: Enterprise | None,
    organiser: str | None,
    title: str,
    channel: str,
    source: str,
) -> dict[str, Any]:
    check_may_record(actor, enterprise=enterprise, person=person)
    expected = organiser_for(actor, has_enterprise=enterprise is not None)
    if organiser in (None, ""):
        organiser = expected
    organiser = validate_choice(organiser, Organiser, field="organiser", label="组织单位")
    if actor is not None and not actor.is_superuser and organiser != expected:
        raise NotAllowed(
            f"您只能登记由{Organiser(expected).label}组织的培训",
            fields={"organiser": "与您的角色不符"},
        )
    kind = validate_choice(kind, TrainingKind, field="kind", label="培训类型")
    return {
        "person": person,
        "date": validate_date(date),
        "hours": validate_hours(hours),
        "kind": kind,
        "level": validate_level(kind, level),
        "enterprise": _require_enterprise(enterprise, required=organiser == Organiser.ENTERPRISE),
        "organiser": organiser,
        "title": validate_text(title, field="title", label="培训名称"),
        "channel": validate_choice(channel, Channel, field="channel", label="培训方式"),
        "source": _source(source),
        "created_by": actor,
    }


def training_record_add(
    *,
    actor: User | None,
    person: Person,
    date: dt.date,
    hours: object,
    kind: str,
    level: str = "",
    enterprise: Enterprise | None = None,
    organiser: str | None = None,
    title: str,
    channel: str = Channel.OFFLINE,
    source: str = "web",
) -> TrainingRecord:
    """Add one training record. Enterprise-organised training must name the enterprise; training
    a bureau organises may leave it empty (it then counts towards hours, not pre-job training)."""
    values = _training_values(
        actor=actor,
        person=person,
        date=date,
        hours=hours,
        kind=kind,
        level=level,
        enterprise=enterprise,
        organiser=organiser,
        title=title,
        channel=channel,
        source=source,
    )
    with transaction.atomic():
        record = TrainingRecord.objects.create(**values)
        log_objects("added", [record])
        events.person_changed(record.person_id, since=record.date)
        return record


def training_session_add(
    *,
    actor: User | None,
    persons: Sequence[Person],
    date: dt.date,
    hours: object,
    kind: str,
    level: str = "",
    enterprise: Enterprise | None = None,
    enterprises: dict[int, Enterprise | None] | None = None,
    organiser: str | None = None,
    title: str,
    channel: str = Channel.OFFLINE,
    source: str = "web",
) -> list[TrainingRecord]:
    """One session attended by many: a record per person, all or nothing.

    `enterprises` (person pk → enterprise) overrides `enterprise` per person (bureau sessions
    count at each attendee's own employer)."""
    if not persons:
        raise ValidationFailed("请至少选择一名人员", fields={"persons": "必填"})
    if len({p.pk for p in persons}) != len(persons):
        raise ValidationFailed("人员重复", fields={"persons": "重复"})
    rows = []
    for person in persons:
        ent = enterprises.get(person.pk, enterprise) if enterprises is not None else enterprise
        rows.append(
            _training_values(
                actor=actor,
                person=person,
                date=date,
                hours=hours,
                kind=kind,
                level=level,
                enterprise=ent,
                organiser=organiser,
                title=title,
                channel=channel,
                source=source,
            )
        )
    with transaction.atomic():
        created = [TrainingRecord.objects.create(**values) for values in rows]
        log_objects("added", created)
        events.persons_changed((r.person_id for r in created), since=min(r.date for r in created))
        return created


# ----------------------------------------------------------------------------- exams


def _exam_values(
    *,
    actor: User | None,
    person: Person,
    date: dt.date,
    purpose: str,
    score: object,
    pass_mark: object,
    max_score: object,
    enterprise: Enterprise | None,
    title: str,
    source: str,
) -> dict[str, Any]:
    check_may_record(actor, enterprise=enterprise, person=person)
    value, mark = validate_score(score, pass_mark, max_score)
    return {
        "person": person,
        "date": validate_date(date),
        "purpose": validate_choice(purpose, ExamPurpose, field="purpose", label="考试类型"),
        "score": value,
        "pass_mark": mark,
        "passed": value >= mark,
        "enterprise": _require_enterprise(enterprise, required=False),
        "title": validate_text(title, field="title", label="考试名称", required=False),
        "source": _source(source),
        "created_by": actor,
    }


def exam_result_add(
    *,
    actor: User | None,
    person: Person,
    date: dt.date,
    purpose: str,
    score: object,
    pass_mark: object = DEFAULT_PASS_MARK,
    max_score: object = MAX_SCORE,
    enterprise: Enterprise | None = None,
    title: str = "",
    source: str = "web",
) -> ExamResult:
    """Record an exam result; passed = score ≥ pass mark (default 80 of 100)."""
    values = _exam_values(
        actor=actor,
        person=person,
        date=date,
        purpose=purpose,
        score=score,
        pass_mark=pass_mark,
        max_score=max_score,
        enterprise=enterprise,
        title=title,
        source=source,
    )
    with transaction.atomic():
        result = ExamResult.objects.create(**values)
        log_objects("added", [result])
        events.person_changed(result.person_id, since=result.date)
        return result


# ----------------------------------------------------------------------------- 三违, incidents, drills


def violation_record(
    *,
    actor: User | None,
    person: Person,
    enterprise: Enterprise,
    date: dt.date,
    type: str,
    text: str = "",
    source: str = "web",
) -> Violation:
    """Record a 三违 (违章指挥 / 违章作业 / 违反劳动纪律) of a person at an enterprise."""
    check_may_record(actor, enterprise=enterprise, person=person)
    values = {
        "person": person,
        "enterprise": _require_enterprise(enterprise, required=True),
        "date": validate_date(date),
        "type": validate_choice(type, ViolationType, field="type", label="三违类型"),
        "text": validate_text(text, field="text", label="描述", required=False),
        "source": _source(source),
        "created_by": actor,
    }
    with transaction.atomic():
        violation = Violation.objects.create(**values)
        log_objects("added", [violation])
        events.person_changed(violation.person_id, since=violation.date)
        return violation


def incident_record(
    *,
    actor: User | None,
    enterprise: Enterprise,
    date: dt.date,
    type: str,
    text: str = "",
    source: str = "web",
) -> Incident:
    """Record an incident (死亡事故 / 重大事故隐患 / 较大事故隐患) of an enterprise."""
    check_may_record(actor, enterprise=enterprise)
    values = {
        "enterprise": _require_enterprise(enterprise, required=True),
        "date": validate_date(date),
        "type": validate_choice(type, IncidentType, field="type", label="事故类型"),
        "text": validate_text(text, field="text", label="描述", required=False),
        "source": _source(source),
        "created_by": actor,
    }
    with transaction.atomic():
        incident = Incident.objects.create(**values)
        log_objects("added", [incident])
        events.enterprise_changed(incident.enterprise_id)
        return incident


def validate_participants(value: object) -> int:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            f"参加人数“{value}”不是整数", fields={"participants": "不是整数"}
        ) from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationFailed(f"参加人数“{value}”不是整数", fields={"participants": "不是整数"})
    if number < 1 or number > 100_000:
        raise ValidationFailed("参加人数应在 1 到 100000 之间", fields={"participants": "超出范围"})
    return int(number)


def drill_record(
    *,
    actor: User | None,
    enterprise: Enterprise,
    date: dt.date,
    area_type: str,
    title: str,
    participants: object,
    source: str = "web",
) -> Drill:
    """Record an emergency drill of one area type (矿井/办公/生产/生活) of an enterprise."""
    check_may_record(actor, enterprise=enterprise)
    values = {
        "enterprise": _require_enterprise(enterprise, required=True),
        "date": validate_date(date),
        "area_type": validate_choice(area_type, AreaType, field="area_type", label="区域类型"),
        "title": validate_text(title, field="title", label="演练名称"),
        "participants": validate_participants(participants),
        "source": _source(source),
        "created_by": actor,
    }
    with transaction.atomic():
        drill = Drill.objects.create(**values)
        log_objects("added", [drill])
        events.enterprise_changed(drill.enterprise_id)
        return drill


# ----------------------------------------------------------------------------- corrections

CORRECTABLE_TRAINING = ("date", "hours", "kind", "level", "enterprise", "title", "channel")
CORRECTABLE_EXAM = ("date", "purpose", "score", "pass_mark", "enterprise", "title")


def record_correct(
    *,
    actor: User | None,
    record: TrainingRecord | ExamResult,
    source: str = "web",
    **changes: Any,
) -> TrainingRecord | ExamResult:
    """Correct a training record or exam result: a NEW record with the corrected values that
    supersedes the old one (kept, linked by `supersedes`, no longer counted). Never an edit.

    The person and the organiser stay (a correction is made at the level that organised the
    training: an enterprise admin corrects enterprise training, a county admin county training).
    The actor must be allowed to record both the old and the corrected record."""
    allowed: tuple[str, ...]
    if isinstance(record, TrainingRecord):
        allowed = CORRECTABLE_TRAINING
    elif isinstance(record, ExamResult):
        allowed = CORRECTABLE_EXAM
    else:
        raise ValidationFailed("只能更正培训记录和考试记录", fields={"record": "不支持更正"})
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationFailed(
            "不能更正这些字段：" + "、".join(unknown), fields={k: "不可更正" for k in unknown}
        )
    check_may_record(actor, enterprise=record.enterprise, person=record.person)
    with transaction.atomic():
        events.person_changed(record.person_id)
        values: dict[str, Any]
        if isinstance(record, TrainingRecord):
            old_t = TrainingRecord.objects.select_for_update().get(pk=record.pk)
            _refuse_second_correction(TrainingRecord.objects.filter(supersedes=old_t).exists())
            new = {name: getattr(old_t, name) for name in allowed} | changes
            values = _training_values(
                actor=actor, person=old_t.person, organiser=old_t.organiser, source=source, **new
            )
            _refuse_no_change(values, old_t, allowed)
            new_t = TrainingRecord.objects.create(**values, supersedes=old_t)
            log_objects("corrected", [new_t])
            return new_t
        old_e = ExamResult.objects.select_for_update().get(pk=record.pk)
        _refuse_second_correction(ExamResult.objects.filter(supersedes=old_e).exists())
        new = {name: getattr(old_e, name) for name in allowed} | changes
        values = _exam_values(
            actor=actor, person=old_e.person, max_score=MAX_SCORE, source=source, **new
        )
        _refuse_no_change(values, old_e, allowed)
        new_e = ExamResult.objects.create(**values, supersedes=old_e)
        log_objects("corrected", [new_e])
        return new_e


def _refuse_second_correction(already: bool) -> None:
    if already:
        raise Conflict("该记录已被更正过，请更正最新的记录", fields={"record": "已被更正"})


def _refuse_no_change(values: dict[str, Any], old: Any, fields: tuple[str, ...]) -> None:
    if all(values[name] == getattr(old, name) for name in fields):
        raise ValidationFailed("更正内容与原记录相同", fields={"record": "没有变化"})
