"""Inspections and spot checks, correction orders and penalties, county plan submissions.

The campaign's phases are data in code (safetrain/inspections/campaign.py): they come from the
notice and do not change. See docs/inspections.md.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class Method(models.TextChoices):
    CLOSED_BOOK = "closed_book", "闭卷测试"
    SPOT_EXAM = "spot_exam", "抽查考试"
    QUESTIONNAIRE = "questionnaire", "问卷调查"
    ONSITE_QA = "onsite_qa", "现场问答"
    SITE_VISIT = "site_visit", "实地走访"


class Inspection(models.Model):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="inspections"
    )
    # the account that recorded it (None: the command line or the demo)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    team = models.CharField(max_length=128, blank=True, default="")  # names of the inspectors
    date = models.DateField()
    methods = models.JSONField(default=list)  # Method values
    findings = models.TextField(blank=True, default="")
    # planned: drawn by 双随机 (DrawPair), to do by the assigned inspectors; done: carried out
    status = models.CharField(max_length=8, default="done", db_default="done")
    assigned = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_inspections"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["enterprise", "date"], name="inspection_ent_date")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.date}"

    @property
    def planned(self) -> bool:
        return self.status == "planned"

    @property
    def method_labels(self) -> list[str]:
        return [str(Method(m).label) for m in self.methods if m in Method.values]


class Result(models.TextChoices):
    PENDING = "", "待检查"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class CheckedPerson(models.Model):
    """A person checked in an inspection: drawn by the spot check or added by hand."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(max_length=64, blank=True, default="")  # job type when drawn
    drawn = models.BooleanField(default=False)
    draw_seed = models.CharField(max_length=32, blank=True, default="")
    result = models.CharField(max_length=8, choices=Result.choices, blank=True, default="")
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    notes = models.CharField(max_length=255, blank=True, default="")
    # the spot_check exam result written through records.services (None until recorded)
    exam_result = models.ForeignKey(
        "records.ExamResult", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "person"], name="checked_once")
        ]
        ordering = ["stratum", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.person_id} {self.result or '-'}"


class CorrectionOrder(models.Model):
    """责令限期改正: named persons and findings, a deadline; closes when the findings clear."""

    number = models.CharField(max_length=32, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="correction_orders"
    )
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_on = models.DateField()
    deadline = models.DateField()
    note = models.TextField(blank=True, default="")
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("issued_on")),
                name="order_deadline_after_issue",
            )
        ]
        indexes = [
            models.Index(fields=["closed_on", "deadline"], name="order_closed_deadline"),
        ]

    def __str__(self) -> str:
        return self.number

    def state_on(self, on: dt.date) -> str:
        """open / overdue / closed as of `on` (an order issued after `on` did not exist yet:
        "future")."""
        if on < self.issued_on:
            return "future"
        if self.closed_on is not None and self.closed_on <= on:
            return "closed"
        return "overdue" if on > self.deadline else "open"


class OrderItem(models.Model):
    """One named finding of one person under an order."""

    order = models.ForeignKey(CorrectionOrder, on_delete=models.CASCADE, related_name="items")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "person", "code"], name="order_item_once")
        ]
        indexes = [models.Index(fields=["person", "cleared_on"], name="orderitem_person")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.person_id} {self.code}"


class Penalty(models.Model):
    """行政处罚 decided with an order: amount in yuan and the legal basis."""

    order = models.ForeignKey(CorrectionOrder, on_delete=models.CASCADE, related_name="penalties")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    basis = models.CharField(max_length=255)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["decided_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="penalty_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.amount}"


def plan_upload_to(instance: PlanSubmission, filename: str) -> str:
    return f"inspections/plans/{instance.campaign}/{instance.region_id}/{filename}"


class PlanSubmission(models.Model):
    """A county bureau's implementation plan (实施方案) for a campaign; the latest counts, the
    first decides on time or late."""

    campaign = models.CharField(max_length=32)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=plan_upload_to, max_length=255)
    filename = models.CharField(max_length=128)
    size = models.PositiveIntegerField()
    submitted_on = models.DateField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["campaign", "region_id", "submitted_on", "id"]

    def __str__(self) -> str:
        return f"{self.campaign} {self.region_id} {self.submitted_on}"


# ------------------------------------------------------------------------------ 双随机 (§五(四))


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", "待检查"
    DONE = "done", "已检查"


class EnforcementPlan(models.Model):
    """A bureau's yearly enforcement plan (年度执法计划): the enterprises it means to inspect.
    The bureau is a region (the city 140500 or a county); one plan per bureau and year."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=128)
    note = models.TextField(blank=True, default="")
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", through="PlanEnterprise", related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="enforcement_plan_once")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.title}"


class PlanEnterprise(models.Model):
    plan = models.ForeignKey(EnforcementPlan, on_delete=models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enterprise__credit_code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "enterprise"], name="plan_enterprise_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.enterprise_id}"


class ConflictOfInterest(models.Model):
    """A recorded conflict of interest (利害关系回避): this inspector never inspects that
    enterprise in a draw."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=255)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["inspector__username", "enterprise__credit_code"]
        constraints = [
            models.UniqueConstraint(fields=["inspector", "enterprise"], name="conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.inspector_id} × {self.enterprise_id}"


class Draw(models.Model):
    """A published 双随机 draw: its seed, the inputs (enterprises with their risk weights, the
    roster, the conflicts) with their digest, and the result. Recorded = published (一公开)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        EnforcementPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="draws"
    )
    on = models.DateField()  # the day the risk weights were computed for
    count = models.PositiveIntegerField()
    seed = models.CharField(max_length=32)
    inputs = models.JSONField()
    inputs_digest = models.CharField(max_length=64)
    result = models.JSONField()  # [{"enterprise": code, "inspectors": [usernames]}]
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region_id} {self.on} seed {self.seed}"


class DrawPair(models.Model):
    """One enterprise drawn, its two inspectors, and the inspection to do it became."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="pairs")
    position = models.PositiveSmallIntegerField()
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    weight = models.DecimalField(max_digits=8, decimal_places=3)
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    inspection = models.OneToOneField(
        Inspection, null=True, blank=True, on_delete=models.SET_NULL, related_name="draw_pair"
    )

    class Meta:
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "enterprise"], name="draw_enterprise_once")
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}#{self.position} {self.enterprise_id}"
