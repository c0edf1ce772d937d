"""API shapes of the Study API's course part (DESIGN §5) and the market list."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Schema


class LessonIn(Schema):
    title: str
    kind: str = Field("text", description="text | video | pdf")
    duration_seconds: int = Field(..., description="课时时长（秒），> 0")
    body: str = Field("", description="图文内容（HTML，保存前按白名单清洗）")


class QuizQuestionIn(Schema):
    stem: str
    choices: list[str]
    answer: list[str] = Field(..., description='正确选项字母，如 ["B"] 或 ["A","C"]')
    explanation: str = ""


class CourseIn(Schema):
    title: str
    hours: Decimal = Field(..., description="学时（> 0，一位小数；1 学时 = 45 分钟）")
    sectors: list[str] = Field(default_factory=list, description="行业代码，如 coal_mine")
    job_types: list[str] = Field(
        default_factory=list, description="工种目录代码，如 coal_mine:瓦斯检查工"
    )
    topic: str = Field(..., description="内容主题代码（laws, major_hazard, …）")
    lessons: list[LessonIn]
    summary: str = ""
    role_categories: list[str] = Field(default_factory=list)
    published: bool = Field(True, description="创建即发布（默认）；false 为草稿")
    pass_mark: Decimal | None = None
    quiz: list[QuizQuestionIn] = Field(default_factory=list)


class LessonIdOut(Schema):
    id: int


class CourseCreatedOut(Schema):
    id: int
    lessons: list[LessonIdOut]


class EnrolmentOut(Schema):
    enrolment: int


class CourseOut(Schema):
    id: int
    title: str
    summary: str
    topic: str
    topic_label: str
    hours: Decimal
    sectors: list[str]
    job_types: list[str]
    lessons: int
    version: int
    published: bool
