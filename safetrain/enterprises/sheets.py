"""The `企业` workbook sheet (DESIGN §5): 统一社会信用代码, 企业名称, 行政区划代码, 行业, 区域类型.

Rules are enterprise_register's: a wrong check digit is a warning (saved as written), the
region must be a county of Jincheng, the sector a name or code, area types a comma list. A city
admin (or the command line) may register anywhere, a county admin only in its county and never
change an enterprise of another county; an enterprise admin may only repeat its own enterprise
unchanged (so its own export imports again). Rows equal to the database are not written.

Later sheets of the same file read `ctx.state["declared_enterprises"]` (credit codes) and
`ctx.state["enterprise_info"]` ({code: (region code, sector code)}).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, ClassVar

from safetrain.catalog.models import AreaType, Sector
from safetrain.core.errors import ValidationFailed
from safetrain.core.identifiers import InvalidIdentifier, parse_credit_code
from safetrain.core.scope import enterprise_q, region_codes
from safetrain.enterprises.models import Enterprise
from safetrain.enterprises.services import enterprise_register, parse_area_types
from safetrain.regions.models import CITY_CODE, Region
from safetrain.workbook.registry import ExportScope, ImportContext, Row, SheetHandler, register

SHEET = "企业"
H_CODE = "统一社会信用代码"
H_NAME = "企业名称"
H_REGION = "行政区划代码"
H_SECTOR = "行业"
H_AREAS = "区域类型"
AREA_LABEL = {a.value: str(a.label) for a in AreaType}

DECLARED_ENTERPRISES = "declared_enterprises"
ENTERPRISE_INFO = "enterprise_info"


@dataclass
class EnterpriseRow:
    row: int
    code: str
    name: str
    region: str
    sector: str
    areas: list[str]


def _role(ctx: ImportContext) -> str:
    actor = ctx.actor
    if actor is None:
        return ""
    return "city_admin" if actor.is_superuser else str(actor.role)


@register
class EnterpriseSheet(SheetHandler):
    name = SHEET
    headers: ClassVar[list[str]] = [H_CODE, H_NAME, H_REGION, H_SECTOR, H_AREAS]
    order = 10
    description = "企业：统一社会信用代码、名称、所在县区、行业、区域类型"

    def check(self, rows: list[Row], ctx: ImportContext) -> list[EnterpriseRow]:
        role = _role(ctx)
        declared: set[str] = ctx.state.setdefault(DECLARED_ENTERPRISES, set())
        info: dict[str, tuple[str, str]] = ctx.state.setdefault(ENTERPRISE_INFO, {})
        if ctx.actor is not None and role not in ("city_admin", "county_admin", "enterprise_admin"):
            ctx.error(SHEET, 1, "", "您的角色无权导入企业")
            return []
        allowed = region_codes(ctx.actor) if ctx.actor is not None else None
        counties = set(Region.objects.filter(parent__isnull=False).values_list("code", flat=True))
        sectors: dict[str, str] = {}
        for code, name in Sector.objects.values_list("code", "name"):
            sectors[code] = code
            sectors[name] = code
        codes = set()
        for row in rows:
            with contextlib.suppress(InvalidIdentifier):
                codes.add(parse_credit_code(row.get(H_CODE)).value)
        existing = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        seen: dict[str, int] = {}
        plan: list[EnterpriseRow] = []
        for row in rows:
            n = row.number
            ok = True
            try:
                parsed = parse_credit_code(row.get(H_CODE))
            except InvalidIdentifier as exc:
                ctx.error(SHEET, n, H_CODE, str(exc))
                continue
            code = parsed.value
            if code in seen:
                ctx.error(SHEET, n, H_CODE, f"统一社会信用代码 {code} 与第 {seen[code]} 行重复")
                continue
            seen[code] = n
            declared.add(code)
            if parsed.warning:
                ctx.warnings.append(f"{SHEET}, {n}, {H_CODE}: {parsed.warning}")
            name = row.get(H_NAME).strip()
            if not name:
                ctx.error(SHEET, n, H_NAME, "企业名称不能为空")
                ok = False
            elif len(name) > 128:
                ctx.error(SHEET, n, H_NAME, "企业名称不能超过 128 个字")
                ok = False
            region = row.get(H_REGION).strip()
            if region not in counties:
                ctx.error(
                    SHEET, n, H_REGION, f"未知或非县级行政区划代码“{region}”（例如 140502 城区）"
                )
                ok = False
            sector_raw = row.get(H_SECTOR).strip()
            sector = sectors.get(sector_raw)
            if sector is None:
                options = "/".join(Sector.objects.values_list("name", flat=True))
                ctx.error(SHEET, n, H_SECTOR, f"未知行业“{sector_raw}”（可选：{options}）")
                ok = False
            try:
                areas = parse_area_types(row.get(H_AREAS))
            except ValidationFailed as exc:
                ctx.error(SHEET, n, H_AREAS, exc.message)
                ok = False
            if region and sector:
                info[code] = (region, sector)
            if not ok or sector is None:
                continue
            stored = existing.get(code)
            if (
                stored is not None
                and stored.name == name
                and stored.region_id == region
                and stored.sector_id == sector
                and list(stored.area_types) == areas
                and stored.credit_code_check_ok == parsed.check_ok
            ):
                continue  # unchanged: nothing to write, nothing to authorise
            if role == "enterprise_admin":
                ctx.error(SHEET, n, H_CODE, "企业管理员不能登记或修改企业信息（请联系县局）")
                continue
            if allowed is not None:
                if region not in allowed:
                    ctx.error(SHEET, n, H_REGION, "只能登记本辖区的企业")
                    continue
                if stored is not None and stored.region_id not in allowed:
                    ctx.error(SHEET, n, H_CODE, "该统一社会信用代码已登记在其他辖区，无权修改")
                    continue
            plan.append(EnterpriseRow(n, code, name, region, sector, areas))
        return plan

    def write(self, plan: list[EnterpriseRow], ctx: ImportContext) -> int:
        for r in plan:
            enterprise_register(
                actor=ctx.actor,
                credit_code=r.code,
                name=r.name,
                region_code=r.region,
                sector_code=r.sector,
                area_types=r.areas,
                source="import",
            )
        return len(plan)

    def export_rows(self, scope: ExportScope) -> list[list[Any]]:
        qs = Enterprise.objects.select_related("sector").order_by("credit_code")
        if scope.viewer is not None:
            qs = qs.filter(enterprise_q(scope.viewer))
        if scope.region and scope.region != CITY_CODE:
            qs = qs.filter(region_id=scope.region)
        if scope.enterprise:
            qs = qs.filter(credit_code=scope.enterprise.strip().upper())
        return [
            [
                e.credit_code,
                e.name,
                e.region_id,
                e.sector.name,
                ",".join(AREA_LABEL.get(a, a) for a in e.area_types),
            ]
            for e in qs
        ]
