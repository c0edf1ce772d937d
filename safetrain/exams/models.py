"""Formal exams (issue 7 items 4, 5, 7): exams, candidates, attempts with frozen questions,
answers saved with sequence numbers, integrity events, spot-check retraining.

The questions themselves (Question / QuestionVersion, banks, paper drawing, grading) live in
safetrain.questions; an attempt freezes the *versions* drawn for its candidate, so editing a
question later never changes what was asked (docs/exams.md).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from safetrain.records.models import ExamPurpose


class Exam(models.Model):
    """A formal exam: purpose, pass mark, duration, window, attempt limit, rule or fixed paper."""

    class Kind(models.TextChoices):
        RULE = "rule", "按规则抽题"
        FIXED = "fixed", "固定试卷"

    title = models.CharField(max_length=128)
    purpose = models.CharField(max_length=16, choices=ExamPurpose.choices)
    pass_mark = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("80"))
    duration_minutes = models.PositiveIntegerField()
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    attempt_limit = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # rule: [{"type", "sector", "job", "topic", "difficulty", "count", "points"}]
    rule = models.JSONField(default=list, blank=True)
    # fixed paper: [{"question": question pk, "version": version pk, "points"}]
    paper = models.JSONField(default=list, blank=True)
    shuffle = models.BooleanField(default=True)
    # how candidates were chosen (kept for display; the candidates are snapshotted rows)
    candidate_groups = models.JSONField(default=dict, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organised_exams"
    )
    # jurisdiction of the exam: the organiser's enterprise, or a county / the city
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exams",
    )
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="exam_window_order"
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__gt=0) & models.Q(pass_mark__lte=100),
                name="exam_pass_mark_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    """A person invited to an exam (groups are resolved to persons when the exam is created)."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exam", "person"], name="candidate_unique"),
        ]
        indexes = [models.Index(fields=["person"], name="candidate_person")]


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "答题中"
        SUBMITTED = "submitted", "已交卷"
        EXPIRED = "expired", "超时自动交卷"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    closed_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    result = models.ForeignKey(
        "records.ExamResult", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # inspector-hosted mode: the inspector's device runs the attempt for the person
    hosted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # integrity: one active attempt per person, whatever the exam
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(state="in_progress"),
                name="attempt_one_active_per_person",
            ),
            models.UniqueConstraint(fields=["exam", "person", "number"], name="attempt_number"),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="attempt_state_deadline"),
            models.Index(fields=["exam", "state"], name="attempt_exam_state"),
        ]

    def __str__(self) -> str:
        return f"{self.exam_id}/{self.person_id}#{self.number} {self.state}"


class AttemptQuestion(models.Model):
    """One frozen question of an attempt: the version asked, its points and option order."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey("questions.Question", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "questions.QuestionVersion", on_delete=models.PROTECT, related_name="+"
    )
    qtype = models.CharField(max_length=12)  # single / multiple / judge
    points = models.DecimalField(max_digits=6, decimal_places=2)
    option_order = models.JSONField(default=list)  # option keys in the order shown
    earned = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_question_once"),
        ]


class Answer(models.Model):
    """The latest saved answer of one question; seq orders saves (a stale save changes nothing)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("questions.Question", on_delete=models.PROTECT, related_name="+")
    keys = models.JSONField(default=list)
    seq = models.PositiveIntegerField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_once"),
        ]


class IntegrityEvent(models.Model):
    """Leaving the page or losing focus during an attempt (shown to the organiser)."""

    class Kind(models.TextChoices):
        HIDDEN = "hidden", "离开页面"
        BLUR = "blur", "失去焦点"
        RESUMED = "resumed", "在其他设备继续"

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class Retraining(models.Model):
    """A failed spot-check exam puts retraining on the enterprise's to-do list (docs/exams.md).

    Cleared when the person later passes a risk_awareness or spot_check exam."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="retraining")
    created_on = models.DateField()
    cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "cleared_on"], name="retraining_ent")]
