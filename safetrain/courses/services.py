"""Writes of the course market: courses and lessons, quizzes, enrolments, assignments.

Every refusal is a ServiceError (one shape for pages and API) naming the field and the reason,
and writes nothing (each service runs in one transaction)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone

from safetrain.catalog.models import JobType, RoleCategory, Sector
from safetrain.core import dates
from safetrain.core.errors import NotAllowed, NotFound, ValidationFailed
from safetrain.courses.models import (
    Assignment,
    Course,
    CourseQuizChoice,
    CourseQuizQuestion,
    Enrolment,
    EnrolmentSource,
    Lesson,
    LessonKind,
    QuizAttempt,
    Topic,
)
from safetrain.courses.sanitize import sanitise_html
from safetrain.courses.search import course_search_text
from safetrain.courses.uploads import check_upload
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.people.models import Person, User
from safetrain.people.selectors import active_employment
from safetrain.records.models import TrainingKind
from safetrain.records.services import parse_tenths

log = logging.getLogger("safetrain.courses")

AUTHOR_ROLES = frozenset({"trainer", "city_admin", "county_admin", "enterprise_admin"})
MAX_LESSONS = 100
MAX_LESSON_SECONDS = 24 * 3600
QUIZ_KEYS = "ABCDEF"

# ----------------------------------------------------------------------------- courses


@dataclass
class LessonSpec:
    title: str
    kind: str = LessonKind.TEXT
    duration_seconds: Any = None
    body: str = ""
    file: Any = None  # an UploadedFile / django File, or None (keep the current one)
    id: int | None = None  # an existing lesson of the course (edits)


@dataclass
class CourseSpec:
    title: str
    hours: Any
    topic: str
    summary: str = ""
    sectors: list[str] = field(default_factory=list)  # sector codes
    job_types: list[str] = field(default_factory=list)  # job type codes (or unique names)
    role_categories: list[str] = field(default_factory=list)
    pass_mark: Any = None
    published: bool = False
    lessons: list[LessonSpec] = field(default_factory=list)


def check_may_author(actor: User | None) -> None:
    if actor is None:
        return
    if not actor.is_authenticated or not actor.is_active:
        raise NotAllowed("请先登录")
    if not actor.is_superuser and actor.role not in AUTHOR_ROLES:
        raise NotAllowed("只有培训讲师和管理员可以编辑课程。")


def check_may_edit(actor: User | None, course: Course) -> None:
    from safetrain.courses.selectors import may_edit

    check_may_author(actor)
    if actor is not None and not may_edit(actor, course):
        raise NotAllowed("只能编辑自己（或本企业）的课程。")


def _resolve_sectors(codes: list[str], errors: dict[str, str]) -> list[Sector]:
    codes = [str(c).strip() for c in codes or [] if str(c).strip()]
    found = {s.code: s for s in Sector.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["sectors"] = (
            f"未知行业代码：{'、'.join(unknown)}（可选：{'、'.join(Sector.objects.values_list('code', flat=True))}）"
        )
    return [found[c] for c in dict.fromkeys(codes) if c in found]


def resolve_job_types(values: list[str], errors: dict[str, str]) -> list[JobType]:
    """Job types by catalogue code (`coal_mine:瓦斯检查工`) or by a name only one sector uses."""
    result: list[JobType] = []
    unknown: list[str] = []
    values = [str(v).strip() for v in values or [] if str(v).strip()]
    by_code = {j.code: j for j in JobType.objects.filter(code__in=values)}
    for value in dict.fromkeys(values):
        jt = by_code.get(value)
        if jt is None:
            named = list(JobType.objects.filter(name=value)[:2])
            jt = named[0] if len(named) == 1 else None
        if jt is None:
            unknown.append(value)
        elif jt not in result:
            result.append(jt)
    if unknown:
        errors["job_types"] = (
            f"未知工种：{'、'.join(unknown)}（请用工种目录代码，如 coal_mine:瓦斯检查工）"
        )
    return result


def _validate_course(spec: CourseSpec, errors: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    title = (spec.title or "").strip()
    if not title:
        errors["title"] = "课程名称不能为空。"
    elif len(title) > 128:
        errors["title"] = "课程名称不能超过 128 个字。"
    values["title"] = title
    values["summary"] = (spec.summary or "").strip()
    try:
        hours = parse_tenths(spec.hours, field="hours", label="学时")
        if hours <= 0:
            errors["hours"] = "学时必须大于 0。"
        elif hours > Decimal("999.9"):
            errors["hours"] = "学时不能超过 999.9。"
        values["hours"] = hours
    except ValidationFailed as exc:
        errors["hours"] = str(exc.fields.get("hours") or exc.message)
    if spec.topic not in Topic.values:
        errors["topic"] = f"未知主题“{spec.topic}”（可选：{'、'.join(Topic.values)}）"
    values["topic"] = spec.topic
    roles = [str(r) for r in spec.role_categories or []]
    bad_roles = [r for r in roles if r not in RoleCategory.values]
    if bad_roles:
        errors["role_categories"] = f"未知人员类别：{'、'.join(bad_roles)}"
    values["role_categories"] = list(dict.fromkeys(roles))
    if spec.pass_mark not in (None, ""):
        try:
            mark = parse_tenths(spec.pass_mark, field="pass_mark", label="及格分")
            if not Decimal("0") < mark <= Decimal("100"):
                errors["pass_mark"] = "及格分须在 0–100 之间（百分制）。"
            values["pass_mark"] = mark
        except ValidationFailed as exc:
            errors["pass_mark"] = str(exc.fields.get("pass_mark") or exc.message)
    return values


def _validate_lessons(
    specs: list[LessonSpec], errors: dict[str, str], existing: dict[int, Lesson]
) -> None:
    if not specs:
        errors["lessons"] = "课程至少需要一个课时。"
    if len(specs) > MAX_LESSONS:
        errors["lessons"] = f"课时不能超过 {MAX_LESSONS} 个。"
    for i, lesson in enumerate(specs):
        key = f"lessons[{i}]"
        if lesson.id is not None and lesson.id not in existing:
            errors[f"{key}.id"] = "该课时不属于本课程。"
        if not (lesson.title or "").strip():
            errors[f"{key}.title"] = "课时名称不能为空。"
        elif len(lesson.title.strip()) > 128:
            errors[f"{key}.title"] = "课时名称不能超过 128 个字。"
        if lesson.kind not in LessonKind.values:
            errors[f"{key}.kind"] = f"课时类型须为 text、video 或 pdf，而不是“{lesson.kind}”。"
            continue
        try:
            seconds = int(lesson.duration_seconds)
        except (TypeError, ValueError):
            errors[f"{key}.duration_seconds"] = "时长（秒）须为正整数。"
        else:
            if (
                isinstance(lesson.duration_seconds, float)
                and not float(lesson.duration_seconds).is_integer()
            ):
                errors[f"{key}.duration_seconds"] = "时长（秒）须为正整数。"
            elif not 0 < seconds <= MAX_LESSON_SECONDS:
                errors[f"{key}.duration_seconds"] = "时长须在 1 秒到 24 小时之间。"
        if lesson.file:
            reason = check_upload(lesson.kind, lesson.file)
            if reason:
                errors[f"{key}.file"] = reason


def _write_lessons(course: Course, specs: list[LessonSpec], existing: dict[int, Lesson]) -> None:
    keep = {s.id for s in specs if s.id is not None}
    try:
        with transaction.atomic():
            Lesson.objects.filter(course=course).exclude(pk__in=keep).delete()
    except ProtectedError as exc:  # e.g. study sessions recorded against the lesson
        titles = "、".join(sorted({str(obj) for obj in exc.protected_objects})[:3])
        raise ValidationFailed(
            "已有学习记录的课时不能删除，请保留该课时（可修改其内容）。",
            fields={"lessons": f"不能删除：{titles}"},
        ) from exc
    # move kept lessons out of the way of the unique (course, order) before renumbering
    for lesson in existing.values():
        if lesson.pk in keep:
            Lesson.objects.filter(pk=lesson.pk).update(order=10_000 + lesson.order)
    for order, spec in enumerate(specs, start=1):
        lesson = existing[spec.id] if spec.id is not None else Lesson(course=course)
        lesson.order = order
        lesson.title = spec.title.strip()
        lesson.kind = spec.kind
        lesson.body = sanitise_html(spec.body)
        lesson.duration_seconds = int(spec.duration_seconds)
        if spec.kind == LessonKind.TEXT:
            lesson.file = ""
        elif spec.file:
            lesson.file.save(str(spec.file.name).rsplit("/", 1)[-1], spec.file, save=False)
        lesson.save()


def refresh_search_text(course: Course) -> None:
    course = (
        Course.objects.prefetch_related("sectors", "job_types", "lessons")
        .filter(pk=course.pk)
        .get()
    )
    Course.objects.filter(pk=course.pk).update(search_text=course_search_text(course))


def _set_relations(course: Course, sectors: list[Sector], job_types: list[JobType]) -> None:
    all_sectors = list(sectors)
    for jt in job_types:
        if jt.sector_id not in {s.code for s in all_sectors}:
            all_sectors.append(jt.sector)
    course.sectors.set(all_sectors)
    course.job_types.set(job_types)


SECONDS_PER_HOUR = 45 * 60  # 1 学时 = 45 minutes of study (DESIGN §2)


def _validate_length(
    values: dict[str, Any], specs: list[LessonSpec], errors: dict[str, str]
) -> None:
    """The lessons must last at least the course's hours (1 学时 = 45 minutes): study credit never
    passes a lesson's length (docs/study.md), so a shorter course could never be completed."""
    if errors or "hours" not in values:
        return
    total = sum(int(lesson.duration_seconds) for lesson in specs)
    needed = int(values["hours"] * SECONDS_PER_HOUR)
    if total < needed:
        errors["lessons"] = (
            f"课时总时长 {total // 60} 分钟，少于课程学时 {values['hours']} 学时所需的 "
            f"{-(-needed // 60)} 分钟：学习时长按课时实际长度计入，这样的课程永远无法完成。"
            "请延长课时时长或减少学时。"
        )


