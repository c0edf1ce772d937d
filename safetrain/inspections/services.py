"""Writes: inspections and their checked persons, spot checks, correction orders, penalties,
county plan submissions. Each service checks the actor, validates, writes in a transaction.

Who may do what (docs/inspections.md):
- inspections, spot checks, correction orders, penalties: inspectors, county and city admins,
  for enterprises in their jurisdiction (core.scope);
- plan submissions: a county admin for its own county (the city admin for any county).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q

from safetrain.archive.chain import log_ids, log_objects
from safetrain.compliance.domain import IN_POST
from safetrain.core import dates
from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.core.scope import enterprise_q, is_citywide
from safetrain.enterprises.models import Enterprise
from safetrain.inspections import enforcement
from safetrain.inspections.campaign import CAMPAIGNS
from safetrain.inspections.draw import Candidate, draw_persons
from safetrain.inspections.models import (
    CheckedPerson,
    CorrectionOrder,
    Inspection,
    Method,
    OrderItem,
    Penalty,
    PlanSubmission,
    Result,
)
from safetrain.people.models import Employment, Leave, Person, User
from safetrain.regions.models import CITY_CODE, Region

log = logging.getLogger(__name__)

OVERSIGHT_ROLES = frozenset({"city_admin", "county_admin", "inspector"})
MAX_DRAW = 200
PLAN_TYPES = {
    ".pdf": b"%PDF",
    ".docx": b"PK\x03\x04",
    ".doc": b"\xd0\xcf\x11\xe0",
    ".wps": b"\xd0\xcf\x11\xe0",
}
PLAN_MAX_BYTES = 10 * 1024 * 1024


def _role(actor: User) -> str:
    return "city_admin" if actor.is_superuser else str(actor.role)


def check_may_oversee(actor: User | None, enterprise: Enterprise) -> None:
    """Inspectors and bureau admins, for enterprises in their jurisdiction (else NotFound: the
    enterprise's existence does not leak)."""
    if actor is None:
        return
    if not actor.is_authenticated or not actor.is_active:
        raise NotAllowed("请先登录")
    if _role(actor) not in OVERSIGHT_ROLES:
        raise NotAllowed("只有执法人员和市、县应急管理局可以执法检查")
    if not Enterprise.objects.filter(enterprise_q(actor), pk=enterprise.pk).exists():
        raise NotFound("企业不存在或不在您的辖区内")


def _date(value: object, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dates.parse_iso_date(str(value))
    except ValueError as exc:
        raise ValidationFailed(
            f"{label}无效：{exc}", fields={field: "日期格式为 YYYY-MM-DD"}
        ) from exc


# ------------------------------------------------------------------------------ inspections


def inspection_create(
    *,
    actor: User | None,
    enterprise: Enterprise,
    date: dt.date,
    methods: Sequence[str],
    team: str = "",
    findings: str = "",
) -> Inspection:
    check_may_oversee(actor, enterprise)
    methods = list(dict.fromkeys(methods))
    bad = [m for m in methods if m not in Method.values]
    if bad:
        raise ValidationFailed(f"检查方式“{bad[0]}”无效", fields={"methods": "无效"})
    if not methods:
        raise ValidationFailed("请至少选择一种检查方式", fields={"methods": "必填"})
    if date > dates.today():
        raise ValidationFailed("检查日期不能晚于今天", fields={"date": "不能晚于今天"})
    if len(team) > 128:
        raise ValidationFailed("检查人员姓名过长（最多128字）", fields={"team": "过长"})
    if not team and actor is not None:
        team = actor.get_full_name() or actor.username
    return Inspection.objects.create(
        enterprise=enterprise,
        inspector=actor,
        team=team.strip(),
        date=date,
        methods=[m for m in Method.values if m in methods],
        findings=findings.strip(),
    )


def inspection_update_findings(
    *, actor: User | None, inspection: Inspection, findings: str
) -> None:
    check_may_oversee(actor, inspection.enterprise)
    inspection.findings = findings.strip()
    inspection.save(update_fields=["findings"])


def _check_started(inspection: Inspection) -> None:
    if inspection.status == "planned":
        raise Conflict(
            "这是双随机抽取的待检查任务：请先开始检查（填写检查日期和方式）",
            fields={"status": "待检查"},
        )


def in_post_candidates(enterprise: Enterprise, on: dt.date) -> list[Candidate]:
    """Persons in post at the enterprise on `on` (an employment active that day, not on leave),
    each with their job type on that day (the catalogue's job type; for a free-text post its
    title and the special operation it needs). Four queries."""
    employments = list(
        Employment.objects.filter(enterprise=enterprise, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .prefetch_related("posts__job_type")
    )
    away = set(
        Leave.objects.filter(employment__in=employments, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("employment_id", flat=True)
    )
    out = []
    for emp in employments:
        if emp.pk in away:
            continue
        posts = sorted((p for p in emp.posts.all() if p.from_date <= on), key=lambda p: p.from_date)
        post = posts[-1] if posts else None
        stratum = ""
        if post is not None:
            if post.job_type is not None:
                stratum = post.job_type.name
            else:  # a free-text post: its title, and the special operation it needs, if any
                stratum = post.title + (f"（{post.operation_id}）" if post.operation_id else "")
        out.append(Candidate(emp.person_id, stratum[:64]))
    return out


def spot_check_draw(
    *, actor: User | None, inspection: Inspection, count: int, seed: int | str
) -> list[CheckedPerson]:
    """Draw `count` in-post workers on the inspection date, stratified by job type, and add
    them to the persons checked (persons already checked are kept, not drawn twice)."""
    check_may_oversee(actor, inspection.enterprise)
    _check_started(inspection)
    if not 1 <= count <= MAX_DRAW:
        raise ValidationFailed(f"抽取人数应为 1–{MAX_DRAW}", fields={"count": "超出范围"})
    seed_text = str(seed).strip()
    if not seed_text or len(seed_text) > 32:
        raise ValidationFailed("随机种子不能为空，最多32个字符", fields={"seed": "无效"})
    candidates = in_post_candidates(inspection.enterprise, inspection.date)
    if not candidates:
        raise ValidationFailed("该企业在检查日没有在岗人员", fields={"count": "无在岗人员"})
    already = set(inspection.persons.values_list("person_id", flat=True))
    pool = [c for c in candidates if c.person_id not in already]
    chosen = draw_persons(pool, count, seed_text)
    with transaction.atomic():
        rows = CheckedPerson.objects.bulk_create(
            [
                CheckedPerson(
                    inspection=inspection,
                    person_id=c.person_id,
                    stratum=c.stratum,
                    drawn=True,
                    draw_seed=seed_text,
                )
                for c in chosen
            ]
        )
        if Method.SPOT_EXAM not in inspection.methods:
            inspection.methods = [
                m for m in Method.values if m in {*inspection.methods, Method.SPOT_EXAM}
            ]
            inspection.save(update_fields=["methods"])
    return rows


def checked_person_add(
    *, actor: User | None, inspection: Inspection, person: Person
) -> CheckedPerson:
    check_may_oversee(actor, inspection.enterprise)
    _check_started(inspection)
    in_post = {c.person_id: c for c in in_post_candidates(inspection.enterprise, inspection.date)}
    if person.pk not in in_post:
        raise ValidationFailed(f"{person.name} 在检查日不在该企业在岗", fields={"person": "不在岗"})
    if inspection.persons.filter(person=person).exists():
        raise Conflict(f"{person.name} 已在检查名单中", fields={"person": "重复"})
    return CheckedPerson.objects.create(
        inspection=inspection, person=person, stratum=in_post[person.pk].stratum
    )


def _score(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(f"成绩“{value}”不是数字", fields={"score": "不是数字"}) from exc
    if not Decimal(0) <= score <= Decimal(100):
        raise ValidationFailed("成绩应在 0–100 之间", fields={"score": "超出范围"})
    return score


def checked_person_record(
    *,
    actor: User | None,
    checked: CheckedPerson,
    result: str,
    score: object = None,
    notes: str = "",
) -> CheckedPerson:
    """Record a person's on-site result. In a spot check (drawn, or 抽查考试 among the methods)
    the result is also written as a `spot_check` exam result through records.services, dated the
    inspection day (it feeds the awareness rate; a failure puts retraining and a retest on the
    enterprise's list, selectors.retests_open). A result, once written, is final: a correction
    is a new inspection (the exam record is part of the lifelong archive)."""
    from safetrain.records.services import exam_result_add

    inspection = checked.inspection
    check_may_oversee(actor, inspection.enterprise)
    if result not in (Result.PASS, Result.FAIL):
        raise ValidationFailed("请选择合格或不合格", fields={"result": "必填"})
    if checked.result:
        raise Conflict("该人员的结果已登记", fields={"result": "已登记"})
    value = _score(score)
    if value is not None and (value >= 60) != (result == Result.PASS):
        raise ValidationFailed(
            "成绩与结论不一致（60 分及以上为合格）", fields={"score": "与结论不一致"}
        )
    with transaction.atomic():
        checked.result = result
        checked.score = value
        checked.notes = notes.strip()[:255]
        if checked.drawn or Method.SPOT_EXAM in inspection.methods:
            # the inspector's own account is not one that records exams (records.services); the
            # oversight check above stands in for it, so the system (actor None) writes it
            checked.exam_result = exam_result_add(
                actor=None,
                person=checked.person,
                date=inspection.date,
                purpose="spot_check",
                score=value if value is not None else (100 if result == Result.PASS else 0),
                pass_mark=60,
                enterprise=inspection.enterprise,
                title=f"执法检查抽考（{inspection.date.isoformat()} 检查 #{inspection.pk}）",
            )
        checked.save(update_fields=["result", "score", "notes", "exam_result"])
    return checked


# ------------------------------------------------------------------------------ orders


@dataclass(frozen=True)
class NamedFinding:
    person_id: int
    code: str


def _next_number(issued_on: dt.date) -> str:
    prefix = f"ZG{issued_on.year}-"
    last = CorrectionOrder.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    n = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{n:04d}"


def order_issue(
    *,
    actor: User | None,
    enterprise: Enterprise,
    items: Iterable[tuple[int, str]],
    deadline: dt.date,
    issued_on: dt.date | None = None,
    inspection: Inspection | None = None,
    note: str = "",
) -> CorrectionOrder:
    """责令限期改正: the named (person, finding code) pairs must be blocking findings of persons
    in post at the enterprise on the day of issue, as the compliance engine evaluates them."""
    from safetrain.compliance.engine import evaluate_persons

    check_may_oversee(actor, enterprise)
    issued_on = issued_on or dates.today()
    if issued_on > dates.today():
        raise ValidationFailed("下达日期不能晚于今天", fields={"issued_on": "不能晚于今天"})
    if deadline < issued_on:
        raise ValidationFailed("整改期限不能早于下达日期", fields={"deadline": "早于下达日期"})
    if inspection is not None and inspection.enterprise_id != enterprise.pk:
        raise ValidationFailed("检查记录不属于该企业", fields={"inspection": "不匹配"})
    pairs = sorted({(int(p), str(c)) for p, c in items})
    if not pairs:
        raise ValidationFailed("请至少选择一名人员的一项问题", fields={"items": "必填"})
    for _pid, code in pairs:
        if code not in enforcement.ORDER_CODES:
            raise ValidationFailed(
                f"“{code}”不是可责令改正的阻断问题", fields={"items": f"{code} 无效"}
            )
    person_ids = sorted({p for p, _ in pairs})
    evaluations = dict(evaluate_persons(person_ids, issued_on))
    for pid, code in pairs:
        ev = evaluations.get(pid)
        if ev is None or ev.status != IN_POST or ev.enterprise != enterprise.credit_code:
            raise ValidationFailed(
                f"人员 {pid} 在 {issued_on} 不在该企业在岗", fields={"items": f"{pid} 不在岗"}
            )
        if code not in ev.blocking_codes:
            raise ValidationFailed(
                f"人员 {pid} 在 {issued_on} 没有问题 {code}", fields={"items": f"{pid} {code}"}
            )
    with transaction.atomic():
        order = CorrectionOrder.objects.create(
            number=_next_number(issued_on),
            enterprise=enterprise,
            inspection=inspection,
            issued_by=actor,
            issued_on=issued_on,
            deadline=deadline,
            note=note.strip(),
        )
        OrderItem.objects.bulk_create(
            [OrderItem(order=order, person_id=pid, code=code) for pid, code in pairs]
        )
        log_objects("issued", [order])  # the record log (docs/archive.md)
    return order


def orders_refresh(
    *, on: dt.date | None = None, person_ids: Iterable[int] | None = None
) -> dict[str, int]:
    """Evaluate the open items of open orders (issued on or before `on`, default today) with
    the compliance engine and clear those whose finding is gone; an order whose items are all
    cleared closes on that day. An item clears when the person, on `on`, is in post at the
    order's enterprise without that finding, or no longer works there (moved away or left);
    a person on leave keeps it open (the finding is evaluated again on return).
    Restricted to some persons when `person_ids` is given (the change hook). Idempotent."""
    from safetrain.compliance.engine import evaluate_persons

    on = on or dates.today()
    items = OrderItem.objects.filter(
        cleared_on__isnull=True, order__closed_on__isnull=True, order__issued_on__lte=on
    ).select_related("order__enterprise")
    if person_ids is not None:
        # open items are few and a change notification can name 200,000 persons (an import):
        # intersect in Python rather than send a huge IN list
        wanted = set(person_ids) & set(items.values_list("person_id", flat=True))
        if not wanted:
            return {"cleared": 0, "closed": 0}
        items = items.filter(person_id__in=sorted(wanted))
    rows = list(items)
    if not rows:
        return {"cleared": 0, "closed": 0}
    evaluations = dict(evaluate_persons(sorted({i.person_id for i in rows}), on))
    cleared: list[int] = []
    for item in rows:
        ev = evaluations.get(item.person_id)
        here = ev is not None and ev.enterprise == item.order.enterprise.credit_code
        if ev is None or not here or ev.status == IN_POST and item.code not in ev.blocking_codes:
            cleared.append(item.pk)
    order_ids = sorted({i.order_id for i in rows})
    with transaction.atomic():
        if cleared:
            OrderItem.objects.filter(pk__in=cleared).update(cleared_on=on)
        done = list(
            CorrectionOrder.objects.filter(pk__in=order_ids, closed_on__isnull=True)
            .exclude(items__cleared_on__isnull=True)
            .values_list("pk", flat=True)
        )
        if done:
            CorrectionOrder.objects.filter(pk__in=done).update(closed_on=on)
            log_ids("closed", CorrectionOrder, done)  # the record log (docs/archive.md)
    return {"cleared": len(cleared), "closed": len(done)}


def penalty_add(
    *,
    actor: User | None,
    order: CorrectionOrder,
    amount: object,
    basis: str,
    decided_on: dt.date | None = None,
    note: str = "",
) -> Penalty:
    check_may_oversee(actor, order.enterprise)
    decided_on = decided_on or dates.today()
    try:
        value = Decimal(str(amount).replace(",", "").strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            f"罚款金额“{amount}”不是数字", fields={"amount": "不是数字"}
        ) from exc
    if value <= 0:
        raise ValidationFailed("罚款金额必须大于 0", fields={"amount": "必须大于 0"})
    if value > enforcement.MAX_AMOUNT:
        raise ValidationFailed(
            f"罚款金额超过第九十七条对单位的上限 {enforcement.MAX_AMOUNT} 元",
            fields={"amount": "超过上限"},
        )
    basis = basis.strip()
    if not basis:
        raise ValidationFailed("请填写处罚依据", fields={"basis": "必填"})
    if len(basis) > 255:
        raise ValidationFailed("处罚依据过长（最多255字）", fields={"basis": "过长"})
    if decided_on < order.issued_on or decided_on > dates.today():
        raise ValidationFailed("处罚日期应在下达日期与今天之间", fields={"decided_on": "超出范围"})
    return Penalty.objects.create(
        order=order,
        amount=value,
        basis=basis,
        decided_on=decided_on,
        decided_by=actor,
        note=note.strip()[:255],
    )


# ------------------------------------------------------------------------------ plans


def plan_submit(
    *,
    actor: User | None,
    campaign: str,
    region: Region,
    upload: UploadedFile,
    submitted_on: dt.date | None = None,
) -> PlanSubmission:
    """A county's implementation plan: PDF, Word (.doc/.docx) or WPS, at most 10 MB; the type
    is checked by the file's first bytes, not only its name."""
    if campaign not in CAMPAIGNS:
        raise NotFound("专项行动不存在")
    if region.code == CITY_CODE or region.parent_id != CITY_CODE:
        raise ValidationFailed("只有县（市、区）报送实施方案", fields={"region": "不是县级"})
    if actor is not None:
        role = _role(actor)
        if role == "county_admin" and not is_citywide(actor):
            if actor.region_id != region.code:
                raise NotAllowed("只能报送本县（市、区）的实施方案")
        elif role != "city_admin":
            raise NotAllowed("只有县局管理员报送实施方案")
    name = PurePath(upload.name or "").name
    ext = PurePath(name).suffix.lower()
    if ext not in PLAN_TYPES:
        raise ValidationFailed(
            f"文件“{name}”类型不支持：请上传 PDF、Word（.doc/.docx）或 WPS 文件",
            fields={"file": "类型不支持"},
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationFailed(f"文件“{name}”是空的", fields={"file": "空文件"})
    if size > PLAN_MAX_BYTES:
        raise ValidationFailed(
            f"文件“{name}”过大（{size / 1024 / 1024:.1f} MB），最大 10 MB",
            fields={"file": "过大"},
        )
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(PLAN_TYPES[ext]):
        raise ValidationFailed(
            f"文件“{name}”的内容不是 {ext} 文件", fields={"file": "内容与类型不符"}
        )
    return PlanSubmission.objects.create(
        campaign=campaign,
        region=region,
        file=upload,
        filename=name[:128],
        size=size,
        submitted_on=submitted_on or dates.today(),
        submitted_by=actor,
    )
