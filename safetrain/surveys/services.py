"""Writes: build a questionnaire on an inspection, publish it (link + QR code), close it, and
workers' answers. Each service checks the actor, validates, writes in one transaction; refused
input writes nothing. docs/surveys.md.

- Building, publishing, closing: whoever may oversee the inspection's enterprise (inspectors,
  county and city admins of its jurisdiction: inspections.services.check_may_oversee).
- Answering: a signed-in worker with an employment at the inspection's enterprise active on the
  day; once per account — a second submission is refused (the first answer stands).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from safetrain.core import dates
from safetrain.core.errors import Conflict, NotAllowed, ValidationFailed
from safetrain.inspections.models import Inspection, Method
from safetrain.inspections.services import check_may_oversee
from safetrain.people.models import Employment, User
from safetrain.surveys.models import Answer, Kind, Option, Question, Response, State, Survey

MAX_QUESTIONS = 30
MAX_OPTIONS = 10
MAX_TEXT = 1000


def respondent_key(survey: Survey, user: User) -> str:
    """A keyed hash of (survey, account): the same account gives the same key for a survey,
    and the key does not name the account (HMAC-SHA256 with the server's secret key)."""
    message = f"survey-respondent:{survey.pk}:{user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def survey_create(
    *, actor: User | None, inspection: Inspection, title: str, intro: str = ""
) -> Survey:
    check_may_oversee(actor, inspection.enterprise)
    title = title.strip()
    if not title:
        raise ValidationFailed("请填写问卷标题", fields={"title": "必填"})
    if len(title) > 128:
        raise ValidationFailed("问卷标题过长（最多128字）", fields={"title": "过长"})
    return Survey.objects.create(
        inspection=inspection,
        title=title,
        intro=intro.strip(),
        token=secrets.token_urlsafe(12),
        created_by=actor,
    )


def _check_draft(survey: Survey) -> None:
    if survey.state != State.DRAFT:
        raise Conflict("问卷已发布，不能再修改题目", fields={"state": survey.state})


def question_add(
    *,
    actor: User | None,
    survey: Survey,
    kind: str,
    text: str,
    options: Sequence[str] = (),
    required: bool = True,
) -> Question:
    """A single-choice or multiple-choice question with 2–10 different options, or a free-text
    question (no options)."""
    check_may_oversee(actor, survey.inspection.enterprise)
    _check_draft(survey)
    if kind not in Kind.values:
        raise ValidationFailed(f"题型“{kind}”无效", fields={"kind": "无效"})
    text = text.strip()
    if not text:
        raise ValidationFailed("请填写题目", fields={"text": "必填"})
    if len(text) > 255:
        raise ValidationFailed("题目过长（最多255字）", fields={"text": "过长"})
    opts = [o.strip() for o in options if o.strip()]
    if kind == Kind.TEXT:
        opts = []
    else:
        if not 2 <= len(opts) <= MAX_OPTIONS:
            raise ValidationFailed(
                f"选择题需要 2–{MAX_OPTIONS} 个选项（现有 {len(opts)} 个）",
                fields={"options": "数量不对"},
            )
        long = next((o for o in opts if len(o) > 128), None)
        if long is not None:
            raise ValidationFailed(
                f"选项“{long[:20]}…”过长（最多128字）", fields={"options": "过长"}
            )
        if len(set(opts)) != len(opts):
            raise ValidationFailed("选项不能重复", fields={"options": "重复"})
    with transaction.atomic():
        count = survey.questions.count()
        if count >= MAX_QUESTIONS:
            raise ValidationFailed(f"最多 {MAX_QUESTIONS} 道题", fields={"text": "太多"})
        last = survey.questions.aggregate(m=Max("position"))["m"] or 0
        question = Question.objects.create(
            survey=survey, position=last + 1, kind=kind, text=text, required=required
        )
        Option.objects.bulk_create(
            [Option(question=question, position=i, text=o) for i, o in enumerate(opts, 1)]
        )
    return question


def question_remove(*, actor: User | None, question: Question) -> None:
    survey = question.survey
    check_may_oversee(actor, survey.inspection.enterprise)
    _check_draft(survey)
    question.delete()


