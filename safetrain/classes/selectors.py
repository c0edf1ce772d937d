"""Reads for sessions and plans, scoped to the viewer's jurisdiction (core/scope.py).

Who sees which sessions:
- the whole city (city admin, city inspector, superuser): every session
- a county admin or inspector: city sessions, and the sessions of their county and of its
  enterprises
- an enterprise admin: their enterprise's sessions, and bureau sessions with one of their
  people on the roster
- a trainer: the sessions they teach
- a worker: the sessions they are on the roster of
Rosters show only persons the viewer may see (person_q), except to the organising body.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from safetrain.classes.models import (
    GroupKind,
    Participant,
    PlanItem,
    TrainingPlan,
    TrainingSession,
    Venue,
)
from safetrain.classes.services import may_manage
from safetrain.core.dates import SHANGHAI
from safetrain.core.scope import NOTHING, enterprise_q, is_citywide, person_q, region_codes
from safetrain.courses.models import Enrolment
from safetrain.courses.selectors import group_persons
from safetrain.courses.services import GroupSpec
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import User
from safetrain.records.models import Organiser


def session_q(viewer: User) -> Q:
    if not viewer.is_authenticated or not viewer.is_active:
        return NOTHING
    if is_citywide(viewer):
        return Q()
    if viewer.role == "worker":
        if viewer.person_id is None:
            return NOTHING
        return Q(pk__in=Participant.objects.filter(person_id=viewer.person_id).values("session_id"))
    if viewer.role == "trainer":
        return Q(trainer=viewer)
    if viewer.role in ("county_admin", "inspector"):
        codes = region_codes(viewer) or []
        return Q(organiser=Organiser.CITY) | Q(region_id__in=codes)
    if viewer.role == "enterprise_admin" and viewer.enterprise_id:
        return Q(enterprise_id=viewer.enterprise_id) | Q(
            pk__in=Participant.objects.filter(enterprise_id=viewer.enterprise_id).values(
                "session_id"
            )
        )
    return NOTHING


def session_list(
    *, viewer: User, state: str = "", on: dt.datetime | None = None
) -> QuerySet[TrainingSession]:
    """Sessions in the viewer's scope with roster and attendance counts; `state` narrows to
    upcoming / current / past (as of `on`)."""
    qs = (
        TrainingSession.objects.filter(session_q(viewer))
        .select_related("enterprise", "region")
        .annotate(
            roster_count=Count("participants"),
            attended_count=Count(
                "participants", filter=Q(participants__checked_in_at__isnull=False)
            ),
        )
    )
    if state and on is not None:
        if state == "upcoming":
            qs = qs.filter(starts_at__gt=on)
        elif state == "current":
            qs = qs.filter(starts_at__lte=on, ends_at__gte=on)
        elif state == "past":
            qs = qs.filter(ends_at__lt=on)
    return qs.order_by("-starts_at", "-id")


def session_get(*, viewer: User, pk: int) -> TrainingSession | None:
    return (
        TrainingSession.objects.filter(session_q(viewer))
        .select_related("enterprise", "region", "trainer", "completed_by")
        .filter(pk=pk)
        .first()
    )


def participant_list(
    *, viewer: User, session: TrainingSession, form: str = ""
) -> QuerySet[Participant]:
    """The roster the viewer may see; `form` keeps the persons whose employment on the
    session's first day has that employment form (用工形式)."""
    qs = Participant.objects.filter(session=session).select_related(
        "person", "enterprise", "training_record"
    )
    if form:
        qs = qs.filter(person_id__in=_form_person_ids(session, form))
    if not may_manage(viewer, session) and not (
        viewer.role == "trainer" and session.trainer_id == viewer.pk
    ):
        qs = qs.filter(person_q(viewer, "person__"))
    return qs.order_by("enterprise_id", "person__name", "id")


