"""Enumerate the endpoints (web URL patterns by walking the resolver, API operations from the
OpenAPI schema) and send one request as a role, naming an object."""

from __future__ import annotations

import functools
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.security.matrix import API, WEB, A, W
from tests.security.world import Obj

SKIP_PREFIXES = ("api/v1/", "django-admin/")


@dataclass(frozen=True)
class Route:
    name: str  # "app:name" (namespaced) or "name"
    route: str  # "certificates/<int:pk>/"
    kwargs: tuple[str, ...]


@functools.cache
def web_routes() -> tuple[Route, ...]:
    out: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, ns: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                sub = ns
                if p.namespace:
                    sub = f"{ns}:{p.namespace}" if ns else p.namespace
                walk(p, prefix + str(p.pattern), sub)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith(SKIP_PREFIXES):
                    continue
                name = f"{ns}:{p.name}" if ns and p.name else (p.name or route)
                kwargs = tuple(getattr(p.pattern, "converters", {}).keys())
                if not kwargs and "(?P<" in route:  # a regex pattern with groups
                    kwargs = tuple(p.pattern.regex.groupindex)
                out.append(Route(name, route, kwargs))

    walk(get_resolver(), "", "")
    return tuple(out)


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    body_fields: tuple[str, ...] = ()


@functools.cache
def api_operations() -> tuple[Operation, ...]:
    from config.api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})

    def body_fields(op: dict[str, Any]) -> tuple[str, ...]:
        content = op.get("requestBody", {}).get("content", {})
        ref = content.get("application/json", {}).get("schema", {})
        body = components.get(ref.get("$ref", "").rsplit("/", 1)[-1], ref)
        return tuple(body.get("properties", {}))

    out = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            params = op.get("parameters", [])
            out.append(
                Operation(
                    op["operationId"],
                    method.upper(),
                    path,
                    tuple(p["name"] for p in params if p["in"] == "path"),
                    tuple(p["name"] for p in params if p["in"] == "query"),
                    body_fields(op),
                )
            )
    return tuple(out)


def operation(operation_id: str) -> Operation:
    return next(o for o in api_operations() if o.operation_id == operation_id)


# ------------------------------------------------------------------------------- requests


@dataclass
class Outcome:
    where: str
    status: int
    body: str
    location: str = ""


def response_text(response: Any) -> str:
    """The text of a response, xlsx cells included (an .xlsx is a zip of XML)."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                return "\n".join(
                    z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")
                )
        except zipfile.BadZipFile:
            pass
    return raw.decode("utf-8", "replace")


def web_request(client: Client, name: str, entry: W, obj: Obj, method: str) -> Outcome:
    route = next(r for r in web_routes() if r.name == name)
    params = entry.params if entry.params is not None else {k: k for k in route.kwargs}
    kwargs = {kw: obj.values[key] for kw, key in params.items()}
    kwargs.update(entry.extra)
    url = reverse(name, kwargs=kwargs)
    data = {field: obj.values[key] for field, key in entry.query.items()}
    response = client.get(url, data) if method == "GET" else client.post(url, data)
    return Outcome(
        f"{method} {url}",
        response.status_code,
        response_text(response),
        response.get("Location", ""),
    )


def api_request(
    token: str, op: Operation, entry: A, obj: Obj, own: dict[str, str] | None = None
) -> Outcome:
    path = op.path
    for param, key in entry.path.items():
        path = path.replace("{" + param + "}", obj.values[key])
    query = {param: obj.values[key] for param, key in entry.query.items()}
    if query:
        path += "?" + urlencode(query)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = dict(entry.body or {})
    body.update({f: obj.values[k] for f, k in entry.body_values.items()})
    if entry.body_of is not None:
        body.update(entry.body_of(obj, own or {}))
    if op.method == "GET":
        response = client.get(path)
    else:
        response = getattr(client, op.method.lower())(
            path, json.dumps(body), content_type="application/json"
        )
    return Outcome(f"{op.method} {path}", response.status_code, response_text(response))


def login_url() -> str:
    return reverse(settings.LOGIN_URL)


def redirect_target(location: str) -> str | None:
    try:
        match = resolve(location.split("?")[0])
    except Exception:  # noqa: BLE001 - an external or unknown target
        return None
    return match.view_name


def leaks(
    outcome: Outcome, obj: Obj, secrets: dict[str, Obj], redirect_ok=(), refused=()
) -> list[str]:
    """What is wrong with an answer to a request naming `obj` (outside the viewer's scope)."""
    problems = []
    status = outcome.status
    if status >= 500:
        problems.append(f"server error {status}")
    elif status in (301, 302, 303):
        target = redirect_target(outcome.location)
        allowed = {"login", *redirect_ok}
        if target not in allowed:
            problems.append(f"redirect to {outcome.location} ({target}), not to sign-in")
        else:
            for value in obj.values.values():
                if value in outcome.location and target != "login":
                    problems.append(f"redirect names the object: {outcome.location}")
    elif status not in (403, 404, 405, *refused):
        problems.append(f"answered {status}, not 403/404")
    for secret, owner in secrets.items():
        if secret and secret in outcome.body:
            problems.append(f"shows {secret!r} of {owner!r}")
    return problems


def all_web_cases() -> list[tuple[str, W]]:
    return [(name, entry) for name, entries in sorted(WEB.items()) for entry in entries]


def all_api_cases() -> list[tuple[str, A]]:
    return [(op_id, entry) for op_id, entries in sorted(API.items()) for entry in entries]
