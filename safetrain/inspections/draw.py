"""The spot-check draw: N in-post workers of an enterprise, stratified by job type.

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

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


def draw_pairs(
    enterprises: Sequence[str], inspectors: Sequence[str], n: int, seed: int | str
) -> list[tuple[str, list[str]]]:
    """The 双随机 draw (DESIGN §5 `safetrain inspections draw`): n enterprises, each paired
    with two different inspectors. ValueError when there are too few of either."""
    ents = sorted(set(enterprises))
    insp = sorted(set(inspectors))
    if n <= 0:
        raise ValueError("抽取数量必须大于 0")
    if len(ents) < n:
        raise ValueError(f"企业不足：需要 {n} 家，只有 {len(ents)} 家")
    if len(insp) < 2:
        raise ValueError(f"执法人员不足：每家企业需要 2 名，只有 {len(insp)} 名")
    rng = random.Random(f"double-random:{seed}")
    picked = rng.sample(ents, n)
    return [(e, sorted(rng.sample(insp, 2))) for e in picked]
