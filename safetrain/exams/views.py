"""Exam pages: the worker's exam list, the exam-taking page (its JS talks to the Exam API),
results for candidate and organiser, exam creation, spot-check start and hosting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import ensure_csrf_cookie

from safetrain.core.dates import SHANGHAI
from safetrain.core.errors import ServiceError
from safetrain.exams import selectors, services
from safetrain.exams.forms import ExamForm, SpotCheckForm
from safetrain.exams.models import Attempt

ORGANISERS = ("city_admin", "county_admin", "enterprise_admin")
OVERSEERS = ("city_admin", "county_admin", "enterprise_admin", "inspector")


def _role(user: Any) -> str:
    return "city_admin" if user.is_superuser else str(user.role)


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    role = _role(user)
    context: dict[str, Any] = {"role": role, "now": timezone.now()}
    if user.person_id is not None:
        context["mine"] = selectors.my_exams(viewer=user)
    if role in OVERSEERS:
        context["exams"] = list(selectors.exam_list(viewer=user)[:200])
        context["retraining"] = list(selectors.retraining_list(viewer=user)[:200])
        context["may_create"] = role in ORGANISERS
    return render(request, "exams/index.html", context)


@login_required
@ensure_csrf_cookie
def take_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The exam page. Everything after the first paint goes through the Exam API (its JS)."""
    user: Any = request.user
    exam = selectors.candidate_exam_get(viewer=user, pk=pk)
    if exam is None:
        raise Http404
    person = request.GET.get("person", "")
    return render(request, "exams/take.html", {"exam": exam, "person": person})


@login_required
def attempt_view(request: HttpRequest, uid: str) -> HttpResponse:
    """The candidate's result: score, per-topic scores, each question with the key (only
    once the attempt is closed)."""
    user: Any = request.user
    try:
        attempt = services.attempt_for(actor=user, uid=uid)
    except ServiceError as exc:
        raise Http404 from exc
    if attempt.state == Attempt.State.IN_PROGRESS and services.clock() >= attempt.deadline:
        attempt = services.close_attempt(attempt, now=services.clock())
    if attempt.state == Attempt.State.IN_PROGRESS:
        return redirect("exams:take", pk=attempt.exam_id)
    review = selectors.attempt_review(attempt)
    return render(request, "exams/attempt.html", {"attempt": attempt, "review": review})


@login_required
def results_view(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    if _role(user) not in OVERSEERS:
        raise PermissionDenied
    exam = selectors.exam_get(viewer=user, pk=pk)
    if exam is None:
        raise Http404
    results = selectors.exam_results(exam)
    events = list(selectors.integrity_events(exam=exam)[:500])
    return render(request, "exams/results.html", {"r": results, "events": events})


@login_required
def create_view(request: HttpRequest) -> HttpResponse:
    from safetrain.catalog.models import JobType
    from safetrain.enterprises.models import OrgUnit

    user: Any = request.user
    if _role(user) not in ORGANISERS:
        raise PermissionDenied
    enterprise = user.enterprise if _role(user) == "enterprise_admin" else None
    job_types = list(JobType.objects.all()[:300])
    units = list(OrgUnit.objects.filter(enterprise=enterprise)) if enterprise else []
    form = ExamForm(request.POST or None, job_types=job_types, org_units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        groups = {
            "roles": d["roles"],
            "job_type": d["job_type"] or None,
            "org_unit": d["org_unit"] or None,
        }
        try:
            persons = services.candidates_by_group(
                actor=user,
                enterprise=enterprise,
                job_types=[int(d["job_type"])] if d["job_type"] else [],
                org_units=[int(d["org_unit"])] if d["org_unit"] else [],
                roles=d["roles"],
            )
            exam = services.exam_create(
                actor=user,
                title=d["title"],
                purpose=d["purpose"],
                pass_mark=d["pass_mark"],
                duration_minutes=d["duration_minutes"],
                opens_at=d["opens_at"].replace(tzinfo=SHANGHAI),
                closes_at=d["closes_at"].replace(tzinfo=SHANGHAI),
                attempt_limit=d["attempt_limit"],
                candidates=persons,
                candidate_groups=groups,
                rule=[
                    {
                        "type": d["rule_type"],
                        "topic": d["rule_topic"],
                        "difficulty": d["rule_difficulty"],
                        "count": d["rule_count"],
                        "points": str(d["rule_points"]),
                        "handbook": d["rule_handbook"],
                    }
                ],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已创建考试“{exam.title}”，考生 {len(persons)} 人")
            return redirect("exams:results", pk=exam.pk)
    return render(request, "exams/create.html", {"form": form})


@login_required
def spot_check_view(request: HttpRequest) -> HttpResponse:
    """An inspector (or a county/city admin) starts a spot-check exam for chosen persons in
    post at one enterprise: GET ?enterprise=CODE lists them, POST starts the exam."""
    from safetrain.enterprises.selectors import enterprise_get

    user: Any = request.user
    if _role(user) not in services.SPOT_CHECK_ROLES:
        raise PermissionDenied
    code = (request.POST.get("enterprise") or request.GET.get("enterprise") or "").strip()
    enterprise = enterprise_get(viewer=user, credit_code=code) if code else None
    if code and enterprise is None:
        raise Http404
    persons = services.candidates_by_group(actor=user, enterprise=enterprise) if enterprise else []
    form = SpotCheckForm(request.POST or None)
    error = ""
    if request.method == "POST" and enterprise is not None and form.is_valid():
        chosen = set(request.POST.getlist("persons"))
        picked = [p for p in persons if str(p.uid) in chosen]
        try:
            exam = services.start_spot_check_exam(
                inspector=user,
                enterprise=enterprise,
                persons=picked,
                question_count=form.cleaned_data["question_count"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, f"已开始抽考，{len(picked)} 人")
            return redirect("exams:host", pk=exam.pk)
    return render(
        request,
        "exams/spot_check.html",
        {"enterprise": enterprise, "persons": persons, "form": form, "error": error, "code": code},
    )


@login_required
def host_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Inspector-hosted mode: the inspector's device runs the attempt for a chosen person."""
    user: Any = request.user
    exam = selectors.exam_get(viewer=user, pk=pk)
    if exam is None or exam.purpose != "spot_check" or exam.organiser_id != user.pk:
        raise Http404
    results = selectors.exam_results(exam)
    return render(request, "exams/host.html", {"r": results})


def local(value: Any) -> Any:
    return timezone.localtime(value, SHANGHAI) if value else value
