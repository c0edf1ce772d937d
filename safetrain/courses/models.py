"""The course market (DESIGN §4, issue 6): courses by sector, job type and topic, their lessons
and optional end-of-course quiz, enrolments (self-chosen or assigned) and assignments of a course
to a group of an enterprise's people with a due date.

Study time, completion and the training record it writes belong to the `study` app; it fills
Enrolment.completed_at and Enrolment.training_record."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from safetrain.core.models import Attributed
from safetrain.records.models import TrainingKind


class Topic(models.TextChoices):
    """Content areas of the notice §二(三)."""

    LAWS = "laws", "法律法规与习近平总书记关于安全生产的重要论述"
    MAJOR_HAZARD = "major_hazard", "重大事故隐患判定标准"
    RISK_CONTROL = "risk_control", "安全风险辨识管控"
    HAZARD_CHECK = "hazard_check", "隐患排查治理"
    ACCIDENT_CASES = "accident_cases", "事故警示教育"
    RULES = "rules", "安全生产规章制度与安全操作规程"
    SKILLS = "skills", "安全操作技能"
    EMERGENCY = "emergency", "事故应急处置与自救互救"


class LessonKind(models.TextChoices):
    TEXT = "text", "图文"
    VIDEO = "video", "视频"
    PDF = "pdf", "PDF 文档"


class EnrolmentSource(models.TextChoices):
    SELF = "self", "自主选学"
    ASSIGNED = "assigned", "企业指派"


class Course(Attributed):
    """A course of the market. `enterprise` empty: offered city-wide; set: only that enterprise's
    people see it. Workers see only published courses."""

    title = models.CharField(max_length=128)
    summary = models.TextField(blank=True, default="")
    sectors = models.ManyToManyField("catalog.Sector", blank=True, related_name="courses")
    job_types = models.ManyToManyField("catalog.JobType", blank=True, related_name="courses")
    # RoleCategory values (catalog.models.RoleCategory); empty list: every role
    role_categories = models.JSONField(default=list, blank=True)
    topic = models.CharField(max_length=32, choices=Topic.choices)
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_courses",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    version = models.PositiveIntegerField(default=1)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    # the quiz is the course's CourseQuizQuestion rows; no rows: no quiz
    pass_mark = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("80"))
    updated_at = models.DateTimeField(auto_now=True)
    # normalised text of title, summary, topic, sectors, job types and lessons (see search.py)
    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=Decimal("0")) & models.Q(hours__lte=Decimal("999.9")),
                name="course_hours_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=0) & models.Q(pass_mark__lte=100),
                name="course_pass_mark_percent",
            ),
        ]
        indexes = [
            models.Index(fields=["published", "topic"], name="course_published_topic"),
            # the market's order: newest first, walked backwards, stops after one page
            models.Index(fields=["published_at", "id"], name="course_published_at"),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=128)
    kind = models.CharField(max_length=8, choices=LessonKind.choices, default=LessonKind.TEXT)
    # sanitised HTML (safetrain.courses.sanitize); for video/pdf lessons an optional introduction
    body = models.TextField(blank=True, default="")
    file = models.FileField(upload_to="courses/%Y/%m/", blank=True, max_length=255)
    duration_seconds = models.PositiveIntegerField()

    class Meta:
        ordering = ["course_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "order"], name="lesson_unique_order"),
            models.CheckConstraint(
                condition=models.Q(duration_seconds__gt=0), name="lesson_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CourseQuizQuestion(models.Model):
    """A question of a course's end-of-course quiz. Single choice, multiple choice (`multiple`)
    or true/false (two choices 正确/错误)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quiz_questions")
    order = models.PositiveSmallIntegerField()
    stem = models.TextField()
    multiple = models.BooleanField(default=False)
    explanation = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["course_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "order"], name="quizq_unique_order"),
        ]


class CourseQuizChoice(models.Model):
    question = models.ForeignKey(
        CourseQuizQuestion, on_delete=models.CASCADE, related_name="choices"
    )
    key = models.CharField(max_length=1)  # A…F
    text = models.CharField(max_length=255)
    correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="quizchoice_unique_key"),
        ]


class Assignment(Attributed):
    """An enterprise admin's assignment of a course to a group of its people, due by a date.

    The group is the people employed at the enterprise on the assignment day who match every
    given criterion (job types of the current post, an org unit and the units under it, role
    categories, hired on or after a date); no criterion: everyone employed there."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="course_assignments"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="assignments")
    job_types = models.ManyToManyField("catalog.JobType", blank=True, related_name="+")
    org_unit = models.ForeignKey(
        "enterprises.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role_categories = models.JSONField(default=list, blank=True)
    hired_since = models.DateField(null=True, blank=True)
    due_date = models.DateField()
    training_kind = models.CharField(
        max_length=16, choices=TrainingKind.choices, default=TrainingKind.CONTINUING
    )
    enrolled_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "due_date"], name="assignment_ent_due")]


class Enrolment(models.Model):
    """A person taking a course. At most one open (not completed) enrolment per person and
    course; a completed course can be taken again (e.g. next year's continuing training)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="course_enrolments"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    source = models.CharField(
        max_length=16, choices=EnrolmentSource.choices, default=EnrolmentSource.SELF
    )
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments"
    )
    # the enterprise where the training counts (the person's employer when enrolling)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="course_enrolments",
    )
    training_kind = models.CharField(
        max_length=16, choices=TrainingKind.choices, default=TrainingKind.CONTINUING
    )
    due_date = models.DateField(null=True, blank=True)
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    training_record = models.OneToOneField(
        "records.TrainingRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="course_enrolment",
    )

    class Meta:
        ordering = ["-enrolled_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course"],
                condition=models.Q(completed_at__isnull=True),
                name="enrolment_one_open_per_course",
            ),
        ]
        indexes = [models.Index(fields=["person", "completed_at"], name="enrolment_person_done")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.course_id}"


class QuizAttempt(models.Model):
    """A submitted quiz: answers {question id: ["A", …]}, score in percent, passed."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="quiz_attempts")
    submitted_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(default=dict)
    score = models.DecimalField(max_digits=5, decimal_places=1)
    pass_mark = models.DecimalField(max_digits=5, decimal_places=1)
    passed = models.BooleanField()

    class Meta:
        ordering = ["enrolment_id", "submitted_at", "id"]
