"""Study time: a learner's progress in each lesson, study sessions with their heartbeat anchor,
the log of refused heartbeats, and the xAPI statements of enrolments, sessions, completions and
quiz results (issue 6 items 3 and 8; docs/study.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class LessonProgress(models.Model):
    """One enrolment's progress in one lesson: what is credited, how far continuous play got,
    and where to resume. Every session on the lesson adds to it."""

    # PROTECT: credited study time is part of the archive; a studied lesson cannot be deleted
    enrolment = models.ForeignKey(
        "courses.Enrolment", on_delete=models.PROTECT, related_name="lesson_progress"
    )
    lesson = models.ForeignKey("courses.Lesson", on_delete=models.PROTECT, related_name="+")
    credited_seconds = models.FloatField(default=0)
    furthest_seconds = models.FloatField(default=0)
    position_seconds = models.FloatField(default=0)  # where to resume
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="progress_one_per_lesson"),
            models.CheckConstraint(
                condition=models.Q(credited_seconds__gte=0)
                & models.Q(credited_seconds__lte=models.F("furthest_seconds") + 0.001),
                name="progress_credit_within_furthest",
            ),
        ]


class EndReason(models.TextChoices):
    SUPERSEDED = "superseded", "已在其他设备或课时开始学习"
    LEFT = "left", "离开学习页面"


class StudySession(models.Model):
    """One sitting on one lesson by one account. At most one open session per account: starting
    another (on any device, any lesson) ends it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_sessions"
    )
    progress = models.ForeignKey(LessonProgress, on_delete=models.CASCADE, related_name="sessions")
    started_at = models.DateTimeField()
    # the crediting anchor (safetrain.study.crediting.State)
    anchor_at = models.DateTimeField()
    anchor_position = models.FloatField(default=0)
    last_interaction_at = models.DateTimeField()
    last_seq = models.BigIntegerField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    clock_offset = models.FloatField(null=True, blank=True)
    credited_seconds = models.FloatField(default=0)  # credited in this session
    heartbeats = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(ended_at__isnull=True),
                name="study_one_open_session_per_account",
            )
        ]
        indexes = [models.Index(fields=["user", "started_at"], name="study_session_user")]


class HeartbeatLog(models.Model):
    """A refused heartbeat (forged, replayed, on an ended session): what arrived and why.

    Accepted heartbeats are not logged one by one (2,000 learners send 66 a second); their effect
    is in the session and the progress."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="refusals")
    at = models.DateTimeField()
    reason = models.CharField(max_length=32)
    position_seconds = models.FloatField()
    visible = models.BooleanField()
    seq = models.BigIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    remote_addr = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["at", "id"]


class XapiStatement(models.Model):
    """An xAPI 1.0.3 statement about a person, kept as sent (and forwarded to an external
    learning record store when one is configured)."""

    statement_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="xapi_statements"
    )
    verb = models.CharField(max_length=255)
    statement = models.JSONField()
    timestamp = models.DateTimeField()
    stored = models.DateTimeField()
    forwarded_at = models.DateTimeField(null=True, blank=True)
    forward_attempts = models.PositiveIntegerField(default=0)
    forward_error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["person", "id"], name="xapi_person_order"),
            models.Index(
                fields=["id"],
                condition=models.Q(forwarded_at__isnull=True),
                name="xapi_unforwarded",
            ),
        ]
