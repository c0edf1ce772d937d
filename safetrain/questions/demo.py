"""Load the demo questions (safetrain/questions/demo_bank.py) into city banks: idempotent, a
question already in its bank (same content) is left alone."""

from __future__ import annotations

from safetrain.catalog.models import JobType, Sector
from safetrain.questions.demo_bank import questions
from safetrain.questions.models import Bank, Question
from safetrain.questions.services import bank_ensure, question_create, validate_content
from safetrain.questions.sheets import DIFFICULTY_BY_LABEL, TYPE_BY_LABEL, parse_answer


def load_demo_questions() -> int:
    sectors = dict(Sector.objects.values_list("name", "code"))
    jobs: dict[tuple[str | None, str], str] = {
        (s, n): c for c, n, s in JobType.objects.values_list("code", "name", "sector_id")
    }
    banks: dict[tuple[str | None, str | None], Bank] = {}
    created = 0
    for q in questions():
        qtype = TYPE_BY_LABEL[q.type]
        sector = sectors[q.sector] if q.sector else None
        job = jobs[(sector, q.job)] if q.job else None
        answer, reason = parse_answer(qtype, q.answer)
        if answer is None:
            raise ValueError(f"demo question {q.stem!r}: {reason}")
        content, errors = validate_content(
            type=qtype,
            stem=q.stem,
            options=list(q.options),
            answer=answer,
            explanation=q.explanation,
            sector=sector,
            job_type=job,
            topic=q.topic,
            difficulty=DIFFICULTY_BY_LABEL[q.difficulty],
            check_refs=False,
        )
        if content is None:
            raise ValueError(f"demo question {q.stem!r}: {errors}")
        key = (sector, job)
        if key not in banks:
            banks[key] = bank_ensure(actor=None, sector=sector, job_type=job, source="seed")
        if Question.objects.filter(
            bank=banks[key], content_hash=content.hash, retired=False
        ).exists():
            continue
        question_create(actor=None, bank=banks[key], content=content, source="seed")
        created += 1
    return created
