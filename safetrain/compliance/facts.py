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
from decimal import Decimal
from typing import Any

from django.db import connection

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
from safetrain.records.models import Drill, ExamResult, Incident, TrainingRecord, Violation

CHUNK = 5000
MANAGEMENT = [str(r) for r in _MGMT]
# Training kinds whose rules look at any date in the past (lifetime initial hours; the windows
# of 三违, return, transfer, accident and pre-job training start at an event). Other kinds only
# count for the yearly hours and coverage: this year and last year.
FULL_HISTORY_KINDS = ["initial", "violation", "return", "transfer", "accident", "prejob"]


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def _tables() -> dict[str, str]:
    from safetrain.catalog.models import Sector

    q = connection.ops.quote_name
    models: dict[str, Any] = {
        "employment": Employment,
        "post": Post,
        "leave": Leave,
        "enterprise": Enterprise,
        "sector": Sector,
        "training": TrainingRecord,
        "exam": ExamResult,
        "violation": Violation,
        "certificate": Certificate,
        "review": CertificateReview,
        "incident": Incident,
    }
    return {k: q(m._meta.db_table) for k, m in models.items()}


def _person_filter(chunk: list[int], column: str) -> tuple[str, list[Any]]:
    """Rows of these persons: a range scan when the ids are dense, else an IN list."""
    lo, hi = chunk[0], chunk[-1]
    if hi - lo + 1 <= 2 * len(chunk):
        return f"{column} BETWEEN %s AND %s", [lo, hi]
    if connection.vendor == "postgresql":  # one array parameter, one plan for any chunk size
        return f"{column} = ANY(%s)", [list(chunk)]
    return f"{column} IN ({', '.join(['%s'] * len(chunk))})", list(chunk)


