"""The dashboard of a scope on a date: city → counties, county → enterprises, enterprise.

Scoped by jurisdiction through compliance.selectors.rates_scope (an enterprise outside it is
404, a region outside it 403). With the day cache warm, a dashboard is a fixed number of
queries whatever the number of enterprises or persons (tests pin it for two data sizes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safetrain.catalog.models import EmploymentForm
from safetrain.certificates.matching import STATE_LABELS, CertState
from safetrain.certificates.selectors import STATE_ORDER
from safetrain.compliance.engine import Ratio, Scope
from safetrain.compliance.pages import code_label
from safetrain.compliance.selectors import rates_scope
from safetrain.core import dates
from safetrain.core.dates import add_months
from safetrain.dashboards.models import Day
from safetrain.dashboards.stats import Counts, ensure_days, enterprise_rows, trend
from safetrain.people.models import User
from safetrain.regions.models import CITY_CODE, Region
from safetrain.web.labels import english, label, region_name

RATES: tuple[tuple[str, Any], ...] = (
    ("coverage", _("Safety education coverage")),
    ("certified", _("Certified in post")),
    ("awareness", _("Safety risk awareness")),
    ("may_work", _("Allowed to work")),
)
RATE_LABELS = dict(RATES)
# the employment forms, in the order of the catalogue (合同工 first)
FORMS = [str(value) for value in EmploymentForm.values]
TREND_MONTHS = 12
BOTTOM = 10


def pct(r: Ratio) -> float | None:
    return round(100 * r.num / r.den, 1) if r.den else None


@dataclass
class Unit:
    """One row of a drill-down table: a county or an enterprise."""

    code: str
    name: str
    kind: str  # "county" | "enterprise"
    counts: Counts

    @property
    def ratios(self) -> dict[str, Ratio]:
        return self.counts.ratios()

    @property
    def pcts(self) -> dict[str, float | None]:
        return {k: pct(r) for k, r in self.ratios.items()}

    @property
    def blocked(self) -> int:
        return self.counts.population - self.counts.may_work


@dataclass
class Dashboard:
    scope: Scope
    level: str  # "city" | "county" | "enterprise"
    name: str
    on: dt.date
    total: Counts
    children: list[Unit]
    bottom: list[Unit]
    trend: list[tuple[dt.date, dict[str, Ratio]]]
    parent: tuple[str, str, str] | None = None  # (kind, code, name) of the level above
    findings: list[tuple[str, str, int]] = field(default_factory=list)
    certs: list[tuple[str, str, int]] = field(default_factory=list)
    # the four rates per employment form (合同工, 劳务派遣, 临时工 …): code, label, counts
    forms: list[tuple[str, str, Counts]] = field(default_factory=list)

    @property
    def rates(self) -> list[tuple[str, str, Ratio, float | None]]:
        ratios = self.total.ratios()
        return [(k, label, ratios[k], pct(ratios[k])) for k, label in RATES]


def trend_dates(on: dt.date, months: int | None = None) -> list[dt.date]:
    """Month ends of the `months` (default TREND_MONTHS) months before D's month, then D."""
    months = TREND_MONTHS if months is None else months
    first = on.replace(day=1)
    out = [add_months(first, -i) - dt.timedelta(days=1) for i in range(months, 0, -1)]
    return [*out, on]


def clamp(on: dt.date | None) -> dt.date:
    today = dates.today()
    return today if on is None or on > today else on


