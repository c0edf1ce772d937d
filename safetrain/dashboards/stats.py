"""Per-enterprise counts of the campaign's rates for a day, cached in Day/EnterpriseDay.

The counts come from ONE set-based query of the compliance app
(`compliance.fastrates.grouped_counts`: per enterprise and employment form, the four rates'
counts, persons per blocking finding code and needed certificates per ledger state), which the
tests prove equal to the per-person engine and to the certificate ledger. Only when the policy in
force is one that query does not implement are the persons evaluated one by one
(`evaluate_persons`) and the ledger read (`certificates.selectors.ledger`). A scope's rates are
then sums of its enterprises' rows, so a county is the sum of its enterprises and the city the sum
of its counties (tests check both against `compliance.engine.rates`).

Invalidation: every change notification (safetrain.core.events) stamps the enterprises the
changed persons were ever employed at with a new sequence number; reading a Day whose sequence is
older recomputes only the stamped enterprises for that date.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q, Sum

from safetrain.certificates.selectors import ledger
from safetrain.compliance.domain import IN_POST
from safetrain.compliance.engine import Ratio, Scope, evaluate_persons, policy_on
from safetrain.compliance.fastrates import grouped_counts, rates_sql_applies
from safetrain.dashboards.models import Day, EnterpriseDay, Stamp
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Employment

CHUNK = 900
COUNT_FIELDS = ("population", "covered", "cert_required", "certified", "aware", "may_work")


@dataclass
class Counts:
    population: int = 0
    covered: int = 0
    cert_required: int = 0
    certified: int = 0
    aware: int = 0
    may_work: int = 0
    blocking: Counter[str] = field(default_factory=Counter)
    certs: Counter[str] = field(default_factory=Counter)
    # employment form → the six counts of COUNT_FIELDS for the persons of that form
    forms: dict[str, list[int]] = field(default_factory=dict)

    def add(self, other: Counts) -> None:
        for f in COUNT_FIELDS:
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.blocking.update(other.blocking)
        self.certs.update(other.certs)
        for form, values in other.forms.items():
            mine = self.forms.setdefault(form, [0] * len(COUNT_FIELDS))
            for i, v in enumerate(values):
                mine[i] += v

    def add_form(self, form: str, values: Sequence[int]) -> None:
        """Count persons of one employment form (in the totals and under the form)."""
        mine = self.forms.setdefault(form, [0] * len(COUNT_FIELDS))
        for i, (f, v) in enumerate(zip(COUNT_FIELDS, values, strict=True)):
            setattr(self, f, getattr(self, f) + v)
            mine[i] += v

    def form_counts(self) -> dict[str, Counts]:
        return {
            form: Counts.of(dict(zip(COUNT_FIELDS, v, strict=True)))
            for form, v in self.forms.items()
        }

    def ratios(self) -> dict[str, Ratio]:
        """The four rates of DESIGN §3 (coverage, certified, awareness, may_work)."""
        return {
            "coverage": Ratio(self.covered, self.population),
            "certified": Ratio(self.certified, self.cert_required),
            "awareness": Ratio(self.aware, self.population),
            "may_work": Ratio(self.may_work, self.population),
        }

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Counts:
        c = cls()
        for f in COUNT_FIELDS:
            setattr(c, f, int(values[f] or 0))
        return c

    @classmethod
    def of_row(cls, row: EnterpriseDay) -> Counts:
        c = cls.of({f: getattr(row, f) for f in COUNT_FIELDS})
        c.blocking.update(row.blocking)
        c.certs.update(row.certs)
        c.forms = {k: list(v) for k, v in (row.forms or {}).items()}
        return c


# --------------------------------------------------------------------------- invalidation


def _stamp(enterprise_ids: Iterable[int], since: dt.date | None = None) -> None:
    """Stamp these enterprises with a new sequence number and the earliest day the change can
    affect. An enterprise's earlier stamp that some cached Day has not folded in yet keeps its
    own reach (the earlier of the two days; None wins); one that every Day has folded in is
    simply replaced, so one backdated change does not make every later change look backdated."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return
    seq = (Stamp.objects.aggregate(m=Max("seq"))["m"] or 0) + 1
    folded = Day.objects.aggregate(m=Min("seq"))["m"]
    old: dict[int, tuple[int, dt.date | None]] = {}
    for i in range(0, len(ids), CHUNK):
        old.update(
            (e, (s, d))
            for e, s, d in Stamp.objects.filter(enterprise_id__in=ids[i : i + CHUNK]).values_list(
                "enterprise_id", "seq", "since"
            )
        )

    def reach(eid: int) -> dt.date | None:
        prior = old.get(eid)
        if prior is None or (folded is not None and prior[0] <= folded):
            return since
        if since is None or prior[1] is None:
            return None
        return min(since, prior[1])

    Stamp.objects.bulk_create(
        [Stamp(enterprise_id=e, seq=seq, since=reach(e)) for e in ids],
        update_conflicts=True,
        unique_fields=["enterprise"],
        update_fields=["seq", "since"],
    )


