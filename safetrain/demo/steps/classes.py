"""Offline sessions and an annual training plan for the flagship mine (issue 6, items 4–5).

Relative to the anchor: a past enterprise session with attendance (QR and imported) and
completed, a past county session for safety managers, a session running on the anchor day (the
demo worker is on its roster and may check in by QR), an upcoming city session for principals
and an upcoming pre-job session; and the mine's plan for the anchor's year. Idempotent: a
session is found again by organiser, title and start; roster, attendance and completion are
idempotent services.
"""

from __future__ import annotations

import datetime as dt

from safetrain.classes import services
from safetrain.classes.models import CheckInMethod, TrainingPlan, TrainingSession
from safetrain.core.dates import SHANGHAI
from safetrain.demo.context import DemoContext
from safetrain.demo.steps.logins import demo_worker_plan
from safetrain.people.models import Person
from safetrain.regions.models import Region


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _session(ctx: DemoContext, **values) -> TrainingSession:
    found = TrainingSession.objects.filter(
        organiser=values["organiser"], title=values["title"], starts_at=values["starts_at"]
    ).first()
    if found is not None:
        return found
    return services.session_create(
        actor=None, source="seed", venue=values.pop("venue", ""), **values
    )


def _people(
    ctx: DemoContext,
    *,
    roles: tuple[str, ...],
    county: str | None = None,
    enterprise: str | None = None,
    day: dt.date,
) -> list[Person]:
    out = []
    for plan in ctx.person_plans:
        for emp in plan.employments:
            if emp.role not in roles or emp.start > day or (emp.end and emp.end < day):
                continue
            if enterprise and emp.enterprise != enterprise:
                continue
            if county and ctx.enterprises[emp.enterprise].region_id != county:
                continue
            out.append(ctx.persons[plan.id_number])
    return out


LIVE_TITLE = "矿山企业主要负责人专题安全教育培训（主课堂+分课堂）"


def _live_classrooms(ctx: DemoContext, anchor: dt.date, rng) -> None:  # type: ignore[no-untyped-def]
    """A past three-day city session for principals with a main classroom (city bureau) and
    sub-classrooms in two other counties; some principals absent, so the per-classroom
    participation report (参训率) has something to show. Not completed: the organiser can do it."""
    day = anchor - dt.timedelta(days=12)
    session = _session(
        ctx,
        title=LIVE_TITLE,
        organiser="city",
        audience="principal",
        kind="special",
        starts_at=_at(day, 9, 0),
        ends_at=_at(day + dt.timedelta(days=2), 17, 0),
        hours="24",
        trainer_name="晋城市应急管理局",
        venue="晋城市应急管理局培训中心",
    )
    if session.venues.exists():
        return
    by_county: dict[str, list[Person]] = {}
    for county in Region.objects.filter(parent_id="140500").order_by("code"):
        found = _people(ctx, roles=("principal",), county=county.code, day=day)
        if found:
            by_county[county.code] = found[:8]
    if not by_county:
        return
    counties = sorted(by_county, key=lambda c: -len(by_county[c]))
    main = services.venue_add(
        actor=None,
        session=session,
        name="市局主课堂",
        region=Region.objects.get(code="140500"),
        is_main=True,
        address="晋城市应急管理局培训中心",
    )
    rooms = [(main, by_county[counties[0]])]
    for code in counties[1:3]:
        region = Region.objects.get(code=code)
        room = services.venue_add(
            actor=None,
            session=session,
            name=f"{region.name}分课堂",
            region=region,
            address=f"{region.name}应急管理局视频会议室",
        )
        rooms.append((room, by_county[code]))
    for room, persons in rooms:
        services.roster_add(actor=None, session=session, persons=persons, venue=room)
        present = [p for p in persons if rng.random() < 0.8] or persons[:1]
        services.attendance_mark(
            actor=None,
            session=session,
            persons=present,
            method=CheckInMethod.QR,
            at=_at(day, 8, 45),
        )


