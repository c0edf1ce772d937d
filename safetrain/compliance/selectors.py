"""Reads of the compliance app, scoped by jurisdiction (DESIGN §1)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.db import connection

from safetrain.compliance.domain import Evaluation, Finding
from safetrain.compliance.engine import (
    Rates,
    Scope,
    evaluate_enterprise,
    evaluate_person,
    policy_on,
    rates,
)
from safetrain.compliance.models import PersonStatus
from safetrain.core import dates
from safetrain.core.errors import NotAllowed, NotFound, ValidationFailed
from safetrain.core.scope import is_citywide, region_codes
from safetrain.enterprises.models import Enterprise
from safetrain.enterprises.selectors import enterprise_get
from safetrain.people.models import Person, User
from safetrain.people.selectors import person_get, person_list
from safetrain.regions.models import CITY_CODE, Region


def person_compliance_get(*, viewer: User, uid: str, on: dt.date | None = None) -> Evaluation:
    """The person's evaluation on a day. Today's comes from the materialized status when it is
    fresh (computed today under today's policy version: the change hooks keep it current), in
    the same query as the jurisdiction check; any other day, or a stale row, is evaluated from
    the records."""
    today = dates.today()
    day = on or today
    if day == today and viewer.is_active and is_citywide(viewer):
        found = _citywide_status(uid)
        if found is None:
            raise NotFound("未找到该人员，或不在您的管辖范围内")
        pid, columns = found
        cached = _evaluation_from_columns(columns, today) if columns else None
        return cached if cached is not None else _evaluate_and_keep(pid, today)
    person = (
        _person_with_status(viewer, uid) if day == today else person_get(viewer=viewer, uid=uid)
    )
    if person is None:
        raise NotFound("未找到该人员，或不在您的管辖范围内")
    if day == today:
        cached = cached_evaluation(person, today)
        if cached is not None:
            return cached
        return _evaluate_and_keep(person.pk, today)
    return evaluate_person(person, day)


def _evaluate_and_keep(pid: int, today: dt.date) -> Evaluation:
    """Today's evaluation from the records; when the person's row is today's and the set-based
    recompute left its findings out (NULL), they are kept in it, so the next look-up is one
    row again. Only into a row that says the same (codes, may_work, policy version): a row
    that a change has made stale meanwhile is left to the change's refresh."""
    from safetrain.compliance.services import stored_findings

    ev = evaluate_person(pid, today)
    PersonStatus.objects.filter(
        person_id=pid,
        as_of=today,
        findings__isnull=True,
        policy_version=ev.policy_version,
        may_work=ev.may_work,
        codes=ev.codes,
    ).update(findings=stored_findings(ev))
    return ev


def _person_with_status(viewer: User, uid: str) -> Person | None:
    """person_get, with the status row and its enterprise joined (one query)."""
    try:
        uuid.UUID(str(uid))
    except ValueError:
        return None
    return (
        person_list(viewer=viewer)
        .filter(uid=uid)
        .select_related("compliance_status__enterprise")
        .first()
    )


def _citywide_status(uid: str) -> tuple[int, tuple[Any, ...] | None] | None:
    """For a city-wide viewer (who may see every person, so the look-up by uid is the
    jurisdiction check): (person id, the status columns or None), or None when no such person.
    One SQL statement by the unique uid index: the ORM's compilation of the same join cost
    more than the query (docs/benchmarks.md, "(c)")."""
    try:
        value = uuid.UUID(str(uid))
    except ValueError:
        return None
    q = connection.ops.quote_name
    person = Person._meta
    sql = (
        f"SELECT p.{q('id')}, s.{q('id')}, s.{q('as_of')}, s.{q('status')}, s.{q('may_work')}, "
        f"e.{q('credit_code')}, s.{q('findings')}, s.{q('policy_version')}, s.{q('covered')}, "
        f"s.{q('cert_required')}, s.{q('certified')}, s.{q('aware')} "
        f"FROM {q(person.db_table)} p "
        f"LEFT JOIN {q(PersonStatus._meta.db_table)} s ON s.{q('person_id')} = p.{q('id')} "
        f"LEFT JOIN {q(Enterprise._meta.db_table)} e ON e.{q('id')} = s.{q('enterprise_id')} "
        f"WHERE p.{q('uid')} = %s"
    )
    uid_param = person.get_field("uid").get_db_prep_value(value, connection)
    with connection.cursor() as cur:
        cur.execute(sql, [uid_param])
        row = cur.fetchone()
    if row is None:
        return None
    return row[0], (tuple(row[2:]) if row[1] is not None else None)


def _evaluation_from_columns(columns: tuple[Any, ...], today: dt.date) -> Evaluation | None:
    as_of, status, may_work, credit_code, findings, version, cov, creq, cert, aware = columns
    if not isinstance(as_of, dt.date):
        as_of = dt.date.fromisoformat(as_of)
    if isinstance(findings, str):
        findings = json.loads(findings)
    return _evaluation(
        today,
        as_of=as_of,
        status=status,
        may_work=bool(may_work),
        enterprise=credit_code,
        findings=findings,
        policy_version=version,
        covered=bool(cov),
        cert_required=bool(creq),
        certified=bool(cert),
        aware=bool(aware),
    )


def cached_evaluation(person: Person, today: dt.date) -> Evaluation | None:
    """Today's evaluation rebuilt from PersonStatus (loaded with the person), or None when the
    row is missing or not fresh. Equal to evaluate_person(person, today) while the hooks keep
    the row current (safetrain/scale/tests/test_fast_paths.py)."""
    try:
        row = person.compliance_status
    except PersonStatus.DoesNotExist:
        return None
    return _evaluation(
        today,
        as_of=row.as_of,
        status=row.status,
        may_work=row.may_work,
        enterprise=row.enterprise.credit_code if row.enterprise is not None else None,
        findings=row.findings,
        policy_version=row.policy_version,
        covered=row.covered,
        cert_required=row.cert_required,
        certified=row.certified,
        aware=row.aware,
    )


def _evaluation(
    today: dt.date,
    *,
    as_of: dt.date,
    findings: list[list[Any]] | None,
    policy_version: str,
    **rest: Any,
) -> Evaluation | None:
    policy = policy_on(today)
    # a row of another day or policy version, or one the set-based recompute wrote without
    # the findings' remedies and details (services.recompute_all): evaluate from the records
    if as_of != today or policy_version != policy.version or findings is None:
        return None
    built = []
    for code, remedy, detail in findings:
        meta = policy.findings[code]
        built.append(
            Finding(
                code=code, blocking=meta.blocking, basis=meta.basis, remedy=remedy, detail=detail
            )
        )
    return Evaluation(as_of=as_of, findings=tuple(built), policy_version=policy_version, **rest)


def rates_scope(*, viewer: User, region: str | None = None, enterprise: str | None = None) -> Scope:
    """The scope a viewer asks for; by default the viewer's whole jurisdiction.

    An enterprise outside the jurisdiction is 404 (its existence is not disclosed); a region
    outside it is 403 (regions are public reference data)."""
    if region and enterprise:
        raise ValidationFailed(
            "region 与 enterprise 只能指定一个", fields={"region": "与 enterprise 互斥"}
        )
    if enterprise:
        ent = enterprise_get(viewer=viewer, credit_code=enterprise)
        if ent is None:
            raise NotFound("未找到该企业，或不在您的管辖范围内")
        return Scope.for_enterprise(ent)
    codes = region_codes(viewer)
    if region:
        if not Region.objects.filter(code=region).exists():
            raise NotFound(f"未知行政区划 {region}", fields={"region": "未知"})
        if codes is not None and region not in codes:
            raise NotAllowed("无权查看该行政区划的统计", fields={"region": "超出管辖范围"})
        return Scope.for_region(region)
    if is_citywide(viewer):
        return Scope.for_region(CITY_CODE)
    if codes:
        return Scope.for_region(codes[0])
    if viewer.role == "enterprise_admin" and viewer.enterprise_id:
        ent_obj = Enterprise.objects.get(pk=viewer.enterprise_id)
        return Scope.for_enterprise(ent_obj)
    raise NotAllowed("该角色无权查看统计")


def rates_get(
    *,
    viewer: User,
    region: str | None = None,
    enterprise: str | None = None,
    on: dt.date | None = None,
) -> Rates:
    return rates(rates_scope(viewer=viewer, region=region, enterprise=enterprise), on)


def enterprise_findings_get(
    *, viewer: User, credit_code: str, on: dt.date | None = None
) -> tuple[Enterprise, list[Finding]]:
    ent = enterprise_get(viewer=viewer, credit_code=credit_code)
    if ent is None:
        raise NotFound("未找到该企业，或不在您的管辖范围内")
    return ent, evaluate_enterprise(ent, on)
