from django.db import models

from safetrain.catalog.models import AreaType
from safetrain.core.models import Attributed


class Enterprise(Attributed):
    """A production enterprise (生产经营单位), keyed by its unified social credit code."""

    credit_code = models.CharField(max_length=18, unique=True)
    credit_code_check_ok = models.BooleanField(default=True)
    name = models.CharField(max_length=128)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="enterprises"
    )
    sector = models.ForeignKey(
        "catalog.Sector", on_delete=models.PROTECT, related_name="enterprises"
    )
    # A list of AreaType values, e.g. ["underground", "office"].
    area_types = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["region_id", "name"]
        indexes = [models.Index(fields=["region", "sector"], name="enterprise_region_sector")]

    def __str__(self) -> str:
        return self.name

    @property
    def area_type_labels(self) -> list[str]:
        return [AreaType(a).label for a in self.area_types if a in AreaType.values]


class OrgUnit(models.Model):
    """company → workshop/department → team/section."""

    class Kind(models.TextChoices):
        COMPANY = "company", "公司"
        WORKSHOP = "workshop", "车间/部门"
        TEAM = "team", "班组/工段"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="org_units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["enterprise_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "parent", "name"], name="orgunit_unique_name_in_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> str:
        parts = []
        node: OrgUnit | None = self
        while node is not None and node.kind != OrgUnit.Kind.COMPANY:
            parts.append(node.name)
            node = node.parent
        return "/".join(reversed(parts))
