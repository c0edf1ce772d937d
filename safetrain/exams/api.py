"""The Exam API (DESIGN §5), exactly as written, plus integrity events.

POST /api/v1/exams                                   organiser → {"id"}
POST /api/v1/exams/{id}/attempts                     candidate: start or resume
PUT  /api/v1/attempts/{id}/answers/{question_id}     {"answer": ["B"], "seq": 3} → {"seq": 3}
POST /api/v1/attempts/{id}/submit                    → {"score", "passed"} (again: the same)
GET  /api/v1/attempts/{id}                           → state and saved answers
POST /api/v1/attempts/{id}/events                    {"kind": "hidden|blur"} (integrity)

Someone else's attempt is 404, exactly like an unknown one (existence does not leak).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from safetrain.core.errors import NotFound, ValidationFailed
from safetrain.exams import selectors, services
from safetrain.exams.schemas import (
    AnswerIn,
    AttemptOut,
    AttemptStateOut,
    EventIn,
    ExamIn,
    IdOut,
    OkOut,
    ResultOut,
    SeqOut,
    StartIn,
)

router = Router(tags=["exams 考试"])


@router.post("/exams", response={201: IdOut}, summary="创建考试（组织者）")
def exam_create(request: HttpRequest, payload: ExamIn) -> Status:
    from safetrain.enterprises.selectors import enterprise_get
    from safetrain.people.selectors import person_get

    viewer: Any = request.user
    services.check_may_organise(viewer)
    persons = []
    for i, uid in enumerate(payload.candidates):
        person = person_get(viewer=viewer, uid=uid)
        if person is None:
            raise ValidationFailed(
                f"第 {i + 1} 名考生不存在或不在您的管辖范围内",
                fields={f"candidates.{i}": "未找到"},
            )
        persons.append(person)
    enterprise = None
    if payload.enterprise:
        # looked up within the viewer's jurisdiction: an enterprise outside it answers exactly
        # as one that does not exist (docs/jurisdiction.md), never "not in your jurisdiction"
        enterprise = enterprise_get(viewer=viewer, credit_code=payload.enterprise)
        if enterprise is None:
            raise ValidationFailed(
                "企业不存在或不在您的管辖范围内", fields={"enterprise": "未找到"}
            )
    exam = services.exam_create(
        actor=viewer,
        title=payload.title,
        purpose=payload.purpose,
        pass_mark=payload.pass_mark,
        duration_minutes=payload.duration_minutes,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        candidates=persons,
        attempt_limit=payload.attempt_limit,
        rule=[r.dict() for r in payload.rule] if payload.rule is not None else None,
        question_ids=payload.question_ids,
        points=payload.points,
        enterprise=enterprise,
    )
    return Status(201, {"id": exam.pk})


@router.post("/exams/{exam_id}/attempts", response=AttemptOut, summary="开始或继续答题")
def attempt_start(request: HttpRequest, exam_id: str) -> dict[str, Any]:
    """No body for a candidate; an inspector hosting a spot check sends {"person": id}."""
    import json

    from safetrain.people.selectors import person_get

    viewer: Any = request.user
    payload = None
    if request.content_type == "application/json" and request.body.strip():
        try:
            payload = StartIn(**json.loads(request.body))
        except (ValueError, TypeError) as exc:
            raise ValidationFailed(
                '请求体须为 JSON 对象，如 {"person": "…"}', fields={"body": "无效"}
            ) from exc
    exam = selectors.candidate_exam_get(viewer=viewer, pk=exam_id)
    if exam is None:
        raise NotFound("未找到该考试")
    person = None
    if payload is not None and payload.person:
        person = person_get(viewer=viewer, uid=payload.person)
        if person is None:
            raise NotFound("未找到该考生", fields={"person": "未找到"})
    attempt = services.attempt_start(actor=viewer, exam=exam, person=person)
    return selectors.attempt_payload(attempt)


@router.put(
    "/attempts/{attempt_id}/answers/{question_id}", response=SeqOut, summary="保存一题的答案"
)
def answer_save(
    request: HttpRequest, attempt_id: str, question_id: int, payload: AnswerIn
) -> dict[str, Any]:
    viewer: Any = request.user
    seq = services.answer_save_by_uid(
        actor=viewer,
        uid=attempt_id,
        question_id=question_id,
        keys=payload.answer,
        seq=payload.seq,
    )
    return {"seq": seq}


@router.post("/attempts/{attempt_id}/submit", response=ResultOut, summary="交卷")
def attempt_submit(request: HttpRequest, attempt_id: str) -> dict[str, Any]:
    viewer: Any = request.user
    attempt = services.attempt_submit(
        actor=viewer, attempt=services.attempt_for(actor=viewer, uid=attempt_id)
    )
    return {"score": float(attempt.score or 0), "passed": bool(attempt.passed)}


@router.get("/attempts/{attempt_id}", response=AttemptStateOut, summary="答卷状态与已存答案")
def attempt_get(request: HttpRequest, attempt_id: str) -> dict[str, Any]:
    viewer: Any = request.user
    attempt = services.attempt_for(actor=viewer, uid=attempt_id)
    if attempt.state == attempt.State.IN_PROGRESS and services.clock() >= attempt.deadline:
        attempt = services.close_attempt(attempt, now=services.clock())
    return selectors.attempt_state(attempt)


@router.post("/attempts/{attempt_id}/events", response=OkOut, summary="记录离开页面/失去焦点")
def attempt_event(request: HttpRequest, attempt_id: str, payload: EventIn) -> dict[str, Any]:
    viewer: Any = request.user
    attempt = services.attempt_for(actor=viewer, uid=attempt_id)
    services.integrity_event_record(actor=viewer, attempt=attempt, kind=payload.kind)
    return {"ok": True}
