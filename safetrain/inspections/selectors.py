"""Reads, scoped to the viewer's jurisdiction (core.scope), a fixed number of queries each.

`open_orders(scope, on)` is the interface the dashboards and notices use (issue 8 items 1, 4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet

from safetrain.compliance.pages import code_label
from safetrain.core import dates
from safetrain.core.scope import enterprise_q, is_citywide, region_codes
from safetrain.enterprises.models import Enterprise
from safetrain.inspections.models import (
    CheckedPerson,
    ConflictOfInterest,
    CorrectionOrder,
    Draw,
    DrawPair,
    EnforcementPlan,
    Inspection,
    OrderItem,
    PlanSubmission,
    Result,
)
from safetrain.people.models import Person, User
from safetrain.regions.models import CITY_CODE, Region
from safetrain.web.nav import effective_role

STATES = ("open", "overdue", "closed")


def inspection_list(*, viewer: User, enterprise: Enterprise | None = None) -> QuerySet[Inspection]:
    qs = Inspection.objects.filter(enterprise_q(viewer, "enterprise__")).select_related(
        "enterprise", "enterprise__region", "inspector"
    )
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs


def inspection_get(*, viewer: User, pk: int) -> Inspection | None:
    return inspection_list(viewer=viewer).filter(pk=pk).first()


def checked_persons(inspection: Inspection) -> list[CheckedPerson]:
    return list(
        inspection.persons.select_related("person").order_by("stratum", "person__name", "id")
    )


def _state_q(state: str, on: dt.date) -> Q:
    existing = Q(issued_on__lte=on)
    not_closed = Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    if state == "closed":
        return existing & Q(closed_on__lte=on)
    if state == "overdue":
        return existing & not_closed & Q(deadline__lt=on)
    if state == "open":
        return existing & not_closed & Q(deadline__gte=on)
    if state == "active":  # open or overdue
        return existing & not_closed
    raise ValueError(state)


def order_list(
    *,
    viewer: User,
    on: dt.date | None = None,
    state: str = "",
    region: str | None = None,
    enterprise: Enterprise | None = None,
) -> QuerySet[CorrectionOrder]:
    """Orders in the viewer's jurisdiction as they stood on `on` (default today): state open,
    overdue, closed ('' = all issued by then); a county filter for city-wide viewers."""
    on = on or dates.today()
    qs = CorrectionOrder.objects.filter(enterprise_q(viewer, "enterprise__"))
    qs = qs.filter(_state_q(state, on)) if state else qs.filter(issued_on__lte=on)
    if region and region != CITY_CODE:
        qs = qs.filter(enterprise__region_id=region)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("enterprise", "enterprise__region").prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.select_related("person")), "penalties"
    )


def order_get(*, viewer: User, pk: int) -> CorrectionOrder | None:
    return (
        CorrectionOrder.objects.filter(enterprise_q(viewer, "enterprise__"), pk=pk)
        .select_related("enterprise", "enterprise__region", "inspection", "issued_by")
        .first()
    )


@dataclass
class CountyCounts:
    region: Region
    open: int = 0
    overdue: int = 0
    closed: int = 0

    @property
    def total(self) -> int:
        return self.open + self.overdue + self.closed


def order_counts(*, viewer: User, on: dt.date | None = None) -> list[CountyCounts]:
    """Open / overdue / closed orders per county on `on`, for the counties the viewer covers
    (two queries)."""
    on = on or dates.today()
    codes = region_codes(viewer)
    regions = Region.objects.filter(parent_id=CITY_CODE).order_by("code")
    if codes is not None:
        regions = regions.filter(code__in=codes)
    out = {r.code: CountyCounts(r) for r in regions}
    rows = CorrectionOrder.objects.filter(
        enterprise_q(viewer, "enterprise__"), issued_on__lte=on
    ).values_list("enterprise__region_id", "deadline", "closed_on")
    for region_id, deadline, closed_on in rows:
        counts = out.get(region_id)
        if counts is None:
            continue
        if closed_on is not None and closed_on <= on:
            counts.closed += 1
        elif on > deadline:
            counts.overdue += 1
        else:
            counts.open += 1
    return list(out.values())


@dataclass(frozen=True)
class OpenOrderPerson:
    person_id: int
    uid: str
    name: str
    id_number_masked: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class OpenOrder:
    """One order still open on the day: for dashboards and notices."""

    number: str
    enterprise: Enterprise
    persons: tuple[OpenOrderPerson, ...]
    findings: tuple[tuple[str, str, int], ...]  # (code, label, persons) still open
    issued_on: dt.date
    deadline: dt.date
    overdue: bool
    penalties: tuple[tuple[str, str], ...] = field(default=())  # (amount, basis)


def open_orders(scope: Region | Enterprise | str, on: dt.date | None = None) -> list[OpenOrder]:
    """Correction orders open (or overdue) on `on` for a region (the city: everything; a
    county) or an enterprise, with the persons and findings not yet cleared on that day, the
    deadline and the overdue flag. Unscoped by viewer: the caller has already chosen a scope the
    viewer may see. Three queries, whatever the number of orders."""
    on = on or dates.today()
    qs = CorrectionOrder.objects.filter(_state_q("active", on))
    if isinstance(scope, Enterprise):
        qs = qs.filter(enterprise=scope)
    else:
        code = scope.code if isinstance(scope, Region) else str(scope)
        if code != CITY_CODE:
            qs = qs.filter(enterprise__region_id=code)
    qs = qs.select_related("enterprise", "enterprise__region").prefetch_related(
        Prefetch(
            "items",
            queryset=OrderItem.objects.filter(Q(cleared_on__isnull=True) | Q(cleared_on__gt=on))
            .select_related("person")
            .order_by("person__name", "code"),
        ),
        "penalties",
    )
    out = []
    labels: dict[str, str] = {}  # code_label reads the policy file: once per code, not per order
    for order in qs.order_by("deadline", "number"):
        persons: dict[int, tuple[Person, list[str]]] = {}
        for item in order.items.all():
            if item.code not in labels:
                labels[item.code] = code_label(item.code, on)
        counts: dict[str, set[int]] = {}
        for item in order.items.all():
            persons.setdefault(item.person_id, (item.person, []))[1].append(item.code)
            counts.setdefault(item.code, set()).add(item.person_id)
        out.append(
            OpenOrder(
                number=order.number,
                enterprise=order.enterprise,
                persons=tuple(
                    OpenOrderPerson(p.pk, str(p.uid), p.name, p.id_number_masked, tuple(codes))
                    for p, codes in persons.values()
                ),
                findings=tuple((c, labels[c], len(ids)) for c, ids in sorted(counts.items())),
                issued_on=order.issued_on,
                deadline=order.deadline,
                overdue=on > order.deadline,
                penalties=tuple((str(p.amount), p.basis) for p in order.penalties.all()),
            )
        )
    return out


def orders_for_notice(*, region: str | None, on: dt.date) -> list[dict[str, object]]:
    """What a notice (通报, safetrain.dashboards.orders) lists: each enterprise under correction
    orders on `on` — open (open or overdue) and overdue counts, the earliest deadline. `region`
    None or the city code is the whole city. One query."""
    qs = CorrectionOrder.objects.filter(_state_q("active", on))
    if region is not None and region != CITY_CODE:
        qs = qs.filter(enterprise__region_id=region)
    rows = (
        qs.values("enterprise__credit_code", "enterprise__name")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(deadline__lt=on)),
            deadline=Min("deadline"),
        )
        .order_by("enterprise__credit_code")
    )
    return [
        {
            "credit_code": r["enterprise__credit_code"],
            "enterprise": r["enterprise__name"],
            "open": r["open"],
            "overdue": r["overdue"],
            "deadline": r["deadline"],
        }
        for r in rows
    ]


# ------------------------------------------------------------------------------ retests


def retests(
    *, viewer: User, enterprise: Enterprise | None = None, open_only: bool = True
) -> QuerySet[CheckedPerson]:
    """Failed spot checks and whether the retraining and the retest are done: a training record
    dated on or after the inspection day, and a passed `spot_check` or `risk_awareness` exam dated
    after it (the notice §五(三): 考核不合格人员必须重新组织培训). Two subqueries, one query."""
    from safetrain.records.models import ExamResult, TrainingRecord

    trained = TrainingRecord.objects.filter(
        person_id=OuterRef("person_id"), date__gte=OuterRef("inspection__date")
    )
    retested = ExamResult.objects.filter(
        person_id=OuterRef("person_id"),
        date__gt=OuterRef("inspection__date"),
        purpose__in=["spot_check", "risk_awareness"],
        passed=True,
    )
    qs = (
        CheckedPerson.objects.filter(
            enterprise_q(viewer, "inspection__enterprise__"), result=Result.FAIL
        )
        .annotate(trained=Exists(trained), retested=Exists(retested))
        .select_related("person", "inspection", "inspection__enterprise")
        .order_by("-inspection__date", "person__name")
    )
    if enterprise is not None:
        qs = qs.filter(inspection__enterprise=enterprise)
    if open_only:
        qs = qs.filter(Q(trained=False) | Q(retested=False))
    return qs


# ------------------------------------------------------------------------------ plans


def plan_submissions(*, viewer: User, campaign: str) -> list[tuple[Region, list[PlanSubmission]]]:
    """Each county the viewer covers with its submissions (oldest first). Two queries."""
    codes = region_codes(viewer)
    regions = Region.objects.filter(parent_id=CITY_CODE).order_by("code")
    if codes is not None:
        regions = regions.filter(code__in=codes)
    wanted = list(regions)
    subs: dict[str, list[PlanSubmission]] = {r.code: [] for r in wanted}
    for s in PlanSubmission.objects.filter(campaign=campaign, region_id__in=list(subs)).order_by(
        "submitted_on", "id"
    ):
        subs[s.region_id].append(s)
    return [(r, subs[r.code]) for r in wanted]


# ------------------------------------------------------------------------------ 双随机


def plan_list(*, viewer: User) -> QuerySet[EnforcementPlan]:
    """Enforcement plans of the bureaus the viewer covers: the city sees every plan, a county
    bureau (admin, inspectors) its own county's; other roles none."""
    if effective_role(viewer) not in ("city_admin", "county_admin", "inspector"):
        return EnforcementPlan.objects.none()
    codes = region_codes(viewer)
    qs = EnforcementPlan.objects.select_related("region").annotate(size=Count("entries"))
    return qs if codes is None else qs.filter(region_id__in=codes)


