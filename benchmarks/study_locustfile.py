"""Heartbeat load test (docs/benchmarks.md, "Study heartbeats"): learners studying at once.

Each simulated learner has an open study session on the benchmark lesson (opened by the
fixtures) and sends a heartbeat every STUDY_PACE seconds (default 30, the lesson page's interval)
with the play clock advancing in real time, as the lesson page does; locust spreads the users'
start over the spawn period, so the heartbeats are spread over the interval.
A heartbeat that is refused or credits nothing when it should is counted as a failure, so the
figures are for correct answers only. Bearer tokens and the lesson come from the JSON file of
`safetrain study bench-fixtures` (STUDY_FIXTURES). Only 127.0.0.1 is accepted as the host.
"""

from __future__ import annotations

import json
import os
import time
from itertools import count
from typing import Any
from urllib.parse import urlparse

from locust import FastHttpUser, constant_pacing, events, task

with open(os.environ["STUDY_FIXTURES"]) as _fh:
    FIXTURES: dict[str, Any] = json.load(_fh)
PACE = float(os.environ.get("STUDY_PACE", "30"))
_next = count()


@events.init.add_listener
def loopback_only(environment: Any, **_kw: Any) -> None:
    host = urlparse(environment.host or "").hostname
    if host != "127.0.0.1":
        raise SystemExit(f"load test runs against 127.0.0.1 only, not {host!r}")


class Learner(FastHttpUser):
    wait_time = constant_pacing(PACE)

    def on_start(self) -> None:
        index = next(_next) % len(FIXTURES["tokens"])
        self.headers = {"Authorization": f"Bearer {FIXTURES['tokens'][index]}"}
        self.session = FIXTURES["sessions"][index]  # opened by bench-fixtures
        self.seq = 0
        self.started = time.monotonic()
        self.credited: int | None = None

    @task
    def heartbeat(self) -> None:
        self.seq += 1
        position = round(time.monotonic() - self.started, 1)
        with self.client.post(
            f"/api/v1/study/{self.session}/heartbeat",
            headers=self.headers,
            json={"position_seconds": position, "visible": True, "seq": self.seq},
            name="POST /study/{session}/heartbeat",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"heartbeat {r.status_code} {r.text[:80]}")
                return
            credited = r.json()["credited_seconds"]
            # the first heartbeat anchors (the session opened long before): no credit expected
            if self.credited is not None and credited <= self.credited:
                r.failure("nothing credited")
            self.credited = credited
