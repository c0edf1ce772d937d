"""The `题库` workbook sheet (DESIGN §5): check, write and export questions.

Columns: 题型 (单选/多选/判断), 题干, 选项A … 选项F, 答案 (letters such as `B` or `ABD`; 判断:
正确/错误, also 对/错), 解析, 行业, 工种, 知识类别, 难度 (易/中/难; empty: 中).

The sheet has no bank or owner column: a row goes to the importer's bank of its 行业 and 工种
(city banks for the command line and the city admin, the county's for a county admin, the
enterprise's for an enterprise admin, the trainer's own for a trainer), created when missing.
Export writes the same banks back (the command line: city banks, or those of `--region` /
`--enterprise`), so import → export → import changes nothing.

A row is matched to a stored question by its content (type, stem and options, normalised):
- the same content with the same answer, explanation and tags: unchanged (reported once as a
  warning, never a second copy);
- the same content with another answer, explanation or tag: a new version of that question;
- otherwise a new question.
Two rows of one file with the same content: identical → the second is reported and skipped;
different answers or tags → an error on the second row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from safetrain.catalog.models import JobType, Sector
from safetrain.core.errors import ValidationFailed
from safetrain.questions.models import CHOICE_KEYS, Bank, Difficulty, Question, QuestionType
from safetrain.questions.services import (
    QuestionContent,
    actor_owner_key,
    bank_ensure,
    owner_key,
    question_create,
    question_edit,
    same_content,
    validate_content,
)
from safetrain.workbook.registry import ExportScope, ImportContext, Row, SheetHandler, register

SHEET = "题库"
H_TYPE = "题型"
H_STEM = "题干"
H_OPTIONS = [f"选项{k}" for k in CHOICE_KEYS]
H_ANSWER = "答案"
H_EXPLANATION = "解析"
H_SECTOR = "行业"
H_JOB = "工种"
H_TOPIC = "知识类别"
H_DIFFICULTY = "难度"

TYPE_BY_LABEL = {t.label: t.value for t in QuestionType}
TYPE_LABEL = {t.value: t.label for t in QuestionType}
DIFFICULTY_BY_LABEL = {d.label: d.value for d in Difficulty}
DIFFICULTY_LABEL = {d.value: d.label for d in Difficulty}
TRUE_WORDS = {"正确", "对", "√", "是"}
FALSE_WORDS = {"错误", "错", "×", "否"}
SEPARATORS = re.compile(r"[\s,，、;；/]+")
FIELD_COLUMN = {
    "type": H_TYPE,
    "stem": H_STEM,
    "options": H_OPTIONS[0],
    "answer": H_ANSWER,
    "difficulty": H_DIFFICULTY,
    "topic": H_TOPIC,
    "sector": H_SECTOR,
    "job_type": H_JOB,
}


@dataclass
class QuestionRow:
    row: int
    key: str  # bank scope key
    content: QuestionContent
    question_id: int | None  # the stored question of the same content, if any


def parse_answer(qtype: str, raw: str) -> tuple[list[str] | None, str]:
    """The answer cell as keys, or None and a reason."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None, "答案为空"
    if qtype == QuestionType.TRUEFALSE:
        if text in TRUE_WORDS:
            return ["T"], ""
        if text in FALSE_WORDS:
            return ["F"], ""
        return None, f"判断题的答案“{raw}”应为 正确 或 错误（也可写 对/错）"
    letters = SEPARATORS.sub("", text).upper()
    if not letters.isascii() or not letters.isalpha():
        return None, f"答案“{raw}”应为选项字母，如 B 或 ABD"
    return list(letters), ""


