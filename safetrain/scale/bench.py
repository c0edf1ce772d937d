"""`safetrain bench`: the benchmark suite, each figure paired with a reference of the same run.

The orchestrator (``run_suite``) makes a throwaway database (a temporary SQLite file, or the
PostgreSQL database named by --database-url, created and dropped by the bench), then runs each
step as its own ``safetrain bench --step NAME`` process so that every step's peak memory is its
own and the settings (DATABASE_URL) are those of a normal start. A step prints one JSON line.

  seed       `seed city` at the chosen scale: time, peak RSS
  import     10,000-row 人员 sheet through the workbook engine vs executemany of the same rows
  recompute  the full recompute of the materialized status: time, peak RSS
  rates      city rates for a past date (engine, from the records) vs DuckDB over the same rows,
             asserted equal
  token      a city admin and a bearer token, and persons to look up, for the HTTP step
  http       (in the orchestrator) gunicorn with 2 workers on 127.0.0.1; person compliance and
             rates throughput vs GET /api/v1/ping; peak RSS of a worker

Nothing here is a test: figures are reported (docs/benchmarks.md, "Bench suite"), never
asserted against targets. A step whose subject is not installed reports "skipped: reason".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings

SCALES = {"tiny": 1_000, "small": 20_000, "city": 200_000}
REQUESTS = {
    "tiny": {"ping": 100, "compliance": 100, "rates": 50},
    "small": {"ping": 600, "compliance": 400, "rates": 200},
    "city": {"ping": 600, "compliance": 400, "rates": 40},
}
CONCURRENCY = 8
WORKERS = 2
IMPORT_ROWS = 10_000
SEED = 2024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


# ============================================================================= steps (in-process)


def step_seed(persons: int, today: dt.date) -> dict[str, Any]:
    from safetrain.scale.load import seed_city

    result = seed_city(persons=persons, seed=SEED, today=today)
    return {"seconds": result.seconds, "peak_mb": peak_mb(), "counts": result.counts}


def step_recompute(repeat: int) -> dict[str, Any]:
    from safetrain.compliance.services import recompute_all

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        n = recompute_all()
        times.append(time.perf_counter() - started)
    return {"times": times, "persons": n, "peak_mb": peak_mb()}


def step_rates(repeat: int, on: dt.date) -> dict[str, Any]:
    from safetrain.scale.reference import DuckRates, engine_rates

    engine_times = []
    expected: dict[str, Any] = {}
    for _ in range(repeat):
        started = time.perf_counter()
        expected = engine_rates(on)
        engine_times.append(time.perf_counter() - started)
    duck = DuckRates().load()
    duck_times = []
    got: dict[str, Any] = {}
    for _ in range(repeat):
        started = time.perf_counter()
        got = duck.rates(on)
        duck_times.append(time.perf_counter() - started)
    if got != expected:
        raise SystemExit(f"DuckDB reference disagrees with the engine: {got} != {expected}")
    return {
        "on": on.isoformat(),
        "engine": engine_times,
        "duckdb": duck_times,
        "duckdb_load": duck.load_seconds,
        "rows": duck.rows,
        "rates": expected,
        "peak_mb": peak_mb(),
    }


def _people_sheet(path: Path, rows: int, seed: int) -> list[tuple[str, str, str, str, str]]:
    """A 人员 workbook of new persons at existing enterprises; returns the rows' key values."""
    from openpyxl import Workbook

    from safetrain.core.identifiers import make_id_number
    from safetrain.enterprises.models import Enterprise

    rng = random.Random(seed)
    codes = list(Enterprise.objects.values_list("credit_code", flat=True).order_by("id"))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人员")
    ws.append(
        [
            "身份证号",
            "姓名",
            "手机号",
            "统一社会信用代码",
            "人员类别",
            "岗位",
            "岗位所需特种作业",
            "入职日期",
            "离职日期",
            "部门",
            "用工形式",
        ]
    )
    out = []
    used: set[str] = set()
    for i in range(rows):
        # region 140500 (the city itself) keeps these apart from the seeded persons
        while True:
            birth = dt.date(1970 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28))
            number = make_id_number("140500", birth, rng.randrange(1000))
            if number not in used:
                used.add(number)
                break
        phone = f"139{rng.randrange(10**8):08d}"
        code = rng.choice(codes)
        start = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300))
        ws.append(
            [number, f"导入{i}", phone, code, "一线操作人员", "采煤工", "", start.isoformat()]
            + ["", "", "合同工"]
        )
        out.append((number, f"导入{i}", phone, code, start.isoformat()))
    wb.save(path)
    return out


