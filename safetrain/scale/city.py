"""The synthetic Jincheng (`safetrain seed city`): a deterministic generator of rows.

Everything comes from one ``random.Random(seed)``: the same seed, person count and end date give
the same data (ciphertexts aside: AES-GCM draws a fresh nonce per value, as the services do, so
the *decrypted* values are what repeats). The generator yields plain tuples per table; the
loader (safetrain.scale.load) writes them. Nothing here touches the database.

How the history is made: every person gets a career (one or two employments, posts, leaves),
then the records a well-run enterprise would keep for that career (pre-job three-level training
for new hires, initial training of managers, annual continuing training, risk-awareness exams,
certificates with their reviews and renewals, 三违 with retraining, accident retraining,
transfer and return training), each dated on the day it happened. Events dated after the end
date have not happened yet and are left out, which is where most reminders come from (reviews
and expiries in their windows, pending retraining). On top of that a small, realistic share of
records is simply missing (the defects below). So that a small city still shows every finding
code of DESIGN §3, each defect is applied to the first person it can apply to, then at its
rate (see ``_want``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from safetrain.catalog.data import JOB_TYPES
from safetrain.certificates.matching import default_dates
from safetrain.core.dates import add_months, add_years
from safetrain.core.identifiers import make_credit_code, make_id_number

HISTORY_START = dt.date(2021, 11, 1)
CUTOFF = dt.date(2024, 1, 1)  # policy v1: pre-job rules apply to employments started from here
DAY = dt.timedelta(days=1)

COUNTIES = [
    # code, name, share of enterprises (Zezhou, Gaoping, Qinshui, Yangcheng hold the coal)
    ("140502", "城区", 0.06),
    ("140521", "沁水县", 0.19),
    ("140522", "阳城县", 0.19),
    ("140524", "陵川县", 0.09),
    ("140525", "泽州县", 0.26),
    ("140581", "高平市", 0.21),
]
SECTORS = [
    # code, share of enterprises, mean log size (coal mines are the big employers)
    ("coal_mine", 0.40, 5.3),
    ("metal_nonmetal_mine", 0.08, 4.1),
    ("hazardous_chemicals", 0.14, 4.5),
    ("metal_smelting", 0.10, 4.8),
    ("industry_trade", 0.28, 3.6),
]
# share of front-line posts that are special operations (特种作业)
SPECIAL_SHARE = 0.3
HIGH_RISK = {"coal_mine", "metal_nonmetal_mine", "hazardous_chemicals", "metal_smelting"}
SUFFIX = {
    "coal_mine": ["煤业有限公司", "煤矿", "煤业有限责任公司"],
    "metal_nonmetal_mine": ["矿业有限公司", "铁矿", "石料厂"],
    "hazardous_chemicals": ["化工有限公司", "化肥有限公司", "煤化工有限公司"],
    "metal_smelting": ["钢铁有限公司", "铸业有限公司", "冶炼有限公司"],
    "industry_trade": ["机械制造有限公司", "建材有限公司", "铸造有限公司", "食品有限公司"],
}
WORKSHOPS = {
    "coal_mine": ["综采队", "掘进队", "机电队", "通风队", "运输队", "安全科"],
    "metal_nonmetal_mine": ["采矿车间", "选矿车间", "机电车间", "安全科"],
    "hazardous_chemicals": ["合成车间", "精馏车间", "仪表车间", "储运车间", "安全环保部"],
    "metal_smelting": ["炼铁车间", "炼钢车间", "动力车间", "安全部"],
    "industry_trade": ["生产车间", "机修车间", "仓储部", "安全部"],
}
AREAS = {
    "coal_mine": ["underground", "production", "office"],
    "metal_nonmetal_mine": ["underground", "production", "office"],
    "hazardous_chemicals": ["production", "office"],
    "metal_smelting": ["production", "office"],
    "industry_trade": ["production", "office"],
}
AREA_LABEL = {"underground": "矿井", "production": "生产", "office": "办公", "living": "生活"}
WORDS = "泰鑫兴隆华源宏达晋丰盛安恒祥瑞通昌和益嘉金凤龙阳光明天成永富新中"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋"
    "蔡贾丁魏薛叶阎余潘杜戴夏钟田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟段雷"
    "牛原靳申卫焦常武乔贺暴裴"
)
GIVEN_M = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帅旭峰建国志永海东林文晓红亮"
GIVEN_F = "芳娜敏静丽艳娟霞燕玲婷雪琳慧颖洁梅兰凤瑶"

# hours (initial / annual) by high-risk and role: policy v1 (DESIGN §3)
HOURS = {
    (True, "principal"): (48, 24),
    (True, "deputy"): (48, 16),
    (True, "safety_manager"): (48, 16),
    (True, "worker"): (72, 20),
    (False, "principal"): (32, 12),
    (False, "deputy"): (32, 12),
    (False, "safety_manager"): (32, 12),
    (False, "worker"): (24, 8),
}
MANAGERS = ("principal", "deputy", "safety_manager")
MANAGER_TITLES = {
    "principal": ["矿长", "总经理", "董事长"],
    "deputy": ["安全副矿长", "生产副总", "分管安全副总经理"],
    "safety_manager": ["安全科长", "专职安全员", "安全管理员"],
}
FORMS = [
    ("contract", 0.80),
    ("dispatched", 0.08),
    ("temporary", 0.04),
    ("rotating", 0.03),
    ("agreement", 0.03),
    ("intern", 0.02),
]
VIOLATION_TEXT = {
    "command": ["安排未经培训人员下井作业", "强令工人冒险作业"],
    "operation": ["未按规定佩戴自救器", "违规带电检修", "未执行敲帮问顶制度", "动火作业未审批"],
    "discipline": ["班中睡岗", "酒后上岗", "擅离工作岗位"],
}
INCIDENT_TEXT = {
    "fatal": "顶板事故致1人死亡",
    "major_hidden_danger": "瓦斯超限作业，列为重大事故隐患",
    "repeated_larger_hidden_danger": "同一较大隐患一年内反复出现",
}

# Defect rates (share of eligible cases where the record is missing or short). Calibrated so
# that roughly one worker in seven has a blocking finding on a given day.
RATES = {
    "PREJOB_TRAINING_MISSING": 0.03,
    "PREJOB_EXAM_MISSING": 0.03,
    "CERT_MISSING": 0.015,
    "CERT_JOB_MISMATCH": 0.008,
    "CERT_PENDING": 0.03,
    "CERT_EXPIRED": 0.015,
    "CERT_REVOKED": 0.003,
    "CERT_REVIEW_OVERDUE": 0.03,
    "CERT_EXPIRING_SOON": 0.0,  # natural only (dates in the window)
    "CERT_REVIEW_DUE_SOON": 0.0,
    "VIOLATION_RETRAINING_PENDING": 0.05,
    "RETURN_TRAINING_PENDING": 0.05,
    "TRANSFER_TRAINING_PENDING": 0.05,
    "ACCIDENT_RETRAINING_PENDING": 0.06,
    "INITIAL_HOURS_SHORT": 0.04,
    "ANNUAL_HOURS_PENDING": 0.04,
    "ANNUAL_HOURS_SHORT": 0.05,
    "DRILL_OVERDUE": 0.06,
    "DRILL_DUE": 0.0,
}


@dataclass
class Ent:
    id: int
    credit_code: str
    name: str
    region: str
    sector: str
    area_types: list[str]
    root_unit: int
    workshops: list[int]
    incidents: list[dt.date] = field(default_factory=list)
    staff: int = 0

    @property
    def high_risk(self) -> bool:
        return self.sector in HIGH_RISK


@dataclass
class Emp:
    id: int
    ent: Ent
    role: str
    start: dt.date
    end: dt.date | None
    form: str = "contract"
    no_cert: bool = False  # a newly appointed principal/deputy without the certificate yet
    posts: list[tuple[dt.date, str, int | None, str | None, int | None]] = field(
        default_factory=list
    )  # (from, title, job type id, operation, org unit)
    leaves: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)

    def active(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or self.end >= on)


@dataclass
class Ids:
    """The next primary key of every table (explicit keys: no round trip per row)."""

    enterprise: int = 1
    orgunit: int = 1
    incident: int = 1
    drill: int = 1
    person: int = 1
    employment: int = 1
    post: int = 1
    leave: int = 1
    training: int = 1
    exam: int = 1
    violation: int = 1
    certificate: int = 1
    review: int = 1

    def take(self, name: str) -> int:
        value: int = getattr(self, name)
        setattr(self, name, value + 1)
        return value


TABLES = [
    "enterprise",
    "orgunit",
    "incident",
    "drill",
    "person",
    "employment",
    "post",
    "leave",
    "training",
    "exam",
    "violation",
    "certificate",
    "review",
]


@dataclass
class Batch:
    rows: dict[str, list[tuple[object, ...]]] = field(
        default_factory=lambda: {t: [] for t in TABLES}
    )
    persons: int = 0

    def count(self) -> int:
        return sum(len(r) for r in self.rows.values())


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _h(value: float) -> str:
    return f"{value:.1f}"


class CityGenerator:
    """Rows of a synthetic Jincheng. ``job_types`` maps a job-type name to (id, operation)."""

    def __init__(
        self,
        *,
        persons: int,
        seed: int,
        today: dt.date,
        job_types: dict[str, tuple[int, str | None]],
        ids: Ids | None = None,
        enterprises: int | None = None,
    ) -> None:
        import random

        self.n = persons
        self.seed = seed
        self.today = today
        self.rng = random.Random(seed)
        self.ids = ids or Ids()
        self.n_ent = enterprises or max(12, round(persons / 167))
        self.forced: set[str] = set()
        self.used_ids: set[str] = set()
        self.cert_seq = 0
        self.jobs: dict[str, list[tuple[str, int, str | None]]] = {}
        for sector, name, _op in JOB_TYPES:
            if name not in job_types:
                continue
            jid, op = job_types[name]
            self.jobs.setdefault(sector, []).append((name, jid, op))
        self.ents: list[Ent] = []
        self.ent_weights: list[float] = []

    # ------------------------------------------------------------------------- helpers

    def _want(self, code: str, eligible: bool = True) -> bool:
        """Apply a defect: always to the first eligible case (so a small city shows every
        finding), then at its rate."""
        if eligible and code not in self.forced:
            self.forced.add(code)
            return True
        return self.rng.random() < RATES[code]

    def _day(self, lo: dt.date, hi: dt.date) -> dt.date:
        if hi <= lo:
            return lo
        return dt.date.fromordinal(self.rng.randint(lo.toordinal(), hi.toordinal()))

    def _score(self, pass_mark: float = 80.0, must_pass: bool = False) -> float:
        if must_pass:
            return round(self.rng.uniform(pass_mark, 100.0), 1)
        return round(min(100.0, max(20.0, self.rng.gauss(86.0, 8.0))), 1)

    # ------------------------------------------------------------------------- enterprises

    def enterprises(self) -> Batch:
        """Enterprises with their org units, incidents and drills."""
        rng = self.rng
        batch = Batch()
        codes: set[int] = set()
        names: set[str] = set()
        county_w = [c[2] for c in COUNTIES]
        sector_w = [s[1] for s in SECTORS]
        for i in range(self.n_ent):
            # the first enterprises cover every county and sector, then the shares apply
            region, county_name, _ = (
                COUNTIES[i] if i < len(COUNTIES) else rng.choices(COUNTIES, county_w)[0]
            )
            sector, _, log_size = (
                SECTORS[i % len(SECTORS)] if i < len(SECTORS) else rng.choices(SECTORS, sector_w)[0]
            )
            org = rng.randrange(31**7, 31**9)
            while org in codes:
                org = rng.randrange(31**7, 31**9)
            codes.add(org)
            name = f"{county_name.rstrip('区县市')}{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(SUFFIX[sector])}"
            if name in names:
                name = name.replace("有限", f"{i}号有限", 1) if "有限" in name else f"{name}{i}号"
            names.add(name)
            areas = list(AREAS[sector])
            if sector in HIGH_RISK and rng.random() < 0.6:
                areas.append("living")
            ent_id = self.ids.take("enterprise")
            root = self.ids.take("orgunit")
            ent = Ent(ent_id, make_credit_code(region, org), name, region, sector, areas, root, [])
            batch.rows["enterprise"].append((ent, region, sector, areas))
            batch.rows["orgunit"].append((root, ent_id, None, name, "company"))
            for ws in WORKSHOPS[sector]:
                unit = self.ids.take("orgunit")
                ent.workshops.append(unit)
                batch.rows["orgunit"].append((unit, ent_id, root, ws, "workshop"))
            # incidents: a coal mine is likelier to have one; the first two always have one
            p_inc = 0.16 if sector == "coal_mine" else 0.08
            n_inc = 1 if i < 2 else (1 + (rng.random() < 0.2) if rng.random() < p_inc else 0)
            for k in range(n_inc):
                lo = dt.date(2022, 3, 1) if not (i == 1 and k == 0) else self.today - 40 * DAY
                day = self._day(lo, self.today - DAY)
                kind = rng.choices(
                    ["major_hidden_danger", "repeated_larger_hidden_danger", "fatal"],
                    [0.6, 0.35, 0.05],
                )[0]
                ent.incidents.append(day)
                batch.rows["incident"].append(
                    (self.ids.take("incident"), ent_id, day.isoformat(), kind, INCIDENT_TEXT[kind])
                )
            ent.incidents.sort()
            self._drills(ent, batch)
            self.ents.append(ent)
            self.ent_weights.append(rng.lognormvariate(log_size, 0.55))
        return batch

    def _drills(self, ent: Ent, batch: Batch) -> None:
        """One drill per area type per period (half-year for high-risk, year otherwise), most of
        them held; the current period's drill happens some time in the period (or not yet)."""
        rng = self.rng
        months = 6 if ent.high_risk else 12
        start = dt.date(2022, 1, 1)
        overdue_forced = False
        while start <= self.today:
            end = add_months(start, months) - DAY
            current = end >= self.today
            for area in ent.area_types:
                if current:
                    day = self._day(start, end)
                    if day > self.today:
                        continue  # DRILL_DUE: not held yet in the current period
                else:
                    last_completed = add_months(start, months) > add_months(self.today, -months)
                    if last_completed and not overdue_forced and self._want("DRILL_OVERDUE"):
                        overdue_forced = True
                        continue
                    if not last_completed and rng.random() < 0.05:
                        continue
                    day = self._day(start, end)
                batch.rows["drill"].append(
                    (
                        self.ids.take("drill"),
                        ent.id,
                        day.isoformat(),
                        area,
                        f"{day.year}年{AREA_LABEL[area]}区域应急演练",
                        rng.randint(8, 180),
                    )
                )
            start = add_months(start, months)

    # ------------------------------------------------------------------------- persons

    def persons(self, batch_size: int = 2000) -> Iterator[Batch]:
        if not self.ents:
            raise RuntimeError("generate the enterprises first")
        cum: list[float] = []
        total = 0.0
        for w in self.ent_weights:
            total += w
            cum.append(total)
        batch = Batch()
        for i in range(self.n):
            # the first persons of each enterprise are its principal and deputies
            ent = (
                self.ents[i]
                if i < len(self.ents)
                else self.rng.choices(self.ents, cum_weights=cum)[0]
            )
            self._person(ent, batch)
            batch.persons += 1
            if batch.persons >= batch_size:
                yield batch
                batch = Batch()
        if batch.persons:
            yield batch

    def _role(self, ent: Ent) -> str:
        k = ent.staff
        ent.staff += 1
        if k == 0:
            return "principal"
        if k in (1, 2):
            return "deputy"
        if k in (3, 4) or self.rng.random() < 0.025:
            return "safety_manager"
        return "worker"

    def _identity(self, ent: Ent, batch: Batch) -> tuple[int, dt.date]:
        rng = self.rng
        male = rng.random() < 0.9
        birth = dt.date(
            self.today.year - rng.randint(21, 58), rng.randint(1, 12), rng.randint(1, 28)
        )
        region = ent.region if rng.random() < 0.8 else rng.choice(COUNTIES)[0]
        while True:
            seq = rng.randrange(0, 1000)
            seq = seq - seq % 2 + (1 if male else 0)
            number = make_id_number(region, birth, seq)
            if number not in self.used_ids:
                self.used_ids.add(number)
                break
            birth += DAY
        given = GIVEN_M if male else GIVEN_F
        name = (
            rng.choice(SURNAMES)
            + rng.choice(given)
            + (rng.choice(given) if rng.random() < 0.7 else "")
        )
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.85 else ""
        pid = self.ids.take("person")
        uid = uuid.UUID(int=rng.getrandbits(128), version=4)
        batch.rows["person"].append((pid, uid, number, name, phone))
        return pid, birth

    def _post(self, ent: Ent, role: str, day: dt.date, not_op: str | None = None) -> tuple:
        rng = self.rng
        if role in MANAGERS:
            unit = ent.workshops[-1] if role == "safety_manager" else None
            return (day, rng.choice(MANAGER_TITLES[role]), None, None, unit)
        jobs = self.jobs[ent.sector]
        special = rng.random() < SPECIAL_SHARE
        for _ in range(8):
            name, jid, op = rng.choice([j for j in jobs if (j[2] is not None) == special] or jobs)
            if op is None or op != not_op:
                break
        unit = rng.choice(ent.workshops[:-1]) if len(ent.workshops) > 1 else ent.root_unit
        return (day, name, jid, op, unit)

    def _form(self) -> str:
        return self.rng.choices([f[0] for f in FORMS], [f[1] for f in FORMS])[0]

    def _career(self, ent: Ent, role: str, birth: dt.date) -> list[Emp]:
        """One or two employments, the last at ``ent``; start dates by scenario."""
        rng = self.rng
        today = self.today
        adult = max(add_years(birth, 18), dt.date(1995, 1, 1))
        emps: list[Emp] = []
        recent_manager = (
            role in ("principal", "deputy")
            and ent.high_risk
            and self._want("CERT_PENDING", eligible=True)
        )
        r = rng.random()
        if recent_manager:
            start = today - rng.randint(15, 150) * DAY
            scenario = "mover"
        elif r < 0.60:
            scenario, start = "veteran", self._day(adult, HISTORY_START - 30 * DAY)
        elif r < 0.80:
            scenario, start = "mover", self._day(max(adult, dt.date(2022, 3, 1)), today - 20 * DAY)
        else:
            # new hires, mostly since the 2024 cut-off
            lo = CUTOFF if rng.random() < 0.75 else HISTORY_START
            scenario, start = "new", self._day(max(adult, lo), today - DAY)
        if start < adult:
            start = adult
        if scenario == "mover":
            prev_end = start - rng.randint(1, 90) * DAY
            prev_start = self._day(adult, prev_end - 200 * DAY)
            if prev_start < prev_end:
                prev_ent = rng.choices(self.ents, self.ent_weights)[0]
                if prev_ent is ent:
                    prev_ent = self.ents[(self.ents.index(ent) + 1) % len(self.ents)]
                prev_role = "worker" if role == "worker" else rng.choice(MANAGERS)
                emps.append(
                    Emp(
                        self.ids.take("employment"),
                        prev_ent,
                        prev_role,
                        prev_start,
                        prev_end,
                        self._form(),
                    )
                )
        end = None
        if scenario == "veteran" and role == "worker" and rng.random() < 0.04:
            end = max(start, self._day(dt.date(2022, 1, 1), today - DAY))  # left the sector
        emps.append(
            Emp(self.ids.take("employment"), ent, role, start, end, self._form(), recent_manager)
        )
        for emp in emps:
            emp.posts.append(self._post(emp.ent, emp.role, emp.start))
        return emps

    def _person(self, ent: Ent, batch: Batch) -> None:
        rng = self.rng
        today = self.today
        role = self._role(ent)
        pid, birth = self._identity(ent, batch)
        emps = self._career(ent, role, birth)
        cur = emps[-1]
        active = cur.active(today)
        trainings: list[tuple] = []
        exams: list[tuple] = []

        def employer(day: dt.date) -> Ent | None:
            for e in emps:
                if e.active(day):
                    return e.ent
            return None

        def train(
            day: dt.date,
            hours: float,
            kind: str,
            title: str,
            *,
            level: str = "",
            ent_: Ent | None = None,
            organiser: str = "enterprise",
        ) -> None:
            if day > today:
                return
            e = ent_ or employer(day)
            channel = "online" if rng.random() < 0.3 else "offline"
            trainings.append(
                (
                    day.isoformat(),
                    _h(hours),
                    kind,
                    level,
                    e.id if e else None,
                    organiser,
                    title,
                    channel,
                )
            )

        def exam(
            day: dt.date,
            purpose: str,
            title: str,
            *,
            must_pass: bool = False,
            ent_: Ent | None = None,
        ) -> None:
            if day > today:
                return
            e = ent_ or employer(day)
            if must_pass and rng.random() < 0.08:  # a failed first attempt, then the retake
                fail = round(rng.uniform(50, 79.5), 1)
                exams.append(
                    (day.isoformat(), purpose, _h(fail), "80.0", False, e.id if e else None, title)
                )
                day = min(today, day + rng.randint(1, 7) * DAY)
            score = self._score(must_pass=must_pass)
            exams.append(
                (
                    day.isoformat(),
                    purpose,
                    _h(score),
                    "80.0",
                    score >= 80.0,
                    e.id if e else None,
                    title,
                )
            )

        # ---- leaves of the current employment (before deciding who is in post today)
        leave_eligible = active and cur.start <= today - 200 * DAY
        if leave_eligible and "RETURN_TRAINING_PENDING" not in self.forced:
            start = today - rng.randint(130, 190) * DAY
            cur.leaves.append((start, today - rng.randint(2, 20) * DAY))
        elif rng.random() < 0.07 and not cur.no_cert:
            lo = max(cur.start, HISTORY_START)
            hi = min(cur.end or today, today) - DAY
            if lo < hi:
                start = self._day(lo, hi)
                length = rng.randint(95, 300) if rng.random() < 0.5 else rng.randint(5, 60)
                end: dt.date | None = start + (length - 1) * DAY
                if cur.end is not None and end is not None and end > cur.end:
                    end = cur.end
                if end is not None and end >= today:
                    end = None  # still away
                cur.leaves.append((start, end))
        on_leave = any(s <= today and (e is None or e >= today) for s, e in cur.leaves)
        in_post = active and not on_leave
        hr = cur.ent.high_risk

        # ---- a post change of a front-line worker (转岗)
        if cur.role == "worker" and cur.start < today - 40 * DAY:
            force = in_post and "TRANSFER_TRAINING_PENDING" not in self.forced
            if force or rng.random() < 0.10:
                lo = max(cur.start + DAY, today - 200 * DAY if force else cur.start + 30 * DAY)
                hi = min(cur.end or today, today) - DAY
                if lo <= hi:
                    t_day = self._day(lo, hi)
                    cur.posts.append(self._post(cur.ent, "worker", t_day, not_op=cur.posts[-1][3]))
                    if not self._want("TRANSFER_TRAINING_PENDING", eligible=in_post and force):
                        train(
                            t_day - rng.randint(0, 20) * DAY,
                            rng.choice([8, 12, 16]),
                            "transfer",
                            f"转岗安全培训（{cur.posts[-1][1]}）",
                            ent_=cur.ent,
                        )
                        exam(
                            t_day - rng.randint(0, 10) * DAY,
                            "transfer",
                            "转岗安全考试",
                            must_pass=True,
                            ent_=cur.ent,
                        )

        # ---- per employment: pre-job / initial training, accident retraining
        for emp in emps:
            is_cur = emp is cur
            hrisk = emp.ent.high_risk
            initial, _annual = HOURS[(hrisk, emp.role)]
            if emp.role == "worker" and emp.start >= HISTORY_START:
                elig = is_cur and in_post and emp.start >= CUTOFF
                levels = [("company", "公司级"), ("workshop", "车间级"), ("team", "班组级")]
                per = initial / 3
                if self._want("PREJOB_TRAINING_MISSING", eligible=elig) and emp.start >= CUTOFF:
                    if rng.random() < 0.5:
                        levels = levels[:2]
                    else:
                        per = per / 2
                for k, (level, label) in enumerate(levels):
                    day = emp.start - rng.randint(0, 12) * DAY + k * DAY
                    train(day, per, "prejob", f"岗前{label}安全培训", level=level, ent_=emp.ent)
                if not self._want("PREJOB_EXAM_MISSING", eligible=elig):
                    exam(
                        emp.start - rng.randint(0, 3) * DAY,
                        "prejob",
                        "岗前安全培训考试",
                        must_pass=True,
                        ent_=emp.ent,
                    )
            if emp.role in MANAGERS and is_cur:
                hours = float(initial)
                if self._want("INITIAL_HOURS_SHORT", eligible=in_post):
                    hours = initial * rng.choice([0.5, 0.75])
                organiser = "city" if emp.role == "principal" else "county"
                train(
                    emp.start - rng.randint(0, 60) * DAY,
                    hours,
                    "initial",
                    "主要负责人和安全生产管理人员初次安全培训",
                    ent_=emp.ent,
                    organiser=organiser,
                )
            if emp.role in MANAGERS:
                for a_day in emp.ent.incidents:
                    if not emp.active(a_day):
                        continue
                    elig = is_cur and in_post
                    if self._want("ACCIDENT_RETRAINING_PENDING", eligible=elig):
                        continue
                    train(
                        a_day + rng.randint(5, 40) * DAY,
                        rng.choice([16, 24]),
                        "accident",
                        "事故（隐患）后管理人员重新培训",
                        ent_=emp.ent,
                        organiser="county",
                    )
                    exam(
                        a_day + rng.randint(41, 60) * DAY,
                        "mgmt_assessment",
                        "事故后安全管理能力考核",
                        must_pass=True,
                        ent_=emp.ent,
                    )

        # ---- return training after a long leave
        for start, end in cur.leaves:
            if end is None or end + DAY < add_months(start, 3):
                continue
            forced_here = in_post and end < today and "RETURN_TRAINING_PENDING" not in self.forced
            if self._want("RETURN_TRAINING_PENDING", eligible=forced_here):
                continue
            back = end + DAY
            train(back + rng.randint(0, 3) * DAY, 8, "return", "离岗复岗安全培训", ent_=cur.ent)
            exam(
                back + rng.randint(1, 4) * DAY,
                "return",
                "复岗安全考试",
                must_pass=True,
                ent_=cur.ent,
            )

        # ---- annual continuing training and exams, by calendar year
        for year in range(2022, today.year + 1):
            jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
            spans = [
                (e, max(e.start, jan1), min(e.end or dec31, dec31))
                for e in emps
                if e.start <= dec31 and (e.end is None or e.end >= jan1)
            ]
            if not spans:
                continue
            emp, lo, hi = max(spans, key=lambda s: (s[2] - s[1]).days)
            if (hi - lo).days < 60:
                continue
            _initial, annual = HOURS[(emp.ent.high_risk, emp.role)]
            factor = rng.uniform(1.0, 1.4)
            cur_elig = emp is cur and in_post and cur.start < jan1
            if year == today.year:
                if self._want("ANNUAL_HOURS_PENDING", eligible=cur_elig):
                    factor = rng.uniform(0.3, 0.8)
            elif year == today.year - 1 and year >= 2024:
                if self._want(
                    "ANNUAL_HOURS_SHORT", eligible=cur_elig and cur.start < dt.date(year, 1, 1)
                ):
                    factor = rng.uniform(0.3, 0.8)
            elif rng.random() < 0.05:
                factor = rng.uniform(0.4, 0.9)
            total = round(annual * factor * 2) / 2
            n = rng.choice([2, 3, 3])
            parts = [round(total / n * 2) / 2] * (n - 1)
            parts.append(round(total - sum(parts), 1))
            for k, hours in enumerate(parts):
                if hours <= 0:
                    continue
                kind = "continuing" if k < 2 else "special"
                title = (
                    f"{year}年度安全生产再培训"
                    if kind == "continuing"
                    else f"{year}年{rng.choice(['警示教育', '风险辨识', '应急处置', '隐患排查'])}专题培训"
                )
                train(self._day(lo, hi), hours, kind, title, ent_=emp.ent)
            if factor >= 1.0 and rng.random() < 0.3:
                train(
                    self._day(lo, hi),
                    rng.choice([1.0, 2.0, 1.5]),
                    "special",
                    f"{year}年安全生产月专题学习",
                    ent_=emp.ent,
                )
            p_aware = {2022: 0.2, 2023: 0.25, 2024: 0.45, 2025: 0.55}.get(year, 0.65)
            if rng.random() < p_aware:
                exam(
                    self._day(lo, hi),
                    rng.choice(["risk_awareness", "risk_awareness", "spot_check"]),
                    f"{year}年安全风险应知应会考试",
                    ent_=emp.ent,
                )
            if rng.random() < 0.1:
                exam(self._day(lo, hi), "continuing", f"{year}年度再培训考试", ent_=emp.ent)
            if rng.random() < 0.06:
                exam(self._day(lo, hi), "practice", "模拟练习", ent_=emp.ent)

        # ---- 三违 and their retraining
        v_lo = max(cur.start, dt.date(2022, 1, 1))
        v_hi = min(cur.end or today, today) - DAY
        if v_lo < v_hi:
            force_v = (
                in_post
                and "VIOLATION_RETRAINING_PENDING" not in self.forced
                and v_hi >= today - 45 * DAY
            )
            count = 1 if force_v else (1 + (rng.random() < 0.15) if rng.random() < 0.085 else 0)
            for k in range(count):
                last = k == count - 1
                v_day = (
                    self._day(max(v_lo, today - 45 * DAY), v_hi)
                    if force_v and last
                    else self._day(v_lo, v_hi)
                )
                vtype = rng.choices(["operation", "discipline", "command"], [0.7, 0.25, 0.05])[0]
                batch.rows["violation"].append(
                    (
                        self.ids.take("violation"),
                        pid,
                        cur.ent.id,
                        v_day.isoformat(),
                        vtype,
                        rng.choice(VIOLATION_TEXT[vtype]),
                    )
                )
                if self._want("VIOLATION_RETRAINING_PENDING", eligible=force_v and last):
                    continue
                t0 = v_day + rng.randint(1, 15) * DAY
                if rng.random() < 0.5:
                    train(t0, 24, "violation", "三违人员脱产安全培训", ent_=cur.ent)
                else:
                    for d in range(3):
                        train(
                            t0 + d * DAY,
                            8,
                            "violation",
                            f"三违人员脱产安全培训（第{d + 1}天）",
                            ent_=cur.ent,
                        )
                exam(t0 + 3 * DAY, "violation", "三违人员培训考试", must_pass=True, ent_=cur.ent)

        # ---- certificates
        certs: list[list[Any]] = []
        reviews: list[tuple] = []
        held_ops: list[str] = []
        for emp in emps:
            for post in emp.posts:
                op = post[3]
                if op is None or op in held_ops:
                    continue
                held_ops.append(op)
                is_current_op = emp is cur and post is cur.posts[-1]
                self._special_certs(
                    pid,
                    emp,
                    post[0],
                    op,
                    is_current_op and in_post,
                    is_current_op,
                    certs,
                    reviews,
                    train,
                )
        if cur.role in MANAGERS and hr:
            self._mgmt_certs(pid, cur, certs=certs, exam=exam)

        # ---- write
        for emp in emps:
            batch.rows["employment"].append(
                (emp.id, pid, emp.ent.id, emp.role, emp.form, emp.start.isoformat(), _iso(emp.end))
            )
            for post in emp.posts:
                batch.rows["post"].append(
                    (
                        self.ids.take("post"),
                        emp.id,
                        post[0].isoformat(),
                        post[1],
                        post[2],
                        post[3],
                        post[4],
                    )
                )
            for start, end in emp.leaves:
                batch.rows["leave"].append(
                    (self.ids.take("leave"), emp.id, start.isoformat(), _iso(end))
                )
        for t in trainings:
            batch.rows["training"].append((self.ids.take("training"), pid, *t))
        for x in exams:
            batch.rows["exam"].append((self.ids.take("exam"), pid, *x))
        batch.rows["certificate"].extend(tuple(c) for c in certs)
        batch.rows["review"].extend(reviews)

    # ------------------------------------------------------------------------- certificates

    def _number(self, prefix: str, region: str, issued: dt.date) -> str:
        self.cert_seq += 1
        return f"{prefix}{region}{issued.year}{self.cert_seq:07d}"

    def _cert(
        self,
        certs: list[list[Any]],
        pid: int,
        cert_type: str,
        op: str | None,
        region: str,
        issued: dt.date,
        *,
        supersedes: int | None = None,
        revoked: bool = False,
        review_due: dt.date | None = None,
        keep_default_review: bool = True,
    ) -> tuple[int, dt.date, dt.date | None]:
        valid, due = default_dates(cert_type, issued)
        if not keep_default_review:
            due = review_due
        cid = self.ids.take("certificate")
        authority = (
            "晋城市应急管理局"
            if cert_type == "special_operation"
            else ("山西省应急管理厅" if self.rng.random() < 0.3 else "晋城市应急管理局")
        )
        number = self._number("T" if cert_type == "special_operation" else "A", region, issued)
        certs.append(
            [
                cid,
                pid,
                cert_type,
                op,
                number,
                authority,
                issued.isoformat(),
                valid.isoformat(),
                _iso(due),
                revoked,
                supersedes,
            ]
        )
        return cid, valid, due

    def _review(
        self,
        certs: list[list[Any]],
        reviews: list[tuple],
        cid: int,
        due: dt.date,
        issued: dt.date,
        train,
    ) -> bool:
        """Pass the review shortly before it is due, if that day has come: clears review_due."""
        passed = due - self.rng.randint(0, 55) * DAY
        if passed > self.today or passed < issued:
            return False
        hours = self.rng.choice([8.0, 8.0, 12.0, 16.0])
        reviews.append(
            (self.ids.take("review"), cid, passed.isoformat(), due.isoformat(), _h(hours), "")
        )
        for row in reversed(certs):
            if row[0] == cid:
                row[8] = None
                break
        train(
            passed - self.rng.randint(1, 10) * DAY,
            hours,
            "review",
            "特种作业人员复审培训",
            organiser="county",
        )
        return True

    def _special_certs(
        self,
        pid: int,
        emp: Emp,
        post_from: dt.date,
        op: str,
        eligible: bool,
        current: bool,
        certs: list[list[Any]],
        reviews: list[tuple],
        train,
    ) -> None:
        rng = self.rng
        today = self.today
        region = emp.ent.region
        six = 6 * 365
        if current:
            if self._want("CERT_MISSING", eligible=eligible):
                return
            if self._want("CERT_JOB_MISMATCH", eligible=eligible):
                other = rng.choice(
                    [o for _n, _j, o in self.jobs[emp.ent.sector] if o and o != op] or ["1.2"]
                )
                self._cert(
                    certs,
                    pid,
                    "special_operation",
                    other,
                    region,
                    self._day(post_from - 900 * DAY, min(post_from, today)),
                )
                return
        scenario = "natural"
        if current:
            for code in (
                "CERT_EXPIRED",
                "CERT_REVIEW_OVERDUE",
                "CERT_EXPIRING_SOON",
                "CERT_REVIEW_DUE_SOON",
            ):
                if RATES[code] == 0.0 and code in self.forced:
                    continue
                if self._want(code, eligible=eligible):
                    scenario = code
                    break
        if scenario == "CERT_EXPIRED":
            issued = add_years(today, -6) - rng.randint(5, 300) * DAY
        elif scenario == "CERT_REVIEW_OVERDUE":
            issued = add_years(today, -3) - rng.randint(5, 500) * DAY
        elif scenario == "CERT_EXPIRING_SOON":
            issued = add_years(today, -6) + rng.randint(3, 80) * DAY
        elif scenario == "CERT_REVIEW_DUE_SOON":
            issued = add_years(today, -3) + rng.randint(3, 50) * DAY
        else:
            lo = max(today - (six - 1) * DAY, post_from - 5 * 365 * DAY)
            hi = min(today, post_from + 20 * DAY) if current else post_from
            # held the post for years (hi < lo): the certificate in force is a renewal
            renewal = self._day(lo, today) if current else hi
            issued = self._day(lo, hi) if hi >= lo else renewal
        # the certificate it renewed, when that one was still valid during the history
        prev_id = None
        prev_valid_until = issued + rng.randint(0, 90) * DAY
        prev_issued = add_years(prev_valid_until + DAY, -6)
        if (
            prev_valid_until >= HISTORY_START
            and prev_issued >= post_from - 5 * 365 * DAY
            and rng.random() < 0.8
        ):
            prev_id, _valid, prev_due = self._cert(
                certs, pid, "special_operation", op, region, prev_issued
            )
            if prev_due is not None:
                self._review(certs, reviews, prev_id, prev_due, prev_issued, train)
        revoked = current and self._want("CERT_REVOKED", eligible=False)
        cid, _valid, due = self._cert(
            certs, pid, "special_operation", op, region, issued, supersedes=prev_id, revoked=revoked
        )
        if due is not None and scenario not in ("CERT_REVIEW_OVERDUE", "CERT_REVIEW_DUE_SOON"):
            self._review(certs, reviews, cid, due, issued, train)

    def _mgmt_certs(self, pid: int, emp: Emp, *, certs: list[list[Any]], exam) -> None:
        rng = self.rng
        today = self.today
        region = emp.ent.region
        if emp.no_cert:
            return  # appointed within six months, no certificate yet: CERT_PENDING
        if self._want("CERT_MISSING", eligible=False):
            return
        if emp.role == "safety_manager":
            first = emp.start - rng.randint(0, 700) * DAY
        else:
            first = emp.start + rng.randint(20, 170) * DAY  # within the six months' grace
        expired = rng.random() < RATES["CERT_EXPIRED"]
        if expired:
            issued = add_years(today, -3) - rng.randint(5, 300) * DAY
        elif first >= today - (3 * 365 - 1) * DAY:
            issued = first
        else:
            issued = self._day(today - (3 * 365 - 1) * DAY, today)
        if issued > today:
            return
        prev_id = None
        prev_valid = issued + rng.randint(0, 60) * DAY
        prev_issued = add_years(prev_valid + DAY, -3)
        if prev_valid >= HISTORY_START and prev_issued >= first - 400 * DAY:
            prev_id, _v, _d = self._cert(certs, pid, "safety_management", None, region, prev_issued)
            exam(
                prev_issued - rng.randint(3, 20) * DAY,
                "mgmt_assessment",
                "安全生产知识和管理能力考核",
                must_pass=True,
            )
        self._cert(certs, pid, "safety_management", None, region, issued, supersedes=prev_id)
        exam(
            issued - rng.randint(3, 20) * DAY,
            "mgmt_assessment",
            "安全生产知识和管理能力考核",
            must_pass=True,
        )
