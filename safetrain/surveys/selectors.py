"""Reads, scoped: a survey is seen by whoever sees its inspection (inspections.selectors);
results are aggregates only — never who answered what (docs/surveys.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from safetrain.core import dates
from safetrain.inspections.models import Inspection
from safetrain.inspections.selectors import inspection_list
from safetrain.people.models import Employment, User
from safetrain.surveys.models import Answer, Kind, Question, Response, State, Survey
from safetrain.surveys.services import respondent_key

# below this many responses the enterprise sees no counts: one answer must not be readable
# off a count of one
MIN_FOR_ENTERPRISE = 3


def survey_list(*, viewer: User) -> QuerySet[Survey]:
    return Survey.objects.filter(
        inspection__in=inspection_list(viewer=viewer).values("pk")
    ).select_related("inspection", "inspection__enterprise")


def survey_get(*, viewer: User, pk: int) -> Survey | None:
    return survey_list(viewer=viewer).filter(pk=pk).first()


def surveys_of(inspection: Inspection) -> list[Survey]:
    return list(
        inspection.surveys.annotate(answered=Count("responses", distinct=True)).order_by(
            "created_at", "id"
        )
    )


def survey_by_token(token: str) -> Survey | None:
    return (
        Survey.objects.filter(token=token)
        .exclude(state=State.DRAFT)
        .select_related("inspection", "inspection__enterprise")
        .first()
    )


def has_answered(survey: Survey, user: User) -> bool:
    return Response.objects.filter(
        survey=survey, respondent_key=respondent_key(survey, user)
    ).exists()


def open_for_worker(user: User) -> list[Survey]:
    """Open surveys of the enterprises where the worker is employed today."""
    if user.role != "worker" or user.person_id is None:
        return []
    today = dates.today()
    ents = (
        Employment.objects.filter(person_id=user.person_id, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values("enterprise_id")
    )
    surveys = list(
        Survey.objects.filter(state=State.OPEN, inspection__enterprise_id__in=ents)
        .select_related("inspection__enterprise")
        .order_by("-published_at")
    )
    for s in surveys:
        s.done = has_answered(s, user)  # type: ignore[attr-defined]
    return surveys


@dataclass
class OptionCount:
    text: str
    count: int
    share: float  # of the responses


@dataclass
class QuestionResult:
    position: int
    text: str
    kind: str
    answered: int  # responses that answered this question
    options: list[OptionCount] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResult:
    survey: Survey
    responses: int
    questions: list[QuestionResult]


def results(survey: Survey, *, with_texts: bool = True) -> SurveyResult:
    """Counts per option and the free texts (sorted, so their order says nothing about who
    answered when). Four queries."""
    responses = survey.responses.count()
    questions = list(survey.questions.prefetch_related("options").order_by("position"))
    counts = dict(
        Answer.objects.filter(question__survey=survey, option__isnull=False)
        .values("option_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("option_id", "n")
    )
    answered = dict(
        Answer.objects.filter(question__survey=survey)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    texts: dict[int, list[str]] = {}
    if with_texts:
        for qid, text in Answer.objects.filter(
            question__survey=survey, question__kind=Kind.TEXT
        ).values_list("question_id", "text"):
            texts.setdefault(qid, []).append(text)
    out = []
    for q in questions:
        out.append(
            QuestionResult(
                position=q.position,
                text=q.text,
                kind=q.kind,
                answered=answered.get(q.pk, 0),
                options=[
                    OptionCount(
                        o.text,
                        counts.get(o.pk, 0),
                        counts.get(o.pk, 0) / responses if responses else 0.0,
                    )
                    for o in q.options.all()
                ],
                texts=sorted(texts.get(q.pk, [])),
            )
        )
    return SurveyResult(survey, responses, out)


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.prefetch_related("options").order_by("position"))
