"""Training records, exam results, certificates, 三违, incidents and drills for the demo world.

Three years up to the anchor, written through the services (records, certificates), so the
compliance engine sees exactly what a real deployment would hold. The mix is realistic rather
than perfect, so that the dashboards show non-zero rates and several finding codes: most people
are trained, examined and certified; some annual hours are short, some exams failed, some
certificates missing, expired, expiring or past their review date, a few 三违 not yet retrained,
an incident whose managers have not yet been retrained, and some drills missed.

Idempotent as a whole: the demo loads in one transaction, so either every record of this step
is there (a seed-sourced training record exists) and it writes nothing, or none is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from safetrain.catalog.models import MANAGEMENT_ROLES, Sector
from safetrain.certificates.matching import SAFETY_MANAGEMENT, SPECIAL_OPERATION
from safetrain.certificates.services import certificate_issue, certificate_review_record
from safetrain.core import events
from safetrain.core.dates import add_months, add_years
from safetrain.core.models import Attributed
from safetrain.demo.context import DemoContext
from safetrain.demo.generators import EmploymentPlan
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person
from safetrain.records.models import TrainingRecord
from safetrain.records.services import (
    drill_record,
    exam_result_add,
    incident_record,
    training_record_add,
    training_session_add,
    violation_record,
)

SOURCE = Attributed.Source.SEED
CAMPAIGN_START = dt.date(2024, 1, 1)

# DESIGN §3 hours: (initial/pre-job, per year) by (high risk, management role)
HOURS = {
    (True, "principal"): (48, 24),
    (True, "deputy"): (48, 16),
    (True, "safety_manager"): (48, 16),
    (True, "worker"): (72, 20),
    (False, "principal"): (32, 12),
    (False, "deputy"): (32, 12),
    (False, "safety_manager"): (32, 12),
    (False, "worker"): (24, 8),
}


def _active(emp: EmploymentPlan, on: dt.date) -> bool:
    return emp.start <= on and (emp.end is None or emp.end >= on)


class _Records:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.anchor = ctx.anchor
        self.rng = ctx.rng("records")
        self.high_risk = dict(Sector.objects.values_list("code", "high_risk"))
        self.ents: dict[str, Enterprise] = ctx.enterprises
        self.sector = {p.credit_code: p.sector for p in ctx.enterprise_plans}
        self.persons: dict[str, Person] = ctx.persons
        self.cert_no = 0

    def hr(self, credit_code: str) -> bool:
        return self.high_risk[self.sector[credit_code]]

    def employments(self) -> Iterator[tuple[Person, EmploymentPlan]]:
        for plan in self.ctx.person_plans:
            person = self.persons[plan.id_number]
            for emp in plan.employments:
                if emp.start <= self.anchor:
                    yield person, emp

    def score(self, passed: bool) -> int:
        return self.rng.randint(80, 98) if passed else self.rng.randint(48, 78)

    def exam(
        self, person: Person, ent: Enterprise, on: dt.date, purpose: str, title: str, passed: bool
    ) -> None:
        if on <= self.anchor:
            exam_result_add(
                actor=None,
                person=person,
                date=on,
                purpose=purpose,
                score=self.score(passed),
                enterprise=ent,
                title=title,
                source=SOURCE,
            )

    def training(
        self,
        person: Person,
        ent: Enterprise | None,
        on: dt.date,
        hours: object,
        kind: str,
        title: str,
        level: str = "",
    ) -> None:
        if on <= self.anchor:
            training_record_add(
                actor=None,
                person=person,
                date=on,
                hours=hours,
                kind=kind,
                level=level,
                enterprise=ent,
                organiser="enterprise" if ent else "city",
                title=title,
                source=SOURCE,
            )

    # ------------------------------------------------------------------ per employment

    def prejob(self, person: Person, emp: EmploymentPlan) -> None:
        """Three-level pre-job training and its exam for hires since 2024 (7 % short, 8 %
        failed the exam, half of those passed a retest)."""
        if emp.start < CAMPAIGN_START:
            return
        ent = self.ents[emp.enterprise]
        total = HOURS[(self.hr(emp.enterprise), emp.role)][0]
        per = Decimal(total) / 3
        levels = ["company", "workshop", "team"]
        if self.rng.random() < 0.07:
            levels = levels[:2]
        for i, level in enumerate(levels):
            self.training(
                person,
                ent,
                emp.start - dt.timedelta(days=9 - 3 * i),
                per.quantize(Decimal("0.1")) + (Decimal("0.1") if i == 0 else 0),
                "prejob",
                f"{ent.name}岗前安全培训（{i + 1}级）",
                level,
            )
        passed = self.rng.random() > 0.08
        self.exam(person, ent, emp.start - dt.timedelta(days=1), "prejob", "岗前安全考试", passed)
        if not passed and self.rng.random() < 0.5:
            self.exam(person, ent, emp.start + dt.timedelta(days=12), "prejob", "岗前补考", True)

    def initial(self, person: Person, emp: EmploymentPlan) -> None:
        """Management roles: initial training at the start (15 % fall short)."""
        if emp.role not in [str(r) for r in MANAGEMENT_ROLES]:
            return
        total = HOURS[(self.hr(emp.enterprise), emp.role)][0]
        hours = total if self.rng.random() > 0.15 else total // 2
        self.training(
            person,
            None,
            emp.start + dt.timedelta(days=20),
            hours,
            "initial",
            "主要负责人和安全管理人员初次安全培训",
        )

    def changes(self, person: Person, emp: EmploymentPlan) -> None:
        """Transfer training for post changes and return training after long leaves (80 %)."""
        ent = self.ents[emp.enterprise]
        for post in emp.posts[1:]:
            if self.rng.random() < 0.8:
                self.training(
                    person,
                    ent,
                    post.from_date - dt.timedelta(days=5),
                    8,
                    "transfer",
                    "转岗安全培训",
                )
                self.exam(
                    person, ent, post.from_date - dt.timedelta(days=3), "transfer", "转岗考试", True
                )
        for leave in emp.leaves:
            if leave.end is None or leave.end >= self.anchor:
                continue
            long_leave = add_months(leave.start, 3) <= leave.end + dt.timedelta(days=1)
            if long_leave and self.rng.random() < 0.8:
                back = leave.end + dt.timedelta(days=1)
                self.training(person, ent, back, 8, "return", "复岗安全培训")
                self.exam(person, ent, back, "return", "复岗考试", True)

    def certificates(self, person: Person, emp: EmploymentPlan) -> None:
        """Special-operation certificates for posts that need one; management certificates for
        managers of high-risk enterprises. Some missing, mismatched, expired, expiring soon or
        past review."""
        ops = sorted({p.operation for p in emp.posts if p.operation})
        for op in ops:
            r = self.rng.random()
            if r < 0.05:
                continue  # CERT_MISSING
            if r < 0.07:
                op = next(o for o in sorted(self.writer_ops) if o != op)  # CERT_JOB_MISMATCH
            self.issue(person, SPECIAL_OPERATION, op, emp.start, years=6)
        if self.hr(emp.enterprise) and emp.role in [str(r) for r in MANAGEMENT_ROLES]:
            if self.rng.random() < 0.08:
                return
            self.issue(person, SAFETY_MANAGEMENT, None, emp.start, years=3)

    @property
    def writer_ops(self) -> set[str]:
        if not hasattr(self, "_ops"):
            from safetrain.catalog.models import SpecialOperation

            self._ops = set(SpecialOperation.objects.values_list("code", flat=True))
        return self._ops

    def issue(
        self, person: Person, cert_type: str, op: str | None, start: dt.date, years: int
    ) -> None:
        # renewed on time by most: issued within one validity period before the anchor, a few
        # lapsed in the last weeks (expired), some expiring soon
        del start
        issued = self.anchor - dt.timedelta(days=self.rng.randint(30, years * 365 + 45))
        self.cert_no += 1
        prefix = "T" if cert_type == SPECIAL_OPERATION else "A"
        cert = certificate_issue(
            actor=None,
            person=person,
            cert_type=cert_type,
            operation_code=op,
            number=f"{prefix}1405{self.anchor.year % 100:02d}{self.cert_no:06d}",
            issuing_authority="晋城市应急管理局",
            issued_on=issued,
            source=SOURCE,
        )
        due = cert.review_due
        if due is not None and due <= self.anchor and self.rng.random() < 0.85:  # 15 % miss it
            passed = due - dt.timedelta(days=self.rng.randint(5, 50))
            certificate_review_record(
                actor=None,
                certificate=cert,
                passed_on=max(passed, cert.issued_on),
                hours=Decimal(8),
                source=SOURCE,
            )

    # ------------------------------------------------------------------ per enterprise

    def annual(self) -> None:
        """Each enterprise trains its staff once a year (month drawn per year) and runs the risk
        awareness exam; some people miss the session or get fewer hours, some fail."""
        by_ent: dict[str, list[tuple[Person, EmploymentPlan]]] = {}
        for person, emp in self.employments():
            by_ent.setdefault(emp.enterprise, []).append((person, emp))
        for credit_code in sorted(by_ent):
            ent = self.ents[credit_code]
            for year in range(self.anchor.year - 2, self.anchor.year + 1):
                month = self.rng.randint(2, 10)
                day = dt.date(year, month, self.rng.randint(3, 26))
                exam_day = day + dt.timedelta(days=self.rng.randint(20, 60))
                groups: dict[Decimal, list[Person]] = {}
                for person, emp in by_ent[credit_code]:
                    if not _active(emp, day):
                        continue
                    draw = self.rng.random()
                    if draw < 0.08:
                        continue  # missed the year's training
                    yearly = HOURS[(self.hr(credit_code), emp.role)][1]
                    hours = Decimal(yearly) if draw > 0.18 else Decimal(yearly) / 2
                    groups.setdefault(hours, []).append(person)
                    if _active(emp, exam_day):
                        self.exam(
                            person,
                            ent,
                            exam_day,
                            "risk_awareness",
                            "安全风险应知应会考试",
                            self.rng.random() > 0.12,
                        )
                if day > self.anchor:
                    continue
                for hours, persons in sorted(groups.items()):
                    training_session_add(
                        actor=None,
                        persons=persons,
                        date=day,
                        hours=hours,
                        kind="continuing",
                        enterprise=ent,
                        organiser="enterprise",
                        title=f"{year}年度全员安全再培训",
                        source=SOURCE,
                    )

    def violations(self) -> None:
        """About one in forty people in post had a 三违 in the last year; two thirds were
        retrained (24 学时 and a passed exam)."""
        for person, emp in self.employments():
            if not _active(emp, self.anchor) or self.rng.random() > 0.025:
                continue
            ent = self.ents[emp.enterprise]
            on = self.anchor - dt.timedelta(days=self.rng.randint(15, 330))
            on = max(on, emp.start)
            kind = self.rng.choice(["command", "operation", "discipline"])
            violation_record(
                actor=None,
                person=person,
                enterprise=ent,
                date=on,
                type=kind,
                text="现场检查发现",
                source=SOURCE,
            )
            if self.rng.random() < 0.67:
                self.training(
                    person, ent, on + dt.timedelta(days=7), 24, "violation", "三违人员脱产培训"
                )
                self.exam(person, ent, on + dt.timedelta(days=10), "violation", "三违考试", True)

    def incidents_and_drills(self) -> None:
        plans = sorted(self.ctx.enterprise_plans, key=lambda p: p.credit_code)
        for i, plan in enumerate(plans):
            ent = self.ents[plan.credit_code]
            if i % 12 == 5:
                incident_record(
                    actor=None,
                    enterprise=ent,
                    date=self.anchor - dt.timedelta(days=100 + i),
                    type="major_hidden_danger",
                    text="检查发现重大事故隐患",
                    source=SOURCE,
                )
            for area in plan.area_types:
                for start in _periods(self.hr(plan.credit_code), self.anchor):
                    if self.rng.random() < 0.82:
                        on = start + dt.timedelta(days=self.rng.randint(10, 150))
                        if on <= self.anchor:
                            drill_record(
                                actor=None,
                                enterprise=ent,
                                date=on,
                                area_type=area,
                                title="应急演练",
                                participants=self.rng.randint(12, 80),
                                source=SOURCE,
                            )


def _periods(high_risk: bool, anchor: dt.date) -> Iterator[dt.date]:
    """Half-years (high risk) or years since 2024 up to the anchor."""
    day = CAMPAIGN_START
    while day <= anchor:
        yield day
        day = add_months(day, 6) if high_risk else add_years(day, 1)


def records(ctx: DemoContext) -> None:
    """Training, exams, certificates, 三违, incidents and drills over the last three years."""
    if TrainingRecord.objects.filter(source=SOURCE).exists():
        return
    rec = _Records(ctx)
    with events.coalesced():
        for person, emp in rec.employments():
            rec.prejob(person, emp)
            rec.initial(person, emp)
            rec.changes(person, emp)
            rec.certificates(person, emp)
        rec.annual()
        rec.violations()
        rec.incidents_and_drills()
    ctx.say("演示记录：培训、考试、证书、三违、事故与演练已写入")