@register
class QuestionSheet(SheetHandler):
    name = SHEET
    headers = [
        H_TYPE,
        H_STEM,
        *H_OPTIONS,
        H_ANSWER,
        H_EXPLANATION,
        H_SECTOR,
        H_JOB,
        H_TOPIC,
        H_DIFFICULTY,
    ]
    order = 110
    description = "题库：单选、多选、判断题"

    def check(self, rows: list[Row], ctx: ImportContext) -> list[QuestionRow]:
        try:
            owner = actor_owner_key(ctx.actor)
        except ValidationFailed:  # a role that cannot manage banks (inspector, worker)
            if rows:
                ctx.error(SHEET, rows[0].number, H_TYPE, "您的角色不能导入题库")
            return []
        sectors: dict[str, str] = {}
        for code, name in Sector.objects.values_list("code", "name"):
            sectors[code] = code
            sectors[name] = code
        jobs_by_sector: dict[tuple[str, str], str] = {}
        jobs_by_name: dict[str, list[str]] = {}
        job_sector: dict[str, str] = {}
        for code, name, job_sector_code in JobType.objects.values_list("code", "name", "sector_id"):
            jobs_by_sector[(job_sector_code, name)] = code
            jobs_by_sector[(job_sector_code, code)] = code
            jobs_by_name.setdefault(name, []).append(code)
            jobs_by_name.setdefault(code, []).append(code)
            job_sector[code] = job_sector_code
        parsed: list[tuple[Row, QuestionContent, str]] = []
        for row in rows:
            n = row.number
            ok = True
            type_raw = row.get(H_TYPE).strip()
            qtype = TYPE_BY_LABEL.get(type_raw, type_raw if type_raw in TYPE_LABEL else "")
            if not qtype:
                ctx.error(SHEET, n, H_TYPE, f"题型“{type_raw}”无效（可选：单选/多选/判断）")
                continue
            options = [row.get(h).strip() for h in H_OPTIONS]
            if qtype == QuestionType.TRUEFALSE:
                filled = [h for h, t in zip(H_OPTIONS, options, strict=True) if t]
                if filled:
                    ctx.error(SHEET, n, filled[0], "判断题不应填写选项")
                    ok = False
            else:
                while options and not options[-1]:
                    options.pop()
                if "" in options:
                    gap = options.index("")
                    ctx.error(
                        SHEET, n, H_OPTIONS[gap], f"选项{CHOICE_KEYS[gap]}为空，但其后还有选项"
                    )
                    ok = False
            answer, reason = parse_answer(qtype, row.get(H_ANSWER))
            if answer is None:
                ctx.error(SHEET, n, H_ANSWER, reason)
                ok = False
            elif qtype != QuestionType.TRUEFALSE and ok:
                bad = sorted({k for k in answer if k not in CHOICE_KEYS[: len(options)]})
                if bad:
                    ctx.error(
                        SHEET,
                        n,
                        H_ANSWER,
                        f"答案 {''.join(bad)} 不是本题的选项（本题选项为 "
                        f"{CHOICE_KEYS[: len(options)] or '无'}）",
                    )
                    ok = False
                elif len(answer) != len(set(answer)):
                    ctx.error(SHEET, n, H_ANSWER, f"答案“{row.get(H_ANSWER)}”有重复的字母")
                    ok = False
            sector_raw = row.get(H_SECTOR).strip()
            sector = sectors.get(sector_raw) if sector_raw else None
            if sector_raw and sector is None:
                ctx.error(
                    SHEET,
                    n,
                    H_SECTOR,
                    f"未知行业“{sector_raw}”（可选：煤矿/金属非金属矿山/危险化学品/金属冶炼/工贸其他）",
                )
                ok = False
            job_raw = row.get(H_JOB).strip()
            job: str | None = None
            if job_raw and (sector or not sector_raw):
                if sector:
                    job = jobs_by_sector.get((sector, job_raw))
                    if job is None:
                        ctx.error(SHEET, n, H_JOB, f"行业“{sector_raw}”中没有工种“{job_raw}”")
                        ok = False
                else:
                    codes = jobs_by_name.get(job_raw, [])
                    if len(codes) == 1:
                        job = codes[0]
                        sector = job_sector[job]
                    elif not codes:
                        ctx.error(SHEET, n, H_JOB, f"未知工种“{job_raw}”")
                        ok = False
                    else:
                        ctx.error(SHEET, n, H_JOB, f"工种“{job_raw}”属于多个行业，请填写行业")
                        ok = False
            diff_raw = row.get(H_DIFFICULTY).strip()
            difficulty = DIFFICULTY_BY_LABEL.get(
                diff_raw, diff_raw if diff_raw in DIFFICULTY_LABEL else ""
            )
            if not diff_raw:
                difficulty = Difficulty.MEDIUM
            elif not difficulty:
                ctx.error(SHEET, n, H_DIFFICULTY, f"难度“{diff_raw}”无效（可选：易/中/难）")
                ok = False
            if not ok or answer is None:
                continue
            content, errors = validate_content(
                type=qtype,
                stem=row.get(H_STEM),
                options=options if qtype != QuestionType.TRUEFALSE else [],
                answer=answer,
                explanation=row.get(H_EXPLANATION),
                sector=sector,
                job_type=job,
                topic=row.get(H_TOPIC),
                difficulty=difficulty,
                check_refs=False,
            )
            if content is None:
                for field_name, message in errors.items():
                    column = FIELD_COLUMN.get(field_name, H_TYPE)
                    ctx.error(SHEET, n, column, message.split(" / ")[0])
                continue
            key = f"{owner}|{sector or '-'}|{job or '-'}"
            parsed.append((row, content, key))

        banks = dict(
            Bank.objects.filter(scope_key__in={k for _, _, k in parsed}).values_list(
                "pk", "scope_key"
            )
        )
        stored: dict[tuple[str, str], Question] = {}
        for q in Question.objects.filter(bank_id__in=banks, retired=False).select_related(
            "current", "current__job_type"
        ):
            stored[(banks[q.bank_id], q.content_hash)] = q
        seen: dict[tuple[str, str], tuple[int, QuestionContent]] = {}
        plan: list[QuestionRow] = []
        unchanged: list[int] = []
        for row, content, key in parsed:
            ident = (key, content.hash)
            if ident in seen:
                first_row, first = seen[ident]
                if first == content:
                    ctx.warnings.append(
                        f"{SHEET}, {row.number}: 与第 {first_row} 行是同一题，未重复导入"
                    )
                else:
                    ctx.error(
                        SHEET,
                        row.number,
                        H_STEM,
                        f"与第 {first_row} 行题干和选项相同，但答案、解析或分类不同",
                    )
                continue
            seen[ident] = (row.number, content)
            existing = stored.get(ident)
            if (
                existing is not None
                and existing.current is not None
                and same_content(existing.current, content)
            ):
                unchanged.append(row.number)
                continue
            plan.append(
                QuestionRow(
                    row=row.number,
                    key=key,
                    content=content,
                    question_id=existing.pk if existing is not None else None,
                )
            )
        if unchanged:
            listed = "、".join(str(n) for n in unchanged[:20])
            more = " …" if len(unchanged) > 20 else ""
            ctx.warnings.append(
                f"{SHEET}: {len(unchanged)} 行与题库中已有的题目相同，未重复导入"
                f"（第 {listed}{more} 行）"
            )
        return plan

    def write(self, plan: list[QuestionRow], ctx: ImportContext) -> int:
        banks: dict[str, Bank] = {}
        questions = {
            q.pk: q
            for q in Question.objects.filter(pk__in=[r.question_id for r in plan if r.question_id])
        }
        written = 0
        for r in plan:
            if r.question_id is not None:
                question_edit(
                    actor=ctx.actor,
                    question=questions[r.question_id],
                    content=r.content,
                    source="import",
                )
            else:
                bank = banks.get(r.key)
                if bank is None:
                    bank = bank_ensure(
                        actor=ctx.actor,
                        sector=r.content.sector,
                        job_type=r.content.job_type,
                        source="import",
                    )
                    banks[r.key] = bank
                question_create(actor=ctx.actor, bank=bank, content=r.content, source="import")
            written += 1
        return written

    def export_rows(self, scope: ExportScope) -> list[list[Any]]:
        if scope.enterprise:
            from safetrain.enterprises.models import Enterprise

            ent = Enterprise.objects.filter(credit_code=scope.enterprise.strip().upper()).first()
            if ent is None:
                return []
            owner = owner_key(region=None, enterprise=ent.pk)
        elif scope.region:
            owner = owner_key(region=scope.region.strip(), enterprise=None)
        else:
            try:
                owner = actor_owner_key(scope.viewer)
            except ValidationFailed:
                return []
        if scope.viewer is not None:
            from safetrain.questions.selectors import bank_manage_q

            bank_ids = Bank.objects.filter(bank_manage_q(scope.viewer)).filter(
                scope_key__startswith=owner + "|"
            )
        else:
            bank_ids = Bank.objects.filter(scope_key__startswith=owner + "|")
        versions = (
            Question.objects.filter(bank__in=bank_ids, retired=False)
            .select_related("current", "current__sector", "current__job_type")
            .order_by("bank__scope_key", "pk")
        )
        out: list[list[Any]] = []
        for q in versions:
            v = q.current
            if v is None:
                continue
            texts = [o["text"] for o in v.options] if v.type != QuestionType.TRUEFALSE else []
            texts += [""] * (len(H_OPTIONS) - len(texts))
            if v.type == QuestionType.TRUEFALSE:
                answer = "正确" if v.answer == ["T"] else "错误"
            else:
                answer = "".join(v.answer)
            out.append(
                [
                    TYPE_LABEL[v.type],
                    v.stem,
                    *texts,
                    answer,
                    v.explanation,
                    v.sector.name if v.sector is not None else "",
                    v.job_type.name if v.job_type is not None else "",
                    v.topic,
                    DIFFICULTY_LABEL[v.difficulty],
                ]
            )
        return out
