"""Writes for formal exams: create, start or resume, save an answer, submit, close expired,
integrity events, spot-check exams (docs/exams.md).

The server's clock is authoritative: an attempt's deadline is min(start + duration, closes_at);
after it no save is accepted and the attempt is graded on its saved answers, lazily on the next
access or by `safetrain exams close-expired`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from safetrain.core.dates import SHANGHAI
from safetrain.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from safetrain.core.scope import enterprise_q
from safetrain.enterprises.models import Enterprise
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
from safetrain.people.models import Employment, Person, User
from safetrain.records.models import ExamPurpose

ORGANISER_ROLES = frozenset({"city_admin", "county_admin", "enterprise_admin"})
SPOT_CHECK_ROLES = frozenset({"inspector", "city_admin", "county_admin"})
AWARENESS_PURPOSES = frozenset({"risk_awareness", "spot_check"})
MAX_DURATION = 24 * 60
MAX_CANDIDATES = 20_000
TENTH = Decimal("0.1")


class AttemptClosed(Conflict):
    code = "attempt_closed"


class StaleSeq(Conflict):
    code = "stale_seq"


def clock() -> dt.datetime:
    """The server's time (tests replace it)."""
    return timezone.now()


def _role(actor: User) -> str:
    return "city_admin" if actor.is_superuser else str(actor.role)


# ----------------------------------------------------------------------------- exam create


