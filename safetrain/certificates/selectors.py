"""Reads for certificates, scoped by jurisdiction: facts for the matching function, one person's
check, the ledger (台账), the reminder lists and notifications.

The ledger loads everything in a fixed number of queries (employments, posts, certificates,
reviews) whatever the number of persons: no per-row queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from safetrain.catalog.models import MANAGEMENT_ROLES, RoleCategory
from safetrain.certificates.matching import (
    SAFETY_MANAGEMENT,
    STATE_LABELS,
    CertCheck,
    CertFact,
    CertState,
    Requirement,
    ReviewFact,
    evaluate_requirement,
    requirements_for,
)
from safetrain.certificates.models import Certificate, CertificateReview, Notification
from safetrain.core.scope import enterprise_q, person_q
from safetrain.people.models import Employment, Leave, Person, Post

if TYPE_CHECKING:
    from safetrain.enterprises.models import Enterprise
    from safetrain.people.models import User

REVIEW_WINDOW_DAYS = 60
EXPIRY_WINDOW_DAYS = 90

# Display order of the states (ledger counts, filters): worst first.
STATE_ORDER = [
    CertState.MISSING,
    CertState.MISMATCH,
    CertState.REVOKED,
    CertState.EXPIRED,
    CertState.REVIEW_OVERDUE,
    CertState.PENDING,
    CertState.REVIEW_DUE_SOON,
    CertState.EXPIRING_SOON,
    CertState.VALID,
]
STATE_BADGE = {
    CertState.VALID: "badge-ok",
    CertState.REVIEW_DUE_SOON: "badge-warn",
    CertState.EXPIRING_SOON: "badge-warn",
    CertState.PENDING: "badge-warn",
}


def state_badge(state: CertState) -> str:
    return STATE_BADGE.get(state, "badge-bad")


# ----------------------------------------------------------------------------- facts


def _fact(cert: Certificate, reviews: Iterable[CertificateReview]) -> CertFact:
    return CertFact(
        id=cert.pk,
        cert_type=cert.cert_type,
        operation=cert.operation_id,
        number=cert.number,
        issued_on=cert.issued_on,
        valid_until=cert.valid_until,
        review_due=cert.review_due,
        revoked=cert.revoked,
        reviews=tuple(ReviewFact(r.passed_on, r.cleared_due) for r in reviews),
    )


def _facts_from(
    certs: Iterable[Certificate], reviews: Iterable[CertificateReview]
) -> dict[int, list[CertFact]]:
    by_cert: dict[int, list[CertificateReview]] = defaultdict(list)
    for r in reviews:
        by_cert[r.certificate_id].append(r)
    out: dict[int, list[CertFact]] = defaultdict(list)
    for c in certs:
        out[c.person_id].append(_fact(c, by_cert.get(c.pk, ())))
    return out


def cert_facts_for(person_ids: Iterable[int]) -> dict[int, list[CertFact]]:
    """Certificate facts of many persons in two queries: {person id: [CertFact]}."""
    ids = list(set(person_ids))
    certs = list(Certificate.objects.filter(person_id__in=ids).order_by("issued_on", "id"))
    reviews = list(CertificateReview.objects.filter(certificate__person_id__in=ids))
    return _facts_from(certs, reviews)


def cert_facts(person: Person) -> list[CertFact]:
    return cert_facts_for([person.pk]).get(person.pk, [])


# ----------------------------------------------------------------------------- one person


def post_on(employment: Employment, on: dt.date) -> Post | None:
    """The post in force on a day: the latest post from on or before that day."""
    return (
        Post.objects.filter(employment=employment, from_date__lte=on)
        .select_related("operation", "job_type")
        .order_by("-from_date", "-id")
        .first()
    )


def employment_requirements(
    employment: Employment, post: Post | None, *, sector_high_risk: bool | None = None
) -> list[Requirement]:
    if sector_high_risk is None:
        sector_high_risk = employment.enterprise.sector.high_risk
    return requirements_for(
        role_category=employment.role_category,
        sector_high_risk=sector_high_risk,
        operation=post.operation_id if post is not None else None,
        employment_start=employment.start_date,
    )


@dataclass
class PersonCertStatus:
    on: dt.date
    employment: Employment | None
    post: Post | None
    checks: list[CertCheck]


def certificate_status(person: Person, on: dt.date) -> PersonCertStatus:
    """The certificates a person's post on D needs and their state (the compliance engine's
    CERT_* findings come from the same evaluation)."""
    from safetrain.people.selectors import active_employment

    employment = active_employment(person, on)
    if employment is None:
        return PersonCertStatus(on, None, None, [])
    post = post_on(employment, on)
    reqs = employment_requirements(employment, post)
    if not reqs:
        return PersonCertStatus(on, employment, post, [])
    facts = cert_facts(person)
    return PersonCertStatus(
        on, employment, post, [evaluate_requirement(r, facts, on) for r in reqs]
    )


def certificate_check(person: Person, on: dt.date) -> list[CertCheck]:
    return certificate_status(person, on).checks


# ----------------------------------------------------------------------------- lists


def certificate_list(*, viewer: User, person: Person | None = None) -> QuerySet[Certificate]:
    qs = Certificate.objects.filter(person_q(viewer, "person__")).select_related(
        "person", "operation"
    )
    if person is not None:
        qs = qs.filter(person=person)
    return qs.order_by("person_id", "issued_on", "id")


def certificate_get(*, viewer: User, pk: int) -> Certificate | None:
    return certificate_list(viewer=viewer).filter(pk=pk).first()


@dataclass
class HeldCertificate:
    certificate: Certificate
    state: CertState
    superseded_by: Certificate | None
    reviews: list[CertificateReview]
    review_due: dt.date | None  # in force on the day

    @property
    def state_label(self) -> str:
        if self.superseded_by is not None:
            return "已换证"
        return STATE_LABELS[self.state]

    @property
    def badge(self) -> str:
        if self.superseded_by is not None:
            return "badge"
        return state_badge(self.state)


def held_certificates(person: Person, on: dt.date) -> list[HeldCertificate]:
    """All certificates of a person with each one's own state on D (newest first). A
    certificate replaced by a renewal issued by D is shown as 已换证."""
    certs = list(
        Certificate.objects.filter(person=person)
        .select_related("operation", "supersedes")
        .order_by("-issued_on", "-id")
    )
    reviews = list(CertificateReview.objects.filter(certificate__person=person))
    by_cert: dict[int, list[CertificateReview]] = defaultdict(list)
    for r in reviews:
        by_cert[r.certificate_id].append(r)
    successor = {c.supersedes_id: c for c in certs if c.supersedes_id and c.issued_on <= on}
    out: list[HeldCertificate] = []
    for c in certs:
        fact = _fact(c, by_cert.get(c.pk, ()))
        check = evaluate_requirement(Requirement(c.cert_type, c.operation_id), [fact], on)
        out.append(
            HeldCertificate(
                certificate=c,
                state=check.state,
                superseded_by=successor.get(c.pk),
                reviews=sorted(by_cert.get(c.pk, []), key=lambda r: r.passed_on),
                review_due=fact.review_due_on(on),
            )
        )
    return out


def certificate_state(certificate: Certificate, on: dt.date) -> CertState:
    """One certificate's own state on D (verification page)."""
    fact = _fact(certificate, certificate.reviews.all())
    return evaluate_requirement(
        Requirement(certificate.cert_type, certificate.operation_id), [fact], on
    ).state


