"""The spot-check draw (N in-post workers of an enterprise, stratified by job type) and the
双随机 draw (enterprises weighted by risk, each with two inspectors without a conflict).

Pure functions, no database: ``draw_persons(candidates, n, seed)`` is what the tests (with
hypothesis) exercise; ``services.spot_check_draw`` loads the candidates (only persons in post
at the enterprise on the inspection date) and calls it.

- **Reproducible**: the same candidates, N and seed always give the same persons, whatever the
  order the candidates are passed in (they are sorted by id first).
- **Stratified**: the N places are shared among job types in proportion to their size
  (largest remainders, ties broken by the seeded generator), so that every job type gets
  ⌊N·size/total⌋ or ⌈N·size/total⌉ places; within a job type persons are drawn at random.
- **Never out of post**: only the candidates passed in can be drawn; the caller passes the
  persons in post on the day (services.in_post_candidates).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True, order=True)
class Candidate:
    person_id: int
    stratum: str  # the job type (catalogue name, else the post title, else "")


def allocate(sizes: dict[str, int], n: int, rng: random.Random) -> dict[str, int]:
    """Share n places among strata in proportion to their sizes (largest remainder)."""
    total = sum(sizes.values())
    n = min(n, total)
    if n <= 0 or total == 0:
        return {k: 0 for k in sizes}
    quotas = {k: Fraction(n * v, total) for k, v in sizes.items()}
    out = {k: int(q) for k, q in quotas.items()}
    left = n - sum(out.values())
    keys = sorted(sizes)
    tiebreak = {k: rng.random() for k in keys}
    order = sorted(keys, key=lambda k: (-(quotas[k] - out[k]), tiebreak[k]))
    for k in order[:left]:
        out[k] += 1
    return out


def draw_persons(candidates: Iterable[Candidate], n: int, seed: int | str) -> list[Candidate]:
    """Draw n candidates (all of them when fewer), stratified by job type; sorted by stratum
    then person id so the list reads the same every time."""
    if n < 0:
        raise ValueError("n must not be negative")
    pool = sorted(set(candidates))
    rng = random.Random(f"spot-check:{seed}")
    strata: dict[str, list[Candidate]] = {}
    for c in pool:
        strata.setdefault(c.stratum, []).append(c)
    places = allocate({k: len(v) for k, v in strata.items()}, n, rng)
    chosen: list[Candidate] = []
    for key in sorted(strata):
        chosen.extend(rng.sample(strata[key], places[key]))
    return sorted(chosen)


@dataclass(frozen=True)
class Risk:
    """What the 双随机 weight of an enterprise is computed from (docs/inspections.md)."""

    high_risk: bool  # sector is one of the four high-risk sectors
    open_orders: int  # correction orders open or overdue on the day
    rates: tuple[tuple[int, int], ...]  # (num, den) of coverage, certified, awareness, may_work


def risk_weight(risk: Risk) -> Decimal:
    """w = S × (1 + min(orders, 4) / 2) × (1 + 2 × (1 − r)), rounded to 3 decimals, where
    S = 2 for a high-risk sector else 1, orders = correction orders open or overdue, and r the
    mean of the enterprise's four rates that have a population (1 when none has). From 1 (a
    compliant enterprise of another sector, no order) to 2 × 3 × 3 = 18."""
    s = 2 if risk.high_risk else 1
    o = Fraction(1) + Fraction(min(max(risk.open_orders, 0), 4), 2)
    known = [Fraction(num, den) for num, den in risk.rates if den > 0]
    r = sum(known, Fraction(0)) / len(known) if known else Fraction(1)
    w = s * o * (1 + 2 * (1 - r))
    return _round3(w)


def _round3(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.001"))


def weighted_sample(
    items: Sequence[str], weights: dict[str, Decimal | float], n: int, rng: random.Random
) -> list[str]:
    """n items without replacement, each draw proportional to weight among those left
    (Efraimidis–Spirakis: key = ln(u) / w, the n largest keys), in drawing order. One random
    number per item, in the order of `items` (the caller sorts them)."""
    keyed = []
    for item in items:
        u = 1.0 - rng.random()  # (0, 1]
        w = float(weights.get(item, 1))
        if w <= 0:
            raise ValueError(f"企业 {item} 的权重必须大于 0")
        keyed.append((math.log(u) / w, item))
    keyed.sort(key=lambda kv: (-kv[0], kv[1]))
    return [item for _key, item in keyed[:n]]


def draw_pairs(
    enterprises: Sequence[str],
    inspectors: Sequence[str],
    n: int,
    seed: int | str,
    *,
    weights: dict[str, Decimal | float] | None = None,
    conflicts: Iterable[tuple[str, str]] = (),
) -> list[tuple[str, list[str]]]:
    """The 双随机 draw (DESIGN §5 `safetrain inspections draw`): n enterprises drawn at random
    weighted by risk (`weights`, default all equal), each paired with two different inspectors
    drawn at random among those without a recorded conflict (inspector, enterprise) with it.
    The same inputs and seed give the same pairs whatever order the inputs come in.
    ValueError when there are too few enterprises or inspectors, or when an enterprise of the
    pool has fewer than two inspectors without a conflict (checked on the whole pool before
    drawing, so that whether a draw is possible never depends on the seed)."""
    ents = sorted(set(enterprises))
    insp = sorted(set(inspectors))
    blocked = {(i, e) for i, e in conflicts}
    if n <= 0:
        raise ValueError("抽取数量必须大于 0")
    if len(ents) < n:
        raise ValueError(f"企业不足：需要 {n} 家，只有 {len(ents)} 家")
    if len(insp) < 2:
        raise ValueError(f"执法人员不足：每家企业需要 2 名，只有 {len(insp)} 名")
    eligible = {e: [i for i in insp if (i, e) not in blocked] for e in ents}
    short = [e for e in ents if len(eligible[e]) < 2]
    if short:
        e = short[0]
        raise ValueError(
            f"执法人员不足：企业 {e} 需要 2 名无利害关系的执法人员，只有 {len(eligible[e])} 名"
            f"（{len(insp) - len(eligible[e])} 名已登记回避）"
            + (f"，另有 {len(short) - 1} 家企业同样不足" if len(short) > 1 else "")
        )
    rng = random.Random(f"double-random:{seed}")
    picked = weighted_sample(ents, weights or {}, n, rng)
    return [(e, sorted(rng.sample(eligible[e], 2))) for e in picked]