def venue_list(*, session: TrainingSession) -> list[Venue]:
    """The session's classrooms, the main one first (the caller has found the session)."""
    return list(Venue.objects.filter(session=session).select_related("region"))


@dataclass
class Tally:
    """Expected (on the roster) and attended, with the participation rate 参训率."""

    key: str
    label: str
    region: str = ""
    is_main: bool = False
    expected: int = 0
    attended: int = 0

    @property
    def absent(self) -> int:
        return self.expected - self.attended

    @property
    def percent(self) -> str:
        """attended / expected as a percentage with one decimal ("—" with nobody expected)."""
        if not self.expected:
            return "—"
        return f"{100 * self.attended / self.expected:.1f}%"

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.attended == self.expected


@dataclass
class AbsentRow:
    name: str
    id_number_masked: str
    enterprise: str
    venue: str


@dataclass
class AttendanceReport:
    """Attendance of a session per classroom, per enterprise and in total (target 100%)."""

    session: TrainingSession
    venues: list[Tally]
    enterprises: list[Tally]
    total: Tally
    absent: list[AbsentRow]
    has_venues: bool


def attendance_report(
    *, viewer: User, session: TrainingSession, form: str = ""
) -> AttendanceReport:
    """参训率 = attended / expected, per venue (a roster entry without a venue counts at the
    main venue; a session without venues is one implicit venue), per enterprise and for the
    whole session, with the absent by name (masked ID). Only the persons the viewer may see
    (participant_list); `form` narrows to one employment form (用工形式) of the persons'
    employment on the session's first day. Three queries whatever the roster size."""
    venues = venue_list(session=session)
    main = next((v for v in venues if v.is_main), None)
    tallies: dict[str, Tally] = {}
    for v in venues:
        tallies[str(v.pk)] = Tally(
            key=str(v.pk), label=v.name, region=v.region.name, is_main=v.is_main
        )
    implicit = "0"
    if not venues:
        label = session.venue or "本课堂"
        tallies[implicit] = Tally(key=implicit, label=label, is_main=True)
    names = {k: t.label for k, t in tallies.items()}
    rows = participant_list(viewer=viewer, session=session, form=form)
    by_ent: dict[str, Tally] = {}
    total = Tally(key="total", label="全部")
    absent: list[AbsentRow] = []
    for p in rows:
        vid = p.venue_id or (main.pk if main else None)
        key = str(vid) if vid else implicit
        tally = tallies.setdefault(key, Tally(key=key, label=names.get(key, "—")))
        ent = p.enterprise.name if p.enterprise else "—"
        etally = by_ent.setdefault(ent, Tally(key=str(p.enterprise_id or ""), label=ent))
        came = p.checked_in_at is not None
        for t in (tally, etally, total):
            t.expected += 1
            t.attended += int(came)
        if not came:
            absent.append(AbsentRow(p.person.name, p.person.id_number_masked, ent, tally.label))
    absent.sort(key=lambda a: (a.venue, a.enterprise, a.name))
    return AttendanceReport(
        session=session,
        venues=list(tallies.values()),
        enterprises=sorted(by_ent.values(), key=lambda t: t.label),
        total=total,
        absent=absent,
        has_venues=bool(venues),
    )


def _form_person_ids(session: TrainingSession, form: str) -> QuerySet[Any]:
    from safetrain.people.selectors import employed_with_form

    return employed_with_form(form=form, on=session.starts_at.astimezone(SHANGHAI).date())


def participant_rows_for_person(*, person_id: int) -> QuerySet[Participant]:
    """A worker's own sessions (their roster entries), newest first."""
    return (
        Participant.objects.filter(person_id=person_id)
        .select_related("session", "training_record")
        .order_by("-session__starts_at", "-id")
    )


# ----------------------------------------------------------------------------- plans


def plan_list(*, viewer: User, enterprise: Enterprise | None = None) -> QuerySet[TrainingPlan]:
    qs = TrainingPlan.objects.filter(enterprise_q(viewer, "enterprise__")).select_related(
        "enterprise"
    )
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.order_by("enterprise_id", "-year")


