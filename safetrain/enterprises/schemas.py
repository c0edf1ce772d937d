"""API shapes for enterprises and org units (EnterpriseIn for writes, *Out for reads)."""

from __future__ import annotations

from ninja import Field, Schema

from safetrain.enterprises.models import Enterprise, OrgUnit


class EnterpriseOut(Schema):
    credit_code: str
    credit_code_check_ok: bool = Field(description="校验位是否正确（不正确时仍保存，仅提示）")
    name: str
    region: str = Field(description="行政区划代码")
    region_name: str
    sector: str = Field(description="行业代码：coal_mine 等")
    sector_name: str
    high_risk: bool
    area_types: list[str] = Field(description="区域类型代码：underground/office/production/living")

    @staticmethod
    def of(enterprise: Enterprise) -> EnterpriseOut:
        return EnterpriseOut(
            credit_code=enterprise.credit_code,
            credit_code_check_ok=enterprise.credit_code_check_ok,
            name=enterprise.name,
            region=enterprise.region_id,
            region_name=enterprise.region.name,
            sector=enterprise.sector_id,
            sector_name=enterprise.sector.name,
            high_risk=enterprise.sector.high_risk,
            area_types=list(enterprise.area_types),
        )


class EnterpriseIn(Schema):
    credit_code: str = Field(description="统一社会信用代码（18位）")
    name: str
    region: str = Field(description="县级行政区划代码，如 140502")
    sector: str = Field(description="行业代码或中文名称")
    area_types: list[str] = Field(default_factory=list, description="区域类型（代码或中文）")


class EnterpriseCreatedOut(Schema):
    enterprise: EnterpriseOut
    warnings: list[str] = Field(description="不阻止登记的提示，例如信用代码校验位不符")


class OrgUnitOut(Schema):
    id: int
    name: str
    kind: str = Field(description="company 公司 / workshop 车间、部门 / team 班组、工段")
    parent_id: int | None
    path: str = Field(description="部门路径，如 综采车间/一班（公司一级为空）")

    @staticmethod
    def of(unit: OrgUnit, path: str) -> OrgUnitOut:
        return OrgUnitOut(
            id=unit.pk, name=unit.name, kind=unit.kind, parent_id=unit.parent_id, path=path
        )