def supersession_chain(certificate: Certificate) -> list[Certificate]:
    """Oldest first: every certificate this one replaced and every one that replaced it."""
    chain = [certificate]
    node = certificate
    while node.supersedes_id:
        node = Certificate.objects.select_related("operation").get(pk=node.supersedes_id)
        chain.insert(0, node)
    node = certificate
    while True:
        nxt = Certificate.objects.select_related("operation").filter(supersedes=node).first()
        if nxt is None:
            break
        chain.append(nxt)
        node = nxt
    return chain


# ----------------------------------------------------------------------------- ledger


@dataclass
class LedgerRow:
    person: Person
    employment: Employment
    post: Post
    check: CertCheck
    best: Certificate | None

    @property
    def enterprise(self) -> Enterprise:
        return self.employment.enterprise

    @property
    def state(self) -> CertState:
        return self.check.state

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.check.state]

    @property
    def badge(self) -> str:
        return state_badge(self.check.state)

    @property
    def role_label(self) -> str:
        return RoleCategory(self.employment.role_category).label

    @property
    def needed_label(self) -> str:
        req = self.check.requirement
        if req.cert_type == SAFETY_MANAGEMENT:
            return "安全生产知识和管理能力考核合格证"
        op = self.post.operation
        return f"特种作业操作证 {op.code} {op.name}" if op else "特种作业操作证"

    @property
    def held_label(self) -> str:
        if self.best is not None:
            return self.best.number
        held = self.check.detail.get("held_operations")
        if held:
            return "持有：" + "、".join(str(h) for h in held)  # type: ignore[attr-defined]
        return ""