def plan_get(*, viewer: User, pk: int) -> EnforcementPlan | None:
    return plan_list(viewer=viewer).filter(pk=pk).first()


def plan_entries(plan: EnforcementPlan) -> list[Enterprise]:
    return list(
        Enterprise.objects.filter(pk__in=plan.entries.values("enterprise_id"))
        .select_related("region", "sector")
        .order_by("region_id", "name")
    )


def _draw_regions_q(viewer: User) -> Q:
    """Published draws are public to everyone in scope (一公开): the city sees all; a county
    bureau its county's and the city's; an enterprise admin those of its county and the
    city's (a city draw may draw any enterprise)."""
    role = effective_role(viewer)
    if not viewer.is_authenticated or not viewer.is_active:
        return Q(pk__in=[])
    if is_citywide(viewer):
        return Q()
    if role in ("county_admin", "inspector") and viewer.region_id:
        return Q(region_id__in=[viewer.region_id, CITY_CODE])
    if role == "enterprise_admin" and viewer.enterprise is not None:
        return Q(region_id__in=[viewer.enterprise.region_id, CITY_CODE])
    return Q(pk__in=[])


def draw_list(*, viewer: User) -> QuerySet[Draw]:
    return Draw.objects.filter(_draw_regions_q(viewer)).select_related("region", "plan", "drawn_by")