def persons_changed(person_ids: list[int], since: dt.date | None = None) -> None:
    """An input of these persons changed (from day `since` on; None: any day): every
    enterprise they were ever employed at."""
    if Day.objects.exists():
        ids: set[int] = set()
        for i in range(0, len(person_ids), CHUNK):  # bounded IN lists (SQLite's variable limit)
            ids.update(
                Employment.objects.filter(person_id__in=person_ids[i : i + CHUNK])
                .values_list("enterprise_id", flat=True)
                .distinct()
            )
        _stamp(ids, since)


def enterprise_changed(enterprise_id: int) -> None:
    """An incident or a drill: the findings of its people may change (also former managers)."""
    if Day.objects.exists():
        ids = [enterprise_id]
        managers = Employment.objects.filter(enterprise_id=enterprise_id).values("person_id")
        ids += Employment.objects.filter(person_id__in=managers).values_list(
            "enterprise_id", flat=True
        )
        _stamp(ids)


# --------------------------------------------------------------------------- computing


def _credit_ids() -> dict[str, int]:
    return dict(Enterprise.objects.values_list("credit_code", "id"))


def evaluate_day(
    on: dt.date, enterprise_ids: Sequence[int] | None = None, *, certs: bool = True
) -> dict[int, Counts]:
    """Counts per enterprise on D (all enterprises, or some), with the certificate ledger
    summary when `certs` (always, on the set-based path: it costs nothing more there)."""
    policy = policy_on(on)
    if rates_sql_applies(policy):
        out: dict[int, Counts] = {}
        ids = None if enterprise_ids is None else sorted(set(enterprise_ids))
        for eid, form, rates, blocking, ledger_states in grouped_counts(
            policy, on, enterprise_ids=ids
        ):
            c = out.setdefault(eid, Counts())
            c.add_form(form, [rates[f] for f in COUNT_FIELDS])
            c.blocking.update(blocking)
            c.certs.update(ledger_states)
        return out
    return _evaluate_day_per_person(on, enterprise_ids, certs=certs)


def _evaluate_day_per_person(
    on: dt.date, enterprise_ids: Sequence[int] | None, *, certs: bool
) -> dict[int, Counts]:
    """The fallback for a policy the set-based query does not implement: every person employed
    on D evaluated by the engine."""
    out: dict[int, Counts] = {}
    wanted = set(enterprise_ids) if enterprise_ids is not None else None
    emps = Employment.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    if wanted is not None:
        emps = emps.filter(enterprise_id__in=wanted)
    forms = {
        (pid, eid): form
        for pid, eid, form in emps.values_list("person_id", "enterprise_id", "employment_form")
    }
    ids = sorted({pid for pid, _ in forms})
    credit = _credit_ids()
    for pid, ev in evaluate_persons(ids, on):
        if ev.status != IN_POST or not ev.enterprise:
            continue
        eid = credit[ev.enterprise]
        if wanted is not None and eid not in wanted:
            continue
        c = out.setdefault(eid, Counts())
        values = (1, ev.covered, ev.cert_required, ev.certified, ev.aware, ev.may_work)
        c.add_form(forms.get((pid, eid), "contract"), [int(v) for v in values])
        c.blocking.update(ev.blocking_codes)
    if certs:
        _add_ledger(out, on, wanted)
    return out


def _add_ledger(out: dict[int, Counts], on: dt.date, wanted: set[int] | None) -> None:
    if wanted is not None and len(wanted) <= 20:
        codes = Enterprise.objects.filter(pk__in=wanted).values_list("credit_code", flat=True)
        rows = [r for code in codes for r in ledger(viewer=None, on=on, enterprise=code).rows]
    else:
        rows = ledger(viewer=None, on=on).rows
    for r in rows:
        eid = r.employment.enterprise_id
        if (wanted is None or eid in wanted) and eid in out:
            out[eid].certs[r.state.value] += 1


def _rows(day: Day, counts: dict[int, Counts]) -> list[EnterpriseDay]:
    return [
        EnterpriseDay(
            day=day,
            enterprise_id=eid,
            **{f: getattr(c, f) for f in COUNT_FIELDS},
            blocking=dict(sorted(c.blocking.items())),
            certs=dict(sorted(c.certs.items())),
            forms=dict(sorted(c.forms.items())),
        )
        for eid, c in counts.items()
    ]


