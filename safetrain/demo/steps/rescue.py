"""Rescue teams (应急救援队伍, the notice §三(六)) of the high-risk enterprises.

The flagship mine has its own full-time team with members, qualifications and drills. The other
high-risk enterprises, in credit-code order, take turns: an own part-time team with a few
members, a rescue agreement valid on the anchor day, an agreement that ended before it, and no
team at all — so the dashboards flag some enterprises. Idempotent: an enterprise that already
has a team is left as it is.
"""

from __future__ import annotations

import datetime as dt

from safetrain.demo.context import DemoContext
from safetrain.demo.generators import EnterprisePlan
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person
from safetrain.rescue import services
from safetrain.rescue.models import RescueTeam, TeamMember
from safetrain.rescue.selectors import HIGH_RISK_SECTORS

CONTRACTORS = {
    "coal_mine": "晋城市矿山救护大队",
    "metal_nonmetal_mine": "晋城市矿山救护大队",
    "hazardous_chemicals": "晋城市危险化学品应急救援队",
    "metal_smelting": "晋城市冶金工贸应急救援队",
}
DAY = dt.timedelta(days=1)


def _staff(ctx: DemoContext, plan: EnterprisePlan, n: int) -> list[tuple[Person, dt.date]]:
    """The first n persons in post at the enterprise on the anchor day, with their start."""
    out = []
    for person_plan in ctx.person_plans:
        current = person_plan.current
        if current is None or current.enterprise != plan.credit_code or current.leaves:
            continue
        if current.start > ctx.anchor:
            continue
        out.append((ctx.persons[person_plan.id_number], current.start))
        if len(out) == n:
            break
    return out


def _own(
    ctx: DemoContext, plan: EnterprisePlan, ent: Enterprise, *, kind: str, name: str, size: int
) -> RescueTeam:
    since = ctx.anchor - 3 * 365 * DAY
    team = services.team_create(
        actor=None,
        enterprise=ent,
        kind=kind,
        name=name,
        phone=f"0356-{6200000 + ent.pk}",
        established_on=since,
        source="seed",
    )
    for i, (person, start) in enumerate(_staff(ctx, plan, size)):
        member = services.member_add(
            actor=None,
            team=team,
            person=person,
            joined_on=max(since, start),
            duty="队长" if i == 0 else ("副队长" if i == 1 else "队员"),
            source="seed",
        )
        issued = max(since, start) + 30 * DAY
        services.qualification_add(
            actor=None,
            member=member,
            name="矿山救护队员证" if plan.sector.endswith("mine") else "应急救援员证",
            number=f"JY{issued.year}{ent.pk:03d}{i + 1:02d}",
            issued_on=issued,
            # one of them lapses soon after the anchor day, so renewal shows
            valid_until=ctx.anchor + (20 if i == 2 else 400) * DAY,
            source="seed",
        )
    return team


def _drills(ctx: DemoContext, team: RescueTeam) -> None:
    members = list(TeamMember.objects.filter(team=team, left_on__isnull=True).order_by("pk"))
    subjects = ["井下火灾事故救援演练", "自救器佩戴与避灾路线训练", "冒顶事故应急救援演练"]
    for k, subject in enumerate(subjects):
        day = ctx.anchor - (30 + 90 * k) * DAY
        present = [m for m in members if m.joined_on <= day]
        if not present:
            continue
        services.drill_add(
            actor=None,
            team=team,
            date=day,
            subject=subject,
            participants=present[: max(1, len(present) - k)],
            source="seed",
        )


def rescue(ctx: DemoContext) -> None:
    anchor = ctx.anchor
    high_risk = sorted(
        (p for p in ctx.enterprise_plans if p.sector in HIGH_RISK_SECTORS),
        key=lambda p: p.credit_code,
    )
    others = [p for p in high_risk if p.credit_code != ctx.flagship.credit_code]
    turns = {p.credit_code: i % 4 for i, p in enumerate(others)}
    for plan in high_risk:
        ent = ctx.enterprises[plan.credit_code]
        if RescueTeam.objects.filter(enterprise=ent).exists():
            continue
        if plan.credit_code == ctx.flagship.credit_code:
            team = _own(ctx, plan, ent, kind="full_time", name="矿山救护中队", size=8)
            _drills(ctx, team)
            continue
        kind = turns[plan.credit_code]
        if kind == 0:
            team = _own(ctx, plan, ent, kind="part_time", name="兼职救护队", size=4)
            _drills(ctx, team)
        elif kind in (1, 2):
            # 1: valid on the anchor day; 2: ended 235 days before it (not renewed)
            start = anchor - (200 if kind == 1 else 600) * DAY
            end = start + 364 * DAY
            services.team_create(
                actor=None,
                enterprise=ent,
                kind="contracted",
                name=CONTRACTORS[plan.sector],
                agreement_number=f"JJXY-{start.year}-{ent.pk:03d}",
                agreement_start=start,
                agreement_end=end,
                source="seed",
            )
        # kind 3: no team (flagged on the dashboards)
    from safetrain.compliance.engine import Scope
    from safetrain.rescue.selectors import high_risk_enterprises_without_rescue_team

    missing = high_risk_enterprises_without_rescue_team(Scope.city(), anchor).count()
    ctx.say(
        f"应急救援队伍：{RescueTeam.objects.count()} 支（{TeamMember.objects.count()} 名队员），"
        f"{missing} 家高危行业企业当日无有效救援队伍"
    )