def draw_get(*, viewer: User, pk: int) -> Draw | None:
    return draw_list(viewer=viewer).filter(pk=pk).first()


def draw_pairs_of(draw: Draw) -> list[DrawPair]:
    return list(
        draw.pairs.select_related("enterprise", "enterprise__region", "inspection")
        .prefetch_related("inspectors")
        .order_by("position")
    )


def conflict_list(*, viewer: User, region: str) -> QuerySet[ConflictOfInterest]:
    """Conflicts recorded for the inspectors of a bureau the viewer covers."""
    codes = region_codes(viewer)
    if effective_role(viewer) not in ("city_admin", "county_admin", "inspector"):
        return ConflictOfInterest.objects.none()
    if codes is not None and region not in codes:
        return ConflictOfInterest.objects.none()
    return ConflictOfInterest.objects.filter(inspector__region_id=region).select_related(
        "inspector", "enterprise", "recorded_by"
    )


def planned_inspections(*, viewer: User) -> QuerySet[Inspection]:
    """Inspections to do (drawn, not yet carried out): an inspector's own; for an admin all in
    the jurisdiction."""
    qs = inspection_list(viewer=viewer).filter(status="planned").prefetch_related("assigned")
    if effective_role(viewer) == "inspector":
        qs = qs.filter(assigned=viewer)
    return qs.order_by("date", "id")


def order_cert_types(order: CorrectionOrder) -> set[str]:
    """The certificate types the order's CERT_* items asked for on the day of issue (from the
    compliance engine's findings), so the penalty form can suggest 第九十七条第（二）项 for a
    missing safety-management qualification and 第（七）项 for a special operator."""
    from safetrain.compliance.engine import evaluate_persons
    from safetrain.inspections.enforcement import MISMATCH, UNCERTIFIED, group_of, needed_cert_types

    wanted: dict[int, set[str]] = {}
    for person_id, code in order.items.values_list("person_id", "code"):
        if group_of(code) in {UNCERTIFIED, MISMATCH}:
            wanted.setdefault(person_id, set()).add(code)
    types: set[str] = set()
    if not wanted:
        return types
    for person_id, ev in evaluate_persons(sorted(wanted), order.issued_on):
        for finding in ev.findings:
            if finding.code in wanted[person_id]:
                types |= needed_cert_types(finding.detail)
    return types
