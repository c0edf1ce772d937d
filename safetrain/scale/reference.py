"""The analytical reference for the rates benchmark: DuckDB computing the four rates of DESIGN §3
(policy v1) for the whole city on a day, set-based, over the same rows as the engine.

This is a second, independent implementation of the rules that decide the rates (population in
post, coverage, certified, awareness, may_work = no blocking finding), written as one SQL query.
The benchmark asserts that it returns exactly the engine's numbers, so the time it takes is a
fair "how fast could this be" reference, not a different computation.

Loading: the rows are copied out of the application database (SQLite or PostgreSQL) into CSV
files and read by DuckDB in memory; that copy is timed separately and is not part of the
reference time (DESIGN §6: copying rows out row by row is the slow part).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from django.db import connection

from safetrain.certificates.models import Certificate, CertificateReview
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Employment, Leave, Post
from safetrain.records.models import ExamResult, Incident, TrainingRecord, Violation


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# name → (SELECT over the application database, DuckDB column types)
EXPORTS: dict[str, tuple[str, dict[str, str]]] = {
    "emp": (
        f"SELECT e.id, e.person_id, e.enterprise_id, e.role_category, e.start_date, e.end_date, "
        f"s.high_risk FROM {_t(Employment)} e JOIN {_t(Enterprise)} n ON n.id = e.enterprise_id "
        f"JOIN catalog_sector s ON s.code = n.sector_id",
        {
            "id": "BIGINT",
            "person_id": "BIGINT",
            "enterprise_id": "BIGINT",
            "role": "VARCHAR",
            "start_date": "DATE",
            "end_date": "DATE",
            "high_risk": "BOOLEAN",
        },
    ),
    "post": (
        f"SELECT employment_id, from_date, operation_id FROM {_t(Post)}",
        {"employment_id": "BIGINT", "from_date": "DATE", "op": "VARCHAR"},
    ),
    "lv": (
        f"SELECT employment_id, start_date, end_date FROM {_t(Leave)}",
        {"employment_id": "BIGINT", "start_date": "DATE", "end_date": "DATE"},
    ),
    "tr": (
        f"SELECT id, person_id, date, hours, kind, level, enterprise_id, supersedes_id "
        f"FROM {_t(TrainingRecord)}",
        {
            "id": "BIGINT",
            "person_id": "BIGINT",
            "date": "DATE",
            "hours": "DECIMAL(9,1)",
            "kind": "VARCHAR",
            "level": "VARCHAR",
            "enterprise_id": "BIGINT",
            "supersedes_id": "BIGINT",
        },
    ),
    "ex": (
        f"SELECT id, person_id, date, purpose, passed, enterprise_id, supersedes_id "
        f"FROM {_t(ExamResult)}",
        {
            "id": "BIGINT",
            "person_id": "BIGINT",
            "date": "DATE",
            "purpose": "VARCHAR",
            "passed": "BOOLEAN",
            "enterprise_id": "BIGINT",
            "supersedes_id": "BIGINT",
        },
    ),
    "vio": (
        f"SELECT person_id, date FROM {_t(Violation)}",
        {"person_id": "BIGINT", "date": "DATE"},
    ),
    "inc": (
        f"SELECT enterprise_id, date FROM {_t(Incident)}",
        {"enterprise_id": "BIGINT", "date": "DATE"},
    ),
    "cert": (
        f"SELECT id, person_id, cert_type, operation_id, issued_on, valid_until, review_due, "
        f"revoked FROM {_t(Certificate)}",
        {
            "id": "BIGINT",
            "person_id": "BIGINT",
            "cert_type": "VARCHAR",
            "op": "VARCHAR",
            "issued_on": "DATE",
            "valid_until": "DATE",
            "review_due": "DATE",
            "revoked": "BOOLEAN",
        },
    ),
    "rev": (
        f"SELECT certificate_id, passed_on, cleared_due FROM {_t(CertificateReview)}",
        {"certificate_id": "BIGINT", "passed_on": "DATE", "cleared_due": "DATE"},
    ),
}

# Policy v1 hours (DESIGN §3): pre-job hours of a worker by sector group.
RATES_SQL = """
WITH
tr_ AS (SELECT * FROM tr WHERE date <= $d
        AND id NOT IN (SELECT supersedes_id FROM tr WHERE supersedes_id IS NOT NULL)),