def _decimal(value: object, *, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(f"{label}“{value}”不是数字", fields={field: "不是数字"}) from exc
    if not number.is_finite():
        raise ValidationFailed(f"{label}“{value}”不是数字", fields={field: "不是数字"})
    return number


RULE_KEYS = ("type", "sector", "job", "topic", "difficulty", "count", "points", "handbook")


def _check_rule(rule: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rule as stored (the bank's papers.parse_rules validates each field when drawing)."""
    if not rule:
        raise ValidationFailed("请给出抽题规则或固定试题", fields={"rule": "必填"})
    out = []
    for i, item in enumerate(rule):
        if not isinstance(item, dict):
            raise ValidationFailed(f"第 {i + 1} 条抽题规则不是对象", fields={f"rule.{i}": "无效"})
        out.append({k: item[k] for k in RULE_KEYS if item.get(k) not in (None, "")})
    return out


def _scope_of(actor: User, enterprise: Enterprise | None) -> tuple[Enterprise | None, str | None]:
    role = _role(actor)
    if role == "enterprise_admin":
        return actor.enterprise, None
    if enterprise is not None:
        if not Enterprise.objects.filter(enterprise_q(actor), pk=enterprise.pk).exists():
            raise NotAllowed("该企业不在您的辖区内", fields={"enterprise": "不在辖区内"})
        return enterprise, None
    return None, actor.region_id


def check_may_organise(actor: User, roles: frozenset[str] = ORGANISER_ROLES) -> None:
    if not actor.is_authenticated or not actor.is_active or _role(actor) not in roles:
        raise NotAllowed("您的角色无权组织考试")


def exam_create(
    *,
    actor: User,
    title: str,
    purpose: str,
    duration_minutes: int,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    candidates: Sequence[Person],
    pass_mark: object = Decimal("80"),
    attempt_limit: int = 1,
    rule: list[dict[str, Any]] | None = None,
    question_ids: Sequence[int] | None = None,
    points: object = None,
    enterprise: Enterprise | None = None,
    candidate_groups: dict[str, Any] | None = None,
    shuffle: bool = True,
    roles: frozenset[str] = ORGANISER_ROLES,
) -> Exam:
    """Create a formal exam for the given candidates; a rule the bank cannot fill is refused
    naming the shortfall (ValidationFailed, 422), nothing written."""
    from safetrain.people.selectors import person_list

    check_may_organise(actor, roles)
    title = (title or "").strip()
    if not title or len(title) > 128:
        raise ValidationFailed(
            "考试名称不能为空，最多 128 字", fields={"title": "必填，最多 128 字"}
        )
    if purpose not in ExamPurpose.values:
        raise ValidationFailed(f"考试类型“{purpose}”无效", fields={"purpose": "无效"})
    mark = _decimal(pass_mark, field="pass_mark", label="及格分")
    if mark <= 0 or mark > 100 or mark != mark.quantize(TENTH):
        raise ValidationFailed(
            "及格分须在 0 到 100 之间（满分 100）", fields={"pass_mark": "超出范围"}
        )
    if not isinstance(duration_minutes, int) or not 1 <= duration_minutes <= MAX_DURATION:
        raise ValidationFailed(
            f"考试时长须为 1 到 {MAX_DURATION} 分钟", fields={"duration_minutes": "超出范围"}
        )
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise ValidationFailed(
            "时间须带时区（ISO 8601，如 2025-06-01T09:00:00+08:00）",
            fields={"opens_at": "须带时区"}
            if opens_at.tzinfo is None
            else {"closes_at": "须带时区"},
        )
    if closes_at <= opens_at:
        raise ValidationFailed("截止时间须晚于开始时间", fields={"closes_at": "须晚于开始时间"})
    if not 1 <= attempt_limit <= 10:
        raise ValidationFailed("可考次数须为 1 到 10", fields={"attempt_limit": "超出范围"})
    if not candidates:
        raise ValidationFailed("请至少指定一名考生", fields={"candidates": "必填"})
    if len(candidates) > MAX_CANDIDATES:
        raise ValidationFailed("考生过多", fields={"candidates": f"最多 {MAX_CANDIDATES} 人"})
    ids = [p.pk for p in candidates]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("考生重复", fields={"candidates": "重复"})
    exam_enterprise, region = _scope_of(actor, enterprise)
    visible = set(person_list(viewer=actor).filter(pk__in=ids).values_list("pk", flat=True))
    outside = [i for i, p in enumerate(candidates) if p.pk not in visible]
    if outside:
        raise NotAllowed(
            f"第 {outside[0] + 1} 名考生不在您的管辖范围内",
            fields={f"candidates.{outside[0]}": "不在管辖范围内"},
        )
    kind, clean_rule, paper = _paper(actor, rule, question_ids, points)
    employers = _employers(ids, clock().astimezone(SHANGHAI).date())
    with transaction.atomic():
        exam = Exam.objects.create(
            title=title,
            purpose=purpose,
            pass_mark=mark,
            duration_minutes=duration_minutes,
            opens_at=opens_at,
            closes_at=closes_at,
            attempt_limit=attempt_limit,
            kind=kind,
            rule=clean_rule,
            paper=paper,
            shuffle=shuffle,
            candidate_groups=candidate_groups or {},
            organiser=actor,
            enterprise=exam_enterprise,
            region_id=region if exam_enterprise is None else exam_enterprise.region_id,
        )
        Candidate.objects.bulk_create(
            [
                Candidate(
                    exam=exam,
                    person_id=pid,
                    enterprise_id=exam_enterprise.pk if exam_enterprise else employers.get(pid),
                )
                for pid in ids
            ]
        )
    return exam


def _paper(
    actor: User,
    rule: list[dict[str, Any]] | None,
    question_ids: Sequence[int] | None,
    points: object,
) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    if rule and question_ids:
        raise ValidationFailed(
            "抽题规则与固定试题只能二选一", fields={"rule": "与 question_ids 二选一"}
        )
    if question_ids:
        drawn = bank.fixed(list(question_ids), 1 if points is None else points, viewer=actor)
        paper = [
            {"question": d.question_id, "version": d.version_id, "points": str(d.points)}
            for d in drawn
        ]
        return Exam.Kind.FIXED, [], paper
    clean = _check_rule(rule or [])
    bank.draw(clean, seed="check", viewer=actor)  # refuses an unsatisfiable rule (422)
    return Exam.Kind.RULE, clean, []


def _employers(person_ids: Sequence[int], day: dt.date) -> dict[int, int]:
    """person pk → enterprise pk of the employment active on day (for the exam result)."""
    rows = Employment.objects.filter(person_id__in=person_ids, start_date__lte=day).exclude(
        end_date__lt=day
    )
    return {pid: eid for pid, eid in rows.values_list("person_id", "enterprise_id")}


def candidates_by_group(
    *,
    actor: User,
    enterprise: Enterprise | None = None,
    job_types: Sequence[int] = (),
    org_units: Sequence[int] = (),
    roles: Sequence[str] = (),
    on: dt.date | None = None,
) -> list[Person]:
    """Persons in post on `on` (in the actor's jurisdiction) matching every given group:
    job type, org unit (a unit and the units under it are not expanded: the unit itself),
    role category. The current post decides job type and org unit."""
    from safetrain.people.models import Post
    from safetrain.people.selectors import person_list

    day = on or clock().astimezone(SHANGHAI).date()
    emps = Employment.objects.filter(start_date__lte=day).exclude(end_date__lt=day)
    if enterprise is not None:
        emps = emps.filter(enterprise=enterprise)
    if roles:
        emps = emps.filter(role_category__in=roles)
    emp_ids = set(emps.values_list("pk", flat=True))
    if job_types or org_units:
        posts = (
            Post.objects.filter(employment_id__in=emp_ids, from_date__lte=day)
            .order_by("employment_id", "-from_date")
            .values_list("employment_id", "job_type_id", "org_unit_id")
        )
        current: dict[int, tuple[int | None, int | None]] = {}
        for emp_id, job, unit in posts:
            current.setdefault(emp_id, (job, unit))
        emp_ids = {
            e
            for e, (job, unit) in current.items()
            if (not job_types or job in job_types) and (not org_units or unit in org_units)
        }
    person_ids = Employment.objects.filter(pk__in=emp_ids).values("person_id")
    return list(person_list(viewer=actor).filter(pk__in=person_ids))


# ----------------------------------------------------------------------------- attempts


def _owns(actor: User, attempt: Attempt) -> bool:
    if attempt.hosted_by_id is not None and attempt.hosted_by_id == actor.pk:
        return True
    return actor.person_id is not None and attempt.person_id == actor.person_id


def attempt_for(*, actor: User, uid: object) -> Attempt:
    """The actor's own attempt (or one it hosts); someone else's is 404, like an unknown one."""
    import uuid

    try:
        key = uuid.UUID(str(uid))
    except ValueError as exc:
        raise NotFound("未找到该答卷") from exc
    attempt = Attempt.objects.select_related("exam").filter(uid=key).first()
    if attempt is None or not actor.is_authenticated or not _owns(actor, attempt):
        raise NotFound("未找到该答卷")
    return attempt


def attempt_start(
    *, actor: User, exam: Exam, person: Person | None = None, device: str = ""
) -> Attempt:
    """Start the person's attempt, or resume the one in progress (from any device).

    A worker starts their own; an inspector hosting a spot-check exam names the person."""
    now = clock()
    hosted_by = None
    if person is None or (actor.person_id is not None and person.pk == actor.person_id):
        if actor.person_id is None:
            raise NotAllowed("只有从业人员本人可以参加考试")
        person_id = actor.person_id
    else:
        if exam.purpose != ExamPurpose.SPOT_CHECK or exam.organiser_id != actor.pk:
            raise NotAllowed("只有组织抽考的执法人员可以代为开启考生的答卷")
        person_id = person.pk
        hosted_by = actor
    candidate = Candidate.objects.filter(exam=exam, person_id=person_id).first()
    if candidate is None:
        raise NotFound("未找到该考试（您不是这场考试的考生）")
    current = None
    for active in Attempt.objects.filter(person_id=person_id, state=Attempt.State.IN_PROGRESS):
        if active.deadline <= now:
            close_attempt(active, now=now)
        else:
            current = active
    if current is not None:
        if current.exam_id != exam.pk:
            raise Conflict(
                "您有另一场考试正在进行，请先完成该考试",
                code="attempt_active",
                fields={"attempt": str(current.uid)},
            )
        if hosted_by is not None and current.hosted_by_id != hosted_by.pk:
            Attempt.objects.filter(pk=current.pk).update(hosted_by=hosted_by)
            current.hosted_by = hosted_by
        return current
    if now < exam.opens_at:
        raise Conflict("考试尚未开始", code="exam_not_open", fields={"opens_at": exam.opens_at})
    if now >= exam.closes_at:
        raise Conflict("考试已结束", code="exam_closed", fields={"closes_at": exam.closes_at})
    used = Attempt.objects.filter(exam=exam, person_id=person_id).count()
    if used >= exam.attempt_limit:
        raise Conflict(
            f"已达可考次数（{exam.attempt_limit} 次）",
            code="attempt_limit",
            fields={"attempt_limit": exam.attempt_limit},
        )
    seed = f"{exam.pk}:{person_id}:{used + 1}"
    if exam.kind == Exam.Kind.FIXED:
        drawn = bank.shuffled_fixed(exam.paper, seed=seed, shuffle=exam.shuffle)
    else:
        drawn = bank.draw(exam.rule, seed=seed, viewer=exam.organiser)
    deadline = min(now + dt.timedelta(minutes=exam.duration_minutes), exam.closes_at)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                exam=exam,
                person_id=person_id,
                number=used + 1,
                started_at=now,
                deadline=deadline,
                hosted_by=hosted_by,
            )
            AttemptQuestion.objects.bulk_create(
                [
                    AttemptQuestion(
                        attempt=attempt,
                        position=pos,
                        question_id=d.question_id,
                        version_id=d.version_id,
                        qtype=d.type,
                        points=d.points,
                        option_order=list(d.option_order),
                    )
                    for pos, d in enumerate(drawn, start=1)
                ]
            )
    except IntegrityError:
        # a second device started at the same moment: resume the attempt that won
        current = Attempt.objects.filter(
            person_id=person_id, state=Attempt.State.IN_PROGRESS
        ).first()
        if current is None or current.exam_id != exam.pk:
            raise Conflict("您有另一场考试正在进行", code="attempt_active") from None
        return current
    return attempt


def _shape_keys(keys: object) -> list[str]:
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise ValidationFailed('答案须为选项键的列表，如 ["B"]', fields={"answer": "须为列表"})
    if len(set(keys)) != len(keys):
        raise ValidationFailed("答案中有重复的选项", fields={"answer": "选项重复"})
    return sorted(keys)


def _check_keys(qtype: str, option_order: list[str], keys: list[str]) -> None:
    unknown = [k for k in keys if k not in option_order]
    if unknown:
        raise ValidationFailed(
            f"选项“{unknown[0]}”不是本题的选项（可选：{'、'.join(option_order)}）",
            fields={"answer": f"未知选项 {unknown[0]}"},
        )
    if qtype != "multiple" and len(keys) > 1:
        raise ValidationFailed("单选题和判断题只能选一个选项", fields={"answer": "只能选一个"})


def _validate_keys(item: AttemptQuestion, keys: object) -> list[str]:
    clean = _shape_keys(keys)
    _check_keys(item.qtype, list(item.option_order), clean)
    return clean


def _check_seq(seq: object) -> int:
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1 or seq > 2**31 - 1:
        raise ValidationFailed("seq 须为正整数", fields={"seq": "须为正整数"})
    return seq


# One statement on PostgreSQL: lock the caller's attempt, find the frozen question, upsert the
# answer only when the attempt is open, the keys are the question's and the seq is higher, and
# report what was there before. The answer is durable when the statement (autocommit) returns.
SAVE_SQL = """
WITH a AS (
    SELECT id, state, deadline FROM exams_attempt
    WHERE uid = %(uid)s AND (person_id = %(person)s OR hosted_by_id = %(user)s)
    FOR NO KEY UPDATE
), item AS (
    SELECT qtype, option_order FROM exams_attemptquestion
    WHERE attempt_id = (SELECT id FROM a) AND question_id = %(question)s
), saved AS (
    INSERT INTO exams_answer (attempt_id, question_id, keys, seq, saved_at)
    SELECT a.id, %(question)s, %(keys)s::jsonb, %(seq)s, %(now)s FROM a, item
    WHERE a.state = 'in_progress' AND a.deadline > %(now)s
      AND %(keys)s::jsonb <@ item.option_order
      AND (item.qtype = 'multiple' OR jsonb_array_length(%(keys)s::jsonb) <= 1)
    ON CONFLICT (attempt_id, question_id) DO UPDATE
      SET keys = EXCLUDED.keys, seq = EXCLUDED.seq, saved_at = EXCLUDED.saved_at
      WHERE exams_answer.seq < EXCLUDED.seq
    RETURNING seq
)
SELECT a.id, a.state, a.deadline, (SELECT qtype FROM item), (SELECT option_order FROM item),
       (SELECT seq FROM saved),
       (SELECT seq FROM exams_answer WHERE attempt_id = a.id AND question_id = %(question)s)
FROM a
"""


def answer_save_by_uid(
    *, actor: User, uid: object, question_id: int, keys: object, seq: object
) -> int:
    """The API's save, with exactly the rules of `answer_save`. On PostgreSQL it is one SQL
    statement (two round trips with the token look-up instead of seven), elsewhere
    `attempt_for` + `answer_save`."""
    import json
    import uuid

    from django.db import connection

    if connection.vendor != "postgresql":
        attempt = attempt_for(actor=actor, uid=uid)
        return answer_save(
            actor=actor, attempt=attempt, question_id=question_id, keys=keys, seq=seq
        )
    number = _check_seq(seq)
    clean = _shape_keys(keys)
    try:
        key = uuid.UUID(str(uid))
    except ValueError as exc:
        raise NotFound("未找到该答卷") from exc
    now = clock()
    params = {
        "uid": key,
        "person": actor.person_id,
        "user": actor.pk,
        "question": question_id,
        "keys": json.dumps(clean),
        "seq": number,
        "now": now,
    }
    with connection.cursor() as cursor:
        cursor.execute(SAVE_SQL, params)
        row = cursor.fetchone()
    if row is None:
        raise NotFound("未找到该答卷")
    attempt_id, state, deadline, qtype, option_order, saved, before = row
    if saved is not None:
        return int(saved)
    if state != Attempt.State.IN_PROGRESS:
        raise AttemptClosed("答卷已交卷，不能再修改答案")
    if now >= deadline:
        close_attempt(Attempt.objects.get(pk=attempt_id), now=now)
        raise AttemptClosed("已超过答题时限，答卷已按已保存的答案自动交卷")
    if qtype is None:
        raise NotFound("该题不在本次答卷中", fields={"question_id": "不在本答卷中"})
    order = option_order if isinstance(option_order, list) else json.loads(option_order)
    _check_keys(qtype, order, clean)
    if before == number:
        return number
    if before is not None and before > number:
        raise StaleSeq(
            f"该题已保存了更新的答案（seq {before}），本次保存（seq {number}）未生效",
            fields={"seq": before},
        )
    raise Conflict("保存未生效，请重试")  # pragma: no cover - not reachable under the lock


def answer_save(
    *, actor: User, attempt: Attempt, question_id: int, keys: object, seq: object
) -> int:
    """Save one answer. The same seq again changes nothing; a lower seq is refused (409 with
    the stored seq); a question not in the attempt is 404; after the deadline or submission 409
    attempt_closed; an option that is not the question's 422. Returns the stored seq."""
    seq = _check_seq(seq)
    now = clock()
    if not _owns(actor, attempt):
        raise NotFound("未找到该答卷")
    if attempt.state == Attempt.State.IN_PROGRESS and now >= attempt.deadline:
        close_attempt(attempt, now=now)
        raise AttemptClosed("已超过答题时限，答卷已按已保存的答案自动交卷")
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update(no_key=True)
            .only("pk", "state", "deadline")
            .get(pk=attempt.pk)
        )
        if locked.state != Attempt.State.IN_PROGRESS or now >= locked.deadline:
            raise AttemptClosed("答卷已交卷，不能再修改答案")
        item = (
            AttemptQuestion.objects.filter(attempt_id=attempt.pk, question_id=question_id)
            .only("qtype", "option_order")
            .first()
        )
        if item is None:
            raise NotFound("该题不在本次答卷中", fields={"question_id": "不在本答卷中"})
        clean = _validate_keys(item, keys)
        stored = (
            Answer.objects.filter(attempt_id=attempt.pk, question_id=question_id)
            .only("pk", "seq")
            .first()
        )
        if stored is None:
            Answer.objects.create(
                attempt_id=attempt.pk, question_id=question_id, keys=clean, seq=seq, saved_at=now
            )
            return seq
        if seq == stored.seq:
            return seq
        if seq < stored.seq:
            raise StaleSeq(
                f"该题已保存了更新的答案（seq {stored.seq}），本次保存（seq {seq}）未生效",
                fields={"seq": stored.seq},
            )
        Answer.objects.filter(pk=stored.pk).update(keys=clean, seq=seq, saved_at=now)
        return seq


def attempt_submit(*, actor: User, attempt: Attempt) -> Attempt:
    """Submit and grade once; a second submit returns the same result."""
    if not _owns(actor, attempt):
        raise NotFound("未找到该答卷")
    return close_attempt(attempt, now=clock())


def close_attempt(attempt: Attempt, *, now: dt.datetime) -> Attempt:
    """Grade an attempt on its saved answers (once): submitted before the deadline, expired
    after it. Writes the exam result through safetrain.records.services."""
    from safetrain.records.services import exam_result_add

    with transaction.atomic():
        att = Attempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)
        if att.state != Attempt.State.IN_PROGRESS:
            return att
        expired = now >= att.deadline
        closed_at = att.deadline if expired else now
        items = list(AttemptQuestion.objects.filter(attempt=att).select_related("version"))
        answers = dict(Answer.objects.filter(attempt=att).values_list("question_id", "keys"))
        total = Decimal(0)
        earned_sum = Decimal(0)
        for item in items:
            item.earned = bank.grade(item.version, answers.get(item.question_id, []), item.points)
            total += item.points
            earned_sum += item.earned
        AttemptQuestion.objects.bulk_update(items, ["earned"])
        score = (earned_sum * 100 / total).quantize(TENTH, ROUND_HALF_UP) if total else Decimal(0)
        exam = att.exam
        candidate = Candidate.objects.filter(exam=exam, person_id=att.person_id).first()
        enterprise_id = candidate.enterprise_id if candidate else exam.enterprise_id
        result = exam_result_add(
            actor=None,
            person=att.person,
            date=closed_at.astimezone(SHANGHAI).date(),
            purpose=exam.purpose,
            score=score,
            pass_mark=exam.pass_mark,
            enterprise=Enterprise.objects.get(pk=enterprise_id) if enterprise_id else None,
            title=exam.title[:128],
            source="system",
        )
        att.state = Attempt.State.EXPIRED if expired else Attempt.State.SUBMITTED
        att.closed_at = closed_at
        att.score = score
        att.passed = result.passed
        att.result = result
        att.save(update_fields=["state", "closed_at", "score", "passed", "result"])
        _retraining_after(att, enterprise_id, closed_at.astimezone(SHANGHAI).date())
        return att