def course_create(
    *, actor: User | None, spec: CourseSpec, source: str = "web", author: User | None = None
) -> Course:
    """A new course with its lessons. Enterprise admins' courses belong to their enterprise."""
    check_may_author(actor)
    errors: dict[str, str] = {}
    values = _validate_course(spec, errors)
    sectors = _resolve_sectors(spec.sectors, errors)
    job_types = resolve_job_types(spec.job_types, errors)
    _validate_lessons(spec.lessons, errors, {})
    _validate_length(values, spec.lessons, errors)
    if errors:
        _log_refusal("course_create", actor, errors)
        raise ValidationFailed(_summary(errors), fields=errors)
    enterprise_id = actor.enterprise_id if actor and actor.role == "enterprise_admin" else None
    with transaction.atomic():
        course = Course.objects.create(
            **values,
            author=author or actor,
            enterprise_id=enterprise_id,
            published=bool(spec.published),
            published_at=timezone.now() if spec.published else None,
            created_by=actor,
            source=source,
        )
        _set_relations(course, sectors, job_types)
        _write_lessons(course, spec.lessons, {})
        refresh_search_text(course)
    course.refresh_from_db()
    return course


def course_update(*, actor: User | None, course: Course, spec: CourseSpec) -> Course:
    """Edit a course and its lessons (lessons named by id are kept, others added, missing ones
    removed). A published course gets version + 1; its enrolments stay."""
    check_may_edit(actor, course)
    existing = {lesson.pk: lesson for lesson in course.lessons.all()}
    errors: dict[str, str] = {}
    values = _validate_course(spec, errors)
    sectors = _resolve_sectors(spec.sectors, errors)
    job_types = resolve_job_types(spec.job_types, errors)
    _validate_lessons(spec.lessons, errors, existing)
    _validate_length(values, spec.lessons, errors)
    if errors:
        _log_refusal("course_update", actor, errors)
        raise ValidationFailed(_summary(errors), fields=errors)
    with transaction.atomic():
        for name, value in values.items():
            setattr(course, name, value)
        if course.published:
            course.version += 1
        if spec.published and not course.published:
            course.published_at = timezone.now()
        course.published = bool(spec.published)
        course.save()
        _set_relations(course, sectors, job_types)
        _write_lessons(course, spec.lessons, existing)
        refresh_search_text(course)
    course.refresh_from_db()
    return course


