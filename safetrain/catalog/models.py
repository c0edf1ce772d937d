"""Reference data: sectors, the special-operation catalogue, job types, role categories."""

from django.db import models


class RoleCategory(models.TextChoices):
    PRINCIPAL = "principal", "主要负责人"
    DEPUTY = "deputy", "分管负责人"
    SAFETY_MANAGER = "safety_manager", "安全生产管理人员"
    WORKER = "worker", "一线操作人员"


MANAGEMENT_ROLES = (RoleCategory.PRINCIPAL, RoleCategory.DEPUTY, RoleCategory.SAFETY_MANAGER)


class EmploymentForm(models.TextChoices):
    CONTRACT = "contract", "合同工"
    DISPATCHED = "dispatched", "劳务派遣"
    TEMPORARY = "temporary", "临时工"
    ROTATING = "rotating", "轮换工"
    AGREEMENT = "agreement", "协议工"
    INTERN = "intern", "实习"


class AreaType(models.TextChoices):
    UNDERGROUND = "underground", "矿井"
    OFFICE = "office", "办公"
    PRODUCTION = "production", "生产"
    LIVING = "living", "生活"


class Sector(models.Model):
    code = models.CharField(max_length=32, primary_key=True)
    name = models.CharField(max_length=32, unique=True)
    name_en = models.CharField(max_length=64)
    high_risk = models.BooleanField()
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering"]

    def __str__(self) -> str:
        return self.name


class SpecialOperation(models.Model):
    """An entry of the national special-operation catalogue (特种作业目录), e.g. 5.4 瓦斯检查作业."""

    code = models.CharField(max_length=8, primary_key=True)
    category = models.CharField(max_length=4)
    category_name = models.CharField(max_length=32)
    name = models.CharField(max_length=64)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JobType(models.Model):
    """A job type (工种) of a sector and the special operation its holder must be certified for."""

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=64)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="job_types")
    operation = models.ForeignKey(
        SpecialOperation, null=True, blank=True, on_delete=models.PROTECT, related_name="job_types"
    )

    class Meta:
        ordering = ["sector__ordering", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "name"], name="jobtype_unique_name_per_sector"
            )
        ]

    def __str__(self) -> str:
        return self.name