def _retraining_after(att: Attempt, enterprise_id: int | None, day: dt.date) -> None:
    if att.exam.purpose not in AWARENESS_PURPOSES:
        return
    if att.passed:
        Retraining.objects.filter(person_id=att.person_id, cleared_on__isnull=True).update(
            cleared_on=day
        )
    elif att.exam.purpose == ExamPurpose.SPOT_CHECK:
        Retraining.objects.create(
            person_id=att.person_id, enterprise_id=enterprise_id, attempt=att, created_on=day
        )


def close_expired(*, now: dt.datetime | None = None) -> int:
    """Grade every attempt past its deadline (for cron: `safetrain exams close-expired`)."""
    now = now or clock()
    count = 0
    for attempt in Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lte=now):
        closed = close_attempt(attempt, now=now)
        count += closed.closed_at is not None
    return count


def integrity_event_record(*, actor: User, attempt: Attempt, kind: str) -> IntegrityEvent:
    if not _owns(actor, attempt):
        raise NotFound("未找到该答卷")
    if kind not in IntegrityEvent.Kind.values:
        raise ValidationFailed(f"事件类型“{kind}”无效", fields={"kind": "无效"})
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise AttemptClosed("答卷已交卷")
    return IntegrityEvent.objects.create(attempt=attempt, kind=kind, at=clock())