@dataclass
class Ledger:
    on: dt.date
    rows: list[LedgerRow]
    counts: dict[str, int] = field(default_factory=dict)  # by state, before the state filter
    total: int = 0

    @property
    def count_items(self) -> list[tuple[CertState, str, int, str]]:
        return [
            (s, STATE_LABELS[s], self.counts.get(s.value, 0), state_badge(s)) for s in STATE_ORDER
        ]


def employments_in_post(
    *,
    viewer: User | None,
    on: dt.date,
    enterprise: str | None = None,
    region: str | None = None,
) -> QuerySet[Employment]:
    """Employments active on D, not on leave on D, in the viewer's scope (None: everything)."""
    on_leave = Leave.objects.filter(employment=OuterRef("pk"), start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    qs = Employment.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    if viewer is not None:
        qs = qs.filter(enterprise_q(viewer, "enterprise__"))
    if enterprise:
        qs = qs.filter(enterprise__credit_code=enterprise.strip().upper())
    if region:
        qs = qs.filter(enterprise__region_id=region.strip())
    return qs.filter(~Exists(on_leave))


def ledger(
    *,
    viewer: User | None,
    on: dt.date,
    state: str | None = None,
    operation: str | None = None,
    enterprise: str | None = None,
    region: str | None = None,
    form: str = "",
) -> Ledger:
    """The 特种作业人员及主要负责人安全管理人员持证台账 on D: one row per needed certificate of
    every person in post on D in scope who holds a special-operation post or is a high-risk
    principal/deputy/safety manager. `operation` is an operation code or "safety_management".
    `form` keeps one employment form (用工形式) of the employment in post.
    Four queries whatever the number of rows."""
    emp_qs = employments_in_post(viewer=viewer, on=on, enterprise=enterprise, region=region)
    if form:
        emp_qs = emp_qs.filter(employment_form=form)
    employments = list(
        emp_qs.select_related("person", "enterprise", "enterprise__region", "enterprise__sector")
    )
    posts: dict[int, Post] = {}
    for p in (
        Post.objects.filter(employment__in=emp_qs, from_date__lte=on)
        .select_related("operation", "job_type")
        .order_by("employment_id", "from_date", "id")
    ):
        posts[p.employment_id] = p  # the last one wins: the post in force on D
    person_ids = emp_qs.values("person_id")
    certs = list(
        Certificate.objects.filter(person_id__in=person_ids)
        .select_related("operation")
        .order_by("issued_on", "id")
    )
    reviews = list(CertificateReview.objects.filter(certificate__person_id__in=person_ids))
    facts = _facts_from(certs, reviews)
    cert_by_id = {c.pk: c for c in certs}

    rows: list[LedgerRow] = []
    for emp in employments:
        post = posts.get(emp.pk)
        if post is None:
            continue
        high_risk = emp.enterprise.sector.high_risk
        if post.operation_id is None and not (high_risk and emp.role_category in MANAGEMENT_ROLES):
            continue
        for req in employment_requirements(emp, post, sector_high_risk=high_risk):
            if operation:
                wanted = (
                    req.cert_type == SAFETY_MANAGEMENT
                    if operation == SAFETY_MANAGEMENT
                    else req.operation == operation
                )
                if not wanted:
                    continue
            check = evaluate_requirement(req, facts.get(emp.person_id, []), on)
            best = cert_by_id.get(check.best.id) if check.best else None
            rows.append(LedgerRow(emp.person, emp, post, check, best))
    rows.sort(
        key=lambda r: (
            r.enterprise.region_id,
            r.enterprise.name,
            r.person.name,
            r.person.pk,
            r.check.requirement.cert_type,
        )
    )
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r.state.value] += 1
    total = len(rows)
    if state:
        rows = [r for r in rows if r.state.value == state]
    return Ledger(on=on, rows=rows, counts=dict(counts), total=total)


