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
