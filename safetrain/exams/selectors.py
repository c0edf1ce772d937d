"""Reads for exams, scoped: organisers see the exams of their jurisdiction, workers their own."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from safetrain.core.scope import is_citywide
from safetrain.exams import bank
from safetrain.exams.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    Candidate,
    Exam,
    IntegrityEvent,
    Retraining,
)
from safetrain.people.models import User

ORGANISER_VIEW_ROLES = frozenset({"city_admin", "county_admin", "enterprise_admin", "inspector"})


def _role(viewer: User) -> str:
    return "city_admin" if viewer.is_superuser else str(viewer.role)


def exam_list(*, viewer: User) -> QuerySet[Exam]:
    """Exams the viewer organises or oversees: the city sees all, a county its county's (its
    own and its enterprises'), an enterprise admin its enterprise's, an inspector the spot
    checks it started and its region's exams. Workers and trainers: none (see my_exams)."""
    qs = Exam.objects.select_related("enterprise", "organiser")
    if not viewer.is_authenticated or not viewer.is_active:
        return qs.none()
    role = _role(viewer)
    if role not in ORGANISER_VIEW_ROLES:
        return qs.none()
    if is_citywide(viewer):
        return qs
    if role in ("county_admin", "inspector"):
        return qs.filter(
            Q(region_id=viewer.region_id)
            | Q(enterprise__region_id=viewer.region_id)
            | Q(organiser=viewer)
        )
    if viewer.enterprise_id is None:
        return qs.none()
    return qs.filter(enterprise_id=viewer.enterprise_id)


def exam_get(*, viewer: User, pk: object) -> Exam | None:
    try:
        key = int(str(pk))
    except ValueError:
        return None
    return exam_list(viewer=viewer).filter(pk=key).first()


def my_exams(*, viewer: User) -> list[tuple[Exam, list[Attempt]]]:
    """The worker's exams (as a candidate) with their attempts, newest first."""
    if viewer.person_id is None:
        return []
    exams = list(
        Exam.objects.filter(candidates__person_id=viewer.person_id).order_by("-opens_at", "-id")
    )
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for a in Attempt.objects.filter(person_id=viewer.person_id, exam__in=exams).order_by("number"):
        attempts[a.exam_id].append(a)
    return [(e, attempts[e.pk]) for e in exams]


def candidate_exam_get(*, viewer: User, pk: object) -> Exam | None:
    """An exam the viewer is a candidate of (or, for a spot check, organised)."""
    try:
        key = int(str(pk))
    except ValueError:
        return None
    qs = Exam.objects.filter(pk=key)
    if viewer.person_id is not None:
        found = qs.filter(candidates__person_id=viewer.person_id).first()
        if found is not None:
            return found
    return qs.filter(organiser=viewer, purpose="spot_check").first()


def attempt_payload(attempt: Attempt) -> dict[str, Any]:
    """What a client needs to take the attempt: questions in the candidate's order with the
    options in the shuffled order, saved answers with their seq. Never the answer key."""
    rows = (
        AttemptQuestion.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list(
            "question_id",
            "option_order",
            "points",
            "version__type",
            "version__stem",
            "version__options",
        )
    )  # one query with the versions asked
    questions = []
    for qid, order, points, qtype, stem, options in rows:
        texts = {o["key"]: o["text"] for o in options}
        questions.append(
            {
                "id": qid,
                "type": bank.TYPE_LABELS[qtype],
                "stem": stem,
                "points": float(points),
                "options": [{"key": k, "text": texts[k]} for k in order],
            }
        )
    answers = {
        str(qid): {"answer": keys, "seq": seq}
        for qid, keys, seq in Answer.objects.filter(attempt=attempt).values_list(
            "question_id", "keys", "seq"
        )
    }
    return {
        "id": str(attempt.uid),
        "exam": attempt.exam_id,
        "title": attempt.exam.title,
        "state": attempt.state,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "questions": questions,
        "answers": answers,
        "score": float(attempt.score) if attempt.score is not None else None,
        "passed": attempt.passed,
    }


def attempt_state(attempt: Attempt) -> dict[str, Any]:
    answers = {
        str(qid): {"answer": keys, "seq": seq}
        for qid, keys, seq in Answer.objects.filter(attempt=attempt).values_list(
            "question_id", "keys", "seq"
        )
    }
    return {
        "id": str(attempt.uid),
        "exam": attempt.exam_id,
        "state": attempt.state,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "answers": answers,
        "score": float(attempt.score) if attempt.score is not None else None,
        "passed": attempt.passed,
    }


@dataclass
class TopicScore:
    topic: str
    earned: Decimal = Decimal(0)
    points: Decimal = Decimal(0)

    @property
    def percent(self) -> float:
        return round(float(self.earned * 100 / self.points), 1) if self.points else 0.0