def _delete_after(marks: dict[str, int]) -> None:
    from safetrain.people.models import Employment, Person, Post

    Post.objects.filter(pk__gt=marks["post"]).delete()
    Employment.objects.filter(pk__gt=marks["employment"]).delete()
    from django.db import connection

    from safetrain.compliance.models import PersonStatus

    PersonStatus.objects.filter(person_id__gt=marks["person"]).delete()
    Person.objects.filter(pk__gt=marks["person"]).delete()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _marks() -> dict[str, int]:
    from django.db.models import Max

    from safetrain.people.models import Employment, Person, Post

    return {
        "person": Person.objects.aggregate(m=Max("pk"))["m"] or 0,
        "employment": Employment.objects.aggregate(m=Max("pk"))["m"] or 0,
        "post": Post.objects.aggregate(m=Max("pk"))["m"] or 0,
    }


def step_import(repeat: int) -> dict[str, Any]:
    import importlib.util

    if importlib.util.find_spec("safetrain.workbook.engine") is None:
        return {"skipped": "the workbook engine (safetrain.workbook.engine) is not on this branch"}
    from django.db import connection, transaction

    from safetrain.enterprises.models import Enterprise
    from safetrain.people.services import person_fields
    from safetrain.workbook.engine import import_workbook  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.xlsx"
        rows = _people_sheet(path, IMPORT_ROWS, seed=99)
        marks = _marks()
        engine_times, refresh_times = [], []
        for _ in range(repeat):
            # the import proper (its transaction), then the compliance refresh that its commit
            # triggers (core.events → compliance.hooks, on_commit), timed apart: the reference
            # below writes only the import's three tables
            with _refresh_deferred() as deferred:
                started = time.perf_counter()
                result = import_workbook(str(path), actor=None)
                engine_times.append(time.perf_counter() - started)
            if getattr(result, "errors", None):
                raise SystemExit(f"import failed: {result.errors[:3]}")
            started = time.perf_counter()
            deferred.run()
            refresh_times.append(time.perf_counter() - started)
            _delete_after(marks)
        # the reference: the same rows, column values computed beforehand, one executemany each
        ent_ids = dict(Enterprise.objects.values_list("credit_code", "id"))
        from safetrain.catalog.models import JobType

        job = JobType.objects.get(name="采煤工")
        now = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
        raw_times = []
        import uuid

        prepared = []
        for number, name, phone, code, start in rows:
            v = person_fields(id_number=number, name=name, phone=phone)
            prepared.append((v, ent_ids[code], start))
        for _ in range(repeat):
            p0, e0, s0 = marks["person"] + 1, marks["employment"] + 1, marks["post"] + 1
            persons, emps, posts = [], [], []
            for i, (v, ent, start) in enumerate(prepared):
                uid = uuid.uuid4()
                persons.append(
                    (
                        p0 + i,
                        now,
                        None,
                        "import",
                        uid.hex if connection.vendor == "sqlite" else str(uid),
                    )
                    + tuple(
                        str(v[k])
                        for k in (
                            "id_number_enc",
                            "id_number_hash",
                            "id_number_masked",
                            "name",
                            "birth_date",
                            "phone_enc",
                            "phone_hash",
                            "phone_masked",
                        )
                    )
                )
                emps.append(
                    (e0 + i, now, None, "import", p0 + i, ent, "worker", "contract", start, None)
                )
                posts.append(
                    (s0 + i, now, None, "import", e0 + i, start, "采煤工", job.pk, None, None)
                )
            from safetrain.scale.load import COLUMNS, Loader

            sql = Loader().sql
            assert COLUMNS["person"][1][4] == "uid"
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cur:
                cur.executemany(sql["person"], persons)
                cur.executemany(sql["employment"], emps)
                cur.executemany(sql["post"], posts)
            raw_times.append(time.perf_counter() - started)
            _delete_after(marks)
    return {
        "rows": IMPORT_ROWS,
        "engine": engine_times,
        "refresh": refresh_times,
        "raw": raw_times,
        "peak_mb": peak_mb(),
    }


class _Deferred:
    def __init__(self) -> None:
        self.ids: list[int] = []

    def __call__(self, ids: list[int]) -> None:
        self.ids.extend(ids)

    def run(self) -> None:
        from safetrain.compliance.hooks import _refresh

        if self.ids:
            _refresh(sorted(set(self.ids)))


