"""Writes for 双随机、一公开 (notice §五(四), docs/inspections.md): a bureau's yearly enforcement
plan (执法计划), the conflicts of interest of its inspectors, the draw and its publication, and
carrying out a planned inspection.

The bureau is a region: the city bureau (140500) or a county bureau. Its city or county admin
manages the plan, the conflicts and the draws; its inspectors (role inspector, account region
exactly that code) are its roster. Everything here checks the actor, validates, and writes in
one transaction; a refused input writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from safetrain.core import dates
from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.enterprises.models import Enterprise
from safetrain.inspections.draw import Risk, draw_pairs, risk_weight
from safetrain.inspections.models import (
    ConflictOfInterest,
    Draw,
    DrawPair,
    EnforcementPlan,
    Inspection,
    InspectionStatus,
    Method,
    PlanEnterprise,
)
from safetrain.people.models import User
from safetrain.regions.models import CITY_CODE, Region

MAX_DRAW_COUNT = 500
UPLOAD_MAX_BYTES = 2 * 1024 * 1024


def bureau_of(actor: User) -> str | None:
    """The bureau (region code) an account belongs to: city or county admins and inspectors;
    None for other roles. A superuser is the city bureau."""
    if actor.is_superuser:
        return CITY_CODE
    if actor.role in ("city_admin", "county_admin", "inspector") and actor.region_id:
        return str(actor.region_id)
    return None


def check_may_manage(actor: User | None, region: Region | str) -> None:
    """The bureau's admin (the city admin for the city bureau and any county, a county admin
    for its own county) manages its plan, conflicts and draws."""
    if actor is None:
        return
    code = region.code if isinstance(region, Region) else str(region)
    if not actor.is_authenticated or not actor.is_active:
        raise NotAllowed("请先登录")
    if actor.is_superuser or (actor.role == "city_admin" and actor.region_id == CITY_CODE):
        return
    if actor.role == "county_admin" and actor.region_id == code:
        return
    if actor.role in ("county_admin", "inspector", "city_admin"):
        raise NotAllowed("只有本局（市局或本县局）管理员可以管理执法计划和双随机抽取")
    raise NotAllowed("只有市、县应急管理局可以管理执法计划")


def _bureau_enterprises(region: Region | str) -> Any:
    code = region.code if isinstance(region, Region) else str(region)
    qs = Enterprise.objects.all()
    return qs if code == CITY_CODE else qs.filter(region_id=code)


def _region(code: str) -> Region:
    region = Region.objects.filter(code=str(code).strip()).first()
    if region is None:
        raise NotFound(f"行政区划代码 {code} 不存在")
    if region.code != CITY_CODE and region.parent_id != CITY_CODE:
        raise ValidationFailed("执法计划属于市局或县（市、区）局", fields={"region": "不是市或县"})
    return region


# ------------------------------------------------------------------------------ plans


def plan_create(
    *, actor: User | None, region: Region | str, year: int, title: str, note: str = ""
) -> EnforcementPlan:
    reg = region if isinstance(region, Region) else _region(region)
    check_may_manage(actor, reg)
    title = title.strip()
    if not title:
        raise ValidationFailed("请填写计划名称", fields={"title": "必填"})
    if len(title) > 128:
        raise ValidationFailed("计划名称过长（最多128字）", fields={"title": "过长"})
    if not 2024 <= int(year) <= 2100:
        raise ValidationFailed(f"年度 {year} 无效", fields={"year": "无效"})
    if EnforcementPlan.objects.filter(region=reg, year=year).exists():
        raise Conflict(f"{reg.name} {year} 年度执法计划已存在", fields={"year": "已存在"})
    try:
        with transaction.atomic():
            return EnforcementPlan.objects.create(
                region=reg, year=year, title=title, note=note.strip(), created_by=actor
            )
    except IntegrityError as exc:  # a concurrent create
        raise Conflict(f"{reg.name} {year} 年度执法计划已存在", fields={"year": "已存在"}) from exc


def plan_update(*, actor: User | None, plan: EnforcementPlan, title: str, note: str) -> None:
    check_may_manage(actor, plan.region_id)
    title = title.strip()
    if not title or len(title) > 128:
        raise ValidationFailed("计划名称必填，最多128字", fields={"title": "无效"})
    plan.title = title
    plan.note = note.strip()
    plan.save(update_fields=["title", "note"])


def _normalise_code(raw: object) -> str:
    return str(raw or "").strip().upper().replace(" ", "")


def plan_enterprises_add(
    *, actor: User | None, plan: EnforcementPlan, codes: list[tuple[int, str]]
) -> int:
    """Add enterprises by credit code; `codes` are (line number, code). All or nothing: an
    unknown code, or one outside the bureau's jurisdiction, is refused naming its line, and
    nothing is added. Codes already in the plan are skipped. Returns how many were added."""
    check_may_manage(actor, plan.region_id)
    wanted = [(n, _normalise_code(c)) for n, c in codes if _normalise_code(c)]
    if not wanted:
        raise ValidationFailed("没有统一社会信用代码", fields={"codes": "为空"})
    found = dict(
        _bureau_enterprises(plan.region_id)
        .filter(credit_code__in=sorted({c for _n, c in wanted}))
        .values_list("credit_code", "pk")
    )
    errors = {}
    for n, code in wanted:
        if code not in found:
            errors[f"line {n}"] = f"第 {n} 行：统一社会信用代码 {code} 不存在或不在本辖区"
    if errors:
        first = next(iter(errors.values()))
        more = f"（共 {len(errors)} 行有误）" if len(errors) > 1 else ""
        raise ValidationFailed(f"{first}{more}，未添加任何企业", fields=errors)
    have = set(plan.entries.values_list("enterprise_id", flat=True))
    new = sorted({found[c] for _n, c in wanted} - have)
    with transaction.atomic():
        PlanEnterprise.objects.bulk_create(
            [PlanEnterprise(plan=plan, enterprise_id=pk) for pk in new], ignore_conflicts=True
        )
    return len(new)


def read_code_list(upload: UploadedFile) -> list[tuple[int, str]]:
    """A list of credit codes from an uploaded file: .txt or .csv (first column), or .xlsx
    (first column of the first sheet). A first row that is a header (统一社会信用代码) is
    skipped. Returns (line number, code)."""
    name = PurePath(upload.name or "").name
    ext = PurePath(name).suffix.lower()
    if (upload.size or 0) > UPLOAD_MAX_BYTES:
        raise ValidationFailed(f"文件“{name}”过大，最大 2 MB", fields={"file": "过大"})
    rows: list[tuple[int, str]] = []
    if ext in (".txt", ".csv"):
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise ValidationFailed(
                    f"文件“{name}”不是 UTF-8 或 GB18030 文本", fields={"file": "编码"}
                ) from exc
        for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
            if row:
                rows.append((n, row[0]))
    elif ext == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(upload, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a bad file
            raise ValidationFailed(
                f"文件“{name}”不是有效的 Excel 文件", fields={"file": "无效"}
            ) from exc
        sheet = book.worksheets[0]
        for n, values in enumerate(sheet.iter_rows(values_only=True), 1):
            if values and values[0] is not None:
                rows.append((n, str(values[0])))
    else:
        raise ValidationFailed(
            f"文件“{name}”类型不支持：请上传 .txt、.csv 或 .xlsx", fields={"file": "类型"}
        )
    if rows and "信用代码" in rows[0][1]:
        rows = rows[1:]
    return rows


def plan_enterprise_remove(*, actor: User | None, plan: EnforcementPlan, credit_code: str) -> None:
    check_may_manage(actor, plan.region_id)
    deleted, _ = PlanEnterprise.objects.filter(
        plan=plan, enterprise__credit_code=_normalise_code(credit_code)
    ).delete()
    if not deleted:
        raise NotFound("该企业不在计划中")


# ------------------------------------------------------------------------------ roster


def roster(region: Region | str) -> list[User]:
    """The bureau's inspectors: active accounts with role inspector of exactly that region."""
    code = region.code if isinstance(region, Region) else str(region)
    return list(
        User.objects.filter(role="inspector", region_id=code, is_active=True).order_by("username")
    )


