from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from safetrain.people.tests.factories import PASSWORD, make_user
from safetrain.scale.load import seed_city

ON = dt.date(2026, 6, 30)


@pytest.fixture
def city(db):
    """A small synthetic city (the scale seed): six counties, enterprises, records."""
    seed_city(persons=100, seed=11, today=ON, batch_size=160)


def login(role: str, **kw) -> Client:
    user = make_user(role, **kw)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.user = user  # type: ignore[attr-defined]
    return client


@pytest.fixture
def small_city(db):
    """Fewer persons, and a two-month trend: for the notice and PDF tests."""
    seed_city(persons=40, seed=12, today=ON, batch_size=40)


@pytest.fixture
def short_trend(monkeypatch):
    monkeypatch.setattr("safetrain.dashboards.selectors.TREND_MONTHS", 2)
