"""Writes for enterprises and their org-unit trees."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction

from safetrain.catalog.models import AreaType, Sector
from safetrain.core.errors import NotAllowed, ValidationFailed
from safetrain.core.identifiers import InvalidIdentifier, parse_credit_code
from safetrain.core.scope import region_codes
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.regions.models import Region

if TYPE_CHECKING:
    from safetrain.people.models import User

AREA_BY_LABEL = {a.label: a.value for a in AreaType}


@dataclass
class EnterpriseResult:
    enterprise: Enterprise
    created: bool
    warnings: list[str] = field(default_factory=list)


def parse_area_types(raw: str | list[str]) -> list[str]:
    """'矿井,办公' (Chinese or English commas, labels or codes) → ['underground', 'office']."""
    items = (
        raw
        if isinstance(raw, list)
        else str(raw or "").replace("，", ",").replace("、", ",").split(",")
    )
    out: list[str] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        code = AREA_BY_LABEL.get(item, item if item in AreaType.values else None)
        if code is None:
            raise ValidationFailed(
                f"未知区域类型“{item}”（可选：{'、'.join(AREA_BY_LABEL)}）",
                fields={"area_types": item},
            )
        if code not in out:
            out.append(code)
    return out


def enterprise_register(
    *,
    actor: User | None,
    credit_code: str,
    name: str,
    region_code: str,
    sector_code: str,
    area_types: list[str] | str = "",
    source: str = "web",
) -> EnterpriseResult:
    """Create or update an enterprise. A failed check digit is kept and reported as a warning."""
    try:
        code = parse_credit_code(credit_code)
    except InvalidIdentifier as exc:
        raise ValidationFailed(str(exc), fields={"credit_code": str(exc)}) from exc
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("企业名称不能为空", fields={"name": "必填"})
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.is_city:
        raise ValidationFailed(
            f"未知或非县级行政区划代码 {region_code}", fields={"region": region_code}
        )
    sector = (
        Sector.objects.filter(code=sector_code).first()
        or Sector.objects.filter(name=sector_code).first()
    )
    if sector is None:
        raise ValidationFailed(f"未知行业 {sector_code}", fields={"sector": sector_code})
    areas = parse_area_types(area_types)
    if actor is not None:
        allowed = region_codes(actor)
        if actor.role not in ("city_admin", "county_admin") and not actor.is_superuser:
            raise NotAllowed("只有市局、县局管理员可以登记企业")
        if allowed is not None and region.code not in allowed:
            raise NotAllowed("只能登记本辖区的企业")
        existing = Enterprise.objects.filter(credit_code=code.value).only("region_id").first()
        if existing is not None and allowed is not None and existing.region_id not in allowed:
            # never move or rename an enterprise of another county
            raise NotAllowed("该统一社会信用代码已登记在其他辖区，无权修改")
    with transaction.atomic():
        enterprise, created = Enterprise.objects.update_or_create(
            credit_code=code.value,
            defaults={
                "name": name,
                "region": region,
                "sector": sector,
                "area_types": areas,
                "credit_code_check_ok": code.check_ok,
            },
            create_defaults={
                "name": name,
                "region": region,
                "sector": sector,
                "area_types": areas,
                "credit_code_check_ok": code.check_ok,
                "created_by": actor,
                "source": source,
            },
        )
        if created:
            OrgUnit.objects.create(
                enterprise=enterprise, parent=None, name=name, kind=OrgUnit.Kind.COMPANY
            )
    return EnterpriseResult(enterprise, created, [code.warning] if code.warning else [])


def org_unit_root(enterprise: Enterprise) -> OrgUnit:
    root = OrgUnit.objects.filter(enterprise=enterprise, parent=None).first()
    if root is None:
        root = OrgUnit.objects.create(
            enterprise=enterprise, parent=None, name=enterprise.name, kind=OrgUnit.Kind.COMPANY
        )
    return root


def org_unit_ensure(*, enterprise: Enterprise, path: str) -> OrgUnit | None:
    """'综采车间/一班' → the team under the workshop, created when missing. Empty → None."""
    parts = [p.strip() for p in (path or "").replace("／", "/").split("/") if p.strip()]
    if not parts:
        return None
    node = org_unit_root(enterprise)
    for depth, part in enumerate(parts[:2]):
        kind = OrgUnit.Kind.WORKSHOP if depth == 0 else OrgUnit.Kind.TEAM
        node, _ = OrgUnit.objects.get_or_create(
            enterprise=enterprise, parent=node, name=part, defaults={"kind": kind}
        )
    return node
