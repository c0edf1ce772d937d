"""Pages for sessions (list, create, detail with roster and attendance, the QR for a projector,
the worker's scan page) and training plans. Thin: selectors and services decide.

Outside the viewer's scope is a 404 (existence is not revealed); a role with no business on a
page gets 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safetrain.certificates.verification import qr_svg
from safetrain.classes import selectors, services
from safetrain.classes.forms import PlanForm, PlanItemForm, RosterAddForm, SessionForm, VenueForm
from safetrain.classes.models import CheckInMethod, PlanItem, TrainingSession
from safetrain.core.dates import today
from safetrain.core.errors import NotAllowed, ServiceError, add_to_form
from safetrain.core.identifiers import InvalidIdentifier, normalize_id_number
from safetrain.courses.selectors import course_list
from safetrain.enterprises.selectors import enterprise_get_by_id, org_unit_paths
from safetrain.people.models import Person, User
from safetrain.people.selectors import employment_form_param, person_list
from safetrain.records.models import Organiser
from safetrain.regions.models import Region

LIST_ROLES = frozenset({"city_admin", "county_admin", "enterprise_admin", "inspector", "trainer"})
ORGANISERS = frozenset({"city_admin", "county_admin", "enterprise_admin"})
PAGE_ROWS = 200


def _viewer(request: HttpRequest, roles: frozenset[str] | None = None) -> User:
    user = cast(User, request.user)
    role = "city_admin" if user.is_superuser else user.role
    if roles is not None and role not in roles:
        raise PermissionDenied
    return user


def _session(viewer: User, pk: int) -> TrainingSession:
    session = selectors.session_get(viewer=viewer, pk=pk)
    if session is None:
        raise Http404
    return session


def _state(session: TrainingSession, now: dt.datetime) -> str:
    if session.completed_at is not None:
        return "completed"
    if now < session.starts_at:
        return "upcoming"
    if now <= session.ends_at:
        return "current"
    return "ended"


# ----------------------------------------------------------------------------- sessions


@login_required
def session_list_view(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request, LIST_ROLES)
    now = timezone.now()
    state = request.GET.get("state", "")
    if state not in ("upcoming", "current", "past"):
        state = ""
    rows = list(selectors.session_list(viewer=viewer, state=state, on=now)[:PAGE_ROWS])
    for row in rows:
        row.state = _state(row, now)  # type: ignore[attr-defined]
    return render(
        request,
        "classes/session_list.html",
        {
            "rows": rows,
            "state": state,
            "can_create": viewer.is_superuser or viewer.role in ORGANISERS,
        },
    )


@login_required
def session_create_view(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request, ORGANISERS)
    body = services.organiser_body(viewer)
    form = SessionForm(request.POST or None, organiser=body.organiser)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                actor=viewer,
                title=data["title"],
                audience=data["audience"],
                kind=data["kind"],
                level=data["level"] or "",
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                hours=data["hours"],
                trainer=data["trainer"],
                trainer_name=data["trainer_name"],
                venue=data["venue"],
            )
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Session created. Now add the roster."))
            return redirect("classes:detail", pk=session.pk)
    org_label = str(Organiser(body.organiser).label)
    if body.enterprise is not None:
        org_label += f" · {body.enterprise.name}"
    elif body.region is not None:
        org_label += f" · {body.region.name}"
    return render(request, "classes/session_form.html", {"form": form, "org_label": org_label})


@login_required
def session_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request, LIST_ROLES)
    session = _session(viewer, pk)
    manage = services.may_manage(viewer, session)
    now = timezone.now()
    form_value = employment_form_param(request.GET.get("form"))
    roster = selectors.participant_list(viewer=viewer, session=session, form=form_value)
    participants = list(roster.select_related("venue"))
    venues = selectors.venue_list(session=session)
    venue_choices = [(v.pk, v.name) for v in venues]
    posted_venue = request.method == "POST" and "venue-name" in request.POST
    form = RosterAddForm(None if posted_venue else request.POST or None, venues=venue_choices)
    venue_form = VenueForm(request.POST if posted_venue else None, regions=_venue_regions(session))
    if posted_venue:
        if not manage:
            raise PermissionDenied
        if venue_form.is_valid():
            data = venue_form.cleaned_data
            try:
                venue = services.venue_add(
                    actor=viewer,
                    session=session,
                    name=data["name"],
                    region=Region.objects.filter(pk=data["region"]).first(),
                    is_main=data["is_main"],
                    address=data["address"],
                )
            except ServiceError as exc:
                add_to_form(venue_form, exc)
            else:
                messages.success(request, _("Classroom %(name)s added.") % {"name": venue.name})
                return redirect("classes:detail", pk=session.pk)
    elif request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            persons, bad = _persons_from_lines(viewer, form.cleaned_data["id_numbers"])
            chosen = form.cleaned_data.get("venue") or ""
            room = next((v for v in venues if str(v.pk) == chosen), None)
            if bad:
                form.add_error("id_numbers", "；".join(bad))
            else:
                try:
                    added = services.roster_add(
                        actor=viewer, session=session, persons=persons, venue=room
                    )
                except ServiceError as exc:
                    form.add_error("id_numbers", exc.message)
                else:
                    messages.success(request, _("%(n)d added to the roster.") % {"n": len(added)})
                    return redirect("classes:detail", pk=session.pk)
    opens, closes = services.checkin_window(session)
    return render(
        request,
        "classes/session_detail.html",
        {
            "session": session,
            "state": _state(session, now),
            "participants": participants,
            "attended": sum(1 for p in participants if p.checked_in_at),
            "manage": manage,
            "form": form,
            "form_value": form_value,
            "venues": venues,
            "venue_form": venue_form if manage and not session.completed_at else None,
            "opens": opens,
            "closes": closes,
            "may_mark": manage and now >= opens,
            "may_complete": manage and now > session.ends_at,
            "late": any(p.checked_in_at and not p.training_record_id for p in participants),
            "can_show_qr": (manage or session.trainer_id == viewer.pk) and now <= closes,
        },
    )


def _venue_regions(session: TrainingSession) -> list[tuple[str, str]]:
    """The counties where the organiser may open a classroom (the city: all of them)."""
    allowed = services.venue_regions(session)
    qs = Region.objects.all() if allowed is None else Region.objects.filter(pk__in=allowed)
    return [(r.pk, f"{r.name}（{r.pk}）") for r in qs.order_by("code")]


def _persons_from_lines(viewer: User, text: str) -> tuple[list[Person], list[str]]:
    """Each line an ID number of a person the viewer may see; reasons for the lines that fail."""
    from safetrain.people.services import id_lookup_hash

    persons: list[Person] = []
    bad: list[str] = []
    scope = person_list(viewer=viewer)
    for number, line in enumerate(text.splitlines(), start=1):
        raw = line.strip()
        if not raw:
            continue
        try:
            key = id_lookup_hash(normalize_id_number(raw))
        except InvalidIdentifier as exc:
            bad.append(_("line %(n)d: %(reason)s") % {"n": number, "reason": exc})
            continue
        person = scope.filter(id_number_hash=key).first()
        if person is None:
            bad.append(_("line %(n)d: not registered or outside your jurisdiction") % {"n": number})
        elif person not in persons:
            persons.append(person)
    return persons, bad


def _person_of(viewer: User, session: TrainingSession, raw: str) -> Person:
    participant = (
        selectors.participant_list(viewer=viewer, session=session)
        .filter(person__uid=raw)
        .select_related("person")
        .first()
    )
    if participant is None:
        raise Http404
    return participant.person


@require_POST
@login_required
def attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request, ORGANISERS)
    session = _session(viewer, pk)
    person = _person_of(viewer, session, request.POST.get("person", ""))
    try:
        services.attendance_mark(
            actor=viewer, session=session, persons=[person], method=CheckInMethod.MANUAL
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s marked present.") % {"name": person.name})
    return redirect("classes:detail", pk=session.pk)


@require_POST
@login_required
def venue_remove_view(request: HttpRequest, pk: int, venue: int) -> HttpResponse:
    viewer = _viewer(request, ORGANISERS)
    session = _session(viewer, pk)
    row = session.venues.filter(pk=venue).select_related("session").first()
    if row is None:
        raise Http404
    try:
        services.venue_remove(actor=viewer, venue=row)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("classes:detail", pk=session.pk)


@require_POST
@login_required
def roster_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request, ORGANISERS)
    session = _session(viewer, pk)
    person = _person_of(viewer, session, request.POST.get("person", ""))
    try:
        services.roster_remove(actor=viewer, session=session, person=person)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("classes:detail", pk=session.pk)


@require_POST
@login_required
def complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request, ORGANISERS)
    session = _session(viewer, pk)
    try:
        written = services.session_complete(actor=viewer, session=session)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Completed: %(n)d training records written to the archive.") % {"n": written},
        )
    return redirect("classes:detail", pk=session.pk)


@never_cache
@login_required
def qr_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The check-in QR code, large, for a projector; the count refreshes every 15 s."""
    viewer = _viewer(request, LIST_ROLES)
    session = _session(viewer, pk)
    if not (services.may_manage(viewer, session) or session.trainer_id == viewer.pk):
        raise PermissionDenied
    venue = None
    raw_venue = request.GET.get("venue", "")
    if raw_venue:
        venue = session.venues.filter(pk=int(raw_venue) if raw_venue.isdigit() else 0).first()
        if venue is None:
            raise Http404
    url = request.build_absolute_uri(
        reverse("classes:checkin", args=[services.checkin_token(session, venue)])
    )
    opens, closes = services.checkin_window(session)
    tally = _venue_tally(viewer, session, venue)
    roster, attended = tally.expected, tally.attended
    return render(
        request,
        "classes/qr.html",
        {
            "venue": venue,
            "session": session,
            "qr": qr_svg(url, scale=12),
            "url": url,
            "opens": opens,
            "closes": closes,
            "roster": roster,
            "attended": attended,
            "state": _state(session, timezone.now()),
        },
    )