@contextlib.contextmanager
def _refresh_deferred() -> Iterator[_Deferred]:
    """Collect the persons an import reports changed instead of refreshing them at its commit
    (the same _refresh the hook runs, called afterwards by the caller)."""
    from safetrain.core import events

    saved = list(events._persons)
    deferred = _Deferred()
    events._persons[:] = [deferred]
    try:
        yield deferred
    finally:
        events._persons[:] = saved


def step_token(sample: int) -> dict[str, Any]:
    import secrets

    from safetrain.core import dates
    from safetrain.people.models import Employment
    from safetrain.people.services import token_create, user_create

    user = user_create(
        actor=None,
        username=f"bench{secrets.token_hex(3)}",
        password=secrets.token_urlsafe(16),
        role="city_admin",
        region_code="140500",
    )
    on = dates.today()
    uids = [
        str(u)
        for u in Employment.objects.filter(start_date__lte=on, end_date__isnull=True)
        .order_by("?")
        .values_list("person__uid", flat=True)[:sample]
    ]
    return {"token": token_create(user=user), "uids": uids}


def step_fixtures(sample: int) -> dict[str, Any]:
    """Accounts for the load test: a city admin and each county's admin with a bearer token and
    a signed-in web session (so 500 simulated users need no 500 password hashes), persons in
    post to look up, and enterprises per county for ledger pages."""
    import secrets

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from safetrain.core import dates
    from safetrain.enterprises.models import Enterprise
    from safetrain.people.models import Employment
    from safetrain.people.services import token_create, user_create
    from safetrain.regions.data import COUNTIES

    accounts = []
    for region, role in [("140500", "city_admin")] + [(c, "county_admin") for c, _ in COUNTIES]:
        user = user_create(
            actor=None,
            username=f"load_{region}_{secrets.token_hex(2)}",
            password=secrets.token_urlsafe(16),
            role=role,
            region_code=region,
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        accounts.append(
            {
                "region": region,
                "role": role,
                "token": token_create(user=user),
                "session": session.session_key,
            }
        )
    on = dates.today()
    persons: dict[str, list[str]] = {}
    for region, uid in (
        Employment.objects.filter(start_date__lte=on, end_date__isnull=True)
        .order_by("?")
        .values_list("enterprise__region_id", "person__uid")[:sample]
    ):
        persons.setdefault(region, []).append(str(uid))
    enterprises: dict[str, list[str]] = {}
    for region, code in Enterprise.objects.values_list("region_id", "credit_code"):
        enterprises.setdefault(region, []).append(code)
    return {"accounts": accounts, "persons": persons, "enterprises": enterprises}


STEPS: dict[str, Callable[..., dict[str, Any]]] = {
    "fixtures": step_fixtures,
    "seed": step_seed,
    "recompute": step_recompute,
    "rates": step_rates,
    "import": step_import,
    "token": step_token,
}


# ============================================================================= HTTP


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Gunicorn:
    """gunicorn on 127.0.0.1 with the same settings as production (DEBUG off)."""

    def __init__(self, env: dict[str, str], workers: int = WORKERS) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
            ],
            cwd=str(settings.BASE_DIR),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _ = request(self.port, "/api/v1/ping", None)
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def worker_rss_mb(self) -> dict[str, float]:
        hwm, rss = [], []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    hwm.append(int(line.split()[1]) / 1024)
                if line.startswith("VmRSS:"):
                    rss.append(int(line.split()[1]) / 1024)
        return {"peak": max(hwm, default=0.0), "current": max(rss, default=0.0)}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def request(port: int, path: str, token: str | None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def throughput(port: int, paths: list[str], count: int, token: str | None) -> dict[str, Any]:
    """`count` requests from CONCURRENCY threads; requests per second, latencies, errors."""
    lock = threading.Lock()
    state = {"next": 0, "errors": 0}
    latencies: list[float] = []

    def worker() -> None:
        while True:
            with lock:
                i = state["next"]
                if i >= count:
                    return
                state["next"] += 1
            started = time.perf_counter()
            try:
                status, _ = request(port, paths[i % len(paths)], token)
            except OSError:
                status = 0
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if status != 200:
                    state["errors"] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": count / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": state["errors"],
    }


