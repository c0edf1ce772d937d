"""Loading the facts the rules read, set-based.

``load_person_facts(ids, on)`` loads everything for a list of persons with a FIXED number of
queries per chunk of persons (11), whatever the number of persons or records: no per-person
queries. The single-person path (``compliance show``) is the same loader with one id.

Only current records count: a training record or exam result that a correction supersedes
(``superseded_by`` set) is ignored on every date — a correction fixes the record, it is not a
new event. Certificates are different: a renewal supersedes the old certificate but the old one
was real while it lasted, so certificates are all loaded and the matching function picks the
best one issued by D. Records dated after D do not exist yet and are not loaded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Q

from safetrain.catalog.models import MANAGEMENT_ROLES as _MGMT
from safetrain.certificates.matching import CertFact, ReviewFact
from safetrain.certificates.models import Certificate, CertificateReview
from safetrain.compliance.domain import (
    EmploymentFact,
    ExamFact,
    IncidentFact,
    LeaveFact,
    PersonFacts,
    PostFact,
    TrainingFact,
    ViolationFact,
)
from safetrain.compliance.rules.enterprise import DrillFact, EnterpriseFacts
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Employment, Leave, Post
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord

CHUNK = 5000
MANAGEMENT = [str(r) for r in _MGMT]
# Training kinds whose rules look at any date in the past (lifetime initial hours; the windows
# of 三违, return, transfer, accident and pre-job training start at an event). Other kinds only
# count for the yearly hours and coverage: this year and last year.
FULL_HISTORY_KINDS = ["initial", "violation", "return", "transfer", "accident", "prejob"]


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def _person_q(chunk: list[int], prefix: str = "") -> Q:
    """Rows of these persons: a range scan when the ids are dense, else an IN list."""
    lo, hi = chunk[0], chunk[-1]
    if hi - lo + 1 <= 2 * len(chunk):
        return Q(**{f"{prefix}person_id__gte": lo, f"{prefix}person_id__lte": hi})
    return Q(**{f"{prefix}person_id__in": chunk})


def load_person_facts(
    person_ids: Iterable[int], on: dt.date, *, chunk_size: int = CHUNK
) -> dict[int, PersonFacts]:
    """Facts for every person id as of day `on` (every person id gets an entry)."""
    out: dict[int, PersonFacts] = {}
    for facts in iter_person_facts(person_ids, on, chunk_size=chunk_size):
        out[facts.person_id] = facts
    return out


def iter_person_facts(
    person_ids: Iterable[int], on: dt.date, *, chunk_size: int = CHUNK
) -> Iterator[PersonFacts]:
    ids = sorted(set(person_ids))
    for chunk in _chunks(ids, chunk_size):
        yield from _load_chunk(chunk, on)


def _load_chunk(chunk: list[int], on: dt.date) -> Iterator[PersonFacts]:
    pq = _person_q(chunk)
    emp_pq = _person_q(chunk, "employment__")

    # 1. employments with their enterprise's credit code and sector group
    emp_rows = list(
        Employment.objects.filter(pq, start_date__lte=on)
        .order_by("person_id", "start_date")
        .values_list(
            "id",
            "person_id",
            "enterprise_id",
            "enterprise__credit_code",
            "enterprise__sector__high_risk",
            "role_category",
            "start_date",
            "end_date",
        )
    )
    # 2. posts, 3. leaves
    posts: dict[int, list[PostFact]] = defaultdict(list)
    for emp_id, from_date, title, op in (
        Post.objects.filter(emp_pq, employment__start_date__lte=on)
        .order_by("employment_id", "from_date")
        .values_list("employment_id", "from_date", "title", "operation_id")
    ):
        posts[emp_id].append(PostFact(from_date, title, op))
    leaves: dict[int, list[LeaveFact]] = defaultdict(list)
    for emp_id, start, end in (
        Leave.objects.filter(emp_pq, start_date__lte=on)
        .order_by("employment_id", "start_date")
        .values_list("employment_id", "start_date", "end_date")
    ):
        leaves[emp_id].append(LeaveFact(start, end))
    employments: dict[int, list[EmploymentFact]] = defaultdict(list)
    for eid, pid, ent_id, code, high_risk, role, start, end in emp_rows:
        employments[pid].append(
            EmploymentFact(
                id=eid,
                enterprise_id=ent_id,
                credit_code=code,
                high_risk=bool(high_risk),
                role=role,
                start=start,
                end=end,
                posts=tuple(posts.get(eid, ())),
                leaves=tuple(leaves.get(eid, ())),
            )
        )

    # 4./5. training records (current ones only), 6./7. exam results
    recent = dt.date(on.year - 1, 1, 1)
    superseded_t = set(
        TrainingRecord.objects.filter(pq, supersedes__isnull=False).values_list(
            "supersedes_id", flat=True
        )
    )
    trainings: dict[int, list[TrainingFact]] = defaultdict(list)
    for tid, pid, date, hours, kind, level, ent_id in TrainingRecord.objects.filter(
        pq, Q(kind__in=FULL_HISTORY_KINDS) | Q(date__gte=recent), date__lte=on
    ).values_list("id", "person_id", "date", "hours", "kind", "level", "enterprise_id"):
        if tid not in superseded_t:
            trainings[pid].append(TrainingFact(date, hours, kind, level, ent_id))
    superseded_e = set(
        ExamResult.objects.filter(pq, supersedes__isnull=False).values_list(
            "supersedes_id", flat=True
        )
    )
    exams: dict[int, list[ExamFact]] = defaultdict(list)
    for xid, pid, date, purpose, passed, ent_id in (
        ExamResult.objects.filter(pq, date__lte=on)
        .exclude(purpose="practice")
        .values_list("id", "person_id", "date", "purpose", "passed", "enterprise_id")
    ):
        if xid not in superseded_e:
            exams[pid].append(ExamFact(date, purpose, passed, ent_id, xid))

    # 8. violations
    violations: dict[int, list[ViolationFact]] = defaultdict(list)
    from safetrain.records.models import Violation

    for pid, date, ent_id, vtype in Violation.objects.filter(pq, date__lte=on).values_list(
        "person_id", "date", "enterprise_id", "type"
    ):
        violations[pid].append(ViolationFact(date, ent_id, vtype))

    # 9. certificates (renewed ones too), 10. their reviews
    reviews: dict[int, list[ReviewFact]] = defaultdict(list)
    for cid, passed_on, cleared in (
        CertificateReview.objects.filter(_person_q(chunk, "certificate__"))
        .order_by("certificate_id", "passed_on")
        .values_list("certificate_id", "passed_on", "cleared_due")
    ):
        reviews[cid].append(ReviewFact(passed_on, cleared))
    certificates: dict[int, list[CertFact]] = defaultdict(list)
    for cid, pid, ctype, op, number, issued, valid, due, revoked in (
        Certificate.objects.filter(pq, issued_on__lte=on)
        .order_by("person_id", "issued_on", "id")
        .values_list(
            "id",
            "person_id",
            "cert_type",
            "operation_id",
            "number",
            "issued_on",
            "valid_until",
            "review_due",
            "revoked",
        )
    ):
        certificates[pid].append(
            CertFact(
                id=cid,
                cert_type=ctype,
                operation=op,
                number=number,
                issued_on=issued,
                valid_until=valid,
                review_due=due,
                revoked=revoked,
                reviews=tuple(reviews.get(cid, ())),
            )
        )

    # 11. incidents of enterprises where someone of the chunk ever held a management role
    mgmt_ents = Employment.objects.filter(pq, role_category__in=MANAGEMENT).values("enterprise_id")
    by_enterprise: dict[int, list[tuple[dt.date, str, str]]] = defaultdict(list)
    for ent_id, date, itype, code in Incident.objects.filter(
        enterprise_id__in=mgmt_ents, date__lte=on
    ).values_list("enterprise_id", "date", "type", "enterprise__credit_code"):
        by_enterprise[ent_id].append((date, itype, code))

    for pid in chunk:
        emps = employments.get(pid, [])
        incidents: list[IncidentFact] = []
        for emp in emps:
            if emp.role not in MANAGEMENT:
                continue
            for date, itype, code in by_enterprise.get(emp.enterprise_id, ()):
                if emp.active_on(date):
                    incidents.append(IncidentFact(date, emp.enterprise_id, itype, emp.role, code))
        yield PersonFacts(
            person_id=pid,
            employments=tuple(emps),
            trainings=tuple(trainings.get(pid, ())),
            exams=tuple(exams.get(pid, ())),
            violations=tuple(violations.get(pid, ())),
            certificates=tuple(certificates.get(pid, ())),
            incidents=tuple(incidents),
        )


def load_enterprise_facts(enterprise: Enterprise, on: dt.date) -> EnterpriseFacts:
    drills = tuple(
        DrillFact(date, area)
        for date, area in Drill.objects.filter(enterprise=enterprise, date__lte=on).values_list(
            "date", "area_type"
        )
    )
    high_risk: Any = enterprise.sector.high_risk
    return EnterpriseFacts(
        enterprise_id=enterprise.pk,
        credit_code=enterprise.credit_code,
        high_risk=bool(high_risk),
        area_types=tuple(enterprise.area_types or ()),
        drills=drills,
    )
