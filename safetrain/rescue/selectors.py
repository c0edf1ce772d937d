"""Reads for rescue teams, scoped to the viewer's jurisdiction (core/scope.py).

Who sees which teams: the enterprise admin its own enterprise's; a county admin or county
inspector those of enterprises in the county; the city admin and city inspectors every team.
Trainers and workers see none here.

`high_risk_enterprises_without_rescue_team(scope, on)`: the enterprises of a high-risk sector
(煤矿, 金属非金属矿山, 危险化学品, 金属冶炼) in a scope with no team valid on `on` — an own team
established on or before `on` and not dissolved before it, or a rescue agreement whose dates
hold `on` (docs/rescue.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from safetrain.core.scope import enterprise_q
from safetrain.enterprises.models import Enterprise
from safetrain.rescue.models import OWN_KINDS, RescueTeam, TeamKind, TeamMember

if TYPE_CHECKING:
    from safetrain.compliance.engine import Scope
    from safetrain.people.models import User

# The notice §三(六) names 矿山、危化、冶金工贸; DESIGN §2 calls these four sectors high-risk.
HIGH_RISK_SECTORS = ("coal_mine", "metal_nonmetal_mine", "hazardous_chemicals", "metal_smelting")


def valid_team_q(on: dt.date, prefix: str = "") -> Q:
    """A Q over RescueTeam (or a relation, with prefix 'rescue_teams__') valid on the day."""
    p = prefix
    own = Q(**{f"{p}kind__in": list(OWN_KINDS), f"{p}established_on__lte": on}) & (
        Q(**{f"{p}dissolved_on__isnull": True}) | Q(**{f"{p}dissolved_on__gte": on})
    )
    contracted = Q(
        **{
            f"{p}kind": TeamKind.CONTRACTED,
            f"{p}agreement_start__lte": on,
            f"{p}agreement_end__gte": on,
        }
    )
    return own | contracted


def team_is_valid(team: RescueTeam, on: dt.date) -> bool:
    """The same test as valid_team_q, for one loaded team."""
    if team.kind == TeamKind.CONTRACTED:
        return bool(
            team.agreement_start
            and team.agreement_end
            and team.agreement_start <= on <= team.agreement_end
        )
    return bool(
        team.established_on
        and team.established_on <= on
        and (team.dissolved_on is None or team.dissolved_on >= on)
    )


def team_list(
    *, viewer: User, enterprise: Enterprise | None = None, on: dt.date | None = None
) -> QuerySet[RescueTeam]:
    """Teams in the viewer's scope (one enterprise's when given), with the count of members on
    the team on `on` (default: not yet left), and the enterprise's region and sector."""
    qs = RescueTeam.objects.filter(enterprise_q(viewer, "enterprise__")).select_related(
        "enterprise", "enterprise__region", "enterprise__sector"
    )
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if on is None:
        active = Q(members__left_on__isnull=True)
    else:
        active = Q(members__joined_on__lte=on) & (
            Q(members__left_on__isnull=True) | Q(members__left_on__gte=on)
        )
    return qs.annotate(member_count=Count("members", filter=active, distinct=True)).order_by(
        "enterprise__region_id", "enterprise__name", "kind", "name", "pk"
    )


def team_get(*, viewer: User, pk: int) -> RescueTeam | None:
    """One team in the viewer's scope, with its members (and their persons and
    qualifications) and drills loaded; None outside the scope."""
    return (
        RescueTeam.objects.filter(enterprise_q(viewer, "enterprise__"), pk=pk)
        .select_related("enterprise", "enterprise__region", "enterprise__sector")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=TeamMember.objects.select_related("person")
                .prefetch_related("qualifications")
                .order_by("left_on", "joined_on", "id"),
            ),
            "drills",
        )
        .first()
    )


def member_get(*, viewer: User, team: RescueTeam, pk: int) -> TeamMember | None:
    if team_get(viewer=viewer, pk=team.pk) is None:
        return None
    return (
        TeamMember.objects.select_related("team", "team__enterprise", "person")
        .filter(team=team, pk=pk)
        .first()
    )


def _scope_q(scope: Scope) -> Q:
    if scope.enterprise_id is not None:
        return Q(pk=scope.enterprise_id)
    if scope.region is not None:
        return Q(region_id=scope.region)
    return Q()


def high_risk_enterprises_without_rescue_team(scope: Scope, on: dt.date) -> QuerySet[Enterprise]:
    """High-risk enterprises of the scope (compliance.engine.Scope: the city, a county or one
    enterprise) with neither an own team nor a contracted team valid on `on`."""
    valid = RescueTeam.objects.filter(valid_team_q(on), enterprise=OuterRef("pk"))
    return (
        Enterprise.objects.filter(_scope_q(scope), sector_id__in=HIGH_RISK_SECTORS)
        .filter(~Exists(valid))
        .select_related("region", "sector")
        .order_by("region_id", "name")
    )


@dataclass(frozen=True)
class RescueGaps:
    """What the dashboard flag shows: how many high-risk enterprises of the scope lack a team,
    and the first few of them."""

    count: int
    high_risk: int
    sample: list[Enterprise]


def rescue_gaps(scope: Scope, on: dt.date, sample: int = 10) -> RescueGaps:
    missing = high_risk_enterprises_without_rescue_team(scope, on)
    high_risk = Enterprise.objects.filter(_scope_q(scope), sector_id__in=HIGH_RISK_SECTORS)
    return RescueGaps(
        count=missing.count(), high_risk=high_risk.count(), sample=list(missing[:sample])
    )


def viewer_gaps(*, viewer: User, on: dt.date) -> QuerySet[Enterprise]:
    """high_risk_enterprises_without_rescue_team over the viewer's whole jurisdiction."""
    valid = RescueTeam.objects.filter(valid_team_q(on), enterprise=OuterRef("pk"))
    return (
        Enterprise.objects.filter(enterprise_q(viewer), sector_id__in=HIGH_RISK_SECTORS)
        .filter(~Exists(valid))
        .select_related("region", "sector")
        .order_by("region_id", "name")
    )