def plan_get(*, viewer: User, pk: int) -> TrainingPlan | None:
    return plan_list(viewer=viewer).filter(pk=pk).first()


@dataclass
class ItemProgress:
    item: PlanItem
    done: int
    total: int
    overdue: bool

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class PlanProgress:
    plan: TrainingPlan
    on: dt.date
    items: list[ItemProgress] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(i.done for i in self.items)

    @property
    def total(self) -> int:
        return sum(i.total for i in self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def group_spec(item: PlanItem, year: int) -> GroupSpec:
    """The plan item's group in the terms of course assignments (courses.services.GroupSpec),
    so that a plan and an assignment mean the same people."""
    if item.group == GroupKind.JOB_TYPE and item.job_type is not None:
        return GroupSpec(job_types=[item.job_type])
    if item.group == GroupKind.ORG_UNIT and item.org_unit is not None:
        return GroupSpec(org_unit=item.org_unit)
    if item.group == GroupKind.ROLE:
        return GroupSpec(role_categories=[item.role_category])
    if item.group == GroupKind.NEW_HIRES:
        return GroupSpec(hired_since=dt.date(year, 1, 1))
    return GroupSpec()


def _session_done(session_ids: Iterable[int], on: dt.date) -> dict[int, set[int]]:
    """Session → persons whose attendance of it produced a training record by the day."""
    out: dict[int, set[int]] = {}
    rows = Participant.objects.filter(
        session_id__in=list(session_ids),
        training_record__isnull=False,
        training_record__date__lte=on,
    ).values_list("session_id", "person_id")
    for session_id, person_id in rows:
        out.setdefault(session_id, set()).add(person_id)
    return out


def _course_done(course_ids: Iterable[int], on: dt.date) -> dict[int, set[int]]:
    """Course → persons who completed it by the day (completed enrolments)."""
    out: dict[int, set[int]] = {}
    ids = [c for c in course_ids if c]
    if not ids:
        return out
    rows = Enrolment.objects.filter(
        course_id__in=ids, completed_at__isnull=False, completed_at__lt=_day_end(on)
    ).values_list("course_id", "person_id")
    for course_id, person_id in rows:
        out.setdefault(course_id, set()).add(person_id)
    return out


def _day_end(on: dt.date) -> dt.datetime:
    return dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)


def plan_progress(enterprise: Enterprise, year: int, on: dt.date) -> PlanProgress | None:
    """Progress of the enterprise's plan for the year as of `on`: for each item, persons in the
    group (employed on `on`, as courses.selectors.group_persons defines it) who completed the
    item's session or course by `on` / persons in the group.

    4 queries plus one per item, whatever the size of the enterprise. None: no plan.
    The caller has already been allowed to see the enterprise (a scoped selector found it)."""
    plan = TrainingPlan.objects.filter(enterprise=enterprise, year=year).first()
    if plan is None:
        return None
    items = list(
        plan.items.select_related("session", "course", "job_type", "org_unit").order_by(
            "due_on", "id"
        )
    )
    progress = PlanProgress(plan=plan, on=on)
    if not items:
        return progress
    sessions = _session_done({i.session_id for i in items if i.session_id}, on)
    courses = _course_done({i.course_id for i in items if i.course_id}, on)
    for item in items:
        group = set(
            group_persons(
                enterprise=enterprise, group=group_spec(item, plan.year), on=on
            ).values_list("pk", flat=True)
        )
        if item.session_id:
            done = sessions.get(item.session_id, set())
        else:
            done = courses.get(item.course_id or 0, set())
        finished = len(group & done)
        progress.items.append(
            ItemProgress(
                item=item,
                done=finished,
                total=len(group),
                overdue=on > item.due_on and finished < len(group),
            )
        )
    return progress
