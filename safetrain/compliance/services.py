"""Writes of the compliance app: the materialized per-person status for today."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from safetrain.compliance.domain import IN_POST, ON_LEAVE, Evaluation
from safetrain.compliance.engine import evaluate_persons
from safetrain.compliance.models import PersonStatus, TodoItem
from safetrain.compliance.todo import TODO_CODES, todo_sync
from safetrain.core import dates
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person

log = logging.getLogger(__name__)

_COLUMNS = [
    "person_id",
    "as_of",
    "status",
    "may_work",
    "enterprise_id",
    "blocking_codes",
    "codes",
    "covered",
    "cert_required",
    "certified",
    "aware",
    "policy_version",
    "findings",
    "computed_at",
]


def stored_findings(ev: Evaluation) -> list[list[Any]]:
    """What PersonStatus.findings keeps of an evaluation: code, remedy and detail of each
    finding (blocking and basis are the policy version's; selectors.cached_evaluation)."""
    return [[f.code, f.remedy, f.detail] for f in ev.findings]


def _write(evaluations: list[tuple[int, Evaluation]]) -> int:
    """Upsert the rows in one statement per batch (INSERT … ON CONFLICT DO UPDATE, which SQLite
    and PostgreSQL both speak); values are prepared by the model fields themselves."""
    codes = {ev.enterprise for _, ev in evaluations if ev.enterprise}
    ent_ids = dict(
        Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "id")
    )
    meta = PersonStatus._meta
    prep: dict[str, Any] = {c: meta.get_field(c.removesuffix("_id")) for c in _COLUMNS}
    conn = connections[DEFAULT_DB_ALIAS]  # not the proxy: it costs a lookup per attribute
    now = prep["computed_at"].get_db_prep_save(timezone.now(), conn)
    # what JSONField.get_db_prep_save does (encoder None), without its layers; the code lists
    # repeat, so they are adapted once each
    adapt_json = conn.ops.adapt_json_value
    days: dict[dt.date, Any] = {}
    lists: dict[tuple[str, ...], Any] = {}

    def codes_json(codes: list[str]) -> Any:
        key = tuple(codes)
        found = lists.get(key)
        if found is None:
            found = lists[key] = adapt_json(codes, None)
        return found

    rows = []
    for pid, ev in evaluations:
        day = days.get(ev.as_of)
        if day is None:
            day = days[ev.as_of] = prep["as_of"].get_db_prep_save(ev.as_of, conn)
        rows.append(
            (
                pid,
                day,
                ev.status,
                ev.may_work,
                ent_ids.get(ev.enterprise) if ev.enterprise else None,
                codes_json(ev.blocking_codes),
                codes_json(ev.codes),
                ev.covered,
                ev.cert_required,
                ev.certified,
                ev.aware,
                ev.policy_version,
                adapt_json(stored_findings(ev), None),
                now,
            )
        )
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in _COLUMNS)
    updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in _COLUMNS if c != "person_id")
    sql = (
        f"INSERT INTO {q(meta.db_table)} ({cols}) VALUES ({', '.join(['%s'] * len(_COLUMNS))}) "
        f"ON CONFLICT ({q('person_id')}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


def refresh_persons(person_ids: Iterable[int], on: dt.date | None = None) -> int:
    """Recompute and store today's status of these persons (set-based), and sync their
    remedial to-dos from the same evaluations (compliance.todo)."""
    on = on or dates.today()
    ids = sorted(set(person_ids))
    if not ids:
        return 0
    with transaction.atomic():
        evaluations = list(evaluate_persons(ids, on))
        written = _write(evaluations)
        todo_sync(ids, on=on, evaluations=evaluations)
        return written


def refresh_person(person: Person | int) -> PersonStatus:
    pid = person if isinstance(person, int) else person.pk
    refresh_persons([pid])
    return PersonStatus.objects.get(person_id=pid)


def recompute_all(*, chunk: int = 20000, on: dt.date | None = None) -> int:
    """`safetrain compliance recompute`: every person's status for today.

    Set-based when the policy in force is one compliance.fastrates implements: one INSERT …
    SELECT writes every person's row (verdict, codes, rate flags; remedies and details are
    computed when asked), then the persons whose open to-dos no longer match their blocking
    codes are refreshed person by person, which syncs their to-dos and stores their findings
    in full. Otherwise every person is evaluated by the engine, `chunk` persons at a time."""
    from safetrain.compliance.engine import policy_on
    from safetrain.compliance.fastrates import status_sql_applies, write_statuses

    on = on or dates.today()
    policy = policy_on(on)
    if status_sql_applies(policy):
        # not in one transaction with the to-dos: outside one, the statuses are written by
        # partitions in parallel (fastrates.sql_workers); each person's row is written whole
        written = write_statuses(policy, on, timezone.now())
        with transaction.atomic():
            stale = todo_candidates()
            if stale:
                refresh_persons(stale, on)
        return written
    ids = list(Person.objects.order_by("id").values_list("id", flat=True))
    done = 0
    for i in range(0, len(ids), chunk):
        done += refresh_persons(ids[i : i + chunk], on)
    return done


def todo_candidates() -> list[int]:
    """Persons whose open to-dos differ from what their stored status asks for: in post and
    blocked with another set of codes or another enterprise than their open items, or with
    open items while in post and not blocked, or no longer employed. (On leave, items stay
    open as they are: todo.todo_sync.) Two queries; the rest is a comparison in Python."""
    open_items: dict[int, tuple[set[str], set[int | None]]] = {}
    todos = TodoItem.objects.filter(cleared_on__isnull=True)
    for pid, code, ent in todos.values_list("person_id", "code", "enterprise_id"):
        codes, ents = open_items.setdefault(pid, (set(), set()))
        codes.add(code)
        ents.add(ent)
    rows = PersonStatus.objects.filter(
        Q(status=IN_POST, may_work=False) | Q(person_id__in=todos.values("person_id"))
    ).values_list("person_id", "status", "enterprise_id", "blocking_codes")
    stale = []
    for pid, status, ent, blocking in rows:
        if status == ON_LEAVE:
            continue
        wanted = set(blocking) & TODO_CODES if status == IN_POST else set()
        codes, ents = open_items.get(pid, (set(), set()))
        if wanted != codes or (wanted and ents != {ent}):
            stale.append(pid)
    return sorted(stale)
