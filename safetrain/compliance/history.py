"""A person's blocking findings over time: what was blocking when, and what cleared it.

Method (docs/compliance-pages.md): a rule's outcome can only change on a day when one of its
inputs changes — an employment starts or ends, a post changes, a leave starts or ends, a
record is dated, a certificate is issued, expires, falls due for review or is reviewed, the
6-month grace for managers ends, a year begins, a policy version takes effect. So the person's
facts are loaded ONCE (as of today; the rules ignore records dated after the day evaluated)
and the pure engine (evaluation.evaluate_facts) is run on each of those change days, from the
first employment start (not before the history cut-off 2024-01-01) to today. Between two
change days nothing changes, so the intervals are exact. At most MAX_DATES evaluation days are
used (the latest ones); an older part is then summarised as "earlier".

Only blocking findings are tracked here: they decide may_work, and their inputs (pre-job,
三违, return, transfer and accident records, exams, certificates) are loaded in full, whereas
the yearly-hours reminders read only this and last year's ordinary training.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from safetrain.compliance.domain import (
    IN_POST,
    MANAGEMENT_ROLES,
    Evaluation,
    PersonFacts,
    fmt_hours,
)
from safetrain.compliance.evaluation import evaluate_facts
from safetrain.compliance.policy import POLICY_DIR, load_policies
from safetrain.core.dates import add_months

MAX_DATES = 200
HISTORY_START = dt.date(2024, 1, 1)

TRAINING_LABELS = {
    "prejob": "岗前培训",
    "initial": "初次培训",
    "continuing": "再培训",
    "special": "专题培训",
    "violation": "三违脱产培训",
    "return": "复岗培训",
    "transfer": "转岗培训",
    "accident": "事故后重新培训",
    "review": "复审培训",
}
EXAM_LABELS = {
    "prejob": "岗前考试",
    "continuing": "年度考试",
    "risk_awareness": "应知应会考试",
    "spot_check": "抽考",
    "violation": "三违考试",
    "return": "复岗考试",
    "transfer": "转岗考试",
    "mgmt_assessment": "管理能力考核",
}
# which records can clear a code: (training kinds, exam purposes)
CLEARING: dict[str, tuple[set[str], set[str]]] = {
    "VIOLATION_RETRAINING_PENDING": ({"violation"}, {"violation"}),
    "RETURN_TRAINING_PENDING": ({"return"}, {"return"}),
    "TRANSFER_TRAINING_PENDING": ({"transfer"}, {"transfer"}),
    "ACCIDENT_RETRAINING_PENDING": ({"accident"}, {"mgmt_assessment"}),
    "PREJOB_TRAINING_MISSING": ({"prejob"}, set()),
    "PREJOB_EXAM_MISSING": (set(), {"prejob"}),
}
STATUS_LABELS = {"on_leave": "离岗", "not_employed": "离职（无在职任职）"}


@dataclass
class Interval:
    """A code blocking from `start` to `end` (inclusive; None = still blocking today)."""

    code: str
    label: str
    start: dt.date
    end: dt.date | None = None
    cleared_on: dt.date | None = None  # first day it no longer applied
    cleared_by: list[str] = field(default_factory=list)  # the records dated cleared_on
    ended_by_status: str = ""  # the person left the post (on leave / not employed) instead
    earlier: bool = False  # already blocking on the first day evaluated
    remedy: str = ""  # the remedy on its last blocking day

    @property
    def open(self) -> bool:
        return self.end is None

    @property
    def days(self) -> int | None:
        return None if self.end is None else (self.end - self.start).days + 1


@dataclass
class History:
    start: dt.date | None
    end: dt.date
    intervals: list[Interval]
    evaluated_days: int
    truncated: bool = False

    @property
    def open_intervals(self) -> list[Interval]:
        return [i for i in self.intervals if i.open]


def change_dates(facts: PersonFacts, grace_months: int = 6) -> set[dt.date]:
    """Every day on which an input of a rule changes."""
    out: set[dt.date] = set()
    one = dt.timedelta(days=1)
    for emp in facts.employments:
        out.add(emp.start)
        if emp.end is not None:
            out.add(emp.end + one)
        out.update(p.from_date for p in emp.posts)
        for leave in emp.leaves:
            out.add(leave.start)
            if leave.end is not None:
                out.add(leave.end + one)
        if emp.role in MANAGEMENT_ROLES:
            out.add(add_months(emp.start, grace_months))
    out.update(t.date for t in facts.trainings)
    out.update(e.date for e in facts.exams)
    out.update(v.date for v in facts.violations)
    out.update(i.date for i in facts.incidents)
    for cert in facts.certificates:
        out.add(cert.issued_on)
        out.add(cert.valid_until + one)
        if cert.review_due is not None:
            out.add(cert.review_due + one)
        for review in cert.reviews:
            out.add(review.passed_on)
            if review.cleared_due is not None:
                out.add(review.cleared_due + one)
    return out


def _cleared_by(facts: PersonFacts, code: str, day: dt.date) -> list[str]:
    """The records dated `day` that can have cleared `code` (what an inspector would cite)."""
    kinds, purposes = CLEARING.get(code, (set(), set()))
    out: list[str] = []
    for t in facts.trainings:
        if t.date == day and t.kind in kinds:
            out.append(f"{TRAINING_LABELS.get(t.kind, t.kind)} {fmt_hours(t.hours)} 学时")
    for e in facts.exams:
        if e.date == day and e.purpose in purposes and e.passed:
            out.append(f"{EXAM_LABELS.get(e.purpose, e.purpose)} 合格")
    if code.startswith("CERT_"):
        for c in facts.certificates:
            if c.issued_on == day:
                name = f"{c.operation} 特种作业操作证" if c.operation else "管理能力考核合格证"
                out.append(f"取得{name}（{c.number}）")
            for r in c.reviews:
                if r.passed_on == day:
                    out.append(f"证书 {c.number} 复审合格")
    for emp in facts.employments:
        for post in emp.posts:
            if post.from_date == day and post.from_date != emp.start:
                out.append(f"岗位变动：{post.title}" if post.title else "岗位变动")
        if emp.start == day:
            out.append("入职新企业")
    return out


def history_from_facts(
    facts: PersonFacts,
    today: dt.date,
    *,
    policy_dir: str | None = None,
    max_dates: int = MAX_DATES,
    history_start: dt.date = HISTORY_START,
) -> History:
    """Pure: the blocking intervals of one person from facts loaded as of `today`."""
    policies = load_policies(policy_dir or POLICY_DIR)
    starts = [e.start for e in facts.employments if e.start <= today]
    if not starts:
        return History(start=None, end=today, intervals=[], evaluated_days=0)
    first = max(min(starts), history_start)
    grace = policies.for_date(today).numbers.cert_grace_months
    days = {d for d in change_dates(facts, grace) if first <= d <= today}
    days.update(dt.date(y, 1, 1) for y in range(first.year + 1, today.year + 1))
    days.update(p.effective_from for p in policies.versions if first < p.effective_from <= today)
    days.update({first, today})
    ordered = sorted(days)
    truncated = len(ordered) > max_dates
    if truncated:
        ordered = ordered[-max_dates:]

    evaluations: list[Evaluation] = [
        evaluate_facts(facts, policies.for_date(day), day) for day in ordered
    ]
    intervals: list[Interval] = []
    current: dict[str, Interval] = {}
    for index, (day, ev) in enumerate(zip(ordered, evaluations, strict=True)):
        blocking = {f.code: f for f in ev.findings if f.blocking} if ev.status == IN_POST else {}
        for code in list(current):
            if code in blocking:
                current[code].remedy = blocking[code].remedy
                continue
            interval = current.pop(code)
            interval.end = day - dt.timedelta(days=1)
            interval.cleared_on = day
            if ev.status != IN_POST:
                interval.ended_by_status = STATUS_LABELS.get(ev.status, ev.status)
            else:
                interval.cleared_by = _cleared_by(facts, code, day)
        for code, finding in blocking.items():
            if code not in current:
                meta = policies.for_date(day).meta(code)
                interval = Interval(
                    code=code,
                    label=meta.label,
                    start=day,
                    earlier=index == 0 and (truncated or day > min(starts)),
                    remedy=finding.remedy,
                )
                current[code] = interval
                intervals.append(interval)
    intervals.sort(key=lambda i: (i.start, i.code), reverse=True)
    return History(
        start=ordered[0],
        end=today,
        intervals=intervals,
        evaluated_days=len(ordered),
        truncated=truncated,
    )