def conflict_record(
    *, actor: User | None, inspector: User, enterprise: Enterprise, reason: str
) -> ConflictOfInterest:
    if inspector.role != "inspector" or not inspector.region_id:
        raise ValidationFailed(f"{inspector.username} 不是执法人员", fields={"inspector": "无效"})
    check_may_manage(actor, str(inspector.region_id))
    if not _bureau_enterprises(str(inspector.region_id)).filter(pk=enterprise.pk).exists():
        raise ValidationFailed(
            "该企业不在该执法人员所属局的辖区内", fields={"enterprise": "不在辖区"}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写回避理由", fields={"reason": "必填"})
    if len(reason) > 255:
        raise ValidationFailed("回避理由过长（最多255字）", fields={"reason": "过长"})
    try:
        with transaction.atomic():
            return ConflictOfInterest.objects.create(
                inspector=inspector, enterprise=enterprise, reason=reason, recorded_by=actor
            )
    except IntegrityError as exc:
        raise Conflict(
            f"{inspector.username} 与 {enterprise.name} 的回避已登记", fields={"enterprise": "重复"}
        ) from exc


def conflict_remove(*, actor: User | None, conflict: ConflictOfInterest) -> None:
    check_may_manage(actor, str(conflict.inspector.region_id))
    conflict.delete()


# ------------------------------------------------------------------------------ the draw


@dataclass(frozen=True)
class DrawInputs:
    region: Region
    plan: EnforcementPlan | None
    on: dt.date
    weights: dict[str, Decimal]  # credit code → risk weight
    inspectors: list[str]  # usernames
    conflicts: list[tuple[str, str]]  # (username, credit code)

    def as_json(self) -> dict[str, Any]:
        return {
            "region": self.region.code,
            "plan": self.plan.pk if self.plan else None,
            "on": self.on.isoformat(),
            "enterprises": [[c, str(w)] for c, w in sorted(self.weights.items())],
            "inspectors": sorted(self.inspectors),
            "conflicts": sorted([list(c) for c in self.conflicts]),
        }

    def digest(self) -> str:
        return inputs_digest(self.as_json())


def inputs_digest(inputs: dict[str, Any]) -> str:
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def current_plan(region: Region | str, on: dt.date) -> EnforcementPlan | None:
    code = region.code if isinstance(region, Region) else str(region)
    return EnforcementPlan.objects.filter(region_id=code, year=on.year).first()


def enterprise_risks(enterprises: list[Enterprise], on: dt.date) -> dict[str, Risk]:
    """The weight inputs of each enterprise on `on`: its sector, its correction orders open or
    overdue (inspections.selectors.open_orders, three queries for the whole region) and its four
    rates (compliance.engine.rates: the materialized status today, else the one-query fast
    rates)."""
    from safetrain.compliance.engine import Scope, rates
    from safetrain.inspections.selectors import open_orders

    orders: dict[str, int] = {}
    regions = {e.region_id for e in enterprises}
    for code in sorted(regions):
        for order in open_orders(str(code), on):
            key = order.enterprise.credit_code
            orders[key] = orders.get(key, 0) + 1
    out = {}
    for ent in enterprises:
        r = rates(Scope.for_enterprise(ent), on)
        out[ent.credit_code] = Risk(
            high_risk=bool(ent.sector.high_risk),
            open_orders=orders.get(ent.credit_code, 0),
            rates=tuple((x.num, x.den) for x in (r.coverage, r.certified, r.awareness, r.may_work)),
        )
    return out


def draw_inputs(region_code: str, on: dt.date | None = None) -> DrawInputs:
    """What a draw of the bureau draws from on `on` (default today): the enterprises of its
    current plan (the plan of `on`'s year; all the bureau's enterprises when it has none), each
    with its risk weight, the roster and the recorded conflicts. A plan without enterprises is
    refused (ValidationFailed)."""
    region = _region(region_code)
    on = on or dates.today()
    plan = current_plan(region, on)
    if plan is not None:
        ents = list(
            Enterprise.objects.filter(pk__in=plan.entries.values("enterprise_id")).select_related(
                "sector"
            )
        )
        if not ents:
            raise ValidationFailed(
                f"{region.name}{plan.year} 年度执法计划“{plan.title}”还没有企业，无法抽取",
                fields={"plan": "没有企业"},
            )
    else:
        ents = list(_bureau_enterprises(region).select_related("sector"))
    risks = enterprise_risks(ents, on)
    inspectors = roster(region)
    names = [u.username for u in inspectors]
    conflicts = list(
        ConflictOfInterest.objects.filter(
            inspector__in=inspectors, enterprise__in=ents
        ).values_list("inspector__username", "enterprise__credit_code")
    )
    return DrawInputs(
        region=region,
        plan=plan,
        on=on,
        weights={c: risk_weight(r) for c, r in risks.items()},
        inspectors=names,
        conflicts=[(u, c) for u, c in conflicts],
    )


def draw_compute(inputs: DrawInputs, count: int, seed: int | str) -> list[tuple[str, list[str]]]:
    """The pairs for these inputs (ValidationFailed when too few enterprises or inspectors)."""
    try:
        return draw_pairs(
            list(inputs.weights),
            inputs.inspectors,
            count,
            seed,
            weights=dict(inputs.weights),
            conflicts=inputs.conflicts,
        )
    except ValueError as exc:
        raise ValidationFailed(
            f"{inputs.region.name}（{inputs.region.code}）：{exc}", fields={"count": str(exc)}
        ) from exc


def draw_replay(draw: Draw) -> list[dict[str, Any]]:
    """The result recomputed from the stored inputs and seed (what the public page checks)."""
    inputs = draw.inputs
    pairs = draw_pairs(
        [c for c, _w in inputs["enterprises"]],
        inputs["inspectors"],
        draw.count,
        draw.seed,
        weights={c: Decimal(w) for c, w in inputs["enterprises"]},
        conflicts=[(u, c) for u, c in inputs["conflicts"]],
    )
    return [{"enterprise": e, "inspectors": i} for e, i in pairs]


def _seed(seed: int | str) -> str:
    text = str(seed).strip()
    if not text or len(text) > 32:
        raise ValidationFailed("随机种子不能为空，最多32个字符", fields={"seed": "无效"})
    return text


def draw_publish(
    *,
    actor: User | None,
    region_code: str,
    count: int,
    seed: int | str,
    on: dt.date | None = None,
    inputs: DrawInputs | None = None,
) -> Draw:
    """Draw and publish (一公开): record the seed, the inputs with their digest and the result;
    each pair becomes a planned Inspection assigned to its two inspectors. Recording is
    publishing: there is no unpublished draw to draw again until the result suits."""
    region = _region(region_code)
    check_may_manage(actor, region)
    seed_text = _seed(seed)
    if not 1 <= count <= MAX_DRAW_COUNT:
        raise ValidationFailed(f"抽取数量应为 1–{MAX_DRAW_COUNT}", fields={"count": "超出范围"})
    inputs = inputs or draw_inputs(region.code, on)
    pairs = draw_compute(inputs, count, seed_text)
    users = {u.username: u for u in User.objects.filter(username__in=inputs.inspectors)}
    ents = {
        e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=[e for e, _ in pairs])
    }
    with transaction.atomic():
        draw = Draw.objects.create(
            region=region,
            plan=inputs.plan,
            on=inputs.on,
            count=count,
            seed=seed_text,
            inputs=inputs.as_json(),
            inputs_digest=inputs.digest(),
            result=[{"enterprise": e, "inspectors": i} for e, i in pairs],
            drawn_by=actor,
        )
        for position, (code, names) in enumerate(pairs, 1):
            team = "、".join((users[n].get_full_name() or n) for n in names)
            inspection = Inspection.objects.create(
                enterprise=ents[code],
                inspector=None,
                team=team[:128],
                date=inputs.on,
                methods=[],
                status=InspectionStatus.PLANNED,
            )
            inspection.assigned.set([users[n] for n in names])
            pair = DrawPair.objects.create(
                draw=draw,
                position=position,
                enterprise=ents[code],
                weight=inputs.weights[code],
                inspection=inspection,
            )
            pair.inspectors.set([users[n] for n in names])
    return draw