def dashboard_get(
    *,
    viewer: User,
    region: str | None = None,
    enterprise: str | None = None,
    on: dt.date | None = None,
) -> Dashboard:
    on = clamp(on)
    scope = rates_scope(viewer=viewer, region=region, enterprise=enterprise)
    ons = trend_dates(on)
    days = ensure_days(ons, certs=on)
    # cached per (scope, day) under the stamp of the day cache it was built from: every Day's
    # id, creation time and change sequence (a change anywhere in the scope moves a sequence)
    stamp = tuple((d.pk, d.computed_at.isoformat(), d.seq) for d in (days[o] for o in ons))
    key = (
        "dashboards:"
        + hashlib.sha256(
            repr((scope.code, on.isoformat(), get_language(), stamp)).encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if isinstance(cached, Dashboard):
        return cached
    dash = _build(scope, on, ons, days)
    cache.set(key, dash, CACHE_SECONDS)
    return dash


# how long a built dashboard stays in the cache (it is never stale: its key is the stamp)
CACHE_SECONDS = 6 * 3600


def _build(scope: Scope, on: dt.date, ons: list[dt.date], days: dict[dt.date, Day]) -> Dashboard:
    rows = enterprise_rows(days[on], scope)
    total = Counts()
    for r in rows:
        total.add(Counts.of_row(r))
    by_form = total.form_counts()
    units = [
        Unit(r.enterprise.credit_code, r.enterprise.name, "enterprise", Counts.of_row(r))
        for r in rows
    ]
    if scope.enterprise_id is not None:
        level = "enterprise"
        children: list[Unit] = []
        ent = rows[0].enterprise if rows else None
        name = ent.name if ent else scope.code
        parent_region = ent.region if ent else None
        if ent is None:
            from safetrain.enterprises.models import Enterprise

            e = Enterprise.objects.select_related("region").get(pk=scope.enterprise_id)
            name, parent_region = e.name, e.region
        parent = (
            ("county", parent_region.code, region_name(parent_region.code, parent_region.name))
            if parent_region
            else None
        )
    elif scope.region is None:
        level, name, parent = "city", region_name(CITY_CODE, "晋城市"), None
        counties = {
            c.code: region_name(c.code, c.name) for c in Region.objects.filter(parent_id=CITY_CODE)
        }
        by_county = {code: Unit(code, n, "county", Counts()) for code, n in counties.items()}
        for r in rows:
            unit = by_county.get(r.enterprise.region_id)
            if unit is not None:
                unit.counts.add(Counts.of_row(r))
        children = sorted(by_county.values(), key=lambda u: u.code)
    else:
        region_obj = Region.objects.get(code=scope.region)
        level, name = "county", region_name(region_obj.code, region_obj.name)
        parent = ("city", CITY_CODE, region_name(CITY_CODE, "晋城市"))
        children = units
    bottom = sorted(
        (u for u in units if u.counts.population),
        key=lambda u: (u.counts.may_work / u.counts.population, -u.counts.population, u.code),
    )[:BOTTOM]
    sums = trend([days[d] for d in ons], scope)
    return Dashboard(
        scope=scope,
        level=level,
        name=name,
        on=on,
        total=total,
        children=children,
        bottom=bottom if level != "enterprise" else [],
        trend=[(d, sums[d].ratios()) for d in ons],
        parent=parent,
        findings=[(c, finding_label(c, on), n) for c, n in total.blocking.most_common()],
        certs=[(s.value, state_label(s), total.certs.get(s.value, 0)) for s in STATE_ORDER],
        forms=[
            (f, label("employment_form", f), by_form.get(f, Counts()))
            for f in [*FORMS, *sorted(set(by_form) - set(FORMS))]
        ],
    )


# English labels of the blocking findings and ledger states (the Chinese ones are the policy's
# and the certificates app's own): shown when the session's language is English
FINDINGS_EN = {
    "PREJOB_TRAINING_MISSING": _("Pre-job training missing"),
    "PREJOB_EXAM_MISSING": _("Pre-job exam missing"),
    "CERT_MISSING": _("No certificate"),
    "CERT_JOB_MISMATCH": _("Certificate does not match the post"),
    "CERT_EXPIRED": _("Certificate expired or revoked"),
    "CERT_REVIEW_OVERDUE": _("Certificate review overdue"),
    "VIOLATION_RETRAINING_PENDING": _("Retraining after a violation pending"),
    "RETURN_TRAINING_PENDING": _("Training on return from leave pending"),
    "TRANSFER_TRAINING_PENDING": _("Training after a post change pending"),
    "ACCIDENT_RETRAINING_PENDING": _("Retraining after an accident pending"),
}
STATES_EN = {
    "valid": _("Valid"),
    "review_due_soon": _("Review due soon"),
    "expiring_soon": _("Expiring soon"),
    "review_overdue": _("Review overdue"),
    "expired": _("Expired"),
    "revoked": _("Revoked"),
    "mismatch": _("Does not match the post"),
    "missing": _("No certificate"),
    "pending": _("Within the grace period"),
}


def finding_label(code: str, on: dt.date) -> str:
    if english() and code in FINDINGS_EN:
        return str(FINDINGS_EN[code])
    return code_label(code, on)


def state_label(state: CertState) -> str:
    if english() and state.value in STATES_EN:
        return str(STATES_EN[state.value])
    return STATE_LABELS[state]