def course_publish(*, actor: User | None, course: Course, published: bool = True) -> Course:
    check_may_edit(actor, course)
    if published and not course.lessons.exists():
        raise ValidationFailed("没有课时的课程不能发布。", fields={"lessons": "至少一个课时"})
    course.published = published
    if published and course.published_at is None:
        course.published_at = timezone.now()
    course.save(update_fields=["published", "published_at", "updated_at"])
    return course


def _log_refusal(action: str, actor: User | None, errors: dict[str, str]) -> None:
    """Refused attempts (bad uploads, zero hours, empty groups) are logged with who tried."""
    log.warning(
        "%s refused for %s: %s",
        action,
        getattr(actor, "username", None) or "system",
        "; ".join(f"{k}: {v}" for k, v in errors.items()),
    )


def _summary(errors: dict[str, str]) -> str:
    first = next(iter(errors.items()))
    more = f"（另有 {len(errors) - 1} 处错误）" if len(errors) > 1 else ""
    return f"{first[0]}：{first[1]}{more}"


# ----------------------------------------------------------------------------- quiz


@dataclass
class QuestionSpec:
    stem: str
    choices: list[str]
    answer: list[str]  # keys, e.g. ["B"] or ["A", "C"]
    explanation: str = ""


def quiz_set(
    *, actor: User | None, course: Course, questions: list[QuestionSpec], pass_mark: Any = None
) -> Course:
    """Replace the course's quiz (no questions: no quiz). Keys are A–F in the given order."""
    check_may_edit(actor, course)
    errors: dict[str, str] = {}
    for i, q in enumerate(questions):
        key = f"questions[{i}]"
        if not (q.stem or "").strip():
            errors[f"{key}.stem"] = "题干不能为空。"
        choices = [c.strip() for c in q.choices if c and c.strip()]
        if not 2 <= len(choices) <= len(QUIZ_KEYS):
            errors[f"{key}.choices"] = "每题需要 2–6 个选项。"
            continue
        keys = QUIZ_KEYS[: len(choices)]
        answer = sorted({a.strip().upper() for a in q.answer if a.strip()})
        if not answer or any(a not in keys for a in answer):
            errors[f"{key}.answer"] = f"答案须为选项字母（{keys[0]}–{keys[-1]}）。"
    if pass_mark not in (None, ""):
        try:
            mark = parse_tenths(pass_mark, field="pass_mark", label="及格分")
            if not Decimal("0") < mark <= Decimal("100"):
                errors["pass_mark"] = "及格分须在 0–100 之间（百分制）。"
        except ValidationFailed as exc:
            errors["pass_mark"] = str(exc.fields.get("pass_mark") or exc.message)
    if errors:
        raise ValidationFailed(_summary(errors), fields=errors)
    with transaction.atomic():
        course.quiz_questions.all().delete()
        for order, q in enumerate(questions, start=1):
            choices = [c.strip() for c in q.choices if c and c.strip()]
            right_keys = {a.strip().upper() for a in q.answer}
            question = CourseQuizQuestion.objects.create(
                course=course,
                order=order,
                stem=q.stem.strip(),
                multiple=len(right_keys) > 1,
                explanation=q.explanation.strip(),
            )
            CourseQuizChoice.objects.bulk_create(
                CourseQuizChoice(question=question, key=k, text=text, correct=k in right_keys)
                for k, text in zip(QUIZ_KEYS, choices, strict=False)
            )
        if pass_mark not in (None, ""):
            course.pass_mark = parse_tenths(pass_mark, field="pass_mark", label="及格分")
            course.save(update_fields=["pass_mark", "updated_at"])
    return course


