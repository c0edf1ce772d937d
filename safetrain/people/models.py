"""Persons with a lifelong identity, their employments, posts and leaves; accounts and roles."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models

from safetrain.catalog.models import EmploymentForm, RoleCategory
from safetrain.core.models import Attributed


class Person(Attributed):
    """One person for life, keyed by the ID number (stored encrypted, found by keyed hash)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    id_number_enc = models.TextField()
    id_number_hash = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField(max_length=18)
    name = models.CharField(max_length=64)
    birth_date = models.DateField()
    phone_enc = models.TextField(blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    phone_masked = models.CharField(max_length=11, blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"


class Employment(Attributed):
    """Person × enterprise, with role category and inclusive start/end dates."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="employments")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="employments"
    )
    role_category = models.CharField(max_length=16, choices=RoleCategory.choices)
    employment_form = models.CharField(
        max_length=16, choices=EmploymentForm.choices, default=EmploymentForm.CONTRACT
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person_id", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="employment_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["person", "enterprise", "start_date"], name="employment_unique_start"
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "end_date"], name="employment_ent_end"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.enterprise_id} {self.start_date}–{self.end_date or ''}"


class Post(Attributed):
    """A post held from a date on (岗位): free-text title, optional catalogue job type and operation."""

    employment = models.ForeignKey(Employment, on_delete=models.CASCADE, related_name="posts")
    from_date = models.DateField()
    title = models.CharField(max_length=64)
    job_type = models.ForeignKey("catalog.JobType", null=True, blank=True, on_delete=models.PROTECT)
    operation = models.ForeignKey(
        "catalog.SpecialOperation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        "enterprises.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["employment_id", "from_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["employment", "from_date"], name="post_unique_from_date"
            )
        ]


class Leave(Attributed):
    """Time away from the post (离岗), start and end inclusive; end empty while still away."""

    employment = models.ForeignKey(Employment, on_delete=models.CASCADE, related_name="leaves")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["employment_id", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="leave_end_after_start",
            ),
            models.UniqueConstraint(fields=["employment", "start_date"], name="leave_unique_start"),
        ]


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市局管理员"
    COUNTY_ADMIN = "county_admin", "县局管理员"
    ENTERPRISE_ADMIN = "enterprise_admin", "企业安全管理员"
    INSPECTOR = "inspector", "执法人员"
    TRAINER = "trainer", "培训讲师"
    WORKER = "worker", "从业人员"


class User(AbstractUser):
    """An account. Its role and anchor (region, enterprise or person) define its jurisdiction."""

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.WORKER)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role__in=["city_admin", "county_admin", "inspector"], region__isnull=False
                    )
                    | models.Q(role="enterprise_admin", enterprise__isnull=False)
                    | models.Q(role="worker", person__isnull=False)
                    | models.Q(role="trainer")
                    | models.Q(is_superuser=True)
                ),
                name="user_role_has_anchor",
            )
        ]


class ApiToken(models.Model):
    """A bearer token for the REST API. Only a SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
