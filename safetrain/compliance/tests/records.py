"""Database builders for records (the records app's services are built by another branch;
these write the rows directly, as an import would)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from safetrain.catalog.models import SpecialOperation
from safetrain.certificates.matching import default_dates
from safetrain.certificates.models import Certificate
from safetrain.core.testing import next_seq
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord, Violation


def training(
    person: Person,
    date: dt.date,
    hours: str | float,
    kind: str = "continuing",
    level: str = "",
    enterprise: Enterprise | None = None,
    supersedes: TrainingRecord | None = None,
) -> TrainingRecord:
    return TrainingRecord.objects.create(
        person=person,
        date=date,
        hours=Decimal(str(hours)),
        kind=kind,
        level=level,
        enterprise=enterprise,
        title=f"培训{next_seq()}",
        supersedes=supersedes,
    )


def exam(
    person: Person,
    date: dt.date,
    purpose: str,
    score: float = 90,
    enterprise: Enterprise | None = None,
    supersedes: ExamResult | None = None,
) -> ExamResult:
    return ExamResult.objects.create(
        person=person,
        date=date,
        purpose=purpose,
        score=Decimal(str(score)),
        pass_mark=Decimal("80"),
        passed=score >= 80,
        enterprise=enterprise,
        supersedes=supersedes,
    )


def certificate(person: Person, op: str | None, issued: dt.date, **kw: object) -> Certificate:
    ctype = "special_operation" if op else "safety_management"
    valid, review = default_dates(ctype, issued)
    return Certificate.objects.create(
        person=person,
        cert_type=ctype,
        operation=SpecialOperation.objects.get(code=op) if op else None,
        number=f"C{next_seq()}",
        issued_on=issued,
        valid_until=kw.get("valid_until", valid),
        review_due=kw.get("review_due", review),
        revoked=bool(kw.get("revoked", False)),
        supersedes=kw.get("supersedes"),
    )


def violation(person: Person, enterprise: Enterprise, date: dt.date) -> Violation:
    return Violation.objects.create(
        person=person, enterprise=enterprise, date=date, type="operation"
    )


def incident(enterprise: Enterprise, date: dt.date, type: str = "fatal") -> Incident:
    return Incident.objects.create(enterprise=enterprise, date=date, type=type)


def drill(enterprise: Enterprise, date: dt.date, area: str) -> Drill:
    return Drill.objects.create(enterprise=enterprise, date=date, area_type=area, title="疏散演练")
