"""Load test: the bureau's busiest pattern against one server (loopback only).

500 simulated users (benchmarks/loadtest.sh sets -u, the run time and the request cap) mix:
- worker status look-ups: GET /api/v1/persons/{id}/compliance (inspectors and admins checking
  a worker on site), weight 6;
- enterprise ledger pages: GET /api/v1/certificates/ledger?enterprise=CODE, weight 2;
- county dashboards: the county admin's home page / (web session) and GET /api/v1/rates for
  the county, weight 1 each.

Accounts, sessions and the persons and enterprises to ask for come from the JSON file named by
LOADTEST_FIXTURES (`safetrain bench --step fixtures`). The run stops after LOADTEST_MAX_REQUESTS
requests or the --run-time, whichever comes first. Only 127.0.0.1 is accepted as the host.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any
from urllib.parse import urlparse

from locust import HttpUser, between, events, task

with open(os.environ["LOADTEST_FIXTURES"]) as _fh:
    FIXTURES: dict[str, Any] = json.load(_fh)
MAX_REQUESTS = int(os.environ.get("LOADTEST_MAX_REQUESTS", "30000"))
# think time between a user's requests, seconds "min,max" (default 1–3 s: a stress pattern)
WAIT = tuple(float(x) for x in os.environ.get("LOADTEST_WAIT", "1,3").split(","))
COUNTY_ACCOUNTS = [a for a in FIXTURES["accounts"] if a["role"] == "county_admin"]
CITY = next(a for a in FIXTURES["accounts"] if a["role"] == "city_admin")


@events.init.add_listener
def loopback_only(environment: Any, **_kw: Any) -> None:
    host = urlparse(environment.host or "").hostname
    if host != "127.0.0.1":
        raise SystemExit(f"load test runs against 127.0.0.1 only, not {host!r}")


@events.request.add_listener
def cap_requests(**_kw: Any) -> None:
    from locust.runners import Runner

    env = cap_requests.environment  # type: ignore[attr-defined]
    runner: Runner | None = env.runner if env else None
    if runner is not None and runner.stats.total.num_requests >= MAX_REQUESTS:
        runner.quit()


@events.init.add_listener
def remember_env(environment: Any, **_kw: Any) -> None:
    cap_requests.environment = environment  # type: ignore[attr-defined]


class BureauUser(HttpUser):
    """A county's staff member: looks workers up, opens ledgers, checks the dashboard."""

    wait_time = between(WAIT[0], WAIT[1])

    def on_start(self) -> None:
        self.account = random.choice(COUNTY_ACCOUNTS)
        region = self.account["region"]
        self.persons = FIXTURES["persons"].get(region) or [
            u for us in FIXTURES["persons"].values() for u in us
        ]
        self.enterprises = FIXTURES["enterprises"].get(region) or ["-"]
        self.auth = {"Authorization": f"Bearer {self.account['token']}"}
        self.client.cookies.set("sessionid", self.account["session"])

    @task(6)
    def worker_status(self) -> None:
        uid = random.choice(self.persons)
        self.client.get(
            f"/api/v1/persons/{uid}/compliance",
            headers=self.auth,
            name="/api/v1/persons/[id]/compliance",
        )

    @task(2)
    def enterprise_ledger(self) -> None:
        code = random.choice(self.enterprises)
        self.client.get(
            f"/api/v1/certificates/ledger?enterprise={code}",
            headers=self.auth,
            name="/api/v1/certificates/ledger?enterprise=[code]",
        )

    @task(1)
    def county_dashboard(self) -> None:
        self.client.get("/", name="/ (county home)")

    @task(1)
    def county_rates(self) -> None:
        self.client.get(
            f"/api/v1/rates?region={self.account['region']}",
            headers=self.auth,
            name="/api/v1/rates?region=[county]",
        )
