"""`safetrain dashboards bench`: the city, county and enterprise dashboard pages at scale.

On a database holding a city (e.g. one made with `safetrain seed city --persons 200000`), or on
an empty one (it then seeds the synthetic city itself with --persons), it requests the city page,
the largest county's page and the largest enterprise's page through Django's test client (the
whole view: session, scope check, cache reads, charts, template) and prints, per page:

- cold (unless --skip-cold): the day cache emptied, the first request (city page) computes the
  13 days of the trend (the city's whole day cache: every enterprise, every day, one set-based
  query per day);
- new day: only the dashboard's own date missing from the cache (the first view of a new day
  when `safetrain dashboards warm` has not run), city page — a day is computed for every
  enterprise whichever page asks, so the cost is the same from a county or enterprise page;
- after a change: a training record added through the records service (what an import or a
  form does) — the first request recomputes only the stamped enterprise on the 13 days;
- built: the page built from the warm day cache, its (scope, day) cache emptied (what another
  app server process, or the first viewer after a change elsewhere in the city, pays);
- warm: p50 / p95 / max over --requests requests.

Run it on a database of its own: it empties the dashboards' cache, and writes two bench accounts
and three one-hour training records of one person (kept: a record is never deleted).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable

from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from safetrain.accounts.testing import mark_two_factor_verified
from safetrain.core import dates


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ms(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def run_bench(
    *,
    persons: int,
    seed: int,
    requests: int,
    say: Callable[[str], None],
    on: dt.date | None = None,
    skip_cold: bool = False,
) -> None:
    from safetrain.dashboards.models import Day
    from safetrain.enterprises.models import Enterprise
    from safetrain.people.models import Employment, Person, User
    from safetrain.people.services import user_create
    from safetrain.records.services import training_record_add
    from safetrain.scale.load import seed_city

    call_command("migrate", verbosity=0)
    today = dates.today()
    on = on or today
    if not Person.objects.exists():
        started = time.perf_counter()
        seed_city(persons=persons, seed=seed, today=today)
        say(f"seed city ({persons} persons): {time.perf_counter() - started:.1f} s")
    say(f"persons {Person.objects.count()}, enterprises {Enterprise.objects.count()}, on {on}")
    active = Employment.objects.filter(end_date__isnull=True)
    by_county = active.values("enterprise__region_id").annotate(n=Count("id")).order_by("-n")
    county = str(by_county[0]["enterprise__region_id"])
    big = active.values("enterprise_id").annotate(n=Count("id")).order_by("-n")[0]
    ent = Enterprise.objects.get(pk=big["enterprise_id"])
    say(f"largest county {county}; largest enterprise {ent.credit_code} ({big['n']} employed)")

    def account(name: str, role: str, region: str) -> User:
        user = User.objects.filter(username=name).first()
        if user is None:
            user = user_create(
                actor=None,
                username=name,
                password="Bench-pass-2024!",
                role=role,
                region_code=region,
            )
        assert isinstance(user, User)
        return user

    city_user = account("bench-city", "city_admin", "140500")
    county_user = account("bench-county", "county_admin", county)
    pages = {
        "city": (city_user, "140500"),
        "county": (county_user, county),
        "enterprise": (county_user, ent.credit_code),
    }
    clients = {}
    for name, (user, _code) in pages.items():
        clients[name] = Client(HTTP_HOST="127.0.0.1")
        clients[name].force_login(user)
        # the benchmark measures the dashboard, not the TOTP step (safetrain.accounts.testing)
        mark_two_factor_verified(clients[name])

    def url(name: str) -> str:
        return f"/dashboards/{pages[name][1]}/?on={on}"

    if not skip_cold:
        Day.objects.all().delete()
        ms = _ms(clients["city"], url("city"))
        say(f"cold (empty cache, 13 days computed), city page: {ms:.0f} ms")
    Day.objects.filter(on=on).delete()
    ms = _ms(clients["city"], url("city"))
    say(f"new day (only {on} computed), city page: {ms:.0f} ms")
    emp = active.filter(enterprise=ent).select_related("person").order_by("id").first()
    assert emp is not None
    for name in pages:
        training_record_add(
            actor=None,
            person=emp.person,
            date=on - dt.timedelta(days=3),
            hours=1,
            kind="special",
            enterprise=ent,
            title="bench",
        )
        say(
            f"after a change (1 enterprise stale), {name} page: {_ms(clients[name], url(name)):.0f} ms"
        )
    for name in pages:
        _ms(clients[name], url(name))
        built = []
        for _ in range(5):
            cache.clear()
            built.append(_ms(clients[name], url(name)))
        say(
            f"built from the day cache ((scope, day) cache emptied), {name} page: "
            f"p50 {statistics.median(built):.0f} ms, max {max(built):.0f} ms over 5 requests"
        )
    for name in pages:
        _ms(clients[name], url(name))
        times = [_ms(clients[name], url(name)) for _ in range(requests)]
        say(
            f"warm, {name} page {url(name)}: p50 {statistics.median(times):.0f} ms, "
            f"p95 {pct(times, 0.95):.0f} ms, max {max(times):.0f} ms over {requests} requests"
        )