def has_quiz(course: Course) -> bool:
    return course.quiz_questions.exists()


def quiz_passed(enrolment: Enrolment) -> bool:
    """True when the course has no quiz, or an attempt of this enrolment passed it."""
    if not has_quiz(enrolment.course):
        return True
    return QuizAttempt.objects.filter(enrolment=enrolment, passed=True).exists()


def quiz_submit(
    *, actor: User | None, enrolment: Enrolment, answers: dict[str, list[str]]
) -> QuizAttempt:
    """Grade a quiz: each question scores when its chosen keys equal the key exactly; score is
    the percentage of questions right. Unanswered questions score nothing."""
    if actor is not None and actor.person_id != enrolment.person_id:
        raise NotAllowed("只能提交自己的测验。")
    questions = list(enrolment.course.quiz_questions.prefetch_related("choices"))
    if not questions:
        raise ValidationFailed("本课程没有测验。", code="no_quiz")
    ids = {str(q.pk) for q in questions}
    unknown = [k for k in answers if str(k) not in ids]
    if unknown:
        raise ValidationFailed(
            "答卷包含不属于本测验的题目。", fields={"answers": f"未知题目 {', '.join(unknown)}"}
        )
    right = 0
    clean: dict[str, list[str]] = {}
    for q in questions:
        chosen = sorted({str(a).strip().upper() for a in answers.get(str(q.pk), []) if a})
        clean[str(q.pk)] = chosen
        key = sorted(c.key for c in q.choices.all() if c.correct)
        if chosen == key:
            right += 1
    score = (Decimal(right * 100) / Decimal(len(questions))).quantize(Decimal("0.1"))
    return QuizAttempt.objects.create(
        enrolment=enrolment,
        answers=clean,
        score=score,
        pass_mark=enrolment.course.pass_mark,
        passed=score >= enrolment.course.pass_mark,
        submitted_at=timezone.now(),
    )


