from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from safetrain.core.scope import enterprise_q
from safetrain.enterprises.models import Enterprise, OrgUnit

if TYPE_CHECKING:
    from safetrain.people.models import User


def enterprise_list(
    *, viewer: User, region: str | None = None, sector: str | None = None, search: str = ""
) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.filter(enterprise_q(viewer)).select_related("region", "sector")
    if region:
        qs = qs.filter(region_id=region)
    if sector:
        qs = qs.filter(sector_id=sector)
    if search.strip():
        qs = qs.filter(name__contains=search.strip()) | qs.filter(
            credit_code=search.strip().upper()
        )
    return qs.order_by("region_id", "name")


def enterprise_get(*, viewer: User, credit_code: str) -> Enterprise | None:
    return enterprise_list(viewer=viewer).filter(credit_code=credit_code.strip().upper()).first()


def enterprise_get_by_id(*, viewer: User, pk: int) -> Enterprise | None:
    return enterprise_list(viewer=viewer).filter(pk=pk).first()


def org_unit_tree(*, enterprise: Enterprise) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(enterprise=enterprise)
        .select_related("parent")
        .order_by("kind", "name")
    )


def org_unit_paths(*, enterprise: Enterprise) -> list[tuple[OrgUnit, str]]:
    """Every org unit of the enterprise with its path below the company ('综采车间/一班'),
    in tree order (company, then each workshop followed by its teams), in one query."""
    units = list(OrgUnit.objects.filter(enterprise=enterprise).order_by("name", "id"))
    by_parent: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    out: list[tuple[OrgUnit, str]] = []

    def walk(parent_id: int | None, prefix: str) -> None:
        for unit in by_parent.get(parent_id, []):
            path = "" if unit.kind == OrgUnit.Kind.COMPANY else f"{prefix}{unit.name}"
            out.append((unit, path))
            walk(unit.pk, f"{path}/" if path else "")

    walk(None, "")
    return out


def enterprise_code_taken(credit_code: str) -> bool:
    """Whether a credit code is registered anywhere (a write guard, not a read: it returns no
    data, and credit codes are public)."""
    return Enterprise.objects.filter(credit_code=credit_code.strip().upper()).exists()
