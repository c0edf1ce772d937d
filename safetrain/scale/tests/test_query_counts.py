"""No N+1 on the lists a city admin opens most (API lists and pages): the number of queries
does not grow with the number of rows shown. Measured on a small synthetic city."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safetrain.people.services import token_create
from safetrain.people.tests.factories import PASSWORD, make_user
from safetrain.scale.load import seed_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients() -> tuple[Client, Client]:
    seed_city(persons=150, seed=3, today=dt.date(2026, 6, 30), batch_size=150)
    user = make_user("city_admin")
    api = Client(headers={"Authorization": f"Bearer {token_create(user=user)}"})
    web = Client()
    assert web.login(username=user.username, password=PASSWORD)
    return api, web


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url, bound",
    [
        ("/api/v1/enterprises?page_size={n}", 6),
        ("/api/v1/persons?page_size={n}", 6),
    ],
)
def test_api_lists_query_count_is_flat(
    clients: tuple[Client, Client], url: str, bound: int
) -> None:
    api, _ = clients
    few, many = queries(api, url.format(n=3)), queries(api, url.format(n=50))
    assert few == many
    assert many <= bound


@pytest.mark.parametrize("url", ["/enterprises/", "/persons/"])
def test_list_pages_query_count_is_flat(clients: tuple[Client, Client], url: str) -> None:
    _, web = clients
    first = queries(web, url)
    second = queries(web, url + "?page=2")
    assert first == second
    assert first <= 12
