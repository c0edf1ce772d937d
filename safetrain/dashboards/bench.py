"""`safetrain dashboards bench`: the city and county dashboard pages at the scale data.

In an empty database (SAFETRAIN_DATA_DIR=$(mktemp -d) or a DATABASE_URL of its own): seeds the
synthetic city (safetrain.scale), recomputes today's materialized status (as a deployment does
nightly), warms the day cache for today's trend (`safetrain dashboards warm`), then requests the
city page and the largest county's page through Django's test client (the whole view: session,
scope check, cache reads, charts, template) and prints p50/p95 (the queries per page are pinned by the tests).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from safetrain.core import dates


def _timed(say: Callable[[str], None], label: str, fn: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    out = fn()
    say(f"{label}: {time.perf_counter() - started:.1f} s")
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_bench(*, persons: int, seed: int, requests: int, say: Callable[[str], None]) -> None:
    from safetrain.compliance.services import recompute_all
    from safetrain.dashboards.selectors import trend_dates
    from safetrain.dashboards.stats import ensure_days
    from safetrain.enterprises.models import Enterprise
    from safetrain.people.models import Employment, User
    from safetrain.people.services import user_create
    from safetrain.scale.load import seed_city

    call_command("migrate", verbosity=0)
    today = dates.today()
    _timed(
        say,
        f"seed city ({persons} persons)",
        lambda: seed_city(persons=persons, seed=seed, today=today),
    )
    _timed(say, "compliance recompute (today's status)", recompute_all)
    _timed(
        say, "dashboards warm (13 days, cold)", lambda: ensure_days(trend_dates(today), certs=today)
    )
    biggest = (
        Employment.objects.filter(end_date__isnull=True)
        .values("enterprise__region_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    county = biggest["enterprise__region_id"] if biggest else "140502"
    say(f"enterprises {Enterprise.objects.count()}, largest county {county}")
    users = {
        "city": user_create(
            actor=None,
            username="bench-city",
            password="Bench-pass-2024!",
            role="city_admin",
            region_code="140500",
        ),
        "county": user_create(
            actor=None,
            username="bench-county",
            password="Bench-pass-2024!",
            role="county_admin",
            region_code=county,
        ),
    }
    for name, user in users.items():
        assert isinstance(user, User)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        # the benchmark measures the dashboard, not the TOTP step (safetrain.accounts.testing)
        from safetrain.accounts.testing import mark_two_factor_verified

        mark_two_factor_verified(client)
        url = f"/dashboards/{'140500' if name == 'city' else county}/?on={today}"
        client.get(url)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        say(
            f"{name} dashboard {url}: p50 {statistics.median(times):.0f} ms, "
            f"p95 {pct(times, 0.95):.0f} ms, max {max(times):.0f} ms over {requests} requests"
        )
