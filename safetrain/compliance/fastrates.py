"""The campaign's four rates for any day and scope in ONE SQL query (SQLite and PostgreSQL).

The per-person engine (``engine.rates_by_evaluation``) evaluates every rule of every person in
Python: it is what explains a finding, and 200,000 persons cost it ~20 s. A rates-only question
(a past day, a county, the city) needs four counts, not the findings, so this module asks the
database for them set-based. It is the same rule set as the engine and as the DuckDB reference
of the benchmark (``safetrain/scale/reference.py``), parameterised by the policy version in force
on the day; ``rates_sql_applies`` refuses a policy whose blocking codes differ from the ones
written here, and the engine then falls back to evaluating every person. Equality with the
engine is tested on generated cities over several days (test_fast_rates).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from django.db import connection, transaction

from safetrain.compliance.policy import Policy

# the blocking findings the query decides may_work by; any other policy → per-person path
SQL_BLOCKING = frozenset(
    {
        "PREJOB_TRAINING_MISSING",
        "PREJOB_EXAM_MISSING",
        "CERT_MISSING",
        "CERT_JOB_MISMATCH",
        "CERT_EXPIRED",
        "CERT_REVIEW_OVERDUE",
        "VIOLATION_RETRAINING_PENDING",
        "RETURN_TRAINING_PENDING",
        "TRANSFER_TRAINING_PENDING",
        "ACCIDENT_RETRAINING_PENDING",
    }
)


# the certificate ledger's windows (certificates.matching.evaluate_requirement's defaults, which
# the ledger uses): a review due within 60 days, an expiry within 90 days
REVIEW_WINDOW = 60
EXPIRY_WINDOW = 90
# the ledger states, in certificates.matching.CertState order
LEDGER_STATES = (
    "valid",
    "review_due_soon",
    "expiring_soon",
    "review_overdue",
    "expired",
    "revoked",
    "mismatch",
    "missing",
    "pending",
)
# the flags of the grouped query, in its column order after (enterprise id, employment form)
RATE_COLUMNS = ("population", "covered", "cert_required", "certified", "aware", "may_work")
BLOCKING_CODES = tuple(sorted(SQL_BLOCKING))


def rates_sql_applies(policy: Policy) -> bool:
    blocking = {code for code, meta in policy.findings.items() if meta.blocking}
    return blocking - {"DRILL_OVERDUE"} == SQL_BLOCKING and policy.numbers.prejob_levels == (
        "company",
        "workshop",
        "team",
    )


def _dialect() -> dict[str, Any]:
    if connection.vendor == "postgresql":
        return {
            "minus_days": lambda e, n: f"({e} - {int(n)})",
            "add_months": lambda e, n: f"(({e} + interval '{int(n)} months')::date)",
            "plus_day": lambda e: f"({e} + 1)",
            "plus_days": lambda e, n: f"({e} + {int(n)})",
            "same": "IS NOT DISTINCT FROM",
        }

    # SQLite: date(x, '+N months') overflows into the next month (31 Jan + 1 month = 3 Mar);
    # the engine clamps (28/29 Feb), so take the earlier of it and the target month's last day
    def add_months_sqlite(e: str, n: int) -> str:
        return (
            f"min(date({e}, '+{int(n)} months'), "
            f"date({e}, 'start of month', '+{int(n) + 1} months', '-1 day'))"
        )

    return {
        "minus_days": lambda e, n: f"date({e}, '-{int(n)} days')",
        "add_months": add_months_sqlite,
        "plus_day": lambda e: f"date({e}, '+1 day')",
        "plus_days": lambda e, n: f"date({e}, '+{int(n)} days')",
        "same": "IS",
    }


def _tables() -> dict[str, str]:
    from safetrain.catalog.models import Sector
    from safetrain.certificates.models import Certificate, CertificateReview
    from safetrain.enterprises.models import Enterprise
    from safetrain.people.models import Employment, Leave, Post
    from safetrain.records.models import ExamResult, Incident, TrainingRecord, Violation

    q = connection.ops.quote_name
    models: dict[str, Any] = {
        "employment": Employment,
        "post": Post,
        "leave": Leave,
        "enterprise": Enterprise,
        "sector": Sector,
        "training": TrainingRecord,
        "exam": ExamResult,
        "violation": Violation,
        "certificate": Certificate,
        "review": CertificateReview,
        "incident": Incident,
    }
    return {k: q(m._meta.db_table) for k, m in models.items()}


def rates_sql(
    policy: Policy,
    *,
    region: str | None,
    enterprise_id: int | None,
    part: tuple[int, int] | None = None,
) -> str:
    """The query; parameters %(d)s (the day), %(jan1)s, %(cutoff)s, %(region)s, %(ent)s.
    `part` (lo, hi): only the persons whose id is in that range (see person_ranges)."""
    scope = _part_filter("e.person_id", part)
    if enterprise_id is not None:
        scope += " AND e.enterprise_id = %(ent)s"
    elif region is not None:
        scope += " AND n.region_id = %(region)s"
    return (
        _ctes(policy, scope)
        + """
SELECT COUNT(*), COALESCE(SUM(covered), 0), COALESCE(SUM(certified), 0),
       COALESCE(SUM(cert_required), 0), COALESCE(SUM(aware), 0), COALESCE(SUM(may_work), 0)
