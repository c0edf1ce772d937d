"""Deterministic plans of a synthetic Jincheng: enterprises and people, as plain data.

Nothing here touches the database: a plan is a list of frozen dataclasses computed from a seed
and an anchor date ("today" of the synthetic world). The demo writes plans through the services
(safetrain.demo.writer); the synthetic city of issue 5 can reuse the same plans for bulk loading.

Every random choice comes from a `random.Random` seeded with "<seed>:<purpose>", so the same seed
and anchor always give the same plan, and adding a new purpose never shifts an existing one.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from safetrain.catalog import data as catalog_data
from safetrain.core.dates import add_months, add_years
from safetrain.core.identifiers import make_credit_code, make_id_number
from safetrain.demo import names
from safetrain.regions.data import COUNTIES

COUNTY_CODES = [code for code, _ in COUNTIES]
SECTORS = [code for code, *_ in catalog_data.SECTORS]

# How many enterprises each county has, relative to the others, and which sectors dominate
# there (Jincheng: coal everywhere but the urban district; chemicals in 阳城/沁水; foundries in
# 高平/泽州; iron and limestone quarries in 陵川).
COUNTY_WEIGHT = {
    "140525": 25,
    "140581": 18,
    "140522": 18,
    "140521": 15,
    "140524": 12,
    "140502": 14,
}
SECTOR_WEIGHT_BY_COUNTY: dict[str, dict[str, float]] = {
    "140525": {
        "coal_mine": 8,
        "metal_smelting": 1.5,
        "hazardous_chemicals": 1,
        "industry_trade": 1.5,
        "metal_nonmetal_mine": 0.7,
    },
    "140581": {
        "coal_mine": 7,
        "metal_smelting": 3,
        "industry_trade": 1.5,
        "hazardous_chemicals": 0.5,
    },
    "140522": {
        "coal_mine": 7,
        "hazardous_chemicals": 2,
        "industry_trade": 1,
        "metal_smelting": 0.5,
    },
    "140521": {"coal_mine": 8, "hazardous_chemicals": 1.5, "metal_nonmetal_mine": 0.3},
    "140524": {"coal_mine": 4, "metal_nonmetal_mine": 2, "industry_trade": 0.5},
    "140502": {"industry_trade": 3, "hazardous_chemicals": 1, "metal_smelting": 1},
}
# The first enterprises cover every county and every sector; the first is the flagship coal
# mine in 泽州县 whose admin and worker are demo logins.
COVERAGE = [
    ("140525", "coal_mine"),
    ("140522", "hazardous_chemicals"),
    ("140581", "metal_smelting"),
    ("140524", "metal_nonmetal_mine"),
    ("140502", "industry_trade"),
    ("140521", "coal_mine"),
]
# Relative head count by sector (coal mines employ the most).
HEADCOUNT_WEIGHT = {
    "coal_mine": 3.0,
    "metal_nonmetal_mine": 1.4,
    "hazardous_chemicals": 1.6,
    "metal_smelting": 1.5,
    "industry_trade": 1.0,
}
WORKER_FORMS = [
    (70, "contract"),
    (12, "dispatched"),
    (5, "temporary"),
    (5, "rotating"),
    (4, "agreement"),
    (4, "intern"),
]
MIN_WORKERS = 3


@dataclass(frozen=True)
class EnterprisePlan:
    credit_code: str
    name: str
    region: str
    sector: str
    area_types: tuple[str, ...]
    # (workshop, the catalogue job types working there); no job types: a department, no teams
    workshops: tuple[tuple[str, tuple[str, ...]], ...]

    def org_paths(self) -> list[str]:
        paths = []
        for workshop, jobs in self.workshops:
            paths.append(workshop)
            if jobs:
                paths.extend(f"{workshop}/{team}" for team in names.TEAMS)
        return paths

    @property
    def production_workshops(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(w, jobs) for w, jobs in self.workshops if jobs]


@dataclass(frozen=True)
class PostPlan:
    from_date: dt.date
    title: str
    job_type: str | None  # a catalogue job type of the enterprise's sector, by name
    operation: str | None  # the special-operation code the post requires
    org_path: str  # "综采工区/一班"


@dataclass(frozen=True)
class LeavePlan:
    start: dt.date
    end: dt.date | None  # last day away, inclusive; None: still away


@dataclass(frozen=True)
class EmploymentPlan:
    enterprise: str  # credit code
    role: str
    form: str
    start: dt.date
    end: dt.date | None
    posts: tuple[PostPlan, ...]
    leaves: tuple[LeavePlan, ...] = ()


@dataclass(frozen=True)
class PersonPlan:
    id_number: str
    name: str
    phone: str
    employments: tuple[EmploymentPlan, ...]  # in date order

    @property
    def current(self) -> EmploymentPlan | None:
        return next((e for e in self.employments if e.end is None), None)


@dataclass
class _Identity:
    id_number: str
    name: str
    birth: dt.date
    phone: str


@dataclass
class JinchengGenerator:
    """Plans for a synthetic Jincheng. One generator keeps ID numbers and phones unique."""

    seed: int | str
    anchor: dt.date
    _ids: set[str] = field(default_factory=set)
    _phones: set[str] = field(default_factory=set)
    _enterprise_names: set[str] = field(default_factory=set)
    _credit_codes: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.operation_of: dict[tuple[str, str], str | None] = {
            (sector, name): op for sector, name, op in catalog_data.JOB_TYPES
        }
        for sector, workshops in names.WORKSHOPS.items():
            for _, jobs in workshops:
                for job in jobs:
                    if (sector, job) not in self.operation_of:
                        raise ValueError(f"job type {job} of {sector} is not in the catalogue")

    def rng(self, purpose: str) -> random.Random:
        return random.Random(f"{self.seed}:{purpose}")

    # ------------------------------------------------------------------ enterprises

    def enterprises(self, count: int) -> list[EnterprisePlan]:
        """`count` enterprises: the coverage list first, then weighted county × sector draws."""
        if count < len(COVERAGE):
            raise ValueError(f"at least {len(COVERAGE)} enterprises cover every county and sector")
        rng = self.rng("enterprises")
        cells = [
            (
                county,
                sector,
                COUNTY_WEIGHT[county] * w / sum(SECTOR_WEIGHT_BY_COUNTY[county].values()),
            )
            for county, sectors in SECTOR_WEIGHT_BY_COUNTY.items()
            for sector, w in sectors.items()
        ]
        picks = list(COVERAGE)
        picks += [
            (c, s)
            for c, s, _ in rng.choices(
                cells, weights=[w for *_, w in cells], k=count - len(COVERAGE)
            )
        ]
        plans = []
        for i, (region, sector) in enumerate(picks):
            while True:
                code = make_credit_code(region, rng.randrange(31**8, 31**9))
                if code not in self._credit_codes:
                    self._credit_codes.add(code)
                    break
            plans.append(
                EnterprisePlan(
                    credit_code=code,
                    name=self._enterprise_name(rng, region, sector, flagship=i == 0),
                    region=region,
                    sector=sector,
                    area_types=tuple(names.AREA_TYPES[sector]),
                    workshops=self._workshops(rng, sector),
                )
            )
        return plans

    def _enterprise_name(
        self, rng: random.Random, region: str, sector: str, *, flagship: bool = False
    ) -> str:
        templates = names.ENTERPRISE_NAMES[sector]
        for attempt in range(200):
            template = (
                templates[0][1]
                if flagship
                else rng.choices([t for _, t in templates], weights=[w for w, _ in templates])[0]
            )
            name = template.format(
                region=names.REGION_PREFIX[region],
                place=rng.choice(names.PLACE_FIRST) + rng.choice(names.PLACE_SECOND),
                brand="".join(rng.sample(names.BRAND_CHARS, 2)),
            )
            if attempt > 100:  # a city of thousands runs out of short names
                name = name.replace("有限公司", f"第{attempt}有限公司")
            if name not in self._enterprise_names:
                self._enterprise_names.add(name)
                return name
        raise RuntimeError("could not find a unique enterprise name")

    def _workshops(
        self, rng: random.Random, sector: str
    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
        chosen = names.WORKSHOPS[sector]
        if sector in names.PROCESS_WORKSHOPS:
            candidates, k = names.PROCESS_WORKSHOPS[sector]
            keep = set(rng.sample(candidates, k))
            chosen = [(w, jobs) for w, jobs in chosen if w not in candidates or w in keep]
        return tuple((w, tuple(jobs)) for w, jobs in chosen)

    # ------------------------------------------------------------------ people

    def persons(self, enterprises: Sequence[EnterprisePlan], count: int) -> list[PersonPlan]:
        return list(self.iter_persons(enterprises, count))

    def iter_persons(
        self, enterprises: Sequence[EnterprisePlan], count: int
    ) -> Iterator[PersonPlan]:
        """`count` persons: each enterprise's current roster (1 principal, 1–2 deputies,
        2–4 safety managers, the rest workers), some of whom came from another employer, then
        about 2% who have left work altogether. Workers get post changes and leaves."""
        rng = self.rng("persons")
        leavers = max(1, round(count * 0.02))
        roster = self._rosters(rng, enterprises, count - leavers)
        for enterprise, roles in zip(enterprises, roster, strict=True):
            titles = {
                role: rng.sample(pool, len(pool))
                for role, pool in names.management_titles(enterprise.sector).items()
            }
            for role in roles:
                yield self._employed_person(rng, enterprise, role, titles, enterprises)
        for _ in range(leavers):
            yield self._leaver(rng, enterprises)

    def _rosters(
        self, rng: random.Random, enterprises: Sequence[EnterprisePlan], total: int
    ) -> list[list[str]]:
        rosters = []
        for _ in enterprises:
            roles = ["principal"]
            roles += ["deputy"] * rng.randint(1, 2)
            roles += ["safety_manager"] * rng.randint(2, 4)
            rosters.append(roles)
        fixed = sum(len(r) for r in rosters) + MIN_WORKERS * len(enterprises)
        if total < fixed:
            raise ValueError(
                f"{len(enterprises)} enterprises need at least {fixed + 1} persons, not {total}"
            )
        weights = [HEADCOUNT_WEIGHT[e.sector] * rng.uniform(0.6, 1.4) for e in enterprises]
        spare = total - fixed
        shares = [spare * w / sum(weights) for w in weights]
        extra = [int(s) for s in shares]
        by_remainder = sorted(range(len(shares)), key=lambda i: extra[i] - shares[i])
        for i in by_remainder[: spare - sum(extra)]:
            extra[i] += 1
        for roles, n in zip(rosters, extra, strict=True):
            roles += ["worker"] * (MIN_WORKERS + n)
        return rosters

    def _identity(
        self, rng: random.Random, region_hint: str, age_range: tuple[int, int, int], male: float
    ) -> _Identity:
        lo, hi, mode = age_range
        age = int(rng.triangular(lo, hi + 1, mode))
        is_male = rng.random() < male
        birth = dt.date(self.anchor.year - age - 1, 1, 1) + dt.timedelta(days=rng.randrange(365))
        region = region_hint if rng.random() < 0.65 else rng.choice(COUNTY_CODES)
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if is_male else 0)  # odd: male (GB 11643)
            number = make_id_number(region, birth, seq)
            if number not in self._ids:
                self._ids.add(number)
                break
        surname = rng.choices([s for _, s in names.SURNAMES], [w for w, _ in names.SURNAMES])[0]
        chars = names.GIVEN_MALE if is_male else names.GIVEN_FEMALE
        given = "".join(rng.choice(chars) for _ in range(1 if rng.random() < 0.3 else 2))
        phone = ""
        if rng.random() < 0.93:
            while True:
                phone = rng.choice(names.PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
                if phone not in self._phones:
                    self._phones.add(phone)
                    break
        return _Identity(number, surname + given, birth, phone)

    def _between(self, rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
        if hi <= lo:
            return lo
        return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))

    def _worker_post(
        self, rng: random.Random, enterprise: EnterprisePlan, on: dt.date, avoid: str | None = None
    ) -> PostPlan:
        if rng.random() < 0.05:
            workshop = rng.choice(enterprise.production_workshops)[0]
            title = rng.choice(names.FREE_POSTS[enterprise.sector])
            return PostPlan(on, title, None, None, f"{workshop}/{rng.choice(names.TEAMS)}")
        pairs = [
            (workshop, job)
            for workshop, jobs in enterprise.production_workshops
            for job in jobs
            if job != avoid
        ]
        workshop, job = rng.choices(pairs, [names.JOB_WEIGHT.get(j, 1) for _, j in pairs])[0]
        op = self.operation_of[(enterprise.sector, job)]
        return PostPlan(on, job, job, op, f"{workshop}/{rng.choice(names.TEAMS)}")

    def _management_post(
        self,
        enterprise: EnterprisePlan,
        role: str,
        on: dt.date,
        titles: dict[str, list[str]],
    ) -> PostPlan:
        pool = titles[role]
        title = pool.pop(0) if len(pool) > 1 else pool[0]
        department = enterprise.workshops[1 if role == "safety_manager" else 0][0]
        return PostPlan(on, title, None, None, department)

    def _employed_person(
        self,
        rng: random.Random,
        enterprise: EnterprisePlan,
        role: str,
        titles: dict[str, list[str]],
        enterprises: Sequence[EnterprisePlan],
    ) -> PersonPlan:
        anchor = self.anchor
        ages = {
            "principal": (38, 58, 50),
            "deputy": (35, 57, 46),
            "safety_manager": (27, 56, 40),
            "worker": (20, 58, 38),
        }[role]
        form = "contract"
        if role == "worker":
            form = rng.choices([f for _, f in WORKER_FORMS], [w for w, _ in WORKER_FORMS])[0]
        if form == "intern":  # students from the vocational schools, taken on this year
            ages = (20, 23, 21)
        who = self._identity(rng, enterprise.region, ages, 0.97 if role != "worker" else 0.9)
        earliest = max(add_years(who.birth, 19), add_years(anchor, -25))
        latest = anchor - dt.timedelta(days=14)
        if form == "intern":
            start = self._between(rng, max(earliest, anchor - dt.timedelta(days=300)), latest)
        elif rng.random() < 0.15:  # hired in the last eighteen months
            start = self._between(rng, max(earliest, anchor - dt.timedelta(days=540)), latest)
        else:
            start = self._between(rng, earliest, max(earliest, anchor - dt.timedelta(days=541)))
        if role == "worker":
            first = self._worker_post(rng, enterprise, start)
        else:
            first = self._management_post(enterprise, role, start, titles)
        posts = [first]
        if role == "worker" and (anchor - start).days > 400 and rng.random() < 0.12:
            if rng.random() < 0.4:  # a recent transfer
                change = self._between(
                    rng, anchor - dt.timedelta(days=300), anchor - dt.timedelta(days=2)
                )
            else:
                change = self._between(
                    rng, start + dt.timedelta(days=180), anchor - dt.timedelta(days=2)
                )
            posts.append(self._worker_post(rng, enterprise, change, avoid=first.job_type))
        leaves: list[LeavePlan] = []
        if role == "worker" and rng.random() < 0.09:
            leave = self._leave(rng, start)
            if leave is not None:
                leaves.append(leave)
        current = EmploymentPlan(
            enterprise.credit_code, role, form, start, None, tuple(posts), tuple(leaves)
        )
        employments = [current]
        if role != "principal" and len(enterprises) > 1 and rng.random() < 0.07:
            previous = self._previous_employment(rng, who, enterprise, role, start, enterprises)
            if previous is not None:
                employments.insert(0, previous)
        return PersonPlan(who.id_number, who.name, who.phone, tuple(employments))

    def _leave(self, rng: random.Random, start: dt.date) -> LeavePlan | None:
        anchor = self.anchor
        kind = rng.random()
        if kind < 0.4:  # three months or more, ended: the 复岗 rule applies on return
            months = rng.randint(3, 7)
            lo = max(start + dt.timedelta(days=30), anchor - dt.timedelta(days=730))
            hi = add_months(anchor - dt.timedelta(days=2), -months)
            if hi < lo:
                return None
            begin = self._between(rng, lo, hi)
            return LeavePlan(begin, add_months(begin, months) - dt.timedelta(days=1))
        if kind < 0.7:  # still away
            lo = max(start + dt.timedelta(days=1), anchor - dt.timedelta(days=75))
            return LeavePlan(self._between(rng, lo, anchor - dt.timedelta(days=1)), None)
        length = rng.randint(5, 40)
        lo = max(start + dt.timedelta(days=1), anchor - dt.timedelta(days=600))
        hi = anchor - dt.timedelta(days=length + 1)
        if hi < lo:
            return None
        begin = self._between(rng, lo, hi)
        return LeavePlan(begin, begin + dt.timedelta(days=length - 1))

    def _previous_employment(
        self,
        rng: random.Random,
        who: _Identity,
        current: EnterprisePlan,
        role: str,
        start: dt.date,
        enterprises: Sequence[EnterprisePlan],
    ) -> EmploymentPlan | None:
        end = start - dt.timedelta(days=rng.randint(1, 90))
        begin = end - dt.timedelta(days=rng.randint(200, 2500))
        if begin < add_years(who.birth, 18):
            return None
        nearby = [e for e in enterprises if e is not current and e.region == current.region]
        others = [e for e in enterprises if e is not current]
        previous = rng.choice(nearby if nearby and rng.random() < 0.6 else others)
        prev_role = "safety_manager" if role == "safety_manager" else "worker"
        if prev_role == "worker":
            post = self._worker_post(rng, previous, begin)
        else:
            titles = names.management_titles(previous.sector)
            post = self._management_post(
                previous, prev_role, begin, {k: list(v) for k, v in titles.items()}
            )
        return EmploymentPlan(previous.credit_code, prev_role, "contract", begin, end, (post,))

    def _leaver(self, rng: random.Random, enterprises: Sequence[EnterprisePlan]) -> PersonPlan:
        enterprise = rng.choice(enterprises)
        who = self._identity(rng, enterprise.region, (22, 60, 45), 0.9)
        end = self._between(
            rng, self.anchor - dt.timedelta(days=700), self.anchor - dt.timedelta(days=10)
        )
        begin = max(end - dt.timedelta(days=rng.randint(200, 3000)), add_years(who.birth, 19))
        post = self._worker_post(rng, enterprise, begin)
        employment = EmploymentPlan(
            enterprise.credit_code, "worker", "contract", begin, end, (post,)
        )
        return PersonPlan(who.id_number, who.name, who.phone, (employment,))