ex_ AS (SELECT * FROM ex WHERE date <= $d AND purpose <> 'practice'
        AND id NOT IN (SELECT supersedes_id FROM ex WHERE supersedes_id IS NOT NULL)),
active AS (SELECT * FROM emp WHERE start_date <= $d AND (end_date IS NULL OR end_date >= $d)),
pop AS (
    SELECT a.* FROM active a WHERE NOT EXISTS (
        SELECT 1 FROM lv WHERE lv.employment_id = a.id AND lv.start_date <= $d
        AND (lv.end_date IS NULL OR lv.end_date >= $d))
),
cur_post AS (
    SELECT employment_id, op FROM (
        SELECT p.employment_id, NULLIF(p.op, '') AS op,
               row_number() OVER (PARTITION BY p.employment_id ORDER BY p.from_date DESC) AS rn
        FROM post p JOIN pop ON pop.id = p.employment_id WHERE p.from_date <= $d)
    WHERE rn = 1
),
req AS (
    SELECT pop.person_id, 'special_operation' AS ctype, cp.op AS op, NULL::TIMESTAMP AS grace
    FROM pop JOIN cur_post cp ON cp.employment_id = pop.id WHERE cp.op IS NOT NULL
    UNION ALL
    SELECT person_id, 'safety_management', NULL,
           CASE WHEN role IN ('principal', 'deputy') THEN start_date + INTERVAL 6 MONTH END
    FROM pop WHERE high_risk AND role IN ('principal', 'deputy', 'safety_manager')
),
held AS (SELECT id, person_id, cert_type, NULLIF(op, '') AS op, valid_until, review_due, revoked
         FROM cert WHERE issued_on <= $d),