def classes(ctx: DemoContext) -> None:
    anchor = ctx.anchor
    mine = ctx.enterprises[ctx.flagship.credit_code]
    county = Region.objects.get(code=ctx.flagship.region)
    rng = ctx.rng("classes")
    staff = _people(
        ctx, roles=("worker",), enterprise=mine.credit_code, day=anchor - dt.timedelta(days=40)
    )
    worker = ctx.persons[demo_worker_plan(ctx).id_number]

    # 1. past, enterprise-wide, completed
    day = anchor - dt.timedelta(days=20)
    past = _session(
        ctx,
        title=f"{anchor.year}年度全员安全再培训（第一期）",
        organiser="enterprise",
        enterprise=mine,
        audience="general",
        kind="continuing",
        starts_at=_at(day, 8, 30),
        ends_at=_at(day, 17, 30),
        hours="8",
        trainer_name="王安全",
        venue="矿调度楼三楼培训室",
    )
    roster = staff[:14]
    if past.completed_at is None:
        services.roster_add(actor=None, session=past, persons=roster)
        present = [p for p in roster if rng.random() < 0.85]
        services.attendance_mark(
            actor=None,
            session=past,
            persons=present[:-2],
            method=CheckInMethod.QR,
            at=_at(day, 8, 20),
        )
        services.attendance_mark(
            actor=None,
            session=past,
            persons=present[-2:],
            method=CheckInMethod.IMPORT,
            at=_at(day, 8, 35),
        )
        services.session_complete(actor=None, session=past, at=past.ends_at, source="seed")

    # 2. past county session for safety managers of the county
    day = anchor - dt.timedelta(days=45)
    managers = _people(ctx, roles=("safety_manager", "deputy"), county=county.code, day=day)[:10]
    county_session = _session(
        ctx,
        title=f"{county.name}安全生产管理人员专题培训",
        organiser="county",
        region=county,
        audience="safety_manager",
        kind="special",
        starts_at=_at(day, 9, 0),
        ends_at=_at(day + dt.timedelta(days=1), 17, 0),
        hours="16",
        trainer_name=f"{county.name}应急管理局",
        venue=f"{county.name}应急管理局报告厅",
    )
    if county_session.completed_at is None and managers:
        services.roster_add(actor=None, session=county_session, persons=managers)
        services.attendance_mark(
            actor=None,
            session=county_session,
            persons=managers[: max(1, len(managers) - 1)],
            method=CheckInMethod.QR,
            at=_at(day, 8, 50),
        )
        services.session_complete(
            actor=None, session=county_session, at=county_session.ends_at, source="seed"
        )

    # 3. running on the anchor day: the demo worker may check in by QR
    current = _session(
        ctx,
        title="班组长及特种作业岗位安全技能提升培训",
        organiser="enterprise",
        enterprise=mine,
        audience="general",
        kind="special",
        starts_at=_at(anchor - dt.timedelta(days=1), 8, 30),
        ends_at=_at(anchor + dt.timedelta(days=1), 17, 30),
        hours="16",
        trainer_name="李技能",
        venue="矿实训基地",
    )
    others = [p for p in staff if p != worker][1::2][:8]
    services.roster_add(actor=None, session=current, persons=[worker, *others])
    early = others[:5]
    services.attendance_mark(
        actor=None,
        session=current,
        persons=early,
        method=CheckInMethod.QR,
        at=_at(anchor - dt.timedelta(days=1), 8, 25),
    )

    # 4. upcoming city session for principals of the county
    day = anchor + dt.timedelta(days=10)
    principals = _people(ctx, roles=("principal",), county=county.code, day=anchor)[:12]
    city = _session(
        ctx,
        title="矿山企业主要负责人安全生产知识和管理能力培训",
        organiser="city",
        audience="principal",
        kind="continuing",
        starts_at=_at(day, 9, 0),
        ends_at=_at(day + dt.timedelta(days=2), 17, 0),
        hours="24",
        trainer_name="晋城市应急管理局",
        venue="晋城市应急管理局培训中心",
    )
    if principals:
        services.roster_add(actor=None, session=city, persons=principals)

    # 5. upcoming pre-job (company level) session
    day = anchor + dt.timedelta(days=5)
    _session(
        ctx,
        title="新入职人员公司级岗前安全教育",
        organiser="enterprise",
        enterprise=mine,
        audience="general",
        kind="prejob",
        level="company",
        starts_at=_at(day, 8, 0),
        ends_at=_at(day + dt.timedelta(days=2), 18, 0),
        hours="24",
        trainer_name="王安全",
        venue="矿调度楼三楼培训室",
    )

    # 6. the city's principals training, "主课堂 + 分课堂" (the notice §三(一)): the lecture at the
    # city bureau, followed live in two counties; each classroom has its own roster and QR code
    _live_classrooms(ctx, anchor, rng)

    # the mine's annual plan
    plan = TrainingPlan.objects.filter(enterprise=mine, year=anchor.year).first()
    if plan is None:
        plan = services.plan_create(actor=None, enterprise=mine, year=anchor.year)
        end = dt.date(anchor.year, 12, 31)
        services.plan_item_add(
            actor=None, plan=plan, title="全员安全再培训", group="all", session=past, due_on=end
        )
        services.plan_item_add(
            actor=None,
            plan=plan,
            title="安全生产管理人员专题培训",
            group="role",
            role_category="safety_manager",
            session=county_session,
            due_on=end,
        )
        services.plan_item_add(
            actor=None,
            plan=plan,
            title="班组长及特种作业岗位技能提升",
            group="all",
            session=current,
            due_on=end,
        )
