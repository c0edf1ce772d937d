"""schemathesis against /api/v1/openapi.json, in process (the Django WSGI application), signed in
with a bearer token as each of the six roles, in the world of the jurisdiction matrix.

Checks: no 5xx; every 4xx in the API's one error shape {"code", "message", "fields"}; input that
breaks the schema is refused with a 4xx; documented responses conform to their schema and
content type. A bounded number of examples per operation keeps the run to a couple of minutes.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)

from config.wsgi import application
from safetrain.people.services import token_create
from tests.security.world import ROLES

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 12
# each generated example is sent as the next role in turn: every role twice per operation
NEXT_ROLE = itertools.cycle(ROLES)


def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx leaves as {"code": str, "message": str, "fields": {...}} (config/api.py)."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(
            f"{case.method} {case.formatted_path}: {response.status_code} is not JSON"
        ) from exc
    problems = []
    if not isinstance(body, dict) or set(body) != {"code", "message", "fields"}:
        problems.append(f"keys {sorted(body) if isinstance(body, dict) else type(body)}")
    else:
        if not isinstance(body["code"], str) or not body["code"]:
            problems.append("code is not a non-empty string")
        if not isinstance(body["message"], str) or not body["message"]:
            problems.append("message is not a non-empty string")
        if not isinstance(body["fields"], dict):
            problems.append("fields is not an object")
    if problems:
        raise AssertionError(
            f"{case.method} {case.formatted_path} answered {response.status_code} outside the "
            f"error shape ({'; '.join(problems)}): {body!r}"
        )
    return None


CHECKS = [
    not_a_server_error,
    error_shape,
    negative_data_rejection,
    response_schema_conformance,
    content_type_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI application sends request_finished, whose close_old_connections would close the
    test's connection inside its transaction (on PostgreSQL); Django's test Client disconnects it
    the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _load() -> Any:
    from config.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = application  # requests go to the WSGI application, in process
    return loaded


schema = _load()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_as_every_role(case, world):
    role = next(NEXT_ROLE)
    token = token_create(user=world.users[role])
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