# ----------------------------------------------------------------------------- enrolment


def _person_of(user_or_person: User | Person) -> Person:
    if isinstance(user_or_person, Person):
        return user_or_person
    if user_or_person.person_id is None:
        raise NotAllowed("只有从业人员账号可以报名课程。", code="not_a_worker")
    person = user_or_person.person
    assert person is not None
    return person


def enrol(
    user_or_person: User | Person,
    course: Course,
    *,
    source: str = EnrolmentSource.SELF,
    assignment: Assignment | None = None,
    on: dt.date | None = None,
) -> Enrolment:
    """Enrol a person in a course; idempotent while an enrolment is open.

    Needs a published course the person may see (city-wide, or their employer's own). An
    assignment attaches to an open self-enrolment (its due date and training kind win)."""
    person = _person_of(user_or_person)
    on = on or dates.today()
    if source not in EnrolmentSource.values:
        raise ValidationFailed("报名来源无效。", fields={"source": f"未知来源 {source!r}"})
    if source == EnrolmentSource.ASSIGNED and assignment is None:
        raise ValidationFailed("企业指派的报名需要指派任务。", fields={"assignment": "必填"})
    if not course.published:
        raise NotFound("课程不存在或尚未发布。")
    if course.enterprise_id is not None:
        employment = active_employment(person, on)
        if employment is None or employment.enterprise_id != course.enterprise_id:
            raise NotFound("课程不存在或尚未发布。")
    with transaction.atomic():
        existing = (
            Enrolment.objects.select_for_update()
            .filter(person=person, course=course, completed_at__isnull=True)
            .first()
        )
        if existing is not None:
            if assignment is not None and existing.assignment_id is None:
                _attach(existing, assignment)
                existing.save(update_fields=["assignment", "source", "training_kind", "due_date"])
            return existing
        if assignment is not None:
            enterprise_id: int | None = assignment.enterprise_id
        else:
            employment = active_employment(person, on)
            enterprise_id = employment.enterprise_id if employment else None
        return Enrolment.objects.create(
            person=person,
            course=course,
            source=source,
            assignment=assignment,
            enterprise_id=enterprise_id,
            training_kind=assignment.training_kind if assignment else TrainingKind.CONTINUING,
            due_date=assignment.due_date if assignment else None,
            enrolled_at=timezone.now(),
        )