best AS (
    SELECT * FROM (
        SELECT r.person_id, r.ctype, r.op AS rop, h.id, h.valid_until, h.review_due,
               row_number() OVER (PARTITION BY r.person_id, r.ctype, r.op
                                  ORDER BY h.valid_until DESC, h.id DESC) AS rk
        FROM req r JOIN held h ON h.person_id = r.person_id AND h.cert_type = r.ctype
             AND (r.ctype <> 'special_operation' OR h.op = r.op)
        WHERE NOT h.revoked)
    WHERE rk = 1
),
later AS (
    SELECT certificate_id, cleared_due FROM (
        SELECT certificate_id, cleared_due,
               row_number() OVER (PARTITION BY certificate_id ORDER BY passed_on) AS rn
        FROM rev WHERE passed_on > $d)
    WHERE rn = 1
),
req_state AS (
    SELECT r.person_id,
        CASE
            WHEN NOT EXISTS (SELECT 1 FROM held h WHERE h.person_id = r.person_id
                             AND h.cert_type = r.ctype)
                THEN CASE WHEN r.grace IS NOT NULL AND $d < r.grace THEN 'pending' ELSE 'missing' END
            WHEN r.ctype = 'special_operation' AND NOT EXISTS (
                    SELECT 1 FROM held h WHERE h.person_id = r.person_id
                    AND h.cert_type = r.ctype AND h.op = r.op)
                THEN 'mismatch'
            WHEN b.id IS NULL THEN 'revoked'
            WHEN b.valid_until < $d THEN 'expired'
            WHEN (CASE WHEN l.certificate_id IS NOT NULL THEN l.cleared_due ELSE b.review_due END) < $d
                THEN 'overdue'
            ELSE 'ok'
        END AS state
    FROM req r
    LEFT JOIN best b ON b.person_id = r.person_id AND b.ctype = r.ctype
         AND b.rop IS NOT DISTINCT FROM r.op
    LEFT JOIN later l ON l.certificate_id = b.id
),
certs AS (
    SELECT person_id, bool_and(state = 'ok') AS certified,
           bool_or(state IN ('missing', 'mismatch', 'revoked', 'expired', 'overdue')) AS blocked
    FROM req_state GROUP BY person_id
),
prejob AS (
    SELECT pop.person_id FROM pop
    WHERE pop.role = 'worker' AND pop.start_date >= DATE '2024-01-01' AND (
        COALESCE((SELECT sum(t.hours) FROM tr_ t WHERE t.person_id = pop.person_id
                  AND t.kind = 'prejob' AND t.enterprise_id = pop.enterprise_id
                  AND t.date >= pop.start_date - 90), 0)
            < CASE WHEN pop.high_risk THEN 72 ELSE 24 END
        OR (SELECT count(DISTINCT t.level) FROM tr_ t WHERE t.person_id = pop.person_id
            AND t.kind = 'prejob' AND t.enterprise_id = pop.enterprise_id
            AND t.date >= pop.start_date - 90 AND t.level IN ('company', 'workshop', 'team')) < 3
        OR NOT EXISTS (SELECT 1 FROM ex_ x WHERE x.person_id = pop.person_id
            AND x.purpose = 'prejob' AND x.passed AND x.enterprise_id = pop.enterprise_id
            AND x.date >= pop.start_date - 90))
),
lastv AS (SELECT person_id, max(date) AS v FROM vio WHERE date <= $d GROUP BY person_id),
vblock AS (
    SELECT v.person_id FROM lastv v JOIN pop ON pop.person_id = v.person_id
    WHERE COALESCE((SELECT sum(t.hours) FROM tr_ t WHERE t.person_id = v.person_id
                    AND t.kind = 'violation' AND t.date >= v.v), 0) < 24
       OR NOT EXISTS (SELECT 1 FROM ex_ x WHERE x.person_id = v.person_id
                      AND x.purpose = 'violation' AND x.passed AND x.date >= v.v)
),
longleave AS (
    SELECT pop.person_id, max(lv.start_date) AS s FROM lv JOIN pop ON pop.id = lv.employment_id
    WHERE lv.end_date IS NOT NULL AND lv.end_date < $d AND lv.start_date <= $d
      AND lv.end_date + 1 >= lv.start_date + INTERVAL 3 MONTH
    GROUP BY pop.person_id
),
rblock AS (
    SELECT ll.person_id FROM longleave ll
    WHERE NOT EXISTS (SELECT 1 FROM tr_ t WHERE t.person_id = ll.person_id
                      AND t.kind = 'return' AND t.date >= ll.s)
       OR NOT EXISTS (SELECT 1 FROM ex_ x WHERE x.person_id = ll.person_id
                      AND x.purpose = 'return' AND x.passed AND x.date >= ll.s)
),
changes AS (
    SELECT pop.person_id, p.from_date AS t FROM post p JOIN pop ON pop.id = p.employment_id
    WHERE p.from_date > pop.start_date AND p.from_date <= $d
),
tblock AS (
    SELECT DISTINCT c.person_id FROM changes c
    WHERE NOT EXISTS (SELECT 1 FROM tr_ t WHERE t.person_id = c.person_id
                      AND t.kind = 'transfer' AND t.date >= c.t - 30)
       OR NOT EXISTS (SELECT 1 FROM ex_ x WHERE x.person_id = c.person_id
                      AND x.purpose = 'transfer' AND x.passed AND x.date >= c.t - 30)
),
acc AS (
    SELECT e.person_id, i.date AS a FROM emp e JOIN inc i ON i.enterprise_id = e.enterprise_id
    JOIN pop ON pop.person_id = e.person_id
    WHERE e.role IN ('principal', 'deputy', 'safety_manager') AND e.start_date <= $d
      AND i.date <= $d AND e.start_date <= i.date AND (e.end_date IS NULL OR i.date <= e.end_date)
),
ablock AS (
    SELECT DISTINCT c.person_id FROM acc c
    WHERE NOT EXISTS (SELECT 1 FROM tr_ t WHERE t.person_id = c.person_id
                      AND t.kind = 'accident' AND t.date >= c.a)
       OR NOT EXISTS (SELECT 1 FROM ex_ x WHERE x.person_id = c.person_id
                      AND x.purpose = 'mgmt_assessment' AND x.passed AND x.date >= c.a)
),
covered AS (SELECT DISTINCT person_id FROM tr_ WHERE date >= $jan1),
aware AS (
    SELECT person_id, arg_max(passed, (date, id)) AS passed FROM ex_
    WHERE purpose IN ('risk_awareness', 'spot_check') AND date >= $jan1 GROUP BY person_id
),
per AS (
    SELECT pop.person_id,
        pop.person_id IN (SELECT person_id FROM covered) AS covered,
        c.person_id IS NOT NULL AS cert_required,
        COALESCE(c.certified, FALSE) AS certified,
        COALESCE(aw.passed, FALSE) AS aware,
        NOT (COALESCE(c.blocked, FALSE)
             OR pop.person_id IN (SELECT person_id FROM prejob)
             OR pop.person_id IN (SELECT person_id FROM vblock)
             OR pop.person_id IN (SELECT person_id FROM rblock)
             OR pop.person_id IN (SELECT person_id FROM tblock)
             OR pop.person_id IN (SELECT person_id FROM ablock)) AS may_work
    FROM pop LEFT JOIN certs c ON c.person_id = pop.person_id
    LEFT JOIN aware aw ON aw.person_id = pop.person_id
)
SELECT count(*), count(*) FILTER (covered), count(*) FILTER (certified),
       count(*) FILTER (cert_required), count(*) FILTER (aware), count(*) FILTER (may_work)
