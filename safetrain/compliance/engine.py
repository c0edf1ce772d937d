"""The compliance engine: a person or an enterprise on any day, and the campaign's rates.

Always computed from the records (time travel); the materialized PersonStatus is read only for
today's rates and only when fresh (see rates()).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.db.models import Count, Q, QuerySet

from safetrain.compliance.domain import IN_POST, Evaluation, Finding
from safetrain.compliance.evaluation import evaluate_facts
from safetrain.compliance.facts import iter_person_facts, load_enterprise_facts, load_person_facts
from safetrain.compliance.policy import POLICY_DIR, Policy, load_policies
from safetrain.compliance.rules import DrillRule
from safetrain.core import dates
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Employment, Person
from safetrain.regions.models import CITY_CODE


def policy_on(on: dt.date, policy_dir: Path | str | None = None) -> Policy:
    return load_policies(policy_dir or POLICY_DIR).for_date(on)


def evaluate_person(
    person: Person | int, on: dt.date | None = None, *, policy_dir: Path | str | None = None
) -> Evaluation:
    """May this person work on day `on` (default today, Asia/Shanghai), and if not, why."""
    on = on or dates.today()
    pid = person if isinstance(person, int) else person.pk
    facts = load_person_facts([pid], on)[pid]
    return evaluate_facts(facts, policy_on(on, policy_dir), on)


def evaluate_persons(
    person_ids: list[int], on: dt.date, *, policy_dir: Path | str | None = None
) -> Iterator[tuple[int, Evaluation]]:
    """Set-based: a fixed number of queries per chunk of persons."""
    policy = policy_on(on, policy_dir)
    for facts in iter_person_facts(person_ids, on):
        yield facts.person_id, evaluate_facts(facts, policy, on)


def evaluate_enterprise(
    enterprise: Enterprise, on: dt.date | None = None, *, policy_dir: Path | str | None = None
) -> list[Finding]:
    """The enterprise's own findings (DRILL_OVERDUE / DRILL_DUE)."""
    on = on or dates.today()
    rule = DrillRule()
    return rule.evaluate(
        load_enterprise_facts(enterprise, on), rule.params(policy_on(on, policy_dir)), on
    )


# ------------------------------------------------------------------------------------ rates


@dataclass(frozen=True)
class Scope:
    """city (region 140500), a county (region code) or one enterprise."""

    code: str  # the value reported as "scope": region code or credit code
    region: str | None = None  # a county code; None with enterprise None = the whole city
    enterprise_id: int | None = None

    @classmethod
    def city(cls) -> Scope:
        return cls(code=CITY_CODE)

    @classmethod
    def for_region(cls, code: str) -> Scope:
        return cls.city() if code == CITY_CODE else cls(code=code, region=code)

    @classmethod
    def for_enterprise(cls, enterprise: Enterprise) -> Scope:
        return cls(code=enterprise.credit_code, enterprise_id=enterprise.pk)

    def enterprise_q(self) -> Q:
        """A Q over a model with an `enterprise` foreign key (Employment, PersonStatus)."""
        if self.enterprise_id is not None:
            return Q(enterprise_id=self.enterprise_id)
        if self.region is not None:
            return Q(enterprise__region_id=self.region)
        return Q()


@dataclass(frozen=True)
class Ratio:
    num: int
    den: int

    def as_dict(self) -> dict[str, int]:
        return {"num": self.num, "den": self.den}


@dataclass(frozen=True)
class Rates:
    as_of: dt.date
    scope: str
    population: int
    coverage: Ratio
    certified: Ratio
    awareness: Ratio
    may_work: Ratio
    source: str = "records"  # or "materialized"

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "scope": self.scope,
            "population": self.population,
            "coverage": self.coverage.as_dict(),
            "certified": self.certified.as_dict(),
            "awareness": self.awareness.as_dict(),
            "may_work": self.may_work.as_dict(),
        }


def active_employments(scope: Scope, on: dt.date) -> QuerySet[Employment]:
    return Employment.objects.filter(scope.enterprise_q(), start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


# (scope code, day) → (status stamp, rates): per process, bounded, see rates()
_RATES_CACHE: OrderedDict[tuple[str, dt.date], tuple[object, Rates]] = OrderedDict()
RATES_CACHE_SIZE = 512


def status_stamp() -> object:
    """(MAX(PersonStatus.computed_at), MAX(Employment.id)): two index look-ups in one query.
    Every write of an input of anyone's status ends in a status refresh (core.events →
    compliance.hooks) and the nightly recompute rewrites every row, so the first part moves
    whenever a rate may have changed, in every process and on every app server that shares the
    database; the second catches an employment inserted without a refresh (a bulk load)."""
    from safetrain.compliance.models import PersonStatus

    q = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT (SELECT MAX({q('computed_at')}) FROM {q(PersonStatus._meta.db_table)}), "
            f"(SELECT MAX({q('id')}) FROM {q(Employment._meta.db_table)})"
        )
        row = cur.fetchone()
    return None if row is None or row[0] is None else (row[0], row[1])