def http_bench(env: dict[str, str], scale: str, repeat: int) -> dict[str, Any]:
    tok = run_step(env, "token", ["--sample", "200"])
    token, uids = tok["token"], tok["uids"]
    server = Gunicorn(env)
    try:
        counts = REQUESTS[scale]
        targets = {
            "ping": ["/api/v1/ping"],
            "compliance": [f"/api/v1/persons/{u}/compliance" for u in uids],
            "rates": ["/api/v1/rates"],
        }
        # warm-up: imports, connections, caches
        for paths in targets.values():
            for p in paths[:5]:
                request(server.port, p, token)
        out: dict[str, Any] = {}
        for name, paths in targets.items():
            runs = [throughput(server.port, paths, counts[name], token) for _ in range(repeat)]
            out[name] = {
                "rps": [r["rps"] for r in runs],
                "p50_ms": [r["p50_ms"] for r in runs],
                "p95_ms": [r["p95_ms"] for r in runs],
                "errors": sum(r["errors"] for r in runs),
                "requests": counts[name] * repeat,
            }
        out["worker_mb"] = server.worker_rss_mb()
        return out
    finally:
        server.stop()


# ============================================================================= orchestration


def run_step(env: dict[str, str], name: str, args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "safetrain", "bench", "--step", name, *args],
        env=env,
        cwd=str(settings.BASE_DIR),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"step {name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