FROM per
"""


class DuckRates:
    """The city's rows in an in-memory DuckDB database."""

    def __init__(self) -> None:
        import duckdb

        self.db = duckdb.connect()
        self.load_seconds = 0.0
        self.rows = 0

    def load(self) -> DuckRates:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp, connection.cursor() as cur:
            for name, (sql, columns) in EXPORTS.items():
                path = Path(tmp) / f"{name}.csv"
                with path.open("w", newline="") as fh:
                    writer = csv.writer(fh)
                    cur.execute(sql)
                    while True:
                        chunk = cur.fetchmany(50_000)
                        if not chunk:
                            break
                        writer.writerows(chunk)
                        self.rows += len(chunk)
                cols = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())
                self.db.execute(
                    f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header = false, "
                    f"columns = {{{cols}}}, nullstr = '')"
                )
        self.load_seconds = time.perf_counter() - started
        return self

    def rates(self, on: dt.date) -> dict[str, Any]:
        row = self.db.execute(RATES_SQL, {"d": on, "jan1": dt.date(on.year, 1, 1)}).fetchone()
        assert row is not None
        pop, cov, cert, creq, aware, may = (int(v) for v in row)
        return {
            "population": pop,
            "coverage": {"num": cov, "den": pop},
            "certified": {"num": cert, "den": creq},
            "awareness": {"num": aware, "den": pop},
            "may_work": {"num": may, "den": pop},
        }


def engine_rates(on: dt.date) -> dict[str, Any]:
    """The engine's city rates for a day, from the records, in the same shape."""
    from safetrain.compliance.engine import Scope, rates_from_records

    r = rates_from_records(Scope.city(), on).as_dict()
    return {k: r[k] for k in ("population", "coverage", "certified", "awareness", "may_work")}
