"""Role × endpoint × object from another jurisdiction (docs/security.md, "Jurisdiction and API
tests").

For each of the six roles (signed in within county A / enterprise A1), every web page and API
operation that names an object is asked for objects outside the role's jurisdiction: the answer
must be 403/404 (or the sign-in redirect) and must not show the object (name, masked ID number,
title, number). Lists must never show an object from outside. A hypothesis test draws from the
matrix; a deterministic test walks all of it; a third test fails when an endpoint that names an
object is missing from the matrix (tests/security/matrix.py says how to add it).
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetrain.people.services import token_create
from tests.security.endpoints import (
    Outcome,
    all_api_cases,
    all_web_cases,
    api_operations,
    api_request,
    leaks,
    operation,
    response_text,
    web_request,
    web_routes,
)
from tests.security.matrix import (
    API,
    API_EXEMPT,
    EXEMPT,
    ID_BODY_FIELDS,
    ID_QUERY_PARAMS,
    WEB,
    A,
    W,
)
from tests.security.world import ROLES, World, ghost

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(world: World) -> dict[str, Client]:
    out = {}
    for role in ROLES:
        c = Client()
        c.force_login(world.users[role])
        out[role] = c
    return out


@pytest.fixture
def tokens(world: World) -> dict[str, str]:
    return {role: token_create(user=world.users[role]) for role in ROLES}


def _same_as_ghost(outcome: Outcome, twin: Outcome, obj) -> list[str]:
    """An object outside must be answered as one that does not exist: same status, same
    error code (API); otherwise its existence shows."""
    if obj.kind == "region":  # every county exists; nothing to hide
        return []
    mine, theirs = (outcome.status, _code(outcome)), (twin.status, _code(twin))
    if mine != theirs:
        return [f"answers {mine} but {theirs} for one that does not exist ({twin.where})"]
    return []


def _code(outcome: Outcome) -> str:
    try:
        return str(json.loads(outcome.body).get("code", ""))
    except (ValueError, AttributeError):
        return ""


def _check_web(world, clients, role, name, entry: W, obj, method) -> list[str]:
    with transaction.atomic():
        outcome = web_request(clients[role], name, entry, obj, method)
        twin = web_request(clients[role], name, entry, ghost(obj), method)
        transaction.set_rollback(True)
    problems = leaks(outcome, obj, world.secrets_for(role), entry.redirect_ok)
    problems += _same_as_ghost(outcome, twin, obj)
    return [f"{role} {outcome.where} [{obj!r}]: {p}" for p in problems]


def _check_api(world, tokens, role, op_id, entry: A, obj) -> list[str]:
    op = operation(op_id)
    with transaction.atomic():
        outcome = api_request(tokens[role], op, entry, obj, world.own_values)
        twin = api_request(tokens[role], op, entry, ghost(obj), world.own_values)
        transaction.set_rollback(True)
    problems = _same_as_ghost(outcome, twin, obj)
    if entry.lists and outcome.status == 200:
        outcome = Outcome(outcome.where, 404, outcome.body)  # a filtered list: check the text
    problems += leaks(outcome, obj, world.secrets_for(role), refused=entry.refused)
    return [f"{role} {outcome.where} [{obj!r}]: {p}" for p in problems]


# ------------------------------------------------------------------------ classification


def test_every_endpoint_that_names_an_object_is_classified():
    """A new URL pattern with parameters, or a new API operation with a path parameter or an
    object-naming query parameter, must be in tests/security/matrix.py (WEB/EXEMPT, API/
    API_EXEMPT) so that the matrix asks it for objects of other jurisdictions."""
    missing = []
    for r in web_routes():
        if r.kwargs and r.name not in WEB and r.name not in EXEMPT:
            missing.append(
                f"web  {r.route!r} (name {r.name!r}, parameters {', '.join(r.kwargs)}): add "
                f'"{r.name}": [W("<kind>")] to WEB in tests/security/matrix.py (kinds and '
                "value keys: its docstring), or to EXEMPT with the reason it is public"
            )
    for op in api_operations():
        ids = [
            *op.path_params,
            *(q for q in op.query_params if q in ID_QUERY_PARAMS),
            *(f"body.{f}" for f in op.body_fields if f in ID_BODY_FIELDS),
        ]
        if ids and op.operation_id not in API and op.operation_id not in API_EXEMPT:
            missing.append(
                f"api  {op.method} {op.path} (operationId {op.operation_id!r}, parameters "
                f'{", ".join(ids)}): add "{op.operation_id}": [A("<kind>", '
                f"path={ {p: '<value key>' for p in op.path_params} }, "
                f"query={ {q: '<value key>' for q in op.query_params if q in ID_QUERY_PARAMS} }"
                ", body_of=lambda o, own: {...} if the body names it)] to API in "
                "tests/security/matrix.py (kinds and value keys: its docstring)"
            )
    assert not missing, "endpoints not classified by the jurisdiction matrix:\n" + "\n".join(
        missing
    )


def test_matrix_names_only_existing_endpoints():
    """A stale entry (a renamed route) would silently test nothing."""
    names = {r.name for r in web_routes()}
    ops = {o.operation_id for o in api_operations()}
    assert not (set(WEB) | set(EXEMPT)) - names
    assert not (set(API) | set(API_EXEMPT)) - ops


def test_world_has_foreign_objects_of_every_kind_in_the_matrix(world):
    kinds = {e.kind for _, e in all_web_cases()} | {e.kind for _, e in all_api_cases()}
    for kind in kinds:
        assert world.of_kind(kind), f"build_world makes no {kind}"
    # every role has something outside its jurisdiction for most endpoints
    for role in ROLES:
        assert any(world.foreign(role, k) for k in kinds), role


# -------------------------------------------------------------------------- the whole walk


def test_whole_matrix_web(world, clients):
    problems = []
    for role in ROLES:
        for name, entry in all_web_cases():
            for obj in world.foreign(role, entry.kind):
                for method in ("GET", "POST"):
                    problems += _check_web(world, clients, role, name, entry, obj, method)
    assert not problems, f"{len(problems)} leaks:\n" + "\n".join(problems)


def test_whole_matrix_api(world, tokens):
    problems = []
    for role in ROLES:
        for op_id, entry in all_api_cases():
            for obj in world.foreign(role, entry.kind):
                problems += _check_api(world, tokens, role, op_id, entry, obj)
    assert not problems, f"{len(problems)} leaks:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------- hypothesis

CASES = [("web", n, e) for n, e in all_web_cases()] + [("api", n, e) for n, e in all_api_cases()]


def test_drawn_role_endpoint_foreign_object(world, clients, tokens):
    """Hypothesis draws (role, endpoint, foreign object, method) — the same property as the
    walk, with the draws shrunk to one failing example when something leaks."""

    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(
        role=st.sampled_from(ROLES),
        case=st.sampled_from(CASES),
        method=st.sampled_from(("GET", "POST")),
        data=st.data(),
    )
    def prop(role, case, method, data):
        surface, name, entry = case
        objs = world.foreign(role, entry.kind)
        if not objs:
            return
        obj = data.draw(st.sampled_from(objs), label="object")
        if surface == "web":
            problems = _check_web(world, clients, role, name, entry, obj, method)
        else:
            problems = _check_api(world, tokens, role, name, entry, obj)
        assert not problems, problems

    prop()


# --------------------------------------------------------------------------------- lists


def test_lists_never_show_objects_from_outside(world, clients, tokens):
    """Every page without URL parameters and every API GET operation without path parameters,
    for every role: no name, masked ID number, title or number of an object outside."""
    problems = []
    pages = [r for r in web_routes() if not r.kwargs and r.name not in ("logout", "set_language")]
    gets = [o for o in api_operations() if o.method == "GET" and not o.path_params]
    for role in ROLES:
        secrets = world.secrets_for(role)
        client = clients[role]
        api = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[role]}")
        answers = []
        for r in pages:
            response = client.get("/" + r.route)
            answers.append((f"GET /{r.route}", response))
        for op in gets:
            response = api.get(op.path)
            answers.append((f"GET {op.path}", response))
        for where, response in answers:
            if response.status_code >= 500:
                problems.append(f"{role} {where}: server error {response.status_code}")
                continue
            text = response_text(response)
            for secret, obj in secrets.items():
                if secret and secret in text:
                    problems.append(f"{role} {where}: shows {secret!r} of {obj!r}")
    assert not problems, f"{len(problems)} leaks in lists:\n" + "\n".join(problems)


# ------------------------------------------------------------------------------ controls

CONTROLS = [
    ("enterprise_detail", "enterprise"),
    ("person_detail", "person"),
    ("certificates:detail", "certificate"),
    ("courses:detail", "course"),
    ("inspections:detail", "inspection"),
    ("inspections:order", "order"),
    ("classes:detail", "session"),
    ("classes:plan", "plan"),
    ("exams:results", "exam"),
    ("questions:bank", "bank"),
]


def test_controls_the_city_sees_what_the_others_may_not(world, clients):
    """The matrix's requests and secrets are right: asked by the city admin (whose jurisdiction
    is the whole city), the same pages answer 200 and show the object."""
    for name, kind in CONTROLS:
        entry = WEB[name][0]
        for obj in world.of_kind(kind):
            if obj.personal or obj.owner != "B1":
                continue
            outcome = web_request(clients["city_admin"], name, entry, obj, "GET")
            assert outcome.status == 200, (name, obj, outcome.status)
            assert all(s in outcome.body for s in obj.secrets), (name, obj)


def test_controls_lists_show_the_citys_objects_to_the_city(world, clients, tokens):
    """The lists test would see a leak: the same lists show B1's enterprise and people to the
    city admin."""
    b1 = next(o for o in world.of_kind("enterprise") if o.owner == "B1")
    people = [o for o in world.of_kind("person") if o.owner == "B1"]
    assert b1.secrets[0] in response_text(clients["city_admin"].get("/enterprises/"))
    page = response_text(clients["city_admin"].get("/persons/"))
    assert all(p.secrets[0] in page for p in people)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {tokens['city_admin']}")
    assert b1.secrets[0] in response_text(api.get("/api/v1/enterprises?page_size=100"))


# Objects of a county bureau itself (owner "B": its enforcement plan, its draw) and the new
# kinds of B1, asked by the city admin: 200 and the object shows.
CONTROLS_OWNED = [
    ("inspections:plan", "enforcement_plan", "B"),
    ("inspections:draw", "draw", "B"),
    ("surveys:manage", "survey", "B1"),
    ("rescue:team", "rescue_team", "B1"),
]


def test_controls_the_city_sees_the_new_kinds(world, clients):
    for name, kind, owner in CONTROLS_OWNED:
        entry = WEB[name][0]
        objs = [o for o in world.of_kind(kind) if o.owner == owner]
        assert objs, (kind, owner)
        for obj in objs:
            outcome = web_request(clients["city_admin"], name, entry, obj, "GET")
            assert outcome.status == 200, (name, obj, outcome.status)
            assert all(s in outcome.body for s in obj.secrets), (name, obj)


def test_controls_a_countys_draw_is_public_to_its_enterprises(world, clients):
    """world.POLICY_VISIBLE's by-design view: county A's published draw answers 200 to A1's
    admin (docs/inspections.md "Who sees it"); the matrix checks its trainer and worker get
    404, and that nobody in county A sees county B's."""
    draw = next(o for o in world.of_kind("draw") if o.owner == "A")
    outcome = web_request(clients["enterprise_admin"], "inspections:draw", W("draw"), draw, "GET")
    assert outcome.status == 200
    assert all(s in outcome.body for s in draw.secrets)


def test_survey_link_answers_only_the_enterprises_workers(world, clients):
    """surveys:answer is in EXEMPT (a link handed to the enterprise's workers): whoever else
    opens it sees the questions but no answers, and a submission by a worker of another
    enterprise, or by any other role, is refused (403) with nothing written."""
    from safetrain.surveys.models import Response, Survey

    for obj in world.of_kind("survey"):
        survey = Survey.objects.get(pk=obj.values["pk"])
        question = survey.questions.prefetch_related("options").first()
        option = question.options.first()
        for role in ROLES:
            before = Response.objects.filter(survey=survey).count()
            with transaction.atomic():
                response = clients[role].post(
                    f"/surveys/s/{survey.token}/", {f"q{question.pk}": [str(option.pk)]}
                )
                written = Response.objects.filter(survey=survey).count() - before
                transaction.set_rollback(True)
            assert response.status_code == 403, (role, obj, response.status_code)
            assert written == 0, (role, obj)
            page = response_text(clients[role].get(f"/surveys/s/{survey.token}/"))
            assert "只有该企业在职的从业人员可以填写本问卷" in page, (role, obj)