class Database:
    """A throwaway database: a temporary SQLite file, or a PostgreSQL database the bench
    creates (and drops) from the given URL."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self.tmp = tempfile.mkdtemp(prefix="safetrain-bench-")
        self.engine = "sqlite"
        if url:
            parsed = urlparse(url)
            if not parsed.scheme.startswith("postgres"):
                raise ValueError("--database-url: only postgres:// URLs (SQLite is the default)")
            self.engine = "postgresql"
            self.name = parsed.path.lstrip("/")
            self.admin = parsed._replace(path="/postgres").geturl()
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._admin(f'CREATE DATABASE "{self.name}"')

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["SAFETRAIN_DATA_DIR"] = self.tmp
        env.pop("DATABASE_URL", None)
        if self.url:
            env["DATABASE_URL"] = self.url
        env["DEBUG"] = "0"
        # persistent connections, as docs/deployment.md recommends for gunicorn
        env.setdefault("DB_CONN_MAX_AGE", "60")
        env.pop("SAFETRAIN_TESTING", None)
        return env

    def drop(self) -> None:
        if self.url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{mem_kb / 1024 / 1024:.0f} GB"
    except OSError:
        ram = "unknown"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=str(settings.BASE_DIR),
        capture_output=True,
        text=True,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=str(settings.BASE_DIR),
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
        "commit": (commit or "unknown") + ("+dirty" if dirty else ""),
    }


def run_suite(
    *,
    scale: str,
    database_url: str | None,
    repeat: int,
    log: Callable[[str], None],
) -> dict[str, Any]:
    from safetrain.core import dates

    persons = SCALES[scale]
    db = Database(database_url)
    env = db.env()
    results: dict[str, Any] = {"scale": scale, "persons": persons, "engine": db.engine}
    results["machine"] = machine()
    today = dates.today()
    past = dt.date(today.year - 1, 12, 31)
    try:
        subprocess.run(
            [sys.executable, "-m", "safetrain", "migrate", "-v0"],
            env=env,
            cwd=str(settings.BASE_DIR),
            check=True,
        )
        log(f"seed city --persons {persons} …")
        results["seed"] = run_step(env, "seed", ["--persons", str(persons)])
        log("import …")
        results["import"] = run_step(env, "import", ["--repeat", str(repeat)])
        log("recompute …")
        results["recompute"] = run_step(env, "recompute", ["--repeat", str(repeat)])
        log("rates (engine vs DuckDB) …")
        results["rates"] = run_step(
            env, "rates", ["--repeat", str(repeat), "--on", past.isoformat()]
        )
        log("http (gunicorn) …")
        results["http"] = http_bench(env, scale, repeat)
    finally:
        db.drop()
    return results


# ============================================================================= report


def _s(values: list[float], fmt: str = "{:.2f}") -> str:
    s = summary(values)
    return f"{fmt.format(s['median'])} ({fmt.format(s['min'])}–{fmt.format(s['max'])})"


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"### {results['scale']} · {results['persons']:,} persons · {results['engine']}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM; Python {m['python']}; "
        f"{m['date']}; commit `{m['commit']}`. Medians of {results['repeat']} runs, (min–max).",
        "",
        "| benchmark | figure | reference (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    seed = results["seed"]
    lines.append(
        f"| seed city | {seed['seconds']:.1f} s, {seed['counts']['training']:,} training records "
        f"| — | — | ≤ 600 s at 200k | {'yes' if seed['seconds'] <= 600 else 'no'} |"
    )
    imp = results["import"]
    if "skipped" in imp:
        lines.append(
            f"| (a) import 10,000-row 人员 sheet | skipped: {imp['skipped']} | | | ≥ 25 % | |"
        )
    else:
        e = statistics.median(imp["engine"])
        r = statistics.median(imp["raw"])
        ratio = r / e
        lines.append(
            f"| (a) import 10,000-row 人员 sheet | {_s(imp['engine'])} s = {imp['rows'] / e:,.0f} rows/s "
            f"| executemany {_s(imp['raw'], '{:.3f}')} s = {imp['rows'] / r:,.0f} rows/s "
            f"| {ratio:.1%} of raw | ≥ 25 % | {'yes' if ratio >= 0.25 else 'no'} |"
        )
        if imp.get("refresh"):
            lines.append(
                f"| (a) then the compliance refresh of the 10,000 new persons (after the commit) "
                f"| {_s(imp['refresh'])} s | — | — | — | |"
            )
    rec = results["recompute"]
    rates = results["rates"]
    duck = statistics.median(rates["duckdb"])
    rec_m = statistics.median(rec["times"])
    eng_m = statistics.median(rates["engine"])
    lines.append(
        f"| (b) full recompute ({rec['persons']:,} persons) | {_s(rec['times'])} s "
        f"| DuckDB city rates {_s(rates['duckdb'], '{:.3f}')} s | {rec_m / duck:.1f}× | ≤ 3× | "
        f"{'yes' if rec_m / duck <= 3 else 'no'} |"
    )
    r = rates["rates"]
    lines.append(
        f"| (b) city rates on {rates['on']} from the records | {_s(rates['engine'])} s "
        f"| DuckDB {_s(rates['duckdb'], '{:.3f}')} s (equal: population {r['population']:,}, "
        f"may_work {r['may_work']['num']:,}) | {eng_m / duck:.1f}× | ≤ 3× | "
        f"{'yes' if eng_m / duck <= 3 else 'no'} |"
    )
    h = results["http"]
    ping = statistics.median(h["ping"]["rps"])
    for name, label in [
        ("compliance", "(c) GET /api/v1/persons/{id}/compliance"),
        ("rates", "(c) GET /api/v1/rates (city, today)"),
    ]:
        rps = statistics.median(h[name]["rps"])
        lines.append(
            f"| {label} | {_s(h[name]['rps'], '{:.0f}')} req/s, p95 "
            f"{statistics.median(h[name]['p95_ms']):.0f} ms, {h[name]['errors']} errors "
            f"| /api/v1/ping {_s(h['ping']['rps'], '{:.0f}')} req/s | {rps / ping:.0%} | ≥ 50 % | "
            f"{'yes' if rps / ping >= 0.5 else 'no'} |"
        )
    w = h["worker_mb"]
    lines += [
        f"| (d) peak RSS: seed | {seed['peak_mb']:.0f} MB | — | — | ≤ 2 GB | "
        f"{'yes' if seed['peak_mb'] <= 2048 else 'no'} |",
        f"| (d) peak RSS: recompute | {rec['peak_mb']:.0f} MB | — | — | — | |",
        f"| (d) peak RSS: one gunicorn worker | {w['peak']:.0f} MB (now {w['current']:.0f} MB) "
        f"| — | — | ≤ 300 MB | {'yes' if w['peak'] <= 300 else 'no'} |",
        "",
        f"DuckDB loaded {rates['rows']:,} rows from the database in {rates['duckdb_load']:.1f} s "
        f"(CSV copy, not part of the reference time). HTTP: {CONCURRENCY} client threads on the "
        f"same machine, {WORKERS} sync workers (DB_CONN_MAX_AGE=60), {h['ping']['requests']:,}/"
        f"{h['compliance']['requests']:,}/{h['rates']['requests']:,} requests "
        "(ping/compliance/rates).",
        "",
    ]
    return "\n".join(lines)


def write_docs(path: Path, block: str, key: str) -> None:
    """Replace (or add) this scale/engine's block under the '## Bench suite' heading."""
    begin, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    new = f"{begin}\n{block}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + new + tail
    else:
        heading = "## Bench suite"
        if heading not in text:
            text = text.rstrip() + f"\n\n{heading}\n\n"
        head, tail = text.split(heading, 1)
        # after the section's intro, before the next '## ' heading
        nxt = tail.find("\n## ")
        if nxt == -1:
            text = head + heading + tail.rstrip() + "\n\n" + new + "\n"
        else:
            text = head + heading + tail[:nxt].rstrip() + "\n\n" + new + "\n" + tail[nxt:]
    path.write_text(text)