@dataclass
class ItemStat:
    question_id: int
    stem: str
    topic: str
    type: str
    answered: int = 0
    earned: Decimal = Decimal(0)
    points: Decimal = Decimal(0)

    @property
    def p_value(self) -> float | None:
        """Mean fraction of the points earned (the item's difficulty index, 0..1)."""
        return round(float(self.earned / self.points), 2) if self.points else None


@dataclass
class AttemptReview:
    attempt: Attempt
    topics: list[TopicScore]
    items: list[dict[str, Any]] = field(default_factory=list)


def attempt_review(attempt: Attempt) -> AttemptReview:
    """After closing: per-topic scores and each question with the candidate's answer, the key
    and the explanation (the key is shown only once the attempt is closed)."""
    items = list(AttemptQuestion.objects.filter(attempt=attempt).select_related("version"))
    answers = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "keys"))
    topics: dict[str, TopicScore] = {}
    rows = []
    closed = attempt.state != Attempt.State.IN_PROGRESS
    for item in items:
        v = bank.view(item.version)
        t = topics.setdefault(v.topic, TopicScore(v.topic))
        t.points += item.points
        t.earned += item.earned or 0
        texts = dict(v.options)
        rows.append(
            {
                "position": item.position,
                "stem": v.stem,
                "type": bank.TYPE_LABELS[v.type],
                "options": [(k, texts[k]) for k in item.option_order],
                "answer": answers.get(item.question_id, []),
                "key": bank.answer_key(item.version) if closed else None,
                "explanation": bank.explanation(item.version) if closed else "",
                "earned": item.earned,
                "points": item.points,
            }
        )
    return AttemptReview(attempt, sorted(topics.values(), key=lambda t: t.topic), rows)


@dataclass
class ExamResults:
    exam: Exam
    candidates: int
    rows: list[dict[str, Any]]
    topics: list[TopicScore]
    items: list[ItemStat]
    passed: int
    closed: int


def exam_results(exam: Exam) -> ExamResults:
    """The organiser's view: each candidate's best attempt, integrity events, per-topic scores
    over all closed attempts, and the p-value of each question. A fixed number of queries."""
    candidates = list(
        Candidate.objects.filter(exam=exam).select_related("person", "enterprise").order_by("id")
    )
    attempts = list(Attempt.objects.filter(exam=exam).order_by("person_id", "number"))
    events = dict(
        IntegrityEvent.objects.filter(attempt__exam=exam)
        .values_list("attempt_id")
        .annotate(n=Count("id"))
        .values_list("attempt_id", "n")
    )
    by_person: dict[int, list[Attempt]] = defaultdict(list)
    for a in attempts:
        by_person[a.person_id].append(a)
    rows: list[dict[str, Any]] = []
    for c in candidates:
        mine = by_person.get(c.person_id, [])
        closed = [a for a in mine if a.score is not None]
        best = max(closed, key=lambda a: a.score or 0) if closed else (mine[-1] if mine else None)
        rows.append(
            {
                "person": c.person,
                "enterprise": c.enterprise,
                "attempts": len(mine),
                "best": best,
                "events": sum(events.get(a.pk, 0) for a in mine),
            }
        )
    closed_ids = [a.pk for a in attempts if a.state != Attempt.State.IN_PROGRESS]
    stats: dict[int, ItemStat] = {}
    topics: dict[str, TopicScore] = {}
    items = AttemptQuestion.objects.filter(attempt_id__in=closed_ids).values(
        "question_id", "version_id", "earned", "points"
    )
    rows_items = list(items)
    views = bank.views({r["version_id"] for r in rows_items})
    for r in rows_items:
        v = views[r["version_id"]]
        s = stats.setdefault(
            r["question_id"], ItemStat(r["question_id"], v.stem, v.topic, bank.TYPE_LABELS[v.type])
        )
        s.answered += 1
        s.earned += r["earned"] or 0
        s.points += r["points"]
        t = topics.setdefault(v.topic, TopicScore(v.topic))
        t.earned += r["earned"] or 0
        t.points += r["points"]
    return ExamResults(
        exam=exam,
        candidates=len(candidates),
        rows=rows,
        topics=sorted(topics.values(), key=lambda t: t.topic),
        items=sorted(stats.values(), key=lambda s: (s.p_value or 0, s.question_id)),
        passed=sum(1 for r in rows if r["best"] is not None and r["best"].passed),
        closed=len(closed_ids),
    )


def integrity_events(*, exam: Exam) -> QuerySet[IntegrityEvent]:
    return IntegrityEvent.objects.filter(attempt__exam=exam).select_related("attempt__person")


def retraining_list(*, viewer: User, open_only: bool = True) -> QuerySet[Retraining]:
    from safetrain.core.scope import enterprise_q

    qs = Retraining.objects.filter(enterprise_q(viewer, "enterprise__")).select_related(
        "person", "enterprise", "attempt__exam"
    )
    return qs.filter(cleared_on__isnull=True) if open_only else qs
