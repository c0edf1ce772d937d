"""Offline training sessions (培训班) with roster and attendance, and enterprises' annual
training plans (年度培训计划). docs/classes.md explains the rules."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from safetrain.catalog.models import RoleCategory
from safetrain.core.models import Attributed
from safetrain.records.models import Organiser, TrainingKind, TrainingLevel


class Audience(models.TextChoices):
    """Whom a session trains; it decides which level of organiser may run it (notice §五(二))."""

    PRINCIPAL = "principal", "主要负责人"
    SPECIAL_OPERATOR = "special_operator", "特种作业人员"
    SAFETY_MANAGER = "safety_manager", "安全生产管理人员"
    GENERAL = "general", "从业人员（全员）"


# The notice §五(二): the city bureau trains principals and special operators, the county bureaus
# safety managers, enterprises everyone else (and may train their own safety managers).
AUDIENCES_BY_ORGANISER: dict[str, frozenset[str]] = {
    Organiser.CITY: frozenset({Audience.PRINCIPAL, Audience.SPECIAL_OPERATOR}),
    Organiser.COUNTY: frozenset({Audience.SAFETY_MANAGER}),
    Organiser.ENTERPRISE: frozenset({Audience.SAFETY_MANAGER, Audience.GENERAL}),
}


class TrainingSession(Attributed):
    title = models.CharField(max_length=128)
    organiser = models.CharField(max_length=16, choices=Organiser.choices)
    # county sessions: the county; enterprise sessions: the enterprise's county; city: empty
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    audience = models.CharField(max_length=16, choices=Audience.choices)
    kind = models.CharField(max_length=16, choices=TrainingKind.choices)
    level = models.CharField(max_length=16, choices=TrainingLevel.choices, blank=True, default="")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions_trained",
    )
    trainer_name = models.CharField(max_length=64, blank=True, default="")
    venue = models.CharField(max_length=128, blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "starts_at"], name="session_ent_start"),
            models.Index(fields=["region", "starts_at"], name="session_region_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=Decimal("0")), name="session_hours_positive"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(organiser="city", enterprise__isnull=True)
                    | models.Q(organiser="county", enterprise__isnull=True, region__isnull=False)
                    | models.Q(organiser="enterprise", enterprise__isnull=False)
                ),
                name="session_organiser_anchor",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Venue(models.Model):
    """A classroom of a session (主课堂 + 分课堂, the notice §三(一)): the main venue where the
    lecture is given and sub-venues in the counties that follow it live. Each venue has its own
    QR code and roster. A session without venues has one implicit venue (the session itself);
    a roster entry without a venue belongs to the main venue."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(max_length=128)
    # the county (or the city) where the classroom is
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    is_main = models.BooleanField(default=False)
    address = models.CharField(max_length=128, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["session_id", "-is_main", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="venue_unique_name"),
            models.UniqueConstraint(
                fields=["session"], condition=models.Q(is_main=True), name="venue_one_main"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CheckInMethod(models.TextChoices):
    QR = "qr", "扫码签到"
    IMPORT = "import", "导入"
    MANUAL = "manual", "组织单位登记"


class Participant(models.Model):
    """One person on a session's roster; attended once checked in. The training record written
    at completion is linked here, which makes completion idempotent."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="session_participations"
    )
    # where the hours count: the person's employer on the session's first day
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the classroom the person is expected in; empty: the main (or the implicit) venue
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="participants"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    check_in_method = models.CharField(
        max_length=16, choices=CheckInMethod.choices, blank=True, default=""
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    training_record = models.OneToOneField(
        "records.TrainingRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session_participant",
    )

    class Meta:
        ordering = ["session_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="participant_unique"),
        ]


class TrainingPlan(Attributed):
    """An enterprise's annual training plan (年度培训计划)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="training_plans"
    )
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=128)

    class Meta:
        ordering = ["enterprise_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="plan_unique_year"),
        ]

    def __str__(self) -> str:
        return self.title


class GroupKind(models.TextChoices):
    ALL = "all", "全体在岗人员"
    JOB_TYPE = "job_type", "按工种"
    ORG_UNIT = "org_unit", "按部门/班组"
    ROLE = "role", "按人员类别"
    NEW_HIRES = "new_hires", "当年新入职人员"


class PlanItem(models.Model):
    """One line of a plan: a group of the enterprise's people, the session or the course they
    should complete, and by when."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=128)
    group = models.CharField(max_length=16, choices=GroupKind.choices)
    job_type = models.ForeignKey("catalog.JobType", null=True, blank=True, on_delete=models.PROTECT)
    org_unit = models.ForeignKey(
        "enterprises.OrgUnit", null=True, blank=True, on_delete=models.PROTECT
    )
    role_category = models.CharField(
        max_length=16, choices=RoleCategory.choices, blank=True, default=""
    )
    session = models.ForeignKey(
        TrainingSession, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items"
    )
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items"
    )
    due_on = models.DateField()

    class Meta:
        ordering = ["plan_id", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(session__isnull=False, course__isnull=True)
                    | models.Q(session__isnull=True, course__isnull=False)
                ),
                name="plan_item_one_target",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(group="job_type", job_type__isnull=False)
                    | models.Q(group="org_unit", org_unit__isnull=False)
                    | (models.Q(group="role") & ~models.Q(role_category=""))
                    | models.Q(group__in=["all", "new_hires"])
                ),
                name="plan_item_group_named",
            ),
        ]

    def __str__(self) -> str:
        return self.title
