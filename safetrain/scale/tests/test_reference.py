"""The DuckDB reference of the rates benchmark computes exactly the engine's numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.scale.load import seed_city
from safetrain.scale.reference import DuckRates, engine_rates


@pytest.mark.django_db
def test_duckdb_rates_equal_the_engine_on_several_days() -> None:
    seed_city(persons=400, seed=5, today=dt.date(2026, 6, 30), batch_size=200)
    duck = DuckRates().load()
    assert duck.rows > 5000
    for day in ["2024-03-31", "2025-06-30", "2025-12-31", "2026-06-30"]:
        on = dt.date.fromisoformat(day)
        expected = engine_rates(on)
        assert expected["population"] > 300
        assert 0 < expected["may_work"]["num"] < expected["population"]
        assert duck.rates(on) == expected, day
