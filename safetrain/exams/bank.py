"""The one place that talks to safetrain.questions (the question bank, drawing, grading).

Everything else in the exams app sees questions through `QuestionView` / `Drawn` and these
functions. Option keys are the bank's stable keys ("A"…"F"; "T"/"F" for 判断); a paper
shuffles the order they are shown in, never the keys. Drawing uses the bank's pure
`papers.draw_paper` over the organiser's readable banks (`selectors.candidate_list`), so a rule
the bank cannot fill is refused with its `PaperShortfall` (422, naming the rule, wanted and
available).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

TYPE_LABELS = {"single": "单选", "multiple": "多选", "truefalse": "判断"}
LABEL_TYPES = {v: k for k, v in TYPE_LABELS.items()}
FIELDS = ("id", "question_id", "type", "stem", "options", "topic")


@dataclass(frozen=True)
class QuestionView:
    """What a candidate may see of a version (never the answer)."""

    question_id: int
    version_id: int
    type: str  # single / multiple / truefalse
    stem: str
    options: tuple[tuple[str, str], ...]  # (key, text) in the bank's order
    topic: str


@dataclass(frozen=True)
class Drawn:
    """One question of a candidate's paper: the version, its points, the options' order."""

    question_id: int
    version_id: int
    type: str
    points: Decimal
    option_order: tuple[str, ...]


def _view(row: dict[str, Any]) -> QuestionView:
    return QuestionView(
        question_id=row["question_id"],
        version_id=row["id"],
        type=row["type"],
        stem=row["stem"],
        options=tuple((o["key"], o["text"]) for o in row["options"]),
        topic=row["topic"] or "其他",
    )


def view(version: Any) -> QuestionView:
    return _view({f: getattr(version, f) for f in FIELDS})


def views(version_ids: Iterable[int]) -> dict[int, QuestionView]:
    from safetrain.questions.models import QuestionVersion

    rows = QuestionVersion.objects.filter(pk__in=list(version_ids)).values(*FIELDS)
    return {r["id"]: _view(r) for r in rows}


def answer_key(version: Any) -> list[str]:
    return list(version.answer)


def explanation(version: Any) -> str:
    return str(version.explanation or "")


def grade(version: Any, keys: Sequence[str], points: Decimal) -> Decimal:
    """Points these answer keys earn (the bank's rule: 少选得半分, 错选不得分)."""
    from safetrain.questions.grading import grade as bank_grade

    return Decimal(bank_grade(version, list(keys), points))


def draw(rule: list[dict[str, Any]], *, seed: str, viewer: Any) -> list[Drawn]:
    """A candidate's paper from the banks `viewer` (the organiser) reads; the same seed gives
    the same paper. PaperShortfall (ValidationFailed, 422) names a rule the bank cannot fill."""
    from safetrain.questions.papers import draw_paper, parse_rules
    from safetrain.questions.selectors import candidate_pool, rule_codes

    sectors, jobs = rule_codes()
    items = [{k: v for k, v in item.items() if v not in ("", None)} for item in rule]
    rules = parse_rules(
        items, sector_codes=sectors, job_codes=jobs, handbook_questions=_handbooks(items)
    )
    paper = draw_paper(rules, candidate_pool(viewer=viewer), seed)
    return [
        Drawn(d.question_id, d.version_id, d.type, Decimal(d.points), tuple(d.option_order))
        for d in paper.questions
    ]


def _handbooks(items: list[dict[str, Any]]) -> dict[int, frozenset[int]] | None:
    """Question ids of the must-know handbooks the rule names (safetrain.handbooks)."""
    ids = []
    for item in items:
        try:
            ids.append(int(str(item["handbook"])))
        except (KeyError, ValueError):
            continue
    if not ids:
        return None
    from safetrain.handbooks.selectors import handbook_question_ids

    return handbook_question_ids(ids)


def fixed(question_ids: Sequence[int], points: Any, *, viewer: Any) -> list[Drawn]:
    """The current versions of these questions (in this order), frozen for a fixed paper."""
    from safetrain.questions.papers import fixed_paper
    from safetrain.questions.selectors import candidate_list

    paper = fixed_paper(
        list(question_ids), points, candidate_list(viewer=viewer), "fixed", shuffle=False
    )
    return [
        Drawn(d.question_id, d.version_id, d.type, Decimal(d.points), tuple(d.option_order))
        for d in paper.questions
    ]


def shuffled_fixed(paper: list[dict[str, Any]], *, seed: str, shuffle: bool) -> list[Drawn]:
    """A fixed paper for one candidate: the frozen versions, questions and options shuffled."""
    found = views(int(p["version"]) for p in paper)
    rng = random.Random(f"fixed:{seed}")
    out = []
    for p in paper:
        v = found[int(p["version"])]
        keys = [k for k, _ in v.options]
        if shuffle and v.type != "truefalse":
            rng.shuffle(keys)
        out.append(Drawn(v.question_id, v.version_id, v.type, Decimal(p["points"]), tuple(keys)))
    if shuffle:
        rng.shuffle(out)
    return out