FROM per
"""
    )


def _ctes(policy: Policy, scope: str, *, full: bool = False) -> str:
    """The WITH clause: `per` holds one row per person in post on %(d)s in the scope (a SQL
    condition on e = employment, n = enterprise), with the rate flags, one flag per blocking
    finding code, and the count of needed certificates per ledger state.

    ``full`` (the set-based recompute, ``status_sql``): `act` holds each person's active
    employment on D (the earliest started, as the engine takes it) with an `away` flag for a
    leave covering D, `pop` the ones in post, and `per` also the person id and a flag for
    every other person code (CERT_PENDING, the two due-soon codes and the three hours codes)."""
    t = _tables()
    f = _dialect()
    n = policy.numbers
    hr_hours = float(policy.hours(high_risk=True, role="worker").initial)
    other_hours = float(policy.hours(high_risk=False, role="worker").initial)
    # current rows only: dated by D, not superseded by a correction (the NOT IN list is
    # computed once, from the partial corrections indexes), practice exams never count
    tr_ok = (
        f"t.date <= %(d)s AND t.id NOT IN "
        f"(SELECT supersedes_id FROM {t['training']} WHERE supersedes_id IS NOT NULL)"
    )
    ex_ok = (
        f"x.date <= %(d)s AND x.purpose <> 'practice' AND x.id NOT IN "
        f"(SELECT supersedes_id FROM {t['exam']} WHERE supersedes_id IS NOT NULL)"
    )
    away = (
        f"EXISTS (SELECT 1 FROM {t['leave']} lv WHERE lv.employment_id = e.id "
        f"AND lv.start_date <= %(d)s AND (lv.end_date IS NULL OR lv.end_date >= %(d)s))"
    )
    # the post in force on D (one probe of the unique (employment, from_date) index each): its
    # special operation, and whether there is one at all — no join for the planner to misorder
    post = (
        f"(SELECT NULLIF(p.operation_id, '') FROM {t['post']} p WHERE p.employment_id = e.id "
        f"AND p.from_date <= %(d)s ORDER BY p.from_date DESC LIMIT 1) AS op, "
        f"CASE WHEN EXISTS (SELECT 1 FROM {t['post']} p WHERE p.employment_id = e.id "
        f"AND p.from_date <= %(d)s) THEN 1 ELSE 0 END AS has_post"
    )
    if full:
        population = f"""