def _attach(enrolment: Enrolment, assignment: Assignment) -> None:
    enrolment.assignment = assignment
    enrolment.source = EnrolmentSource.ASSIGNED
    enrolment.training_kind = assignment.training_kind
    enrolment.due_date = assignment.due_date


# ----------------------------------------------------------------------------- assignments


@dataclass
class GroupSpec:
    """Who an assignment is for; every given criterion must hold (none given: everyone)."""

    job_types: list[JobType] = field(default_factory=list)
    org_unit: OrgUnit | None = None
    role_categories: list[str] = field(default_factory=list)
    hired_since: dt.date | None = None


def assignment_create(
    *,
    actor: User | None,
    enterprise: Enterprise,
    course: Course,
    group: GroupSpec,
    due_date: dt.date | None,
    training_kind: str = TrainingKind.CONTINUING,
    on: dt.date | None = None,
) -> Assignment:
    """Assign a course to a group of the enterprise's people, enrolling each of them.

    Refused, with nothing written, when the group is empty, the due date has passed, the course
    is not published or not offered to this enterprise."""
    from safetrain.courses.selectors import group_persons

    on = on or dates.today()
    if actor is not None:
        if not actor.is_authenticated or not actor.is_active:
            raise NotAllowed("请先登录")
        if not actor.is_superuser and not (
            actor.role == "enterprise_admin" and actor.enterprise_id == enterprise.pk
        ):
            raise NotAllowed("只有本企业的安全管理员可以指派课程。")
    errors: dict[str, str] = {}
    if not course.published or course.enterprise_id not in (None, enterprise.pk):
        errors["course"] = "课程不存在或尚未发布。"
    if due_date is None:
        errors["due_date"] = "请填写完成期限。"
    elif due_date < on:
        errors["due_date"] = f"完成期限 {due_date} 早于今天 {on}。"
    if training_kind not in TrainingKind.values:
        errors["training_kind"] = f"未知培训类型“{training_kind}”。"
    bad_roles = [r for r in group.role_categories if r not in RoleCategory.values]
    if bad_roles:
        errors["role_categories"] = f"未知人员类别：{'、'.join(bad_roles)}"
    if group.org_unit is not None and group.org_unit.enterprise_id != enterprise.pk:
        errors["org_unit"] = "该部门不属于本企业。"
    if errors:
        raise ValidationFailed(_summary(errors), fields=errors)
    persons: QuerySet[Person] = group_persons(enterprise=enterprise, group=group, on=on)
    person_ids = list(persons.values_list("pk", flat=True))
    if not person_ids:
        _log_refusal("assignment_create", actor, {"group": "empty", "course": str(course.pk)})
        raise ValidationFailed(
            "该分组没有符合条件的在岗人员，未指派。请放宽条件（工种、部门、人员类别、入职日期）。",
            code="empty_group",
            fields={"group": "没有符合条件的人员"},
        )
    assert due_date is not None
    with transaction.atomic():
        assignment = Assignment.objects.create(
            enterprise=enterprise,
            course=course,
            org_unit=group.org_unit,
            role_categories=list(dict.fromkeys(group.role_categories)),
            hired_since=group.hired_since,
            due_date=due_date,
            training_kind=training_kind,
            enrolled_count=len(person_ids),
            created_by=actor,
        )
        assignment.job_types.set(group.job_types)
        open_rows = Enrolment.objects.select_for_update().filter(
            course=course, person_id__in=person_ids, completed_at__isnull=True
        )
        already = set()
        to_update = []
        for enrolment in open_rows:
            already.add(enrolment.person_id)
            if enrolment.assignment_id is None:
                _attach(enrolment, assignment)
                to_update.append(enrolment)
        Enrolment.objects.bulk_update(
            to_update, ["assignment", "source", "training_kind", "due_date"]
        )
        now = timezone.now()
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    person_id=pid,
                    course=course,
                    source=EnrolmentSource.ASSIGNED,
                    assignment=assignment,
                    enterprise=enterprise,
                    training_kind=training_kind,
                    due_date=due_date,
                    enrolled_at=now,
                )
                for pid in person_ids
                if pid not in already
            ],
            batch_size=1000,
        )
    return assignment
