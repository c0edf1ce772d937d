"""Enterprise rule kinds: evacuation drills per area type (the notice §三(六))."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safetrain.compliance.domain import Finding
from safetrain.compliance.policy import Policy
from safetrain.compliance.rules.base import RuleParams, metas
from safetrain.core.dates import add_months

AREA_LABELS = {"underground": "矿井", "office": "办公", "production": "生产", "living": "生活"}


@dataclass(frozen=True)
class DrillFact:
    date: dt.date
    area_type: str


@dataclass(frozen=True)
class EnterpriseFacts:
    enterprise_id: int
    credit_code: str
    high_risk: bool
    area_types: tuple[str, ...] = ()
    drills: tuple[DrillFact, ...] = ()


@dataclass(frozen=True)
class DrillParams(RuleParams):
    months_high_risk: int
    months_other: int
    not_before: dt.date


def period_of(day: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The calendar period of `months` (6: half-year, 12: year) containing a day."""
    first_month = ((day.month - 1) // months) * months + 1
    start = dt.date(day.year, first_month, 1)
    return start, add_months(start, months) - dt.timedelta(days=1)


class DrillRule:
    """DRILL_OVERDUE: an area type with no drill in the last completed period (half-year for a
    high-risk enterprise, calendar year otherwise), periods before 2024 not judged.
    DRILL_DUE: none yet in the current period (from its first day to D). Each code fires once
    per enterprise, listing the area types."""

    id = "drills"
    label = "疏散逃生演练"
    codes = ("DRILL_OVERDUE", "DRILL_DUE")

    def params(self, policy: Policy) -> DrillParams:
        n = policy.numbers
        return DrillParams(
            meta=metas(policy, self.codes),
            months_high_risk=n.drill_period_months_high_risk,
            months_other=n.drill_period_months_other,
            not_before=n.history_cutoff,
        )

    def evaluate(
        self, facts: EnterpriseFacts, params: DrillParams, as_of: dt.date
    ) -> list[Finding]:
        months = params.months_high_risk if facts.high_risk else params.months_other
        cur_start, cur_end = period_of(as_of, months)
        last_start = add_months(cur_start, -months)
        last_end = cur_start - dt.timedelta(days=1)
        overdue: list[str] = []
        due: list[str] = []
        for area in facts.area_types:
            dates = [d.date for d in facts.drills if d.area_type == area]
            if last_start >= params.not_before and not any(
                last_start <= d <= last_end for d in dates
            ):
                overdue.append(area)
            if cur_start >= params.not_before and not any(cur_start <= d <= as_of for d in dates):
                due.append(area)
        out: list[Finding] = []
        for code, areas, start, end in (
            ("DRILL_OVERDUE", overdue, last_start, last_end),
            ("DRILL_DUE", due, cur_start, cur_end),
        ):
            if areas:
                out.append(
                    params.finding(
                        code,
                        {
                            "area_types": areas,
                            "period_start": start.isoformat(),
                            "period_end": end.isoformat(),
                            "period_months": months,
                        },
                        area="、".join(AREA_LABELS.get(a, a) for a in areas),
                        period_start=start.isoformat(),
                        period_end=end.isoformat(),
                    )
                )
        return out
