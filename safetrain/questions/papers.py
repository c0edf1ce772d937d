"""Paper drawing: pure functions, no database.

A drawn paper is a list of `DrawnQuestion`s: which question version, its points, and the order
its options are shown in (the keys themselves never change, so an answer is always a list of
the version's own keys). The same rules, candidates and seed give the same paper.

Rules follow the Exam API (DESIGN §5): `{"type": "单选|多选|判断", "sector", "job", "topic",
"difficulty", "count", "points"}`; every filter is optional, `count` and `points` (per question)
are required. An optional `"handbook": id` narrows a rule to the questions a must-know handbook
links to (safetrain.handbooks; the caller passes `handbook_questions` to parse_rules). Type and difficulty accept the code (`single`, `easy`) or the Chinese label
(`单选`, `易`); sector a code or name; job a job-type code or name.

How a paper is drawn:
1. Each rule's pool = candidates matching all its filters. Rules are filled in order of their
   pool size (smallest first; ties by position), each from its pool minus what earlier rules
   took, so that a narrow rule is not starved by a broad one listed before it.
2. A rule whose remaining pool is smaller than its count refuses the whole paper with
   `PaperShortfall`, naming the rule (1-based position as given), wanted and available.
3. The paper is ordered by type (单选, 多选, 判断, the usual order of a Chinese paper) and
   shuffled within each type; choice options are shuffled; 正确/错误 keep their order.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from safetrain.core.errors import ValidationFailed

TYPE_CODES = {"single": "single", "multiple": "multiple", "truefalse": "truefalse"}
TYPE_LABELS = {"单选": "single", "多选": "multiple", "判断": "truefalse"}
TYPE_ORDER = {"single": 0, "multiple": 1, "truefalse": 2}
DIFFICULTY_CODES = {"easy": "easy", "medium": "medium", "hard": "hard"}
DIFFICULTY_LABELS = {"易": "easy", "中": "medium", "难": "hard"}
TYPE_NAME = {"single": "单选", "multiple": "多选", "truefalse": "判断"}
CHOICE_KEYS = "ABCDEF"
TRUEFALSE_KEYS = ("T", "F")
MAX_QUESTIONS = 500


class PaperError(ValidationFailed):
    """A paper that cannot be built (bad rule, unknown question). Maps to 422."""

    code = "invalid_paper"


class PaperShortfall(PaperError):
    """A rule the bank cannot fill. `fields["rule"]` = {"index", "wanted", "available"}."""

    code = "rule_shortfall"

    def __init__(self, *, index: int, rule: PaperRule, wanted: int, available: int):
        self.index = index
        self.rule = rule
        self.wanted = wanted
        self.available = available
        super().__init__(
            f"第 {index} 条抽题规则（{rule.describe()}）需要 {wanted} 题，题库中只有 {available} 题可用"
            f" / rule {index} ({rule.describe()}) wants {wanted} questions, "
            f"the bank has {available}",
            fields={
                "rule": {
                    "index": index,
                    "wanted": wanted,
                    "available": available,
                    "filters": rule.filters(),
                }
            },
        )


class Candidate(NamedTuple):
    """A question version that may be drawn: what rules filter on, nothing else (a named tuple:
    cheap to build by the ten thousand)."""

    version_id: int
    question_id: int
    type: str
    sector: str | None = None  # sector code
    job: str | None = None  # job type code
    topic: str = ""
    difficulty: str = "medium"
    option_count: int = 0

    @property
    def tags(self) -> tuple[str, str | None, str | None, str, str]:
        return (self.type, self.sector, self.job, self.topic, self.difficulty)


TagKey = tuple[str, str | None, str | None, str, str]  # type, sector, job, topic, difficulty


def _key_order(key: TagKey) -> tuple[str, ...]:
    return tuple(k or "" for k in key)


class CandidatePool:
    """Candidates grouped by their tags (a bank has a few hundred distinct combinations at
    most), each group sorted by version id, groups in tag order: a canonical order that does not
    depend on the order the candidates came in. Build once, draw many papers from it."""

    __slots__ = ("_matches", "groups", "size")

    def __init__(self, candidates: Iterable[Candidate]):
        groups: dict[TagKey, list[Candidate]] = {}
        seen: set[int] = set()
        for c in sorted(candidates):
            if c.question_id in seen:  # one version per question: the lowest version id given
                continue
            seen.add(c.question_id)
            key = (c[2], c[3], c[4], c[5], c[6])
            group = groups.get(key)
            if group is None:
                groups[key] = [c]
            else:
                group.append(c)
        self.groups: list[tuple[TagKey, list[Candidate]]] = sorted(
            groups.items(), key=lambda kv: _key_order(kv[0])
        )
        self.size = len(seen)
        self._matches: dict[tuple[Any, ...], list[tuple[TagKey, list[Candidate]]]] = {}

    def matching(self, rule: PaperRule) -> list[tuple[TagKey, list[Candidate]]]:
        """The groups a rule's filters select (remembered: papers drawn per candidate of one
        exam repeat the same rules)."""
        key = (rule.type, rule.sector, rule.job, rule.topic, rule.difficulty)
        found = self._matches.get(key)
        if found is None:
            found = [(k, g) for k, g in self.groups if rule.matches_tags(k)]
            self._matches[key] = found
        return found


@dataclass(frozen=True)
class PaperRule:
    count: int
    points: Decimal
    type: str | None = None
    sector: str | None = None
    job: str | None = None
    topic: str | None = None
    difficulty: str | None = None
    handbook: int | None = None
    questions: frozenset[int] | None = None  # only these question ids (a handbook's)

    def matches(self, c: Candidate) -> bool:
        return self.matches_tags(c.tags) and (
            self.questions is None or c.question_id in self.questions
        )

    def matches_tags(self, tags: tuple[str, str | None, str | None, str, str]) -> bool:
        """tags = (type, sector, job, topic, difficulty)."""
        return (
            (self.type is None or tags[0] == self.type)
            and (self.sector is None or tags[1] == self.sector)
            and (self.job is None or tags[2] == self.job)
            and (self.topic is None or tags[3] == self.topic)
            and (self.difficulty is None or tags[4] == self.difficulty)
        )

    def filters(self) -> dict[str, str]:
        out = {}
        for name in ("type", "sector", "job", "topic", "difficulty"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.handbook is not None:
            out["handbook"] = str(self.handbook)
        return out

    def describe(self) -> str:
        parts = []
        if self.type:
            parts.append(TYPE_NAME.get(self.type, self.type))
        for name in ("sector", "job", "topic", "difficulty", "handbook"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name}={value}")
        return ", ".join(parts) or "不限 / any"


@dataclass(frozen=True)
class DrawnQuestion:
    version_id: int
    question_id: int
    type: str
    points: Decimal
    option_order: tuple[str, ...]  # keys in the order shown
    rule_index: int | None = None  # 1-based rule position; None for a fixed paper

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version_id,
            "question": self.question_id,
            "points": str(Decimal(self.points).quantize(Decimal("0.01"))),
            "options": list(self.option_order),
        }


@dataclass(frozen=True)
class Paper:
    questions: tuple[DrawnQuestion, ...]
    seed: int | str
    total_points: Decimal = field(default=Decimal(0))

    def as_list(self) -> list[dict[str, Any]]:
        return [q.as_dict() for q in self.questions]


# ---------------------------------------------------------------- parsing


def _points(value: Any, where: str) -> Decimal:
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise PaperError(f"{where}: 分值“{value}”不是数字 / points is not a number") from None
    if not points.is_finite() or points <= 0 or points > 100:
        raise PaperError(f"{where}: 分值须在 0 到 100 之间 / points must be in (0, 100]")
    return points.quantize(Decimal("0.01"))


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool):
        raise PaperError(f"{where}: 题数须为正整数 / count must be a positive integer")
    try:
        count = int(str(value))
    except ValueError:
        raise PaperError(f"{where}: 题数须为正整数 / count must be a positive integer") from None
    if count < 1 or count > MAX_QUESTIONS:
        raise PaperError(f"{where}: 题数须在 1 到 {MAX_QUESTIONS} 之间 / count out of range")
    return count


def _optional(raw: Mapping[str, Any], name: str) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _handbook(
    raw: Mapping[str, Any], where: str, known: Mapping[int, frozenset[int]] | None
) -> tuple[int | None, frozenset[int] | None]:
    value = raw.get("handbook")
    if value is None or value == "":
        return None, None
    try:
        handbook = int(str(value))
    except ValueError:
        raise PaperError(
            f"{where}: 应知应会手册编号“{value}”不是整数 / handbook must be an id"
        ) from None
    if known is None or handbook not in known:
        raise PaperError(
            f"{where}: 应知应会手册 {handbook} 不存在 / unknown handbook",
            fields={"handbook": handbook},
        )
    return handbook, known[handbook]


def parse_rules(
    raw_rules: Sequence[Mapping[str, Any]],
    *,
    sector_codes: Mapping[str, str] | None = None,
    job_codes: Mapping[str, str] | None = None,
    handbook_questions: Mapping[int, frozenset[int]] | None = None,
) -> list[PaperRule]:
    """Rules from the Exam API's JSON. `sector_codes` / `job_codes` map accepted spellings
    (code or name) to codes; when given, an unknown sector or job is refused.
    `handbook_questions` maps handbook ids to their question ids; a rule naming a handbook not
    in it is refused."""
    if not raw_rules:
        raise PaperError("抽题规则为空 / no rules", fields={"rule": "empty"})
    rules = []
    for i, raw in enumerate(raw_rules, start=1):
        where = f"第 {i} 条规则 / rule {i}"
        if not isinstance(raw, Mapping):
            raise PaperError(f"{where}: 不是对象 / not an object")
        unknown = set(raw) - {
            "type",
            "sector",
            "job",
            "topic",
            "difficulty",
            "count",
            "points",
            "handbook",
        }
        if unknown:
            raise PaperError(f"{where}: 未知字段 / unknown fields {sorted(unknown)}")
        qtype = _optional(raw, "type")
        if qtype is not None:
            if qtype not in TYPE_CODES and qtype not in TYPE_LABELS:
                raise PaperError(f"{where}: 题型“{qtype}”应为 单选/多选/判断")
            qtype = TYPE_CODES.get(qtype) or TYPE_LABELS[qtype]
        difficulty = _optional(raw, "difficulty")
        if difficulty is not None:
            if difficulty not in DIFFICULTY_CODES and difficulty not in DIFFICULTY_LABELS:
                raise PaperError(f"{where}: 难度“{difficulty}”应为 易/中/难")
            difficulty = DIFFICULTY_CODES.get(difficulty) or DIFFICULTY_LABELS[difficulty]
        sector = _optional(raw, "sector")
        if sector is not None and sector_codes is not None:
            if sector not in sector_codes:
                raise PaperError(f"{where}: 未知行业“{sector}” / unknown sector")
            sector = sector_codes[sector]
        job = _optional(raw, "job")
        if job is not None and job_codes is not None:
            if job not in job_codes:
                raise PaperError(f"{where}: 未知工种“{job}” / unknown job type")
            job = job_codes[job]
        handbook, questions = _handbook(raw, where, handbook_questions)
        if "count" not in raw or "points" not in raw:
            raise PaperError(f"{where}: 缺少 count 或 points / count and points are required")
        rules.append(
            PaperRule(
                count=_count(raw["count"], where),
                points=_points(raw["points"], where),
                type=qtype,
                sector=sector,
                job=job,
                topic=_optional(raw, "topic"),
                difficulty=difficulty,
                handbook=handbook,
                questions=questions,
            )
        )
    if sum(r.count for r in rules) > MAX_QUESTIONS:
        raise PaperError(f"一张试卷最多 {MAX_QUESTIONS} 题 / at most {MAX_QUESTIONS} questions")
    return rules


# ---------------------------------------------------------------- drawing


def option_keys(qtype: str, option_count: int) -> tuple[str, ...]:
    if qtype == "truefalse":
        return TRUEFALSE_KEYS
    return tuple(CHOICE_KEYS[:option_count])


def _shuffled_options(rng: random.Random, qtype: str, option_count: int) -> tuple[str, ...]:
    keys = list(option_keys(qtype, option_count))
    if qtype != "truefalse":
        rng.shuffle(keys)
    return tuple(keys)


def _arrange(rng: random.Random, drawn: list[DrawnQuestion]) -> list[DrawnQuestion]:
    out: list[DrawnQuestion] = []
    for qtype in sorted({d.type for d in drawn}, key=lambda t: TYPE_ORDER.get(t, 9)):
        part = [d for d in drawn if d.type == qtype]
        rng.shuffle(part)
        out.extend(part)
    return out


def draw_paper(
    rules: Sequence[PaperRule] | Sequence[Mapping[str, Any]],
    candidates: Iterable[Candidate] | CandidatePool,
    seed: int | str,
) -> Paper:
    """Draw a paper. Raises PaperShortfall naming the first rule that cannot be filled."""
    if all(isinstance(r, PaperRule) for r in rules):
        rule_list: list[PaperRule] = list(rules)  # type: ignore[arg-type]
    else:
        rule_list = parse_rules(rules)  # type: ignore[arg-type]
    if not rule_list:
        raise PaperError("抽题规则为空 / no rules")
    pool = candidates if isinstance(candidates, CandidatePool) else CandidatePool(candidates)
    matching = [pool.matching(r) for r in rule_list]
    sizes = [
        sum(len(g) for _, g in m)
        if r.questions is None
        else sum(1 for _, g in m for c in g if c.question_id in r.questions)
        for r, m in zip(rule_list, matching, strict=True)
    ]
    rng = random.Random(f"paper:{seed}")
    taken: set[int] = set()
    taken_keys: set[TagKey] = set()
    drawn: list[DrawnQuestion] = []
    for idx in sorted(range(len(rule_list)), key=lambda i: (sizes[i], i)):
        rule = rule_list[idx]
        available: list[Candidate] = []
        for key, group in matching[idx]:
            if rule.questions is not None:  # a handbook's questions only
                allowed = rule.questions
                available.extend(
                    c for c in group if c.question_id in allowed and c.question_id not in taken
                )
            elif key in taken_keys:  # an earlier rule took some of this group
                available.extend(c for c in group if c.question_id not in taken)
            else:
                available.extend(group)
        if len(available) < rule.count:
            raise PaperShortfall(
                index=idx + 1, rule=rule, wanted=rule.count, available=len(available)
            )
        for c in rng.sample(available, rule.count):
            taken.add(c.question_id)
            taken_keys.add((c[2], c[3], c[4], c[5], c[6]))
            drawn.append(
                DrawnQuestion(
                    version_id=c.version_id,
                    question_id=c.question_id,
                    type=c.type,
                    points=rule.points,
                    option_order=_shuffled_options(rng, c.type, c.option_count),
                    rule_index=idx + 1,
                )
            )
    drawn.sort(key=lambda d: d.question_id)  # independent of rule order before arranging
    arranged = _arrange(rng, drawn)
    return Paper(
        questions=tuple(arranged),
        seed=seed,
        total_points=sum((d.points for d in arranged), Decimal(0)),
    )


def fixed_paper(
    question_ids: Sequence[int],
    points: Decimal | int | str | Sequence[Any],
    candidates: Iterable[Candidate],
    seed: int | str,
    *,
    shuffle: bool = True,
) -> Paper:
    """A fixed paper: these questions (their current versions among `candidates`), `points` each
    (one value for all, or one per question). Shuffled by seed unless `shuffle` is false."""
    if not question_ids:
        raise PaperError("固定试卷没有题目 / no question_ids", fields={"question_ids": "empty"})
    if len(question_ids) > MAX_QUESTIONS:
        raise PaperError(f"一张试卷最多 {MAX_QUESTIONS} 题 / at most {MAX_QUESTIONS} questions")
    if len(set(question_ids)) != len(question_ids):
        raise PaperError(
            "题目重复 / a question is listed twice", fields={"question_ids": "repeated"}
        )
    if isinstance(points, (list, tuple)):
        if len(points) != len(question_ids):
            raise PaperError(
                "points 的个数与 question_ids 不一致 / one points value per question",
                fields={"points": "length"},
            )
        point_list = [
            _points(p, f"question {q}") for p, q in zip(points, question_ids, strict=True)
        ]
    else:
        point_list = [_points(points, "points")] * len(question_ids)
    by_question = {c.question_id: c for c in candidates}
    missing = [q for q in question_ids if q not in by_question]
    if missing:
        raise PaperError(
            f"题目不存在或不可用 / unknown questions: {missing}",
            fields={"question_ids": missing},
        )
    rng = random.Random(f"paper:{seed}")
    drawn = []
    for qid, pts in zip(question_ids, point_list, strict=True):
        c = by_question[qid]
        order = (
            _shuffled_options(rng, c.type, c.option_count)
            if shuffle
            else option_keys(c.type, c.option_count)
        )
        drawn.append(
            DrawnQuestion(
                version_id=c.version_id,
                question_id=c.question_id,
                type=c.type,
                points=pts,
                option_order=order,
            )
        )
    arranged = _arrange(rng, drawn) if shuffle else drawn
    return Paper(
        questions=tuple(arranged),
        seed=seed,
        total_points=sum((d.points for d in arranged), Decimal(0)),
    )