def rates_cache_clear() -> None:
    _RATES_CACHE.clear()


def rates(
    scope: Scope, on: dt.date | None = None, *, policy_dir: Path | str | None = None
) -> Rates:
    """The four rates over the population in_post on D in the scope (DESIGN §3).

    Cached per (scope, day) in the process and revalidated against status_stamp() on every
    call (one indexed query): a stale answer is never served, a repeated question costs no
    aggregate. Today's answer comes from the materialized status when it is fresh, any other
    day from the records."""
    today = dates.today()
    on = on or today
    if policy_dir is not None:
        return rates_from_records(scope, on, policy_dir=policy_dir)
    stamp = status_stamp()
    key = (scope.code, on)
    hit = _RATES_CACHE.get(key)
    if hit is not None and hit[0] == stamp and stamp is not None:
        _RATES_CACHE.move_to_end(key)
        return hit[1]
    result = _rates_materialized(scope, on) if on == today else None
    if result is None:
        result = rates_from_records(scope, on)
    if stamp is not None:
        _RATES_CACHE[key] = (stamp, result)
        while len(_RATES_CACHE) > RATES_CACHE_SIZE:
            _RATES_CACHE.popitem(last=False)
    return result


def rates_from_records(scope: Scope, on: dt.date, *, policy_dir: Path | str | None = None) -> Rates:
    """The rates on any day from the records: one set-based SQL query (compliance.fastrates)
    when the policy in force is one it implements, else every person evaluated."""
    from safetrain.compliance.fastrates import rates_counts, rates_sql_applies

    policy = policy_on(on, policy_dir)
    if not rates_sql_applies(policy):
        return rates_by_evaluation(scope, on, policy_dir=policy_dir)
    pop, cov, cert, creq, aware, may = rates_counts(
        policy, on, region=scope.region, enterprise_id=scope.enterprise_id
    )
    return Rates(
        as_of=on,
        scope=scope.code,
        population=pop,
        coverage=Ratio(cov, pop),
        certified=Ratio(cert, creq),
        awareness=Ratio(aware, pop),
        may_work=Ratio(may, pop),
    )


def rates_by_evaluation(
    scope: Scope, on: dt.date, *, policy_dir: Path | str | None = None
) -> Rates:
    """The rates by evaluating every person in post (the engine itself, with findings)."""
    ids = sorted(set(active_employments(scope, on).values_list("person_id", flat=True)))
    pop = cov = creq = cert = aware = may = 0
    for _pid, ev in evaluate_persons(ids, on, policy_dir=policy_dir):
        if ev.status != IN_POST:
            continue
        pop += 1
        cov += ev.covered
        creq += ev.cert_required
        cert += ev.certified
        aware += ev.aware
        may += ev.may_work
    return Rates(
        as_of=on,
        scope=scope.code,
        population=pop,
        coverage=Ratio(cov, pop),
        certified=Ratio(cert, creq),
        awareness=Ratio(aware, pop),
        may_work=Ratio(may, pop),
    )


def _rates_materialized(scope: Scope, on: dt.date) -> Rates | None:
    """Today's rates from PersonStatus, or None when it is not fresh for the whole scope:
    a row of the scope computed for another day, or an employment active today in the scope
    whose person has no fresh row."""
    from safetrain.compliance.models import PersonStatus

    rows = PersonStatus.objects.filter(scope.enterprise_q())
    if rows.exclude(as_of=on).exists():
        return None
    employed = active_employments(scope, on).count()
    agg = rows.filter(as_of=on).aggregate(
        employed=Count("id", filter=~Q(status="not_employed")),
        pop=Count("id", filter=Q(status=IN_POST)),
        cov=Count("id", filter=Q(status=IN_POST, covered=True)),
        creq=Count("id", filter=Q(status=IN_POST, cert_required=True)),
        cert=Count("id", filter=Q(status=IN_POST, certified=True)),
        aware=Count("id", filter=Q(status=IN_POST, aware=True)),
        may=Count("id", filter=Q(status=IN_POST, may_work=True)),
    )
    if agg["employed"] != employed:
        return None
    return Rates(
        as_of=on,
        scope=scope.code,
        population=agg["pop"],
        coverage=Ratio(agg["cov"], agg["pop"]),
        certified=Ratio(agg["cert"], agg["creq"]),
        awareness=Ratio(agg["aware"], agg["pop"]),
        may_work=Ratio(agg["may"], agg["pop"]),
        source="materialized",
    )