def inspection_carry_out(
    *,
    actor: User | None,
    inspection: Inspection,
    date: dt.date,
    methods: list[str],
    findings: str = "",
) -> Inspection:
    """A planned (drawn) inspection is carried out: its date and methods are recorded and it
    becomes an ordinary inspection (spot checks, results, orders)."""
    from safetrain.inspections.services import check_may_oversee

    check_may_oversee(actor, inspection.enterprise)
    if inspection.status != InspectionStatus.PLANNED:
        raise Conflict("该检查已经开始", fields={"status": "已检查"})
    methods = list(dict.fromkeys(methods))
    bad = [m for m in methods if m not in Method.values]
    if bad:
        raise ValidationFailed(f"检查方式“{bad[0]}”无效", fields={"methods": "无效"})
    if not methods:
        raise ValidationFailed("请至少选择一种检查方式", fields={"methods": "必填"})
    if date > dates.today():
        raise ValidationFailed("检查日期不能晚于今天", fields={"date": "不能晚于今天"})
    if date < inspection.date:
        raise ValidationFailed("检查日期不能早于抽取日期", fields={"date": "早于抽取日期"})
    inspection.status = InspectionStatus.DONE
    inspection.date = date
    inspection.methods = [m for m in Method.values if m in methods]
    inspection.findings = findings.strip()
    if actor is not None and inspection.inspector_id is None:
        inspection.inspector = actor
    inspection.save(update_fields=["status", "date", "methods", "findings", "inspector"])
    return inspection