# ----------------------------------------------------------------------------- spot checks


def start_spot_check_exam(
    *,
    inspector: User,
    enterprise: Enterprise,
    persons: Sequence[Person],
    question_count: int = 10,
    duration_minutes: int = 15,
    title: str = "",
) -> Exam:
    """A short spot-check exam (抽考) for the persons a spot check drew at one enterprise.

    Questions come from the enterprise's sector when its bank has enough, else from the whole
    bank. The exam is open at once for 24 hours; each person takes it on their own phone or on
    the inspector's (attempt_start with person=…). Failing it puts retraining on the
    enterprise's to-do list; the result counts in the awareness rate."""
    if not 1 <= question_count <= 100:
        raise ValidationFailed("抽考题数须为 1 到 100", fields={"question_count": "超出范围"})
    ids = [p.pk for p in persons]
    employed = set(
        Employment.objects.filter(enterprise=enterprise, person_id__in=ids).values_list(
            "person_id", flat=True
        )
    )
    outside = [i for i, pk in enumerate(ids) if pk not in employed]
    if outside:
        raise ValidationFailed(
            f"第 {outside[0] + 1} 名人员不是该企业的员工",
            fields={f"persons.{outside[0]}": "不是该企业的员工"},
        )
    now = clock()
    points = "1"
    rule = [{"sector": enterprise.sector_id, "count": question_count, "points": points}]
    try:
        bank.draw(_check_rule(rule), seed="check", viewer=inspector)
    except ValidationFailed:
        rule = [{"count": question_count, "points": points}]
    day = now.astimezone(SHANGHAI).date()
    return exam_create(
        actor=inspector,
        title=title or f"{enterprise.name} 现场抽考 {day}",
        purpose=ExamPurpose.SPOT_CHECK,
        duration_minutes=duration_minutes,
        opens_at=now,
        closes_at=now + dt.timedelta(hours=24),
        candidates=list(persons),
        rule=rule,
        enterprise=enterprise,
        roles=SPOT_CHECK_ROLES,
    )
