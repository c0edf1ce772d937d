"""Rescue pages: the city/county list (teams and the high-risk enterprises without one), an
enterprise's rescue page (phone-first) and a team's page with its members, qualifications and
drills. Thin: selectors and services decide; outside the scope is 404."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetrain.core.dates import parse_iso_date, today
from safetrain.core.errors import NotAllowed, NotFound, ServiceError, add_to_form
from safetrain.core.identifiers import InvalidIdentifier, normalize_id_number
from safetrain.enterprises.selectors import enterprise_get_by_id
from safetrain.people.models import User
from safetrain.people.selectors import person_lookup
from safetrain.rescue import selectors, services
from safetrain.rescue.forms import DrillForm, MemberForm, QualificationForm, TeamForm
from safetrain.rescue.models import RescueTeam, TeamMember
from safetrain.web.nav import SCOPED
from safetrain.web.views import roles_required


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _on(request: HttpRequest) -> dt.date:
    try:
        return parse_iso_date(request.GET.get("on", "")) if request.GET.get("on") else today()
    except ValueError:
        return today()


@roles_required(SCOPED)
def index(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if viewer.role == "enterprise_admin" and viewer.enterprise_id and not viewer.is_superuser:
        return redirect("rescue:enterprise", pk=viewer.enterprise_id)
    on = _on(request)
    teams = list(selectors.team_list(viewer=viewer, on=on)[:500])
    for t in teams:
        t.valid = selectors.team_is_valid(t, on)  # type: ignore[attr-defined]
    return render(
        request,
        "rescue/index.html",
        {"teams": teams, "gaps": list(selectors.viewer_gaps(viewer=viewer, on=on)), "on": on},
    )


@roles_required(SCOPED)
def enterprise_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    enterprise = enterprise_get_by_id(viewer=viewer, pk=pk)
    if enterprise is None:
        raise Http404
    on = today()
    manage = services.may_manage(viewer, enterprise)
    form = TeamForm(request.POST or None) if manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                team = services.team_create(actor=viewer, enterprise=enterprise, **data)
            except ServiceError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("Rescue team saved."))
                return redirect("rescue:team", pk=team.pk)
    teams = list(selectors.team_list(viewer=viewer, enterprise=enterprise, on=on))
    for t in teams:
        t.valid = selectors.team_is_valid(t, on)  # type: ignore[attr-defined]
    high_risk = enterprise.sector_id in selectors.HIGH_RISK_SECTORS
    return render(
        request,
        "rescue/enterprise.html",
        {
            "enterprise": enterprise,
            "teams": teams,
            "form": form,
            "on": on,
            "missing": high_risk and not any(t.valid for t in teams),  # type: ignore[attr-defined]
        },
    )


def _team(viewer: User, pk: int) -> RescueTeam:
    team = selectors.team_get(viewer=viewer, pk=pk)
    if team is None:
        raise Http404
    return team


@roles_required(SCOPED)
def team_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    team = _team(viewer, pk)
    on = today()
    manage = services.may_manage(viewer, team.enterprise)
    members = list(team.members.all())
    choices = [(m.pk, f"{m.person.name}（{m.duty}）") for m in members]
    current = [(m.pk, f"{m.person.name}（{m.duty}）") for m in members if m.left_on is None]
    which = request.POST.get("form", "") if request.method == "POST" else ""
    member_form = MemberForm(request.POST if which == "member" else None, prefix="m")
    qual_form = QualificationForm(
        request.POST if which == "qualification" else None, prefix="q", members=current
    )
    drill_form = DrillForm(request.POST if which == "drill" else None, prefix="d", members=choices)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        done = _post(request, viewer, team, which, member_form, qual_form, drill_form)
        if done:
            return redirect("rescue:team", pk=team.pk)
        team = _team(viewer, pk)
        members = list(team.members.all())
    for m in members:
        m.on_team = m.joined_on <= on and (m.left_on is None or m.left_on >= on)  # type: ignore[attr-defined]
    return render(
        request,
        "rescue/team.html",
        {
            "team": team,
            "valid": selectors.team_is_valid(team, on),
            "members": members,
            "drills": list(team.drills.all()),
            "manage": manage,
            "member_form": member_form,
            "qual_form": qual_form,
            "drill_form": drill_form,
            "on": on,
        },
    )


def _post(
    request: HttpRequest,
    viewer: User,
    team: RescueTeam,
    which: str,
    member_form: MemberForm,
    qual_form: QualificationForm,
    drill_form: DrillForm,
) -> bool:
    if which == "member" and member_form.is_valid():
        data = member_form.cleaned_data
        try:
            person = person_lookup(viewer=viewer, id_number=normalize_id_number(data["id_number"]))
        except InvalidIdentifier as exc:
            member_form.add_error("id_number", str(exc))
            return False
        if person is None:
            member_form.add_error(
                "id_number", _("Not a registered person, or outside your jurisdiction.")
            )
            return False
        try:
            services.member_add(
                actor=viewer,
                team=team,
                person=person,
                duty=data["duty"],
                joined_on=data["joined_on"],
            )
        except ServiceError as exc:
            add_to_form(member_form, exc)
            return False
        messages.success(request, _("%(name)s added to the team.") % {"name": person.name})
        return True
    if which == "qualification" and qual_form.is_valid():
        data = qual_form.cleaned_data
        member = team.members.filter(pk=int(data.pop("member"))).first()
        if member is None:
            raise Http404
        try:
            services.qualification_add(actor=viewer, member=member, **data)
        except ServiceError as exc:
            add_to_form(qual_form, exc)
            return False
        messages.success(request, _("Qualification saved."))
        return True
    if which == "drill" and drill_form.is_valid():
        data = drill_form.cleaned_data
        ids = [int(x) for x in data["participants"]]
        chosen = list(TeamMember.objects.filter(team=team, pk__in=ids))
        try:
            services.drill_add(
                actor=viewer,
                team=team,
                date=data["date"],
                subject=data["subject"],
                participants=chosen,
                participant_count=data["participant_count"],
            )
        except ServiceError as exc:
            add_to_form(drill_form, exc)
            return False
        messages.success(request, _("Drill recorded."))
        return True
    return False


@roles_required(SCOPED)
def dashboard_flag(request: HttpRequest) -> HttpResponse:
    """The dashboards' rescue flag (loaded by rescue/_dashboard_flag.html after the page): the
    high-risk enterprises of the dashboard's scope without a valid team on its day."""
    from safetrain.compliance.selectors import rates_scope

    viewer = _viewer(request)
    code = request.GET.get("scope", "").strip()
    kwargs = {"region": code} if len(code) == 6 and code.isdigit() else {"enterprise": code}
    try:
        scope = rates_scope(viewer=viewer, **kwargs) if code else rates_scope(viewer=viewer)
    except NotFound as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied from exc
    on = _on(request)
    return render(
        request,
        "rescue/_dashboard_flag_body.html",
        {"rescue_gaps": selectors.rescue_gaps(scope, on), "on": on},
    )


@require_POST
@roles_required(SCOPED)
def member_leave_view(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    viewer = _viewer(request)
    team = _team(viewer, pk)
    row = selectors.member_get(viewer=viewer, team=team, pk=member)
    if row is None:
        raise Http404
    try:
        day = (
            parse_iso_date(request.POST.get("left_on", ""))
            if request.POST.get("left_on")
            else today()
        )
        services.member_leave(actor=viewer, member=row, left_on=day)
    except ValueError:
        messages.error(request, _("Invalid date."))
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.message)
    return redirect("rescue:team", pk=team.pk)