def _date(value: Any) -> dt.date:
    """SQLite hands dates back as text through a raw cursor; PostgreSQL as dates."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _opt_date(value: Any) -> dt.date | None:
    return None if value is None else _date(value)


_DECIMALS: dict[Any, Decimal] = {}


def _decimal(value: Any) -> Decimal:
    """Hours as Decimal with one place; the few distinct values are converted once."""
    found = _DECIMALS.get(value)
    if found is None:
        found = Decimal(str(value)).quantize(Decimal("0.1"))
        if len(_DECIMALS) < 10_000:
            _DECIMALS[value] = found
    return found


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
    """Eleven set-based queries for a chunk of persons (plain SQL: the ORM's per-query
    compilation and per-value converters cost more than the queries themselves here).
    CROSS JOIN fixes SQLite's join order (persons' employments first, then their posts and
    leaves by index); PostgreSQL plans it like an inner join."""
    t = _tables()
    pf = _person_filter
    e_f, e_p = pf(chunk, "e.person_id")
    x_f, x_p = pf(chunk, "x.person_id")

    # 1. employments with their enterprise's credit code and sector group
    emp_rows = _rows(
        f"SELECT e.id, e.person_id, e.enterprise_id, n.credit_code, s.high_risk, e.role_category, "
        f"e.start_date, e.end_date FROM {t['employment']} e "
        f"JOIN {t['enterprise']} n ON n.id = e.enterprise_id "
        f"JOIN {t['sector']} s ON s.code = n.sector_id "
        f"WHERE {e_f} AND e.start_date <= %s ORDER BY e.person_id, e.start_date",
        [*e_p, on],
    )
    # 2. posts, 3. leaves
    posts: dict[int, list[PostFact]] = defaultdict(list)
    for emp_id, from_date, title, op in _rows(
        f"SELECT x.employment_id, x.from_date, x.title, x.operation_id "
        f"FROM {t['employment']} e CROSS JOIN {t['post']} x "
        f"WHERE x.employment_id = e.id AND {e_f} AND e.start_date <= %s "
        f"ORDER BY x.employment_id, x.from_date",
        [*e_p, on],
    ):
        posts[emp_id].append(PostFact(_date(from_date), title, op))
    leaves: dict[int, list[LeaveFact]] = defaultdict(list)
    for emp_id, start, end in _rows(
        f"SELECT x.employment_id, x.start_date, x.end_date "
        f"FROM {t['employment']} e CROSS JOIN {t['leave']} x "
        f"WHERE x.employment_id = e.id AND {e_f} AND x.start_date <= %s "
        f"ORDER BY x.employment_id, x.start_date",
        [*e_p, on],
    ):
        leaves[emp_id].append(LeaveFact(_date(start), _opt_date(end)))
    employments: dict[int, list[EmploymentFact]] = defaultdict(list)
    for eid, pid, ent_id, code, high_risk, role, start, end in emp_rows:
        employments[pid].append(
            EmploymentFact(
                id=eid,
                enterprise_id=ent_id,
                credit_code=code,
                high_risk=bool(high_risk),
                role=role,
                start=_date(start),
                end=_opt_date(end),
                posts=tuple(posts.get(eid, ())),
                leaves=tuple(leaves.get(eid, ())),
            )
        )

    # 4./5. training records (current ones only), 6./7. exam results
    recent = dt.date(on.year - 1, 1, 1)
    superseded_t = {
        r[0]
        for r in _rows(
            f"SELECT x.supersedes_id FROM {t['training']} x "
            f"WHERE {x_f} AND x.supersedes_id IS NOT NULL",
            x_p,
        )
    }
    kinds = ", ".join(["%s"] * len(FULL_HISTORY_KINDS))
    trainings: dict[int, list[TrainingFact]] = defaultdict(list)
    for tid, pid, date, hours, kind, level, ent_id in _rows(
        f"SELECT x.id, x.person_id, x.date, x.hours, x.kind, x.level, x.enterprise_id "
        f"FROM {t['training']} x WHERE {x_f} AND x.date <= %s "
        f"AND (x.kind IN ({kinds}) OR x.date >= %s)",
        [*x_p, on, *FULL_HISTORY_KINDS, recent],
    ):
        if tid not in superseded_t:
            trainings[pid].append(TrainingFact(_date(date), _decimal(hours), kind, level, ent_id))
    superseded_e = {
        r[0]
        for r in _rows(
            f"SELECT x.supersedes_id FROM {t['exam']} x WHERE {x_f} AND x.supersedes_id IS NOT NULL",
            x_p,
        )
    }
    exams: dict[int, list[ExamFact]] = defaultdict(list)
    for xid, pid, date, purpose, passed, ent_id in _rows(
        f"SELECT x.id, x.person_id, x.date, x.purpose, x.passed, x.enterprise_id "
        f"FROM {t['exam']} x WHERE {x_f} AND x.date <= %s AND x.purpose <> %s",
        [*x_p, on, "practice"],
    ):
        if xid not in superseded_e:
            exams[pid].append(ExamFact(_date(date), purpose, bool(passed), ent_id, xid))

    # 8. violations
    violations: dict[int, list[ViolationFact]] = defaultdict(list)
    for pid, date, ent_id, vtype in _rows(
        f"SELECT x.person_id, x.date, x.enterprise_id, x.type FROM {t['violation']} x "
        f"WHERE {x_f} AND x.date <= %s",
        [*x_p, on],
    ):
        violations[pid].append(ViolationFact(_date(date), ent_id, vtype))

    # 9. reviews of their certificates, 10. certificates (renewed ones too)
    reviews: dict[int, list[ReviewFact]] = defaultdict(list)
    c_f, c_p = pf(chunk, "c.person_id")
    for cid, passed_on, cleared in _rows(
        f"SELECT r.certificate_id, r.passed_on, r.cleared_due FROM {t['review']} r "
        f"JOIN {t['certificate']} c ON c.id = r.certificate_id "
        f"WHERE {c_f} ORDER BY r.certificate_id, r.passed_on",
        c_p,
    ):
        reviews[cid].append(ReviewFact(_date(passed_on), _opt_date(cleared)))
    certificates: dict[int, list[CertFact]] = defaultdict(list)
    for cid, pid, ctype, op, number, issued, valid, due, revoked in _rows(
        f"SELECT x.id, x.person_id, x.cert_type, x.operation_id, x.number, x.issued_on, "
        f"x.valid_until, x.review_due, x.revoked FROM {t['certificate']} x "
        f"WHERE {x_f} AND x.issued_on <= %s ORDER BY x.person_id, x.issued_on, x.id",
        [*x_p, on],
    ):
        certificates[pid].append(
            CertFact(
                id=cid,
                cert_type=ctype,
                operation=op,
                number=number,
                issued_on=_date(issued),
                valid_until=_date(valid),
                review_due=_opt_date(due),
                revoked=bool(revoked),
                reviews=tuple(reviews.get(cid, ())),
            )
        )

    # 11. incidents of enterprises where someone of the chunk ever held a management role
    roles = ", ".join(["%s"] * len(MANAGEMENT))
    by_enterprise: dict[int, list[tuple[dt.date, str, str]]] = defaultdict(list)
    for ent_id, date, itype, code in _rows(
        f"SELECT i.enterprise_id, i.date, i.type, n.credit_code FROM {t['incident']} i "
        f"JOIN {t['enterprise']} n ON n.id = i.enterprise_id WHERE i.date <= %s "
        f"AND i.enterprise_id IN (SELECT e.enterprise_id FROM {t['employment']} e "
        f"WHERE {e_f} AND e.role_category IN ({roles}))",
        [on, *e_p, *MANAGEMENT],
    ):
        by_enterprise[ent_id].append((_date(date), itype, code))

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