act AS MATERIALIZED (
    SELECT e.id, e.person_id, e.enterprise_id, e.role_category AS role, e.start_date,
           e.employment_form AS form, s.high_risk,
           CASE WHEN {away} THEN 1 ELSE 0 END AS away, {post}
    FROM {t["employment"]} e JOIN {t["enterprise"]} n ON n.id = e.enterprise_id
    JOIN {t["sector"]} s ON s.code = n.sector_id
    WHERE e.start_date <= %(d)s AND (e.end_date IS NULL OR e.end_date >= %(d)s) {scope}
      -- the earliest started (as the engine's facts order them), written as an anti-join
      -- whose size PostgreSQL estimates (a window's rn = 1 it guessed at 0.5 %%: nested loops)
      AND NOT EXISTS (
        SELECT 1 FROM {t["employment"]} e2 WHERE e2.person_id = e.person_id
        AND e2.start_date <= %(d)s AND (e2.end_date IS NULL OR e2.end_date >= %(d)s)
        AND (e2.start_date < e.start_date OR (e2.start_date = e.start_date AND e2.id < e.id)))
),
pop AS MATERIALIZED (
    SELECT id, person_id, enterprise_id, role, start_date, form, high_risk, op, has_post
    FROM act WHERE away = 0
),"""
    else:
        population = f"""
pop AS MATERIALIZED (
    SELECT e.id, e.person_id, e.enterprise_id, e.role_category AS role, e.start_date,
           e.employment_form AS form, s.high_risk, {post}
    FROM {t["employment"]} e JOIN {t["enterprise"]} n ON n.id = e.enterprise_id
    JOIN {t["sector"]} s ON s.code = n.sector_id
    WHERE e.start_date <= %(d)s AND (e.end_date IS NULL OR e.end_date >= %(d)s) {scope}
      AND NOT {away}
),"""
    exp_win, rev_win = n.cert_expiry_window_days, n.cert_review_window_days

    def live(h: str) -> str:
        """A live certificate of requirement r (type, issued by D, not revoked, operation)."""
        return (
            f"{h}.person_id = r.person_id AND {h}.cert_type = r.ctype "
            f"AND {h}.issued_on <= %(d)s AND NOT {h}.revoked "
            f"AND (r.ctype <> 'special_operation' OR NULLIF({h}.operation_id, '') = r.op)"
        )

    covered = (
        "COALESCE(hrs.covered, 0)"
        if full
        else f"""CASE WHEN EXISTS (SELECT 1 FROM {t["training"]} t WHERE {tr_ok}
                          AND t.person_id = pop.person_id AND t.date >= %(jan1)s)
             THEN 1 ELSE 0 END"""
    )
    return f"""
WITH
{population}
req AS MATERIALIZED (
    SELECT pop.person_id, 'special_operation' AS ctype, pop.op AS op, 0 AS grace, 1 AS has_post
    FROM pop WHERE pop.op IS NOT NULL
    UNION ALL
    SELECT person_id, 'safety_management', NULL,
           CASE WHEN role IN ('principal', 'deputy')
                AND %(d)s < {f["add_months"]("start_date", n.cert_grace_months)} THEN 1 ELSE 0 END,
           has_post
    FROM pop WHERE high_risk AND role IN ('principal', 'deputy', 'safety_manager')
),
best AS MATERIALIZED (
    -- the live matching certificate with the latest valid_until (then the highest id), by two
    -- aggregates over the person's certificates (no join, window or sort of all of them)
    SELECT r.person_id, r.ctype, r.op AS rop, r.has_post, r.grace,
           (SELECT MAX(h.id) FROM {t["certificate"]} h WHERE {live("h")}
              AND h.valid_until = (SELECT MAX(h3.valid_until) FROM {t["certificate"]} h3
                                   WHERE {live("h3")})) AS best_id
    FROM req r
),
due AS MATERIALIZED (
    -- the review due date in force on D: the cleared_due of the first review passed after D
    -- (a review moves the certificate's review_due on), else the certificate's own
    SELECT b.person_id, b.ctype, b.rop, b.has_post, b.grace, h.id, h.valid_until,
           COALESCE((SELECT rv.cleared_due FROM {t["review"]} rv WHERE rv.certificate_id = h.id
                     AND rv.passed_on > %(d)s ORDER BY rv.passed_on LIMIT 1), h.review_due) AS due
    FROM best b LEFT JOIN {t["certificate"]} h ON h.id = b.best_id
),
req_state AS MATERIALIZED (
    SELECT b.person_id, b.has_post,
        CASE
            WHEN NOT EXISTS (SELECT 1 FROM {t["certificate"]} h WHERE h.person_id = b.person_id
                             AND h.cert_type = b.ctype AND h.issued_on <= %(d)s)
                THEN CASE WHEN b.grace = 1 THEN 'pending' ELSE 'missing' END
            WHEN b.ctype = 'special_operation' AND NOT EXISTS (
                    SELECT 1 FROM {t["certificate"]} h WHERE h.person_id = b.person_id
                    AND h.cert_type = b.ctype AND h.issued_on <= %(d)s
                    AND NULLIF(h.operation_id, '') = b.rop)
                THEN 'mismatch'
            WHEN b.id IS NULL THEN 'revoked'
            WHEN b.valid_until < %(d)s THEN 'expired'
            WHEN b.due < %(d)s THEN 'review_overdue'
            WHEN b.due <= {f["plus_days"]("%(d)s", REVIEW_WINDOW)}
                THEN 'review_due_soon'
            WHEN b.valid_until <= {f["plus_days"]("%(d)s", EXPIRY_WINDOW)} THEN 'expiring_soon'
            ELSE 'valid'
        END AS state,
        CASE WHEN b.id IS NOT NULL AND b.due < %(d)s THEN 1 ELSE 0 END AS overdue,
        -- the due-soon codes of certificates.matching.evaluate_requirement, with the policy's
        -- windows: expiry when not expired, review when not overdue (also on an expired one)
        CASE WHEN b.id IS NOT NULL AND b.valid_until >= %(d)s
             AND b.valid_until <= {f["plus_days"]("%(d)s", exp_win)} THEN 1 ELSE 0 END AS soon_exp,
        CASE WHEN b.id IS NOT NULL AND b.due >= %(d)s
             AND b.due <= {f["plus_days"]("%(d)s", rev_win)} THEN 1 ELSE 0 END AS soon_rev
    FROM due b
),
certs AS MATERIALIZED (
    SELECT person_id,
           MIN(CASE WHEN state IN ('valid', 'review_due_soon', 'expiring_soon')
               THEN 1 ELSE 0 END) AS certified,
           MAX(CASE WHEN state IN ('missing', 'mismatch', 'revoked', 'expired', 'review_overdue')
               THEN 1 ELSE 0 END) AS blocked,
           MAX(CASE WHEN state = 'missing' THEN 1 ELSE 0 END) AS c_missing,
           MAX(CASE WHEN state = 'mismatch' THEN 1 ELSE 0 END) AS c_mismatch,
           MAX(CASE WHEN state IN ('revoked', 'expired') THEN 1 ELSE 0 END) AS c_expired,
           MAX(overdue) AS c_overdue,
           MAX(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS c_pending,
           MAX(soon_exp) AS c_soon_exp,
           MAX(soon_rev) AS c_soon_rev,
           SUM(CASE WHEN has_post = 1 AND state = 'valid' THEN 1 ELSE 0 END) AS l_valid,
           SUM(CASE WHEN has_post = 1 AND state = 'review_due_soon' THEN 1 ELSE 0 END) AS l_review_due_soon,
           SUM(CASE WHEN has_post = 1 AND state = 'expiring_soon' THEN 1 ELSE 0 END) AS l_expiring_soon,
           SUM(CASE WHEN has_post = 1 AND state = 'review_overdue' THEN 1 ELSE 0 END) AS l_review_overdue,
           SUM(CASE WHEN has_post = 1 AND state = 'expired' THEN 1 ELSE 0 END) AS l_expired,
           SUM(CASE WHEN has_post = 1 AND state = 'revoked' THEN 1 ELSE 0 END) AS l_revoked,
           SUM(CASE WHEN has_post = 1 AND state = 'mismatch' THEN 1 ELSE 0 END) AS l_mismatch,
           SUM(CASE WHEN has_post = 1 AND state = 'missing' THEN 1 ELSE 0 END) AS l_missing,
           SUM(CASE WHEN has_post = 1 AND state = 'pending' THEN 1 ELSE 0 END) AS l_pending
    FROM req_state GROUP BY person_id
),
prejob AS MATERIALIZED (
    SELECT pop.person_id,
        -- hours and the three levels in one look-up (no COUNT(DISTINCT) sort per person)
        (SELECT CASE WHEN ROUND(COALESCE(SUM(t.hours), 0), 1)
                          < CASE WHEN pop.high_risk THEN {hr_hours} ELSE {other_hours} END
                     OR COALESCE(MAX(CASE WHEN t.level = 'company' THEN 1 ELSE 0 END), 0)
                        + COALESCE(MAX(CASE WHEN t.level = 'workshop' THEN 1 ELSE 0 END), 0)
                        + COALESCE(MAX(CASE WHEN t.level = 'team' THEN 1 ELSE 0 END), 0) < 3
                THEN 1 ELSE 0 END
         FROM {t["training"]} t WHERE {tr_ok} AND t.person_id = pop.person_id
         AND t.kind = 'prejob' AND t.enterprise_id = pop.enterprise_id
         AND t.date >= {f["minus_days"]("pop.start_date", n.prejob_lookback_days)}) AS p_training,
        CASE WHEN NOT EXISTS (SELECT 1 FROM {t["exam"]} x WHERE {ex_ok} AND x.person_id = pop.person_id
            AND x.purpose = 'prejob' AND x.passed AND x.enterprise_id = pop.enterprise_id
            AND x.date >= {f["minus_days"]("pop.start_date", n.prejob_lookback_days)})
            THEN 1 ELSE 0 END AS p_exam
    FROM pop
    WHERE pop.role = 'worker' AND pop.start_date >= %(cutoff)s
),
lastv AS MATERIALIZED (SELECT person_id, MAX(date) AS v FROM {t["violation"]} WHERE date <= %(d)s
          AND person_id IN (SELECT person_id FROM pop) GROUP BY person_id),
vblock AS MATERIALIZED (
    SELECT v.person_id FROM lastv v
    WHERE ROUND(COALESCE((SELECT SUM(t.hours) FROM {t["training"]} t WHERE {tr_ok} AND t.person_id = v.person_id
                    AND t.kind = 'violation' AND t.date >= v.v), 0), 1) < {float(n.violation_hours)}
       OR NOT EXISTS (SELECT 1 FROM {t["exam"]} x WHERE {ex_ok} AND x.person_id = v.person_id
                      AND x.purpose = 'violation' AND x.passed AND x.date >= v.v)
),
longleave AS MATERIALIZED (
    SELECT pop.person_id, MAX(lv.start_date) AS s
    FROM {t["leave"]} lv JOIN pop ON pop.id = lv.employment_id
    WHERE lv.end_date IS NOT NULL AND lv.end_date < %(d)s AND lv.start_date <= %(d)s
      AND {f["plus_day"]("lv.end_date")} >= {f["add_months"]("lv.start_date", n.leave_months)}
    GROUP BY pop.person_id
),
rblock AS MATERIALIZED (
    SELECT ll.person_id FROM longleave ll
    WHERE NOT EXISTS (SELECT 1 FROM {t["training"]} t WHERE {tr_ok} AND t.person_id = ll.person_id
                      AND t.kind = 'return' AND t.date >= ll.s)
       OR NOT EXISTS (SELECT 1 FROM {t["exam"]} x WHERE {ex_ok} AND x.person_id = ll.person_id
                      AND x.purpose = 'return' AND x.passed AND x.date >= ll.s)
),
changes AS MATERIALIZED (
    SELECT pop.person_id, p.from_date AS t FROM {t["post"]} p JOIN pop ON pop.id = p.employment_id
    WHERE p.from_date > pop.start_date AND p.from_date <= %(d)s
),
tblock AS MATERIALIZED (
    SELECT DISTINCT c.person_id FROM changes c
    WHERE NOT EXISTS (SELECT 1 FROM {t["training"]} t WHERE {tr_ok} AND t.person_id = c.person_id
                      AND t.kind = 'transfer'
                      AND t.date >= {f["minus_days"]("c.t", n.transfer_lookback_days)})
       OR NOT EXISTS (SELECT 1 FROM {t["exam"]} x WHERE {ex_ok} AND x.person_id = c.person_id
                      AND x.purpose = 'transfer' AND x.passed
                      AND x.date >= {f["minus_days"]("c.t", n.transfer_lookback_days)})
),
acc AS MATERIALIZED (
    SELECT e.person_id, i.date AS a FROM {t["employment"]} e
    JOIN {t["incident"]} i ON i.enterprise_id = e.enterprise_id
    WHERE e.person_id IN (SELECT person_id FROM pop)
      AND e.role_category IN ('principal', 'deputy', 'safety_manager') AND e.start_date <= %(d)s
      AND i.date <= %(d)s AND e.start_date <= i.date AND (e.end_date IS NULL OR i.date <= e.end_date)
),
ablock AS MATERIALIZED (
    SELECT DISTINCT c.person_id FROM acc c
    WHERE NOT EXISTS (SELECT 1 FROM {t["training"]} t WHERE {tr_ok} AND t.person_id = c.person_id
                      AND t.kind = 'accident' AND t.date >= c.a)
       OR NOT EXISTS (SELECT 1 FROM {t["exam"]} x WHERE {ex_ok} AND x.person_id = c.person_id
                      AND x.purpose = 'mgmt_assessment' AND x.passed AND x.date >= c.a)
),
{_hours_cte(policy, t, tr_ok) if full else ""}
per AS {"MATERIALIZED " if full else ""}(
    SELECT pop.enterprise_id, pop.form,{_full_columns() if full else ""}
        {covered} AS covered,
        CASE WHEN c.person_id IS NOT NULL THEN 1 ELSE 0 END AS cert_required,
        COALESCE(c.certified, 0) AS certified,
        CASE WHEN (SELECT x.passed FROM {t["exam"]} x WHERE {ex_ok}
                   AND x.person_id = pop.person_id AND x.date >= %(jan1)s
                   AND x.purpose IN ('risk_awareness', 'spot_check')
                   ORDER BY x.date DESC, x.id DESC LIMIT 1) THEN 1 ELSE 0 END AS aware,
        COALESCE(pj.p_training, 0) AS "PREJOB_TRAINING_MISSING",
        COALESCE(pj.p_exam, 0) AS "PREJOB_EXAM_MISSING",
        COALESCE(c.c_missing, 0) AS "CERT_MISSING",
        COALESCE(c.c_mismatch, 0) AS "CERT_JOB_MISMATCH",
        COALESCE(c.c_expired, 0) AS "CERT_EXPIRED",
        COALESCE(c.c_overdue, 0) AS "CERT_REVIEW_OVERDUE",
        CASE WHEN vb.person_id IS NOT NULL THEN 1 ELSE 0 END AS "VIOLATION_RETRAINING_PENDING",
        CASE WHEN rb.person_id IS NOT NULL THEN 1 ELSE 0 END AS "RETURN_TRAINING_PENDING",
        CASE WHEN tb.person_id IS NOT NULL THEN 1 ELSE 0 END AS "TRANSFER_TRAINING_PENDING",
        CASE WHEN ab.person_id IS NOT NULL THEN 1 ELSE 0 END AS "ACCIDENT_RETRAINING_PENDING",
        CASE WHEN COALESCE(c.blocked, 0) = 1 OR COALESCE(pj.p_training, 0) = 1
             OR COALESCE(pj.p_exam, 0) = 1 OR vb.person_id IS NOT NULL
             OR rb.person_id IS NOT NULL OR tb.person_id IS NOT NULL
             OR ab.person_id IS NOT NULL THEN 0 ELSE 1 END AS may_work,
        COALESCE(c.l_valid, 0) AS l_valid,
        COALESCE(c.l_review_due_soon, 0) AS l_review_due_soon,
        COALESCE(c.l_expiring_soon, 0) AS l_expiring_soon,
        COALESCE(c.l_review_overdue, 0) AS l_review_overdue,
        COALESCE(c.l_expired, 0) AS l_expired,
        COALESCE(c.l_revoked, 0) AS l_revoked,
        COALESCE(c.l_mismatch, 0) AS l_mismatch,
        COALESCE(c.l_missing, 0) AS l_missing,
        COALESCE(c.l_pending, 0) AS l_pending
    FROM pop LEFT JOIN certs c ON c.person_id = pop.person_id
    LEFT JOIN prejob pj ON pj.person_id = pop.person_id
    LEFT JOIN vblock vb ON vb.person_id = pop.person_id
    LEFT JOIN rblock rb ON rb.person_id = pop.person_id
    LEFT JOIN tblock tb ON tb.person_id = pop.person_id
    LEFT JOIN ablock ab ON ab.person_id = pop.person_id
    {"LEFT JOIN hrs ON hrs.person_id = pop.person_id" if full else ""}
)
"""


def _hours_case(policy: Policy, which: str) -> str:
    """The hours of the policy's table for pop's sector group and role (rules.base.hours_for)."""

    def by_role(group: str) -> str:
        whens = " ".join(
            f"WHEN '{role}' THEN {float(getattr(hours, which))}"
            for (g, role), hours in sorted(policy.hours_table.items())
            if g == group
        )
        return f"CASE pop.role {whens} END"

    return f"CASE WHEN pop.high_risk THEN {by_role('high_risk')} ELSE {by_role('other')} END"


def _hours_cte(policy: Policy, t: dict[str, str], tr_ok: str) -> str:
    """`hrs`: the three hours codes of every person in post (rules.person InitialHoursRule,
    AnnualPendingRule, AnnualShortRule): lifetime `initial` hours of a manager, this year's
    hours (1 Jan – D) of a person employed before 1 Jan, last year's of one employed before
    last 1 Jan when last year is judged (%(short_on)s)."""

    def hours(cond: str) -> str:
        return (
            f"ROUND(COALESCE((SELECT SUM(t.hours) FROM {t['training']} t WHERE {tr_ok} "
            f"AND t.person_id = pop.person_id AND {cond}), 0), 1)"
        )

    annual = _hours_case(policy, "annual")
    # this year's hours once per person: they decide both ANNUAL_HOURS_PENDING and coverage
    # (hours are > 0 by constraint, so "trained this year" is "this year's hours > 0")
    return f"""hy AS MATERIALIZED (
    SELECT pop.person_id, pop.role, pop.high_risk, pop.start_date,
           {hours("t.date >= %(jan1)s")} AS this_year
    FROM pop
),
hrs AS MATERIALIZED (
    SELECT pop.person_id,
        CASE WHEN pop.this_year > 0 THEN 1 ELSE 0 END AS covered,
        CASE WHEN pop.role IN ('principal', 'deputy', 'safety_manager')
             AND {hours("t.kind = 'initial'")} < {_hours_case(policy, "initial")}
             THEN 1 ELSE 0 END AS initial_short,
        CASE WHEN pop.start_date < %(jan1)s AND pop.this_year < {annual}
             THEN 1 ELSE 0 END AS annual_pending,
        CASE WHEN %(short_on)s = 1 AND pop.start_date < %(jan1_prev)s
             AND {hours("t.date >= %(jan1_prev)s AND t.date < %(jan1)s")} < {annual}
             THEN 1 ELSE 0 END AS annual_short
    FROM hy AS pop
),"""


def _full_columns() -> str:
    return """ pop.person_id,
        COALESCE(c.c_pending, 0) AS "CERT_PENDING",
        COALESCE(c.c_soon_exp, 0) AS "CERT_EXPIRING_SOON",
        COALESCE(c.c_soon_rev, 0) AS "CERT_REVIEW_DUE_SOON",
        COALESCE(hrs.initial_short, 0) AS "INITIAL_HOURS_SHORT",
        COALESCE(hrs.annual_pending, 0) AS "ANNUAL_HOURS_PENDING",
        COALESCE(hrs.annual_short, 0) AS "ANNUAL_HOURS_SHORT","""


def rates_counts(
    policy: Policy, on: dt.date, *, region: str | None = None, enterprise_id: int | None = None
) -> tuple[int, int, int, int, int, int]:
    """(population, covered, certified, cert_required, aware, may_work) on day `on`; a
    question wider than one enterprise is split over sql_workers() connections."""
    params = _params(policy, on, region, enterprise_id)
    k = sql_workers()

    def count(part: tuple[int, int] | None) -> tuple[int, ...]:
        sql = rates_sql(policy, region=region, enterprise_id=enterprise_id, part=part)
        with connection.cursor() as cur, _mapped(cur):
            cur.execute(sql, params)
            row = cur.fetchone()
        return tuple(int(v) for v in row)

    parts = by_persons(count, k, spread=enterprise_id is None)
    pop, cov, cert, creq, aware, may = (sum(col) for col in zip(*parts, strict=True))
    return pop, cov, cert, creq, aware, may


# ------------------------------------------------------------------ partitions in parallel


def sql_workers() -> int:
    """How many connections a city-wide question is split over (SAFETRAIN_SQL_WORKERS; by
    default the number of CPUs, at most 4; 1 = one statement on this connection). Always 1
    inside a transaction: the other connections would not see its uncommitted rows."""
    raw = os.environ.get("SAFETRAIN_SQL_WORKERS", "")
    k = int(raw) if raw.strip() else min(os.cpu_count() or 1, 4)
    if k <= 1 or connection.in_atomic_block:
        return 1
    return k


def _part_filter(column: str, part: tuple[int, int] | None) -> str:
    if part is None:
        return ""
    lo, hi = part
    return f" AND {column} BETWEEN {int(lo)} AND {int(hi)}"


def person_ranges(k: int) -> list[tuple[int, int]]:
    """k consecutive ranges of person ids covering them all (ids are dense: one sequence).
    Ranges, not `id % k`: PostgreSQL estimates a range from its statistics, while it guessed
    a modulo at 0.5 % of the rows and planned nested loops over the whole city."""
    from safetrain.people.models import Person

    q = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"SELECT MIN({q('id')}), MAX({q('id')}) FROM {q(Person._meta.db_table)}")
        lo, hi = cur.fetchone()
    if lo is None:
        return [(0, 0)]
    step = (hi - lo) // k + 1
    return [(lo + i * step, min(hi, lo + (i + 1) * step - 1)) for i in range(k)]


# SQLite reads the file through a memory map while a big statement runs (no read() call and
# copy per page: ≈ 15 % faster on the 20,000-person city); 2 GB less 64 KB is SQLite's cap
MMAP_BYTES = 2_147_418_112


@contextlib.contextmanager
def _mapped(cur: Any) -> Iterator[None]:
    """On SQLite, the memory map for one statement, unmapped after it (a worker that keeps a
    mapping of the whole file would count it in its resident size)."""
    if connection.vendor != "sqlite":
        yield
        return
    cur.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    try:
        yield
    finally:
        cur.execute("PRAGMA mmap_size=0")


def by_persons[T](
    job: Callable[[tuple[int, int] | None], T], k: int, *, spread: bool = True
) -> list[T]:
    """`job` over person-id ranges: k of them in parallel (in_parallel), or one range alone when
    k is 1 — the population is then still read in person order and the look-ups into the
    (person, date) indexes follow it (at 200,000 persons 1.8 s instead of 3.3 s in enterprise
    order). Not `spread` (a few enterprises): one job over all (part None)."""
    if not spread:
        return [job(None)]
    ranges = person_ranges(k)
    if k == 1:
        return [job(ranges[0])]
    return in_parallel([partial(job, r) for r in ranges])


def in_parallel[T](jobs: list[Callable[[], T]]) -> list[T]:
    """Run each job in its own thread, hence on its own database connection (Django's are per
    thread), closed when the job ends. The database drivers release the GIL while a statement
    runs, so k partitions of one question use k cores, as an analytical engine does."""

    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            results[index] = jobs[index]()
        except BaseException as exc:  # re-raised in the caller's thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def grouped_sql(
    policy: Policy,
    *,
    enterprise_ids: list[int] | None = None,
    part: tuple[int, int] | None = None,
) -> str:
    """The counts per (enterprise, employment form) on %(d)s: the rate counts (RATE_COLUMNS),
    persons per blocking finding code (BLOCKING_CODES) and needed certificates per ledger state
    (LEDGER_STATES) — the whole city, or the given enterprises."""
    scope = _part_filter("e.person_id", part)
    if enterprise_ids is not None:
        ids = ", ".join(str(int(i)) for i in enterprise_ids) or "NULL"
        scope += f" AND e.enterprise_id IN ({ids})"
    sums = [
        "COUNT(*)",
        "SUM(covered)",
        "SUM(cert_required)",
        "SUM(certified)",
        "SUM(aware)",
        "SUM(may_work)",
        *(f'SUM("{code}")' for code in BLOCKING_CODES),
        *(f"SUM(l_{state})" for state in LEDGER_STATES),
    ]
    return (
        _ctes(policy, scope)
        + f"SELECT enterprise_id, form, {', '.join(sums)} FROM per GROUP BY enterprise_id, form"
    )


def grouped_counts(
    policy: Policy, on: dt.date, *, enterprise_ids: list[int] | None = None
) -> list[tuple[int, str, dict[str, int], dict[str, int], dict[str, int]]]:
    """(enterprise id, employment form, rate counts, {blocking code: persons}, {ledger state:
    needed certificates}) on day `on`, one query; zero counts are left out of the two dicts."""
    if enterprise_ids is not None and not enterprise_ids:
        return []
    params = _params(policy, on)

    def fetch(part: tuple[int, int] | None) -> list[Any]:
        sql = grouped_sql(policy, enterprise_ids=enterprise_ids, part=part)
        with connection.cursor() as cur, _mapped(cur):
            cur.execute(sql, params)
            return list(cur.fetchall())

    spread = enterprise_ids is None or len(enterprise_ids) > 50
    merged: dict[tuple[int, str], list[int]] = {}
    for rows in by_persons(fetch, sql_workers(), spread=spread):
        for row in rows:
            values = [int(v or 0) for v in row[2:]]
            key = (int(row[0]), str(row[1]))
            if key in merged:
                merged[key] = [a + b for a, b in zip(merged[key], values, strict=True)]
            else:
                merged[key] = values
    out = []
    nr, nb = len(RATE_COLUMNS), len(BLOCKING_CODES)
    for (ent_id, form), values in sorted(merged.items()):
        rates = dict(zip(RATE_COLUMNS, values[:nr], strict=True))
        blocking = {c: v for c, v in zip(BLOCKING_CODES, values[nr : nr + nb], strict=True) if v}
        ledger = {s: v for s, v in zip(LEDGER_STATES, values[nr + nb :], strict=True) if v}
        out.append((ent_id, form, rates, blocking, ledger))
    return out


def _params(
    policy: Policy, on: dt.date, region: str | None = None, enterprise_id: int | None = None
) -> dict[str, Any]:
    day: Any = (lambda d: d) if connection.vendor == "postgresql" else dt.date.isoformat
    return {
        "d": day(on),
        "jan1": day(dt.date(on.year, 1, 1)),
        "jan1_prev": day(dt.date(on.year - 1, 1, 1)),
        "short_on": 1 if on.year - 1 >= policy.numbers.history_cutoff.year else 0,
        "cutoff": day(policy.numbers.history_cutoff),
        "region": region,
        "ent": enterprise_id,
    }


# ------------------------------------------------------------------ the set-based recompute


def status_sql_applies(policy: Policy) -> bool:
    """The set-based recompute implements exactly the person codes of policy.PERSON_CODES with
    the blocking set of SQL_BLOCKING; any other policy is recomputed person by person."""
    from safetrain.compliance.policy import ENTERPRISE_CODES, PERSON_CODES

    return rates_sql_applies(policy) and set(policy.findings) - set(ENTERPRISE_CODES) == set(
        PERSON_CODES
    )


def _json_codes(codes: tuple[str, ...]) -> str:
    """A SQL expression for the JSON list of the flagged codes of `per`, in the given order,
    written as json.dumps writes it (the text JSONField stores on SQLite): ["A", "B"]."""
    parts = " || ".join(f"CASE WHEN per.\"{c}\" = 1 THEN ', \"{c}\"' ELSE '' END" for c in codes)
    return f"('[' || substr({parts}, 3) || ']')"


def _status_columns(policy: Policy) -> dict[str, str]:
    """PersonStatus column → its SQL expression over p (person), a (act) and per."""
    from safetrain.compliance.policy import PERSON_CODES

    blocking = tuple(c for c in PERSON_CODES if policy.findings[c].blocking)
    codes, blocked = _json_codes(PERSON_CODES), _json_codes(blocking)

    def flag(col: str) -> str:
        return f"(COALESCE(per.{col}, 0) = 1)"

    # most persons have no finding: a sum of the flags decides that before any text is built
    none = "COALESCE(" + " + ".join(f'per."{c}"' for c in PERSON_CODES) + ", 0) = 0"
    columns = {
        "person_id": "p.id",
        "as_of": "%(d)s",
        "status": "CASE WHEN a.person_id IS NULL THEN 'not_employed' "
        "WHEN a.away = 1 THEN 'on_leave' ELSE 'in_post' END",
        "may_work": flag("may_work"),
        "enterprise_id": "a.enterprise_id",
        "blocking_codes": f"CASE WHEN COALESCE(per.may_work, 1) = 1 THEN '[]' ELSE {blocked} END",
        "codes": f"CASE WHEN {none} THEN '[]' ELSE {codes} END",
        "covered": flag("covered"),
        "cert_required": flag("cert_required"),
        "certified": flag("certified"),
        "aware": flag("aware"),
        "policy_version": "%(version)s",
        "findings": f"CASE WHEN {none} THEN '[]' END",
        "computed_at": "%(now)s",
    }
    if connection.vendor == "postgresql":
        for name in JSON_COLUMNS:
            columns[name] = f"CAST({columns[name]} AS jsonb)"
    return columns


JSON_COLUMNS = ("blocking_codes", "codes", "findings")


def status_select(policy: Policy, part: tuple[int, int] | None = None) -> str:
    """WITH … SELECT: every person's PersonStatus row for %(d)s (status, enterprise, may_work,
    codes, blocking codes and the four rate flags), JSON columns as text. Findings are [] for a
    person without findings and NULL otherwise: their remedies and details are computed when
    someone asks (selectors: a NULL row is evaluated from the records). Parameters: those of
    _params, plus %(version)s and %(now)s."""
    from safetrain.people.models import Person

    q = connection.ops.quote_name
    where = "true" + _part_filter("p.id", part)
    return (
        _ctes(policy, _part_filter("e.person_id", part), full=True)
        + f"SELECT {', '.join(_status_columns(policy).values())}\n"
        + f"FROM {q(Person._meta.db_table)} p LEFT JOIN act a ON a.person_id = p.id\n"
        + f"LEFT JOIN per ON per.person_id = p.id WHERE {where}\n"
    )


def _upsert(policy: Policy, select: str) -> str:
    """INSERT INTO PersonStatus (…) `select` ON CONFLICT (person) DO UPDATE …"""
    from safetrain.compliance.models import PersonStatus

    q = connection.ops.quote_name
    names = list(_status_columns(policy))
    updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in names if c != "person_id")
    return (
        f"INSERT INTO {q(PersonStatus._meta.db_table)} ({', '.join(q(c) for c in names)})\n"
        + select
        + f"ON CONFLICT ({q('person_id')}) DO UPDATE SET {updates}"
    )


def status_sql(policy: Policy, part: tuple[int, int] | None = None) -> str:
    """The whole recompute (or one partition of it) as one INSERT … SELECT … ON CONFLICT."""
    return _upsert(policy, status_select(policy, part))


_write_lock = threading.Lock()


def write_statuses(policy: Policy, on: dt.date, now: dt.datetime) -> int:
    """Every person's row for `on`; returns the number of rows written. One statement, or
    sql_workers() partitions in parallel: on PostgreSQL each partition's INSERT … SELECT on its
    own connection; on SQLite (one writer at a time) each partition computed into a TEMP table
    of its connection in parallel, then copied into PersonStatus one partition at a time."""
    from safetrain.compliance.models import PersonStatus

    params = _params(policy, on)
    params["version"] = policy.version
    params["now"] = PersonStatus._meta.get_field("computed_at").get_db_prep_save(now, connection)
    k = sql_workers()

    alone = k == 1  # one statement on this connection, else partitions on their own

    def write(part: tuple[int, int] | None) -> int:
        with connection.cursor() as cur, _mapped(cur):
            if connection.vendor == "postgresql":
                cur.execute(status_sql(policy, part), params)
                return int(cur.rowcount)
            if alone:
                cur.execute(status_sql(policy, part), params)
                # the sqlite3 module reports -1 after WITH … INSERT
                cur.execute("SELECT changes()")
                return int(cur.fetchone()[0])
            cur.execute("DROP TABLE IF EXISTS temp.status_part")
            cur.execute("CREATE TEMP TABLE status_part AS " + status_select(policy, part), params)
            with _write_lock, transaction.atomic():
                cur.execute(_upsert(policy, "SELECT * FROM temp.status_part WHERE true\n"))
                cur.execute("SELECT changes()")
                written = int(cur.fetchone()[0])
            cur.execute("DROP TABLE temp.status_part")
            return written

    return sum(by_persons(write, k))