# ----------------------------------------------------------------------------- reminders


@dataclass
class ReminderItem:
    certificate: Certificate
    person: Person
    due: dt.date
    days: int


@dataclass
class EnterpriseReminders:
    enterprise: Enterprise
    reviews: list[ReminderItem] = field(default_factory=list)  # review due within 60 days
    expiring: list[ReminderItem] = field(default_factory=list)  # expiring within 90 days


def reminder_lists(
    *, viewer: User | None, on: dt.date, enterprise: str | None = None
) -> list[EnterpriseReminders]:
    """Per enterprise (of the holder's employment on D): reviews due within 60 days and
    certificates expiring within 90 days. Revoked certificates and those replaced by a renewal
    issued by D are left out. Four queries."""
    emp_qs = employments_in_post(viewer=viewer, on=on, enterprise=enterprise).select_related(
        "enterprise", "person"
    )
    employments = {e.person_id: e for e in emp_qs}
    person_ids = emp_qs.values("person_id")
    certs = list(
        Certificate.objects.filter(person_id__in=person_ids, issued_on__lte=on, revoked=False)
        .exclude(superseded_by__issued_on__lte=on)
        .select_related("operation")
        .order_by("valid_until", "id")
    )
    reviews = list(CertificateReview.objects.filter(certificate__person_id__in=person_ids))
    facts = {f.id: f for fs in _facts_from(certs, reviews).values() for f in fs}
    groups: dict[int, EnterpriseReminders] = {}
    for c in certs:
        emp = employments.get(c.person_id)
        if emp is None:
            continue
        fact = facts[c.pk]
        due = fact.review_due_on(on)
        group = groups.get(emp.enterprise_id)
        if group is None:
            group = groups[emp.enterprise_id] = EnterpriseReminders(emp.enterprise)
        if due is not None and 0 <= (due - on).days <= REVIEW_WINDOW_DAYS:
            group.reviews.append(ReminderItem(c, emp.person, due, (due - on).days))
        if 0 <= (c.valid_until - on).days <= EXPIRY_WINDOW_DAYS:
            group.expiring.append(
                ReminderItem(c, emp.person, c.valid_until, (c.valid_until - on).days)
            )
    out = [g for g in groups.values() if g.reviews or g.expiring]
    for g in out:
        g.reviews.sort(key=lambda i: (i.due, i.person.name))
        g.expiring.sort(key=lambda i: (i.due, i.person.name))
    return sorted(out, key=lambda g: (g.enterprise.region_id, g.enterprise.name))


def notification_list(*, viewer: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=viewer).select_related(
        "certificate", "certificate__person"
    )
    if unread_only:
        qs = qs.filter(read=False)
    return qs.order_by("-created_at", "-id")
