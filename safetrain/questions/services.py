"""Writes of banks and questions. Every question write makes a new immutable version."""

from __future__ import annotations

import hashlib
import json
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from safetrain.catalog.models import JobType, Sector
from safetrain.core.errors import NotFound, ValidationFailed
from safetrain.questions.models import (
    CHOICE_KEYS,
    TRUEFALSE_OPTIONS,
    Bank,
    Difficulty,
    Question,
    QuestionType,
    QuestionVersion,
)
from safetrain.questions.selectors import bank_manage_q
from safetrain.regions.models import CITY_CODE

if TYPE_CHECKING:
    from safetrain.enterprises.models import Enterprise
    from safetrain.people.models import User


# ---------------------------------------------------------------- content


def normalise_text(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def content_hash(qtype: str, stem: str, option_texts: Sequence[str]) -> str:
    """Identity of a question's content within a bank: type, stem and options (normalised).
    Answer, explanation, topic and difficulty are not part of it: changing them is an edit."""
    payload = json.dumps(
        [qtype, normalise_text(stem), [normalise_text(t) for t in option_texts]],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class QuestionContent:
    """Validated content of one version (what `question_create` / `question_edit` write)."""

    type: str
    stem: str
    options: tuple[str, ...]  # choice texts in key order A…; empty for true/false
    answer: tuple[str, ...]  # sorted keys
    explanation: str = ""
    sector: str | None = None  # sector code
    job_type: str | None = None  # job-type code
    topic: str = ""
    difficulty: str = Difficulty.MEDIUM

    @property
    def hash(self) -> str:
        return content_hash(self.type, self.stem, self.options)

    def option_dicts(self) -> list[dict[str, str]]:
        if self.type == QuestionType.TRUEFALSE:
            return [dict(o) for o in TRUEFALSE_OPTIONS]
        return [{"key": CHOICE_KEYS[i], "text": t} for i, t in enumerate(self.options)]


def validate_content(
    *,
    type: str,
    stem: str,
    options: Sequence[str],
    answer: Sequence[str],
    explanation: str = "",
    sector: str | None = None,
    job_type: str | None = None,
    topic: str = "",
    difficulty: str = Difficulty.MEDIUM,
    check_refs: bool = True,
) -> tuple[QuestionContent | None, dict[str, str]]:
    """Check content; return it with no errors, or None and {field: reason}. `check_refs`
    false: the caller has already checked sector and job type (the sheet, in bulk)."""
    errors: dict[str, str] = {}
    if type not in QuestionType.values:
        errors["type"] = "题型应为 单选/多选/判断 / type must be single, multiple or truefalse"
    stem = (stem or "").strip()
    if not stem:
        errors["stem"] = "题干为空 / the stem is empty"
    elif len(stem) > 2000:
        errors["stem"] = "题干超过 2000 字 / the stem is longer than 2000 characters"
    texts = [(t or "").strip() for t in options]
    while texts and not texts[-1]:
        texts.pop()
    keys = sorted({str(a).strip().upper() for a in answer if str(a).strip()})
    if type == QuestionType.TRUEFALSE:
        if texts:
            errors["options"] = "判断题不应有选项 / a true/false question has no options"
        if len(keys) != 1 or keys[0] not in ("T", "F"):
            errors["answer"] = "判断题答案应为 正确 或 错误 / answer must be true or false"
    elif type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if len(texts) > len(CHOICE_KEYS):
            errors["options"] = "最多 6 个选项（A–F） / at most six options"
        elif "" in texts:
            gap = CHOICE_KEYS[texts.index("")]
            errors["options"] = f"选项{gap}为空，但其后还有选项 / option {gap} is empty"
        elif len(texts) < 2:
            errors["options"] = "至少需要两个选项 / at least two options"
        elif len({normalise_text(t) for t in texts}) != len(texts):
            errors["options"] = "有重复的选项 / two options are the same"
        present = CHOICE_KEYS[: len(texts)]
        bad = [k for k in keys if k not in present]
        if not keys:
            errors["answer"] = "答案为空 / no answer"
        elif bad:
            errors["answer"] = (
                f"答案 {''.join(bad)} 不是本题的选项 / answer {''.join(bad)} is not an option"
            )
        elif type == QuestionType.SINGLE and len(keys) != 1:
            errors["answer"] = "单选题只能有一个答案 / a single-choice question has one answer"
        elif type == QuestionType.MULTIPLE and len(keys) < 2:
            errors["answer"] = (
                "多选题至少有两个答案 / a multiple-choice question has two or more answers"
            )
    if difficulty not in Difficulty.values:
        errors["difficulty"] = "难度应为 易/中/难 / difficulty must be easy, medium or hard"
    topic = (topic or "").strip()
    if len(topic) > 64:
        errors["topic"] = "知识类别超过 64 字 / topic too long"
    if check_refs and sector is not None and not Sector.objects.filter(pk=sector).exists():
        errors["sector"] = f"未知行业 {sector} / unknown sector"
    if check_refs and job_type is not None:
        job = JobType.objects.filter(code=job_type).first()
        if job is None:
            errors["job_type"] = f"未知工种 {job_type} / unknown job type"
        elif sector is not None and job.sector_id != sector:
            errors["job_type"] = "工种不属于该行业 / the job type belongs to another sector"
        elif sector is None:
            sector = job.sector_id
    if errors:
        return None, errors
    return (
        QuestionContent(
            type=type,
            stem=stem,
            options=tuple(texts) if type != QuestionType.TRUEFALSE else (),
            answer=tuple(keys),
            explanation=(explanation or "").strip(),
            sector=sector,
            job_type=job_type,
            topic=topic,
            difficulty=difficulty,
        ),
        {},
    )


def content_or_raise(**kwargs: Any) -> QuestionContent:
    content, errors = validate_content(**kwargs)
    if content is None:
        raise ValidationFailed("题目内容有误 / the question is invalid", fields=errors)
    return content


# ---------------------------------------------------------------- banks


def owner_for(actor: User | None) -> tuple[str | None, int | None]:
    """(region code, enterprise id) that owns banks the actor creates."""
    if actor is None or actor.is_superuser:
        return CITY_CODE, None
    if actor.role == "county_admin" and actor.region_id:
        return actor.region_id, None
    if actor.role == "enterprise_admin" and actor.enterprise_id:
        return None, actor.enterprise_id
    if actor.role in ("city_admin", "trainer"):
        return CITY_CODE, None
    raise ValidationFailed("该角色不能管理题库 / this role cannot manage question banks")


def owner_key(*, region: str | None, enterprise: int | None, trainer: int | None = None) -> str:
    owner = f"region:{region}" if region else f"enterprise:{enterprise}"
    if trainer is not None:
        owner += f":trainer:{trainer}"
    return owner


def actor_owner_key(actor: User | None) -> str:
    """The owner part of the scope key of banks the actor's imports and new questions go to."""
    region, ent_id = owner_for(actor)
    trainer = actor.pk if actor is not None and actor.role == "trainer" else None
    return owner_key(region=region, enterprise=ent_id, trainer=trainer)


def scope_key(
    *,
    region: str | None,
    enterprise: int | None,
    sector: str | None,
    job_type: str | None,
    trainer: int | None = None,
) -> str:
    owner = owner_key(region=region, enterprise=enterprise, trainer=trainer)
    return f"{owner}|{sector or '-'}|{job_type or '-'}"


def bank_name(sector: Sector | None, job: JobType | None) -> str:
    if job is not None:
        return f"{job.sector.name} · {job.name}"
    if sector is not None:
        return f"{sector.name} · 通用"
    return "安全生产通用知识"


def bank_ensure(
    *,
    actor: User | None,
    sector: str | None,
    job_type: str | None,
    enterprise: Enterprise | None = None,
    source: str = "web",
) -> Bank:
    """The actor's bank for (sector, job type), created when missing."""
    region, ent_id = owner_for(actor)
    if enterprise is not None:
        if actor is not None and not (
            actor.is_superuser
            or actor.role == "city_admin"
            or (actor.role == "county_admin" and enterprise.region_id == actor.region_id)
            or (actor.role == "enterprise_admin" and actor.enterprise_id == enterprise.pk)
        ):
            raise NotFound("企业不存在 / no such enterprise")
        region, ent_id = None, enterprise.pk
    trainer = actor.pk if actor is not None and actor.role == "trainer" else None
    key = scope_key(
        region=region, enterprise=ent_id, sector=sector, job_type=job_type, trainer=trainer
    )
    bank = Bank.objects.filter(scope_key=key).first()
    if bank is not None:
        return bank
    sector_obj = Sector.objects.filter(pk=sector).first() if sector else None
    job_obj = (
        JobType.objects.select_related("sector").filter(code=job_type).first() if job_type else None
    )
    name = bank_name(sector_obj, job_obj)
    if trainer is not None and actor is not None:
        name += f"（{actor.get_full_name() or actor.username}）"
    bank = Bank.objects.create(
        name=name,
        sector=sector_obj or (job_obj.sector if job_obj else None),
        job_type=job_obj,
        region_id=region,
        enterprise_id=ent_id,
        scope_key=key,
        created_by=actor if actor is not None and actor.pk else None,
        source=source,
    )
    return bank


# ---------------------------------------------------------------- questions


def _bump(bank_id: int) -> None:
    """A new revision token for the bank (see Bank.revision)."""
    Bank.objects.filter(pk=bank_id).update(revision=secrets.randbits(62))


def _write_version(
    question: Question, content: QuestionContent, *, actor: User | None, source: str, number: int
) -> QuestionVersion:
    job_id = None
    if content.job_type:
        job_id = JobType.objects.only("pk").get(code=content.job_type).pk
    options = content.option_dicts()
    return QuestionVersion.objects.create(
        question=question,
        number=number,
        type=content.type,
        stem=content.stem,
        options=options,
        option_count=len(options),
        answer=list(content.answer),
        explanation=content.explanation,
        sector_id=content.sector,
        job_type_id=job_id,
        topic=content.topic,
        difficulty=content.difficulty,
        content_hash=content.hash,
        created_by=actor if actor is not None and actor.pk else None,
        source=source,
    )


class DuplicateQuestion(ValidationFailed):
    code = "duplicate_question"

    def __init__(self, existing: Question):
        self.existing = existing
        super().__init__(
            f"题库中已有相同的题目（#{existing.pk}） / the bank already has this question "
            f"(#{existing.pk})",
            fields={"stem": f"duplicate of #{existing.pk}"},
        )


def question_create(
    *, actor: User | None, bank: Bank | None = None, content: QuestionContent, source: str = "web"
) -> Question:
    """A new question (version 1) in `bank`, or in the actor's bank of the content's sector and
    job type. The same content already in the bank raises DuplicateQuestion."""
    with transaction.atomic():
        if bank is None:
            bank = bank_ensure(
                actor=actor, sector=content.sector, job_type=content.job_type, source=source
            )
        elif (
            actor is not None and not Bank.objects.filter(bank_manage_q(actor), pk=bank.pk).exists()
        ):
            raise NotFound("题库不存在 / no such bank")
        existing = Question.objects.filter(
            bank=bank, content_hash=content.hash, retired=False
        ).first()
        if existing is not None:
            raise DuplicateQuestion(existing)
        question = Question.objects.create(bank=bank, content_hash=content.hash)
        version = _write_version(question, content, actor=actor, source=source, number=1)
        question.current = version
        question.save(update_fields=["current", "updated_at"])
        _bump(bank.pk)
        return question


def same_content(version: QuestionVersion, content: QuestionContent) -> bool:
    return (
        version.type == content.type
        and version.stem == content.stem
        and [o["text"] for o in version.options if version.type != "truefalse"]
        == list(content.options)
        and list(version.answer) == list(content.answer)
        and version.explanation == content.explanation
        and version.sector_id == content.sector
        and (version.job_type.code if version.job_type is not None else None) == content.job_type
        and version.topic == content.topic
        and version.difficulty == content.difficulty
    )


def question_edit(
    *, actor: User | None, question: Question, content: QuestionContent, source: str = "web"
) -> Question:
    """A new version of `question` (nothing when the content is unchanged). Earlier versions
    stay as they were: papers that named them keep exactly what was asked."""
    with transaction.atomic():
        locked = Question.objects.select_for_update(of=("self",)).filter(
            bank_manage_q(actor, "bank__"), pk=question.pk
        )
        q = locked.select_related("current", "current__job_type").first()
        if q is None:
            raise NotFound("题目不存在 / no such question")
        if q.current is not None and same_content(q.current, content):
            return q
        clash = (
            Question.objects.filter(bank=q.bank_id, content_hash=content.hash, retired=False)
            .exclude(pk=q.pk)
            .first()
        )
        if clash is not None:
            raise DuplicateQuestion(clash)
        number = (q.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = _write_version(q, content, actor=actor, source=source, number=number)
        q.current = version
        q.content_hash = content.hash
        q.save(update_fields=["current", "content_hash", "updated_at"])
        _bump(q.bank_id)
        return q


def question_retire(*, actor: User | None, question: Question) -> Question:
    """Take a question out of the bank (no longer drawn or practised); its versions remain."""
    with transaction.atomic():
        q = (
            Question.objects.select_for_update()
            .filter(bank_manage_q(actor, "bank__"), pk=question.pk)
            .first()
        )
        if q is None:
            raise NotFound("题目不存在 / no such question")
        if not q.retired:
            q.retired = True
            q.save(update_fields=["retired", "updated_at"])
            _bump(q.bank_id)
        return q