def _venue_tally(viewer: User, session: TrainingSession, venue: Any) -> selectors.Tally:
    report = selectors.attendance_report(viewer=viewer, session=session)
    if venue is None:
        return next((t for t in report.venues if t.is_main), report.total)
    return next((t for t in report.venues if t.key == str(venue.pk)), selectors.Tally("", ""))


@login_required
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """参训率 per classroom, per enterprise and for the session, with the absent by name."""
    viewer = _viewer(request, LIST_ROLES)
    session = _session(viewer, pk)
    form_value = employment_form_param(request.GET.get("form"))
    report = selectors.attendance_report(viewer=viewer, session=session, form=form_value)
    return render(
        request,
        "classes/report.html",
        {"session": session, "report": report, "form_value": form_value},
    )


@login_required
def report_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    from django.utils.http import content_disposition_header

    from safetrain.classes.export import report_workbook

    viewer = _viewer(request, LIST_ROLES)
    session = _session(viewer, pk)
    form_value = employment_form_param(request.GET.get("form"))
    report = selectors.attendance_report(viewer=viewer, session=session, form=form_value)
    filename = f"培训班{session.pk}-参训率.xlsx"
    return HttpResponse(
        report_workbook(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@never_cache
def checkin_view(request: HttpRequest, token: str) -> HttpResponse:
    """The page a worker's phone opens from the QR code: sign in, then one button."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    viewer = cast(User, request.user)
    context: dict[str, Any] = {"token": token}
    try:
        session, venue = services.venue_from_token(token)
    except ServiceError as exc:
        return render(request, "classes/checkin.html", {"error": exc.message}, status=404)
    context["session"] = session
    context["venue"] = venue
    context["opens"], context["closes"] = services.checkin_window(session)
    if request.method == "POST":
        try:
            participant, new = services.checkin_by_qr(actor=viewer, token=token)
        except ServiceError as exc:
            context["error"] = exc.message
            return render(request, "classes/checkin.html", context, status=exc.status)
        context["participant"] = participant
        context["new"] = new
        return render(request, "classes/checkin.html", context)
    if viewer.person_id is not None:
        context["participant"] = session.participants.filter(person_id=viewer.person_id).first()
    return render(request, "classes/checkin.html", context)


@login_required
def my_sessions_view(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request, frozenset({"worker"}))
    rows = (
        selectors.participant_rows_for_person(person_id=viewer.person_id)
        if viewer.person_id
        else []
    )
    return render(request, "classes/mine.html", {"rows": rows, "now": timezone.now()})


# ----------------------------------------------------------------------------- plans

PLAN_ROLES = frozenset({"city_admin", "county_admin", "enterprise_admin"})


@login_required
def plan_list_view(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request, PLAN_ROLES)
    plans = list(selectors.plan_list(viewer=viewer)[:PAGE_ROWS])
    form = None
    if viewer.role == "enterprise_admin" and viewer.enterprise_id:
        form = PlanForm(request.POST or None, initial={"year": today().year})
        if request.method == "POST" and form.is_valid():
            enterprise = enterprise_get_by_id(viewer=viewer, pk=viewer.enterprise_id)
            if enterprise is None:
                raise Http404
            try:
                plan = services.plan_create(
                    actor=viewer,
                    enterprise=enterprise,
                    year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"],
                )
            except ServiceError as exc:
                add_to_form(form, exc)
            else:
                return redirect("classes:plan", pk=plan.pk)
    return render(request, "classes/plan_list.html", {"plans": plans, "form": form})


def _targets(plan: Any, viewer: User) -> list[tuple[str, str]]:
    sessions = selectors.session_list(viewer=viewer).filter(
        starts_at__year__in=[plan.year - 1, plan.year, plan.year + 1]
    )[:PAGE_ROWS]
    session_label, course_label = _("Session"), _("Course")
    out = [(f"s{s.pk}", f"{session_label} {s.pk}：{s.title}") for s in sessions]
    for c in course_list(viewer=viewer).order_by("title")[:PAGE_ROWS]:
        out.append((f"c{c.pk}", f"{course_label}：{c.title}"))
    return out


@login_required
def plan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request, PLAN_ROLES)
    plan = selectors.plan_get(viewer=viewer, pk=pk)
    if plan is None:
        raise Http404
    manage = viewer.is_superuser or (
        viewer.role == "enterprise_admin" and viewer.enterprise_id == plan.enterprise_id
    )
    on = today()
    form = None
    if manage:
        form = PlanItemForm(
            request.POST or None,
            org_units=[(u.pk, path) for u, path in org_unit_paths(enterprise=plan.enterprise)],
            targets=_targets(plan, viewer),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            target = data["target"]
            extra: dict[str, Any] = {}
            session = None
            if target.startswith("s"):
                session = selectors.session_get(viewer=viewer, pk=int(target[1:]))
            elif target.startswith("c"):
                extra["course"] = course_list(viewer=viewer).filter(pk=int(target[1:])).first()
            org_unit = None
            if data["org_unit"]:
                org_unit = plan.enterprise.org_units.filter(pk=data["org_unit"]).first()
            try:
                services.plan_item_add(
                    actor=viewer,
                    plan=plan,
                    title=data["title"],
                    group=data["group"],
                    job_type=data["job_type"],
                    org_unit=org_unit,
                    role_category=data["role_category"],
                    session=session,
                    due_on=data["due_on"],
                    **extra,
                )
            except ServiceError as exc:
                add_to_form(form, exc)
            else:
                return redirect("classes:plan", pk=plan.pk)
    progress = selectors.plan_progress(plan.enterprise, plan.year, on)
    return render(
        request,
        "classes/plan_detail.html",
        {"plan": plan, "progress": progress, "form": form, "manage": manage, "on": on},
    )


@require_POST
@login_required
def plan_item_remove_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    viewer = _viewer(request, PLAN_ROLES)
    plan = selectors.plan_get(viewer=viewer, pk=pk)
    row = PlanItem.objects.filter(plan=plan, pk=item).first() if plan else None
    if row is None:
        raise Http404
    try:
        services.plan_item_remove(actor=viewer, item=row)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    return redirect("classes:plan", pk=pk)
