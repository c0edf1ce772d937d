"""Demo exams: an open pre-job exam for the flagship mine's workers (demo-worker can take it on
a phone), and a spot check by demo-inspector in which one worker failed (the retraining to-do
and the awareness rate show it). Idempotent: everything is found by its title first."""

from __future__ import annotations

import datetime as dt

from safetrain.core.dates import SHANGHAI
from safetrain.demo.context import DemoContext

EXAM_TITLE = "综采队岗前安全考试（演示）"
SPOT_TITLE_PREFIX = "现场抽考（演示）"
TOPICS = ["法律法规", "风险辨识", "隐患排查", "应急处置", "操作规程"]


def _ensure_questions(ctx: DemoContext, wanted: int = 25) -> None:
    from safetrain.questions.models import Question
    from safetrain.questions.services import content_or_raise, question_create

    if Question.objects.filter(retired=False).count() >= wanted:
        return
    rng = ctx.rng("exams:questions")
    for i in range(wanted):
        qtype = "single" if i % 5 < 3 else ("multiple" if i % 5 == 3 else "truefalse")
        if qtype == "truefalse":
            options: list[str] = []
            answer = [rng.choice("TF")]
        else:
            options = [f"做法{'甲乙丙丁'[k]}（第 {i + 1} 题）" for k in range(4)]
            answer = sorted(rng.sample("ABCD", 2)) if qtype == "multiple" else [rng.choice("ABCD")]
        content = content_or_raise(
            type=qtype,
            stem=f"演示题 {i + 1}：关于{TOPICS[i % 5]}，下列说法正确的是？",
            options=options,
            answer=answer,
            explanation="演示解析：依据《安全生产法》及煤矿安全规程。",
            sector="coal_mine",
            topic=TOPICS[i % 5],
        )
        try:
            question_create(actor=None, content=content, source="seed")
        except Exception:  # noqa: BLE001 - already there (duplicate content)
            continue


def exams(ctx: DemoContext) -> None:
    from safetrain.demo.steps.logins import logins
    from safetrain.exams import services
    from safetrain.exams.models import Exam
    from safetrain.people.models import User

    logins(ctx)  # the organisers are demo accounts (idempotent; the logins step runs again)
    _ensure_questions(ctx)
    admin = User.objects.get(username="demo-enterprise")
    inspector = User.objects.get(username="demo-inspector")
    mine = ctx.enterprises[ctx.flagship.credit_code]
    if not Exam.objects.filter(title=EXAM_TITLE).exists():
        persons = services.candidates_by_group(
            actor=admin, enterprise=mine, roles=["worker"], on=ctx.anchor
        )
        opens = dt.datetime.combine(ctx.anchor, dt.time(8, 0), SHANGHAI)
        services.exam_create(
            actor=admin,
            title=EXAM_TITLE,
            purpose="prejob",
            duration_minutes=30,
            opens_at=opens - dt.timedelta(days=1),
            closes_at=opens + dt.timedelta(days=60),
            candidates=persons,
            rule=[
                {"type": "单选", "count": 6, "points": 10},
                {"type": "多选", "count": 2, "points": 10},
                {"type": "判断", "count": 2, "points": 10},
            ],
        )
        ctx.say(f"exams: {EXAM_TITLE}，考生 {len(persons)} 人")
    if not Exam.objects.filter(title__startswith=SPOT_TITLE_PREFIX).exists():
        worker = User.objects.get(username="demo-worker")
        persons = [
            p
            for p in services.candidates_by_group(actor=inspector, enterprise=mine, on=ctx.anchor)
            if p.pk != worker.person_id
        ][:3]
        if persons:
            exam = services.start_spot_check_exam(
                inspector=inspector,
                enterprise=mine,
                persons=persons,
                question_count=5,
                title=f"{SPOT_TITLE_PREFIX}{mine.name}",
            )
            # the first drawn worker took it on the inspector's phone and answered nothing right
            attempt = services.attempt_start(actor=inspector, exam=exam, person=persons[0])
            services.attempt_submit(actor=inspector, attempt=attempt)
            ctx.say(f"exams: 抽考 {len(persons)} 人，1 人不合格（待重新培训）")
