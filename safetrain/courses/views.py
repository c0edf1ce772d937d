"""Course pages: the market (phone first), course detail with enrolment, the quiz, course
create/edit for trainers and admins, the quiz editor, and assignments for enterprise admins.
Thin: selectors read, services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import FileSystemStorage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetrain.core import dates
from safetrain.core.errors import ServiceError
from safetrain.courses import labels
from safetrain.courses.forms import (
    AssignForm,
    CourseForm,
    LessonFormSet,
    MarketFilterForm,
    QuizForm,
    parse_quiz,
    quiz_text,
)
from safetrain.courses.models import Course, Enrolment, Lesson, QuizAttempt
from safetrain.courses.selectors import (
    assignment_list,
    course_get,
    course_market,
    may_edit,
    open_enrolments,
    recommended_for,
)
from safetrain.courses.services import (
    AUTHOR_ROLES,
    CourseSpec,
    GroupSpec,
    LessonSpec,
    assignment_create,
    course_create,
    course_update,
    enrol,
    quiz_set,
    quiz_submit,
    resolve_job_types,
)
from safetrain.courses.uploads import CONTENT_TYPES

PAGE_SIZE = 20


def _user(request: HttpRequest) -> Any:
    return request.user


def _is_author(user: Any) -> bool:
    return bool(user.is_superuser or user.role in AUTHOR_ROLES)


def lesson_url(lesson: Lesson) -> str:
    """The study page of the `study` app when installed, else the reading page here."""
    try:
        return reverse("study:lesson", args=[lesson.pk])
    except NoReverseMatch:
        return reverse("courses:lesson", args=[lesson.pk])


def _get_course(request: HttpRequest, pk: int) -> Course:
    course = course_get(viewer=_user(request), pk=pk)
    if course is None:
        raise Http404("课程不存在")
    return course


# ----------------------------------------------------------------------------- market


@login_required
def market_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = MarketFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        band = labels.HOUR_BANDS.get(data.get("hours") or "")
        filters = {
            "q": data.get("q") or "",
            "sector": data.get("sector") or None,
            "job_type": data.get("job_type") or None,
            "topic": data.get("topic") or None,
            "hours_min": Decimal(band[0]) if band and band[0] else None,
            "hours_max": Decimal(band[1]) if band and band[1] else None,
        }
    rows = course_market(viewer=user, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(v not in (None, "") for v in filters.values())
    recommended: list[Course] = []
    enrolled: dict[int, Enrolment] = {}
    if user.role == "worker" and user.person_id is not None:
        enrolled = open_enrolments(user.person)
        if not filtered and page.number == 1:
            recommended = recommended_for(user.person, dates.today())
    return render(
        request,
        "courses/market.html",
        {
            "form": form,
            "page": page,
            "recommended": recommended,
            "enrolled": enrolled,
            "filtered": filtered,
            "is_author": _is_author(user),
        },
    )


@login_required
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = _get_course(request, pk)
    lessons = list(course.lessons.all())
    enrolment = None
    attempts: list[QuizAttempt] = []
    if user.role == "worker" and user.person_id is not None:
        enrolment = (
            Enrolment.objects.filter(person_id=user.person_id, course=course)
            .order_by("-enrolled_at", "-id")
            .first()
        )
        if enrolment is not None:
            attempts = list(enrolment.quiz_attempts.order_by("-submitted_at")[:5])
    return render(
        request,
        "courses/detail.html",
        {
            "course": course,
            "lessons": [(lesson, lesson_url(lesson)) for lesson in lessons],
            "sectors": list(course.sectors.all()),
            "job_types": list(course.job_types.all()),
            "quiz_count": course.quiz_questions.count(),
            "enrolment": enrolment,
            "attempts": attempts,
            "passed": any(a.passed for a in attempts),
            "can_edit": may_edit(user, course),
            "is_worker": user.role == "worker",
        },
    )


@login_required
@require_POST
def enrol_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = _get_course(request, pk)
    try:
        enrol(user, course, source="self")
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Enrolled in “%(title)s”.") % {"title": course.title})
    return redirect("courses:detail", pk=course.pk)


@login_required
def lesson_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Reading a lesson (authors preview; workers read when the study app is absent)."""
    lesson = _visible_lesson(request, pk)
    playable = lesson.kind == "video" and (lesson.file.name or "").lower().endswith(
        (".mp4", ".webm")
    )
    siblings = list(lesson.course.lessons.values_list("pk", "title"))
    return render(
        request,
        "courses/lesson.html",
        {"lesson": lesson, "course": lesson.course, "siblings": siblings, "playable": playable},
    )


