"""Pages (docs/surveys.md). Thin: parse, call a scoped selector or a service, render.

The inspector builds, publishes and closes a questionnaire from the inspection page; workers
open its link (or scan its QR code) on their phones, sign in and answer once."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safetrain.certificates.verification import qr_svg
from safetrain.core.errors import ServiceError
from safetrain.inspections.selectors import inspection_get
from safetrain.people.models import User
from safetrain.surveys import selectors, services
from safetrain.surveys.charts import bar_chart
from safetrain.surveys.models import Kind, State
from safetrain.web.nav import SCOPED
from safetrain.web.views import roles_required

BUREAU = frozenset({"city_admin", "county_admin", "inspector"})


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


@roles_required(BUREAU)
@require_http_methods(["POST"])
def survey_new(request: HttpRequest, inspection_pk: int) -> HttpResponse:
    inspection = inspection_get(viewer=_viewer(request), pk=inspection_pk)
    if inspection is None:
        raise Http404
    try:
        survey = services.survey_create(
            actor=_viewer(request),
            inspection=inspection,
            title=request.POST.get("title", ""),
            intro=request.POST.get("intro", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("inspections:detail", pk=inspection.pk)
    return redirect("surveys:manage", pk=survey.pk)


@roles_required(SCOPED)
@require_http_methods(["GET", "POST"])
def survey_manage(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    survey = selectors.survey_get(viewer=viewer, pk=pk)
    if survey is None:
        raise Http404
    bureau = viewer.is_superuser or viewer.role in BUREAU
    if not bureau:  # the enterprise sees the aggregates on the inspection page only
        return redirect("inspections:detail", pk=survey.inspection_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add":
                services.question_add(
                    actor=viewer,
                    survey=survey,
                    kind=request.POST.get("kind", ""),
                    text=request.POST.get("text", ""),
                    options=request.POST.get("options", "").splitlines(),
                    required=request.POST.get("optional") != "1",
                )
                messages.success(request, _("Question added."))
            elif action == "remove":
                question = survey.questions.filter(
                    pk=int(request.POST.get("question") or 0)
                ).first()
                if question is None:
                    raise Http404
                services.question_remove(actor=viewer, question=question)
                messages.success(request, _("Question removed."))
            elif action == "publish":
                services.survey_publish(actor=viewer, survey=survey)
                messages.success(request, _("Questionnaire published: workers can answer now."))
            elif action == "close":
                services.survey_close(actor=viewer, survey=survey)
                messages.success(request, _("Questionnaire closed."))
            else:
                raise Http404
        except ServiceError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("Invalid input."))
        return redirect("surveys:manage", pk=survey.pk)
    link = request.build_absolute_uri(reverse("surveys:answer", args=[survey.token]))
    result = selectors.results(survey) if survey.state != State.DRAFT else None
    return render(
        request,
        "surveys/manage.html",
        {
            "survey": survey,
            "questions": selectors.questions_of(survey),
            "kinds": Kind.choices,
            "link": link,
            "qr": qr_svg(link, scale=6) if survey.state == State.OPEN else "",
            "result": result,
            "charts": [
                (q, bar_chart(q.options, title=q.text) if q.options else None)
                for q in (result.questions if result else [])
            ],
        },
    )


def _answers(request: HttpRequest, questions: list[Any]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for q in questions:
        name = f"q{q.pk}"
        out[q.pk] = (
            request.POST.get(name, "") if q.kind == Kind.TEXT else request.POST.getlist(name)
        )
    return out


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    viewer = _viewer(request)
    survey = selectors.survey_by_token(token)
    if survey is None:
        raise Http404
    questions = selectors.questions_of(survey)
    may = services.may_answer(viewer, survey)
    answered = may and selectors.has_answered(survey, viewer)
    given: dict[int, Any] = {}
    status = 200
    if request.method == "POST":
        given = _answers(request, questions)
        try:
            services.response_submit(actor=viewer, survey=survey, answers=given)
        except ServiceError as exc:
            messages.error(request, exc.message)
            status = exc.status
            survey.refresh_from_db()
        else:
            return redirect("surveys:answer", token=token)
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "items": [
                (
                    n,
                    q,
                    {str(v) for v in given.get(q.pk, [])} if q.kind != Kind.TEXT else set(),
                    given.get(q.pk, "") if q.kind == Kind.TEXT else "",
                )
                for n, q in enumerate(questions, 1)
            ],
            "may_answer": may,
            "answered": answered,
        },
        status=status,
    )


@roles_required(frozenset({"worker"}))
def survey_mine(request: HttpRequest) -> HttpResponse:
    return render(
        request, "surveys/mine.html", {"surveys": selectors.open_for_worker(_viewer(request))}
    )