def survey_publish(*, actor: User | None, survey: Survey) -> Survey:
    """Draft → open: the link and QR code start to take answers; the questions are frozen and
    问卷调查 is added to the inspection's methods."""
    check_may_oversee(actor, survey.inspection.enterprise)
    _check_draft(survey)
    if not survey.questions.exists():
        raise ValidationFailed("问卷还没有题目，不能发布", fields={"questions": "为空"})
    with transaction.atomic():
        survey.state = State.OPEN
        survey.published_at = timezone.now()
        survey.save(update_fields=["state", "published_at"])
        inspection = survey.inspection
        if Method.QUESTIONNAIRE not in inspection.methods and inspection.status == "done":
            inspection.methods = [
                m for m in Method.values if m in {*inspection.methods, Method.QUESTIONNAIRE}
            ]
            inspection.save(update_fields=["methods"])
    return survey


def survey_close(*, actor: User | None, survey: Survey) -> Survey:
    check_may_oversee(actor, survey.inspection.enterprise)
    if survey.state != State.OPEN:
        raise Conflict("只有收集中的问卷可以结束", fields={"state": survey.state})
    survey.state = State.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["state", "closed_at"])
    return survey


def may_answer(user: User, survey: Survey) -> bool:
    """A signed-in, active worker with an employment at the inspection's enterprise today."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role != "worker" or user.person_id is None:
        return False
    today = dates.today()
    return (
        Employment.objects.filter(
            person_id=user.person_id,
            enterprise_id=survey.inspection.enterprise_id,
            start_date__lte=today,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exists()
    )


def response_submit(*, actor: User, survey: Survey, answers: Mapping[int, Any]) -> Response:
    """Record a worker's answers: `answers` maps a question id to a list of option ids (single
    and multiple choice) or a text. Refused, with nothing written, when the survey is not open
    (closed: a clear error), the account may not answer, an answer is missing or invalid, or
    the account has answered already (one answer per account: the first stands)."""
    if not may_answer(actor, survey):
        raise NotAllowed("只有该企业在职的从业人员可以填写本问卷")
    with transaction.atomic():
        # lock the survey row: a close and an answer never interleave
        current = Survey.objects.select_for_update().get(pk=survey.pk)
        if current.state == State.CLOSED:
            raise Conflict("问卷已结束，不再接受填写", code="survey_closed")
        if current.state != State.OPEN:
            raise Conflict("问卷尚未发布", code="survey_not_open")
        key = respondent_key(current, actor)
        if Response.objects.filter(survey=current, respondent_key=key).exists():
            raise Conflict("您已提交过本问卷，每人只能提交一次", code="already_answered")
        questions = list(current.questions.prefetch_related("options"))
        rows: list[tuple[Question, Option | None, str]] = []
        for n, q in enumerate(questions, 1):
            raw = answers.get(q.pk)
            if q.kind == Kind.TEXT:
                text = str(raw or "").strip() if not isinstance(raw, list) else ""
                if not text:
                    if q.required:
                        raise ValidationFailed(f"第 {n} 题未填写", fields={str(q.pk): "必填"})
                    continue
                if len(text) > MAX_TEXT:
                    raise ValidationFailed(
                        f"第 {n} 题过长（最多 {MAX_TEXT} 字）", fields={str(q.pk): "过长"}
                    )
                rows.append((q, None, text))
                continue
            chosen = raw if isinstance(raw, list) else ([raw] if raw not in (None, "") else [])
            by_id = {o.pk: o for o in q.options.all()}
            try:
                ids = sorted({int(c) for c in chosen})
            except (TypeError, ValueError) as exc:
                raise ValidationFailed(f"第 {n} 题的选项无效", fields={str(q.pk): "无效"}) from exc
            if any(i not in by_id for i in ids):
                raise ValidationFailed(f"第 {n} 题的选项无效", fields={str(q.pk): "无效"})
            if not ids:
                if q.required:
                    raise ValidationFailed(f"第 {n} 题未选择", fields={str(q.pk): "必填"})
                continue
            if q.kind == Kind.SINGLE and len(ids) > 1:
                raise ValidationFailed(f"第 {n} 题是单选题，只能选一项", fields={str(q.pk): "单选"})
            rows.extend((q, by_id[i], "") for i in ids)
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    survey=current, respondent_key=key, submitted_on=dates.today()
                )
        except IntegrityError as exc:  # the same account, submitting twice at once
            raise Conflict("您已提交过本问卷，每人只能提交一次", code="already_answered") from exc
        Answer.objects.bulk_create(
            [Answer(response=response, question=q, option=o, text=t) for q, o, t in rows]
        )
    return response