def _visible_lesson(request: HttpRequest, pk: int) -> Lesson:
    lesson = Lesson.objects.select_related("course").filter(pk=pk).first()
    if lesson is None or course_get(viewer=_user(request), pk=lesson.course_id) is None:
        raise Http404("课时不存在")
    return lesson


@login_required
def lesson_file_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A lesson's file for those who may see the course: streamed from local storage, or a
    redirect to the storage's (signed) URL when the storage is remote (S3-compatible)."""
    lesson = _visible_lesson(request, pk)
    if not lesson.file:
        raise Http404("该课时没有文件")
    storage = lesson.file.storage
    if not isinstance(storage, FileSystemStorage):
        return redirect(lesson.file.url)
    name = (lesson.file.name or "").rsplit("/", 1)[-1]
    content_type = CONTENT_TYPES.get("." + name.rsplit(".", 1)[-1].lower(), "text/plain")
    response = FileResponse(lesson.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ----------------------------------------------------------------------------- quiz


@login_required
def quiz_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the course quiz: the page carries stems and options only, never the key."""
    user = _user(request)
    course = _get_course(request, pk)
    if user.role != "worker" or user.person_id is None:
        raise PermissionDenied("只有从业人员参加测验")
    enrolment = (
        Enrolment.objects.filter(person_id=user.person_id, course=course)
        .order_by("-enrolled_at", "-id")
        .first()
    )
    if enrolment is None:
        messages.error(request, _("Enrol in the course before taking its quiz."))
        return redirect("courses:detail", pk=course.pk)
    questions = list(course.quiz_questions.prefetch_related("choices"))
    if not questions:
        raise Http404("本课程没有测验")
    result = None
    if request.method == "POST":
        answers = {str(q.pk): request.POST.getlist(f"q{q.pk}") for q in questions}
        try:
            result = quiz_submit(actor=user, enrolment=enrolment, answers=answers)
        except ServiceError as exc:
            messages.error(request, exc.message)
    context: dict[str, Any] = {"course": course, "result": result}
    rows = []
    for q in questions:
        chosen = result.answers.get(str(q.pk), []) if result else []
        row: dict[str, Any] = {
            "question": q,
            "choices": [
                {"key": c.key, "text": c.text, "checked": c.key in chosen} for c in q.choices.all()
            ],
        }
        if result is not None:  # after submission: the key and the explanation
            key = [c.key for c in q.choices.all() if c.correct]
            row.update(key="".join(key), right=sorted(chosen) == key, explanation=q.explanation)
        rows.append(row)
    context["rows"] = rows
    return render(request, "courses/quiz.html", context)


@login_required
def quiz_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = _get_course(request, pk)
    if not may_edit(user, course):
        raise PermissionDenied("只能编辑自己（或本企业）的课程")
    if request.method == "POST":
        form = QuizForm(request.POST)
        if form.is_valid():
            questions, errors = parse_quiz(form.cleaned_data["questions"])
            for error in errors:
                form.add_error("questions", error)
            if not errors:
                try:
                    quiz_set(
                        actor=user,
                        course=course,
                        questions=questions,
                        pass_mark=form.cleaned_data["pass_mark"],
                    )
                except ServiceError as exc:
                    for key, reason in exc.fields.items():
                        form.add_error(
                            "pass_mark" if key == "pass_mark" else "questions", f"{key}: {reason}"
                        )
                else:
                    messages.success(
                        request, _("Quiz saved: %(n)d questions.") % {"n": len(questions)}
                    )
                    return redirect("courses:detail", pk=course.pk)
    else:
        form = QuizForm(initial={"questions": quiz_text(course), "pass_mark": course.pass_mark})
    return render(request, "courses/quiz_edit.html", {"course": course, "form": form})


# ----------------------------------------------------------------------------- authoring


def _lesson_specs(formset: Any) -> list[LessonSpec]:
    specs = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or form.is_blank():
            continue
        minutes = data.get("minutes")
        specs.append(
            LessonSpec(
                id=data.get("id"),
                title=data.get("title") or "",
                kind=data.get("kind") or "text",
                duration_seconds=minutes * 60 if minutes else None,
                body=data.get("body") or "",
                file=data.get("file"),
            )
        )
    return specs


def _place_errors(
    form: CourseForm, formset: Any, exc: ServiceError, specs_forms: list[Any]
) -> None:
    for key, reason in exc.fields.items():
        if key.startswith("lessons["):
            index = int(key[len("lessons[") : key.index("]")])
            field = key.split(".", 1)[1] if "." in key else None
            field = {"duration_seconds": "minutes"}.get(field or "", field)
            target = specs_forms[index] if index < len(specs_forms) else None
            if target is not None and field in target.fields:
                target.add_error(field, reason)
                continue
            form.add_error(None, f"{_('Lesson')} {index + 1}: {reason}")
        elif key in form.fields:
            form.add_error(key, reason)
        else:
            form.add_error(None, reason)


@login_required
def course_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    if not _is_author(user):
        raise PermissionDenied("只有培训讲师和管理员可以编辑课程")
    course = _get_course(request, pk) if pk is not None else None
    if course is not None and not may_edit(user, course):
        raise PermissionDenied("只能编辑自己（或本企业）的课程")
    if request.method == "POST":
        form = CourseForm(request.POST)
        formset = LessonFormSet(request.POST, request.FILES, prefix="lessons")
        if form.is_valid() and formset.is_valid():
            kept = [
                f
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and not f.is_blank()
            ]
            specs = _lesson_specs(formset)
            data = form.cleaned_data
            spec = CourseSpec(
                title=data["title"],
                hours=data["hours"],
                topic=data["topic"],
                summary=data["summary"],
                sectors=data["sectors"],
                job_types=data["job_types"],
                role_categories=data["role_categories"],
                published=data["published"],
                lessons=specs,
            )
            try:
                if course is None:
                    course = course_create(actor=user, spec=spec, source="web")
                    messages.success(request, _("Course created."))
                else:
                    course = course_update(actor=user, course=course, spec=spec)
                    messages.success(request, _("Course saved."))
            except ServiceError as exc:
                _place_errors(form, formset, exc, kept)
            else:
                return redirect("courses:detail", pk=course.pk)
    elif course is not None:
        form = CourseForm(
            initial={
                "title": course.title,
                "summary": course.summary,
                "topic": course.topic,
                "hours": course.hours,
                "sectors": [s.code for s in course.sectors.all()],
                "job_types": [j.code for j in course.job_types.all()],
                "role_categories": course.role_categories,
                "published": course.published,
            }
        )
        formset = LessonFormSet(
            prefix="lessons",
            initial=[
                {
                    "id": lesson.pk,
                    "title": lesson.title,
                    "kind": lesson.kind,
                    "minutes": max(1, round(lesson.duration_seconds / 60)),
                    "body": lesson.body,
                }
                for lesson in course.lessons.all()
            ],
        )
    else:
        form = CourseForm(initial={"hours": "1"})
        formset = LessonFormSet(prefix="lessons")
    files = {}
    if course is not None:
        files = {lesson.pk: lesson.file for lesson in course.lessons.all() if lesson.file}
    return render(
        request,
        "courses/edit.html",
        {"form": form, "formset": formset, "course": course, "files": files},
    )


@login_required
def manage_view(request: HttpRequest) -> HttpResponse:
    """The courses an author may edit (drafts included)."""
    user = _user(request)
    if not _is_author(user):
        raise PermissionDenied("只有培训讲师和管理员可以管理课程")
    rows = [c for c in course_market(viewer=user) if may_edit(user, c)]
    return render(request, "courses/manage.html", {"courses": rows})


# ----------------------------------------------------------------------------- assignments


@login_required
def assign_view(request: HttpRequest) -> HttpResponse:
    from safetrain.enterprises.selectors import org_unit_paths

    user = _user(request)
    if user.role != "enterprise_admin" or user.enterprise_id is None:
        raise PermissionDenied("只有企业安全管理员可以指派课程")
    enterprise = user.enterprise
    courses = list(course_market(viewer=user).filter(published=True))
    units = [(u.pk, path or u.name) for u, path in org_unit_paths(enterprise=enterprise)]
    form = AssignForm(request.POST or None, courses=courses, org_units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        errors: dict[str, str] = {}
        job_types = resolve_job_types(data["job_types"], errors)
        course = next(c for c in courses if c.pk == data["course"])
        org_unit = (
            enterprise.org_units.filter(pk=data["org_unit"]).first() if data["org_unit"] else None
        )
        try:
            assignment = assignment_create(
                actor=user,
                enterprise=enterprise,
                course=course,
                group=GroupSpec(
                    job_types=job_types,
                    org_unit=org_unit,
                    role_categories=data["role_categories"],
                    hired_since=data["hired_since"],
                ),
                due_date=data["due_date"],
                training_kind=data["training_kind"],
            )
        except ServiceError as exc:
            for key, reason in exc.fields.items():
                form.add_error(key if key in form.fields else None, reason)
            if not exc.fields:
                form.add_error(None, exc.message)
            if "group" in exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Assigned “%(title)s” to %(n)d people, due %(due)s.")
                % {
                    "title": course.title,
                    "n": assignment.enrolled_count,
                    "due": assignment.due_date,
                },
            )
            return redirect("courses:assign")
    rows = list(assignment_list(viewer=user)[:100])
    return render(
        request,
        "courses/assign.html",
        {"form": form, "assignments": rows, "today": dates.today(), "no_courses": not courses},
    )
