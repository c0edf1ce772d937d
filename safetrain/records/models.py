"""Archive records the compliance engine reads (DESIGN §2): training, exam results, 三违,
incidents, drills. Corrections are new records that supersede, never silent edits."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from safetrain.catalog.models import AreaType
from safetrain.core.models import Attributed


class TrainingKind(models.TextChoices):
    PREJOB = "prejob", "岗前"
    INITIAL = "initial", "初次"
    CONTINUING = "continuing", "再培训"
    SPECIAL = "special", "专题"
    VIOLATION = "violation", "三违"
    RETURN = "return", "复岗"
    TRANSFER = "transfer", "转岗"
    ACCIDENT = "accident", "事故"
    REVIEW = "review", "复审"


class TrainingLevel(models.TextChoices):
    COMPANY = "company", "公司级"
    WORKSHOP = "workshop", "车间级"
    TEAM = "team", "班组级"


class Organiser(models.TextChoices):
    CITY = "city", "市局"
    COUNTY = "county", "县局"
    ENTERPRISE = "enterprise", "企业"


class Channel(models.TextChoices):
    OFFLINE = "offline", "线下培训班"
    ONLINE = "online", "线上课程"
    IMPORT = "import", "导入"


class TrainingRecord(Attributed):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="training_records"
    )
    date = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    kind = models.CharField(max_length=16, choices=TrainingKind.choices)
    level = models.CharField(max_length=16, choices=TrainingLevel.choices, blank=True, default="")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_records",
    )
    organiser = models.CharField(
        max_length=16, choices=Organiser.choices, default=Organiser.ENTERPRISE
    )
    title = models.CharField(max_length=128)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.IMPORT)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["person_id", "date", "id"]
        indexes = [
            # covering for the set-based rates and recompute (compliance.fastrates): a person's
            # rows in a date window are read from the index alone (docs/benchmarks.md)
            models.Index(
                fields=["person", "date", "kind", "hours", "level", "enterprise"],
                name="training_person_date",
            ),
            models.Index(fields=["enterprise", "date"], name="training_ent_date"),
            # the corrections of a chunk of persons (compliance facts): a few rows, not every
            # record of every person (docs/benchmarks.md, EXPLAIN on SQLite and PostgreSQL)
            models.Index(
                fields=["person"],
                condition=models.Q(supersedes__isnull=False),
                name="training_person_corrections",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=Decimal("0")) & models.Q(hours__lte=Decimal("999.9")),
                name="training_hours_positive",
            )
        ]


class ExamPurpose(models.TextChoices):
    PREJOB = "prejob", "岗前"
    CONTINUING = "continuing", "年度"
    RISK_AWARENESS = "risk_awareness", "应知应会"
    SPOT_CHECK = "spot_check", "抽考"
    VIOLATION = "violation", "三违"
    RETURN = "return", "复岗"
    TRANSFER = "transfer", "转岗"
    MGMT_ASSESSMENT = "mgmt_assessment", "管理能力考核"
    PRACTICE = "practice", "练习"


class ExamResult(Attributed):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="exam_results"
    )
    date = models.DateField()
    purpose = models.CharField(max_length=16, choices=ExamPurpose.choices)
    score = models.DecimalField(max_digits=5, decimal_places=1)
    pass_mark = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("80"))
    passed = models.BooleanField()
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exam_results",
    )
    title = models.CharField(max_length=128, blank=True, default="")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["person_id", "date", "id"]
        indexes = [
            models.Index(
                fields=["person", "date", "purpose", "passed", "enterprise"],
                name="exam_person_date",
            ),
            models.Index(
                fields=["person"],
                condition=models.Q(supersedes__isnull=False),
                name="exam_person_corrections",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(passed=True, score__gte=models.F("pass_mark"))
                    | models.Q(passed=False, score__lt=models.F("pass_mark"))
                ),
                name="exam_passed_matches_score",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(pass_mark__gte=0),
                name="exam_score_non_negative",
            ),
        ]


class ViolationType(models.TextChoices):
    COMMAND = "command", "违章指挥"
    OPERATION = "operation", "违章作业"
    DISCIPLINE = "discipline", "违反劳动纪律"


class Violation(Attributed):
    """三违: a person's violation at an enterprise on a date."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="violations")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="violations"
    )
    date = models.DateField()
    type = models.CharField(max_length=16, choices=ViolationType.choices)
    text = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["person_id", "date", "id"]


class IncidentType(models.TextChoices):
    FATAL = "fatal", "死亡事故"
    MAJOR_HIDDEN_DANGER = "major_hidden_danger", "重大事故隐患"
    REPEATED_LARGER_HIDDEN_DANGER = "repeated_larger_hidden_danger", "较大事故隐患"


class Incident(Attributed):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="incidents"
    )
    date = models.DateField()
    type = models.CharField(max_length=32, choices=IncidentType.choices)
    text = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["enterprise_id", "date", "id"]


class Drill(Attributed):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="drills"
    )
    date = models.DateField()
    area_type = models.CharField(max_length=16, choices=AreaType.choices)
    title = models.CharField(max_length=128)
    participants = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["enterprise_id", "date", "id"]
