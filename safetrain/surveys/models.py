"""Questionnaires (问卷调查, notice §五(三)) attached to an inspection, and their answers.

Anonymity (docs/surveys.md): a response carries no account and no person. It carries only
`respondent_key`, a keyed hash (HMAC-SHA256 with the server's secret key) of the survey and the
account, so that one account answers once; nobody using the application can tell who answered
what. Responses keep the day, not the time, of submission.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "收集中"
    CLOSED = "closed", "已结束"


class Kind(models.TextChoices):
    SINGLE = "single", "单选"
    MULTI = "multi", "多选"
    TEXT = "text", "填空"


class Survey(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(max_length=128)
    intro = models.TextField(blank=True, default="")
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    token = models.CharField(max_length=32, unique=True)  # the link and QR code name it
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    text = models.CharField(max_length=255)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="survey_question_position")
        ]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=128)

    class Meta:
        ordering = ["question", "position"]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One account's answers to one survey, without the account (see the module docstring)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent_key = models.CharField(max_length=64)
    submitted_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent_key"], name="survey_one_response_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.submitted_on}"


class Answer(models.Model):
    """A chosen option (one row per option chosen) or a free text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["question", "option"], name="answer_question_option")]

    def __str__(self) -> str:
        return f"{self.response_id} {self.question_id}"
