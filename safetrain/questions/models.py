"""Question banks: banks, questions with immutable versions, practice, mock exams, wrong-answer book.

A `Question` is a stable identity; what is asked lives in `QuestionVersion` rows, which are never
changed once written. Editing a question writes a new version and moves `Question.current` to it,
so a paper drawn earlier (which names version ids) keeps exactly what was asked.

Option keys are stable: choice questions use "A"…"F" in the order written (contiguous, at least
two), true/false questions the two fixed options "T" 正确 and "F" 错误. Answers are lists of keys.
Shuffling a paper changes the order options are shown in, never their keys.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from safetrain.core.models import Attributed

CHOICE_KEYS = "ABCDEF"
TRUE_KEY = "T"
FALSE_KEY = "F"
TRUEFALSE_OPTIONS = [{"key": TRUE_KEY, "text": "正确"}, {"key": FALSE_KEY, "text": "错误"}]


class QuestionType(models.TextChoices):
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    TRUEFALSE = "truefalse", "判断"


class Difficulty(models.TextChoices):
    EASY = "easy", "易"
    MEDIUM = "medium", "中"
    HARD = "hard", "难"


class Bank(Attributed):
    """A question bank of one owner for one sector and job type (either may be empty: a bank of
    general safety-law questions has no sector; a sector's common bank has no job type).

    Owner: the city or a county (`region`), or an enterprise. `scope_key` makes (owner, sector,
    job type) unique also where some of them are NULL (a NULL never equals another NULL in a
    unique constraint)."""

    name = models.CharField(max_length=128)
    sector = models.ForeignKey(
        "catalog.Sector", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    job_type = models.ForeignKey(
        "catalog.JobType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="question_banks",
    )
    scope_key = models.CharField(max_length=160, unique=True)
    description = models.TextField(blank=True)
    # a new random value on every question write of the bank: keys the in-process candidate
    # cache (random, not a counter, so a rolled-back write can never reuse a value)
    revision = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["scope_key"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(region__isnull=False, enterprise__isnull=True)
                    | models.Q(region__isnull=True, enterprise__isnull=False)
                ),
                name="bank_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """The stable identity of a question in a bank; `current` is the version asked from now on."""

    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="questions")
    current = models.ForeignKey(
        "QuestionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the content hash of the current version, for duplicate detection within the bank
    content_hash = models.CharField(max_length=64)
    retired = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "content_hash"],
                condition=models.Q(retired=False),
                name="question_unique_content_in_bank",
            )
        ]
        indexes = [models.Index(fields=["bank", "retired"], name="question_bank_retired")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class QuestionVersion(Attributed):
    """What was asked: never updated after it is written."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    type = models.CharField(max_length=16, choices=QuestionType.choices)
    stem = models.TextField()
    # [{"key": "A", "text": "…"}, …] in key order; true/false: TRUEFALSE_OPTIONS
    options = models.JSONField(default=list)
    option_count = models.PositiveSmallIntegerField()
    # ["B"] or ["A", "B", "D"] (sorted) or ["T"] / ["F"]
    answer = models.JSONField(default=list)
    explanation = models.TextField(blank=True)
    sector = models.ForeignKey(
        "catalog.Sector", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    job_type = models.ForeignKey(
        "catalog.JobType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(max_length=64, blank=True)  # 知识类别
    difficulty = models.CharField(
        max_length=8, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    # sha256 of type, stem and options (normalised): same hash in a bank = the same question
    content_hash = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ["question_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="questionversion_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=["single", "multiple", "truefalse"]),
                name="questionversion_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(difficulty__in=["easy", "medium", "hard"]),
                name="questionversion_difficulty_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.question_id} v{self.number}"

    @property
    def option_keys(self) -> list[str]:
        return [o["key"] for o in self.options]

    def option_text(self, key: str) -> str:
        for o in self.options:
            if o["key"] == key:
                return str(o["text"])
        return ""

    def public_dict(self) -> dict[str, Any]:
        """What a candidate may see: never the answer or the explanation."""
        return {
            "id": self.question_id,
            "type": self.type,
            "stem": self.stem,
            "options": [{"key": o["key"], "text": o["text"]} for o in self.options],
        }


class PracticeSession(models.Model):
    """One account's practice of one bank: sequential (resumes where it stopped), random (a
    seeded order), or the wrong-answer book."""

    class Mode(models.TextChoices):
        SEQUENTIAL = "sequential", "顺序练习"
        RANDOM = "random", "随机练习"
        WRONG_BOOK = "wrong_book", "错题练习"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    bank = models.ForeignKey(
        Bank, null=True, blank=True, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    mode = models.CharField(max_length=16, choices=Mode.choices)
    seed = models.BigIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["user", "bank", "mode"], name="practice_user_bank_mode")]


class PracticeAnswer(models.Model):
    """An answer given in practice or a mock exam (for the wrong-answer book and statistics)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_answers"
    )
    session = models.ForeignKey(
        PracticeSession, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    mock = models.ForeignKey(
        "MockExam", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    answer = models.JSONField(default=list)
    correct = models.BooleanField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at", "id"]


class MockExam(models.Model):
    """A drawn paper taken for practice: graded at the end, counts for nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mock_exams"
    )
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="mock_exams")
    seed = models.BigIntegerField()
    # [{"version": id, "question": id, "points": "2", "options": ["C", "A", "B", "D"]}, …]
    paper = models.JSONField(default=list)
    # {question id (str): ["A", …]}
    answers = models.JSONField(default=dict)
    total_points = models.DecimalField(max_digits=6, decimal_places=2)
    pass_mark = models.DecimalField(max_digits=6, decimal_places=2, default=80)
    started_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]


class WrongAnswer(models.Model):
    """An entry of an account's wrong-answer book (错题本). A wrong answer puts the question in
    (or resets its streak); it leaves (`active` false) after two right answers in a row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wrong_answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    last_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    last_answer = models.JSONField(default=list)
    wrong_count = models.PositiveIntegerField(default=0)
    right_streak = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    added_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="wronganswer_unique")
        ]
        indexes = [models.Index(fields=["user", "active"], name="wronganswer_user_active")]
