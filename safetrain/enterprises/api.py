"""Enterprises over the API: list, detail, org units, registration. Scoped by the selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from ninja import Query, Router, Status

from safetrain.core.errors import Conflict, NotAllowed, NotFound
from safetrain.core.identifiers import InvalidIdentifier, parse_credit_code
from safetrain.core.pagination import Page, PageParams, paginate
from safetrain.enterprises.models import Enterprise
from safetrain.enterprises.schemas import (
    EnterpriseCreatedOut,
    EnterpriseIn,
    EnterpriseOut,
    OrgUnitOut,
)
from safetrain.enterprises.selectors import (
    enterprise_code_taken,
    enterprise_get,
    enterprise_list,
    org_unit_paths,
)
from safetrain.enterprises.services import enterprise_register

if TYPE_CHECKING:
    from safetrain.people.models import User

router = Router(tags=["enterprises 企业"])

REGISTRARS = ("city_admin", "county_admin")


def _viewer(request: HttpRequest) -> User:
    return cast("User", request.auth)  # type: ignore[attr-defined]


def get_visible_enterprise(viewer: User, credit_code: str) -> Enterprise:
    """The enterprise, or 404 alike for unknown and out-of-jurisdiction codes."""
    enterprise = enterprise_get(viewer=viewer, credit_code=credit_code)
    if enterprise is None:
        raise NotFound("企业不存在或不在您的辖区内")
    return enterprise


@router.get("", response=Page[EnterpriseOut], summary="企业列表（辖区内）")
def list_enterprises(
    request: HttpRequest,
    paging: Query[PageParams],
    region: str | None = None,
    sector: str | None = None,
    q: str = "",
) -> dict[str, Any]:
    rows = enterprise_list(viewer=_viewer(request), region=region, sector=sector, search=q)
    return paginate(rows, paging, EnterpriseOut.of)


@router.get("/{credit_code}", response=EnterpriseOut, summary="企业详情")
def get_enterprise(request: HttpRequest, credit_code: str) -> EnterpriseOut:
    return EnterpriseOut.of(get_visible_enterprise(_viewer(request), credit_code))


@router.get("/{credit_code}/org-units", response=list[OrgUnitOut], summary="企业组织机构")
def list_org_units(request: HttpRequest, credit_code: str) -> list[OrgUnitOut]:
    enterprise = get_visible_enterprise(_viewer(request), credit_code)
    return [OrgUnitOut.of(unit, path) for unit, path in org_unit_paths(enterprise=enterprise)]


@router.post("", response={201: EnterpriseCreatedOut}, summary="登记企业（市局、县局管理员）")
def register_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status[dict[str, Any]]:
    viewer = _viewer(request)
    if not (viewer.is_superuser or viewer.role in REGISTRARS):
        raise NotAllowed("只有市局、县局管理员可以登记企业")
    try:
        code = parse_credit_code(payload.credit_code).value
    except InvalidIdentifier:
        code = ""  # the service names the problem
    if code and enterprise_code_taken(code):
        raise Conflict(f"统一社会信用代码 {code} 已登记", fields={"credit_code": "已登记"})
    result = enterprise_register(
        actor=viewer,
        credit_code=payload.credit_code,
        name=payload.name,
        region_code=payload.region,
        sector_code=payload.sector,
        area_types=payload.area_types,
        source="api",
    )
    return Status(
        201, {"enterprise": EnterpriseOut.of(result.enterprise), "warnings": result.warnings}
    )