def current_seq() -> int:
    return Stamp.objects.aggregate(m=Max("seq"))["m"] or 0


def ensure_days(ons: Sequence[dt.date], *, certs: dt.date | None = None) -> dict[dt.date, Day]:
    """The cached Days for these dates, computed or refreshed where needed (with the ledger
    summary for the day `certs`). When every Day is cached and fresh this is three queries
    whatever the number of dates or enterprises."""
    days = {d.on: d for d in Day.objects.filter(on__in=list(ons))}
    seq = current_seq()
    stale_from = min((d.seq for d in days.values()), default=seq)
    stamps = (
        list(Stamp.objects.filter(seq__gt=stale_from).values_list("enterprise_id", "seq", "since"))
        if days and stale_from < seq
        else []
    )
    for on in sorted(set(ons)):
        day = days.get(on)
        if day is None:
            days[on] = _compute(on, seq, certs=on == certs or _set_based(on))
        else:
            if day.seq < seq:
                # only the enterprises whose changes reach this day (a record dated after it
                # changes nothing on it: the engine counts records dated on or before the day)
                dirty = {e for e, s, d in stamps if s > day.seq and (d is None or d <= on)}
                _refresh(day, sorted(dirty), seq)
            if on == certs and not day.has_certs:
                _fill_certs(day)
    return days


def _set_based(on: dt.date) -> bool:
    return rates_sql_applies(policy_on(on))


def _compute(on: dt.date, seq: int, *, certs: bool) -> Day:
    counts = evaluate_day(on, certs=certs)
    try:
        with transaction.atomic():
            day = Day.objects.create(on=on, seq=seq, has_certs=certs)
            EnterpriseDay.objects.bulk_create(_rows(day, counts), batch_size=2000)
    except IntegrityError:  # computed at the same time by another request
        return Day.objects.get(on=on)
    return day


def _refresh(day: Day, dirty: list[int], seq: int) -> None:
    counts = evaluate_day(day.on, dirty, certs=day.has_certs) if dirty else {}
    with transaction.atomic():
        EnterpriseDay.objects.filter(day=day, enterprise_id__in=dirty).delete()
        EnterpriseDay.objects.bulk_create(_rows(day, counts), batch_size=2000)
        Day.objects.filter(pk=day.pk).update(seq=seq)
        day.seq = seq


def _fill_certs(day: Day) -> None:
    if _set_based(day.on):  # one query gives everything: recompute the day's rows
        counts = evaluate_day(day.on)
        with transaction.atomic():
            EnterpriseDay.objects.filter(day=day).delete()
            EnterpriseDay.objects.bulk_create(_rows(day, counts), batch_size=2000)
            Day.objects.filter(pk=day.pk).update(has_certs=True)
            day.has_certs = True
        return
    rows = list(EnterpriseDay.objects.filter(day=day))
    counts = {r.enterprise_id: Counts() for r in rows}
    _add_ledger(counts, day.on, None)
    for r in rows:
        r.certs = dict(sorted(counts[r.enterprise_id].certs.items()))
    with transaction.atomic():
        EnterpriseDay.objects.bulk_update(rows, ["certs"], batch_size=1000)
        Day.objects.filter(pk=day.pk).update(has_certs=True)
        day.has_certs = True


# --------------------------------------------------------------------------- reading


def scope_q(scope: Scope) -> Q:
    if scope.enterprise_id is not None:
        return Q(enterprise_id=scope.enterprise_id)
    if scope.region is not None:
        return Q(enterprise__region_id=scope.region)
    return Q()


def enterprise_rows(day: Day, scope: Scope) -> list[EnterpriseDay]:
    """The day's rows of the scope, with enterprise (name, region) — one query."""
    return list(
        EnterpriseDay.objects.filter(scope_q(scope), day=day)
        .select_related("enterprise", "enterprise__region")
        .only(
            *COUNT_FIELDS,
            "blocking",
            "certs",
            "forms",
            "day_id",
            "enterprise__name",
            "enterprise__credit_code",
            "enterprise__region__code",
            "enterprise__region__name",
        )
        .order_by("enterprise__region_id", "enterprise__name")
    )


def trend(days: Sequence[Day], scope: Scope) -> dict[dt.date, Counts]:
    """Summed counts of the scope per day — one query."""
    agg = (
        EnterpriseDay.objects.filter(scope_q(scope), day__in=list(days))
        .values("day__on")
        .annotate(**{f: Sum(f) for f in COUNT_FIELDS})
    )
    out = {d.on: Counts() for d in days}
    for a in agg:
        out[a["day__on"]] = Counts.of(a)
    return out
