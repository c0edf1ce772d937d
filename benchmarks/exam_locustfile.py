"""Exam peak (docs/benchmarks.md, "Exam peak"): candidates saving answers through the Exam API.

User classes (chosen on the locust command line by benchmarks/exam_peak.sh):
- CandidateUser: takes the next candidate token of EXAM_FIXTURES (`safetrain exams
  bench-setup`), starts or resumes the attempt (POST /api/v1/exams/{id}/attempts), then answers
  one question per think time (EXAM_WAIT "min,max" seconds) with PUT
  /api/v1/attempts/{id}/answers/{q} and a growing seq, changing an earlier answer now and then.
  Every save answered 200 is appended to EXAM_ACKS (one JSON line: attempt, question, seq), which
  the crash test compares with the database (`safetrain exams bench-check`).
- PingUser: GET /api/v1/ping, the trivial endpoint, for the throughput reference.
Only 127.0.0.1 is accepted as the host.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from typing import Any
from urllib.parse import urlparse

from locust import HttpUser, between, events, task

with open(os.environ["EXAM_FIXTURES"]) as _fh:
    FIXTURES: dict[str, Any] = json.load(_fh)
WAIT = tuple(float(x) for x in os.environ.get("EXAM_WAIT", "10,40").split(","))
ACKS_PATH = os.environ.get("EXAM_ACKS", "")
_next = itertools.count()
_acks = open(ACKS_PATH, "a", buffering=1) if ACKS_PATH else None  # noqa: SIM115


@events.init.add_listener
def loopback_only(environment: Any, **_kw: Any) -> None:
    host = urlparse(environment.host or "").hostname
    if host != "127.0.0.1":
        raise SystemExit(f"load test runs against 127.0.0.1 only, not {host!r}")


class CandidateUser(HttpUser):
    wait_time = between(WAIT[0], WAIT[1])

    def on_start(self) -> None:
        n = next(_next) % len(FIXTURES["tokens"])
        self.auth = {"Authorization": f"Bearer {FIXTURES['tokens'][n]}"}
        self.attempt: dict[str, Any] | None = None
        self.seqs: dict[int, int] = {}
        self.rng = random.Random(n)
        self.position = 0
        self._start()

    def _start(self) -> None:
        with self.client.post(
            f"/api/v1/exams/{FIXTURES['exam']}/attempts",
            headers=self.auth,
            name="/api/v1/exams/[id]/attempts",
            catch_response=True,
        ) as resp:
            if resp.status_code != 200:
                resp.failure(f"start: {resp.status_code}")
                return
            self.attempt = resp.json()
        for qid, saved in self.attempt["answers"].items():
            self.seqs[int(qid)] = saved["seq"]

    @task
    def answer(self) -> None:
        if self.attempt is None:
            self._start()
            return
        questions = self.attempt["questions"]
        if self.position < len(questions) and self.rng.random() < 0.9:
            q = questions[self.position]
            self.position += 1
        else:  # change an earlier answer
            q = self.rng.choice(questions)
        seq = self.seqs.get(q["id"], 0) + 1
        self.seqs[q["id"]] = seq
        key = self.rng.choice(q["options"])["key"]
        with self.client.put(
            f"/api/v1/attempts/{self.attempt['id']}/answers/{q['id']}",
            json={"answer": [key], "seq": seq},
            headers=self.auth,
            name="/api/v1/attempts/[id]/answers/[q]",
            catch_response=True,
        ) as resp:
            if resp.status_code == 200 and resp.json().get("seq") == seq:
                if _acks is not None:
                    _acks.write(
                        json.dumps({"attempt": self.attempt["id"], "question": q["id"], "seq": seq})
                        + "\n"
                    )
            else:
                resp.failure(f"save: {resp.status_code} {resp.text[:120]}")


class PingUser(HttpUser):
    wait_time = between(WAIT[0], WAIT[1])

    @task
    def ping(self) -> None:
        self.client.get("/api/v1/ping", name="/api/v1/ping")
