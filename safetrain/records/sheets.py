"""Workbook sheets 培训记录, 考试记录, 三违, 事故, 演练 (DESIGN §5), registered from RecordsConfig.

Each handler: `check` validates every row without writing (one bulk look-up of persons by keyed
hash and of enterprises by credit code, no per-row queries) and returns a plan; `write` resolves
the plan to ids in bulk, skips rows whose natural key already exists (in the database — also as a
superseded record — or earlier in the same file) and bulk-creates the rest in batches;
`export_rows` yields the current (not superseded) records in header order.

Natural keys (a row equal to an existing record in every exported column is a duplicate):
- 培训记录: person, enterprise, date, hours, kind, level, title
- 考试记录: person, enterprise, date, purpose, score, pass mark
- 三违: person, enterprise, date, type, description
- 事故: enterprise, date, type, description
- 演练: enterprise, date, area type, title, participants
So importing an exported sheet again changes nothing (docs/records.md).

Persons and enterprises may be declared by the same file's 人员 / 企业 sheets, which run earlier:
their handlers leave `ctx.state["declared_persons"]` (normalized ID numbers) and
`ctx.state["declared_enterprises"]` (credit codes); anything else must already be in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from functools import partial
from typing import Any, ClassVar, cast

from django.db.models import Field, Model, Q

from safetrain.archive.chain import log_inserted_after, max_pk
from safetrain.catalog.models import AreaType
from safetrain.core import events
from safetrain.core.dates import parse_iso_date
from safetrain.core.errors import ValidationFailed
from safetrain.core.identifiers import InvalidIdentifier, mask_echo, normalize_id_number
from safetrain.core.scope import enterprise_q, person_q
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Employment, Person, User
from safetrain.records import services
from safetrain.records.models import (
    Channel,
    Drill,
    ExamPurpose,
    ExamResult,
    Incident,
    IncidentType,
    TrainingKind,
    TrainingLevel,
    TrainingRecord,
    Violation,
    ViolationType,
)
from safetrain.regions.models import CITY_CODE
from safetrain.workbook.registry import ExportScope, ImportContext, Row, SheetHandler, register

ID = "身份证号"
CODE = "统一社会信用代码"
CHUNK = 900  # ids per IN (...) query, below SQLite's historic 999-variable limit
BATCH = 2000  # rows per INSERT

DECLARED_PERSONS = "declared_persons"
DECLARED_ENTERPRISES = "declared_enterprises"


def _labels(choices: Any) -> dict[str, str]:
    return {str(label): str(value) for value, label in choices.choices}


def _values(choices: Any) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _number_out(value: Decimal) -> int | float:
    """Excel-friendly: 8 rather than 8.0; one decimal place is exact as a float repr."""
    return int(value) if value == value.to_integral_value() else float(value)


def _id_hash(number: str) -> str:
    from safetrain.people.services import id_lookup_hash

    return id_lookup_hash(number)


class _Checker:
    """Per-check state: caches, bulk look-ups and the jurisdiction of the importing actor."""

    def __init__(self, sheet: str, ctx: ImportContext) -> None:
        self.sheet = sheet
        self.ctx = ctx
        self.actor: User | None = ctx.actor
        self.role = ""
        if self.actor is not None:
            self.role = "city_admin" if self.actor.is_superuser else str(self.actor.role)
        self._ids: dict[str, tuple[str, str] | str] = {}  # raw → (number, hash) | error
        self._dates: dict[str, dt.date | str] = {}
        self.known_hashes: set[str] = set()
        self.enterprises: dict[str, tuple[int, str]] = {}  # code → (pk, region)
        self.declared_codes: set[str] = set()

    def error(self, row: Row, column: str, message: str) -> None:
        self.ctx.error(self.sheet, row.number, column, message)

    def allowed(self, roles: frozenset[str] = services.RECORDING_ROLES) -> bool:
        if self.actor is not None and self.role not in roles:
            self.ctx.error(self.sheet, 1, "", "您的角色无权导入该表")
            return False
        return True

    # ---- persons
    def id_number(self, raw: str) -> tuple[str, str] | str:
        cached = self._ids.get(raw)
        if cached is None:
            try:
                number = normalize_id_number(raw)
                cached = (number, _id_hash(number))
            except InvalidIdentifier as exc:
                cached = f"身份证号“{mask_echo(raw)}”无效：{exc}" if raw else "身份证号不能为空"
            self._ids[raw] = cached
        return cached

    def load_persons(self, rows: list[Row]) -> None:
        hashes = []
        for row in rows:
            parsed = self.id_number(row.get(ID).strip())
            if isinstance(parsed, tuple):
                hashes.append(parsed[1])
        wanted = sorted(set(hashes))
        base = Person.objects.all()
        if self.actor is not None:
            base = base.filter(person_q(self.actor))
        for chunk in _chunks(wanted):
            self.known_hashes.update(
                base.filter(id_number_hash__in=chunk).values_list("id_number_hash", flat=True)
            )
        for number in self.ctx.state.get(DECLARED_PERSONS, ()) or ():
            parsed = self.id_number(str(number))
            if isinstance(parsed, tuple):
                self.known_hashes.add(parsed[1])

    def person(self, row: Row) -> str | None:
        raw = row.get(ID).strip()
        parsed = self.id_number(raw)
        if isinstance(parsed, str):
            self.error(row, ID, parsed)
            return None
        if parsed[1] not in self.known_hashes:
            self.error(
                row,
                ID,
                "未找到该身份证号的人员（请先在“人员”表中登记，或该人员不在您的管辖范围内）",
            )
            return None
        return parsed[1]

    # ---- enterprises
    def load_enterprises(self, rows: list[Row]) -> None:
        codes = sorted({row.get(CODE).strip().upper() for row in rows} - {""})
        for chunk in _chunks(codes):
            for pk, code, region in Enterprise.objects.filter(credit_code__in=chunk).values_list(
                "pk", "credit_code", "region_id"
            ):
                self.enterprises[code] = (pk, region)
        self.declared_codes = {
            str(c).strip().upper() for c in self.ctx.state.get(DECLARED_ENTERPRISES, ()) or ()
        }

    def enterprise(self, row: Row, *, required: bool) -> str | None:
        """The credit code ('' for none) or None after an error."""
        code = row.get(CODE).strip().upper()
        if not code:
            if required or self.role == "enterprise_admin":
                self.error(row, CODE, "统一社会信用代码不能为空")
                return None
            return ""
        known = self.enterprises.get(code)
        if known is None and code not in self.declared_codes:
            self.error(row, CODE, f"未找到统一社会信用代码为 {code} 的企业")
            return None
        if self.actor is None or self.role == "city_admin":
            return code
        if self.role == "enterprise_admin":
            if known is None or known[0] != self.actor.enterprise_id:
                self.error(row, CODE, "只能导入本企业的记录")
                return None
        elif self.role == "county_admin":
            from safetrain.core.scope import is_citywide

            if (
                known is not None
                and not is_citywide(self.actor)
                and known[1] != self.actor.region_id
            ):
                self.error(row, CODE, "该企业不在您的辖区内")
                return None
        return code

    # ---- cells
    def date(self, row: Row, column: str) -> dt.date | None:
        raw = row.get(column).strip()
        cached = self._dates.get(raw)
        if cached is None:
            text = raw[:10] if raw.endswith(("00:00:00", "T00:00:00")) else raw
            try:
                day = parse_iso_date(text)
                cached = (
                    day
                    if day <= self.ctx.today
                    else f"日期 {raw} 晚于今天（{self.ctx.today:%Y-%m-%d}）"
                )
            except ValueError as exc:
                cached = str(exc) if raw else "日期不能为空"
            self._dates[raw] = cached
        if isinstance(cached, str):
            self.error(row, column, cached)
            return None
        return cached

    def choice(self, row: Row, column: str, labels: dict[str, str], *, empty: bool = False):
        raw = row.get(column).strip()
        if not raw and empty:
            return ""
        value = labels.get(raw)
        if value is None:
            self.error(row, column, f"“{raw}”无效，应为：{'/'.join(labels)}")
        return value

    def validated(self, row: Row, column: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except ValidationFailed as exc:
            self.error(row, column, exc.message)
            return None

    def text(self, row: Row, column: str, *, required: bool, limit: int | None = None):
        value = row.get(column).strip()
        if required and not value:
            self.error(row, column, f"{column}不能为空")
            return None
        if limit is not None and len(value) > limit:
            self.error(row, column, f"{column}不能超过 {limit} 个字")
            return None
        return value


# ----------------------------------------------------------------------------- writing helpers


def _person_ids(hashes: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(hashes))
    out: dict[str, int] = {}
    for chunk in _chunks(wanted):
        out.update(
            Person.objects.filter(id_number_hash__in=chunk).values_list("id_number_hash", "pk")
        )
    return out


def _enterprise_ids(codes: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(codes) - {""})
    out: dict[str, int] = {}
    for chunk in _chunks(wanted):
        out.update(
            Enterprise.objects.filter(credit_code__in=chunk).values_list("credit_code", "pk")
        )
    return out


def _existing_keys(
    model: type[Model], owner: str, owner_ids: Iterable[int], fields: Sequence[str]
) -> set[tuple[Any, ...]]:
    """Natural keys already stored (superseded rows too: an old file never resurrects them)."""
    keys: set[tuple[Any, ...]] = set()
    ids = sorted(set(owner_ids))
    for chunk in _chunks(ids):
        keys.update(
            model._default_manager.filter(**{f"{owner}__in": chunk})
            .order_by()
            .values_list(*fields)
            .iterator(chunk_size=10_000)
        )
    return keys


def _insert(
    model: type[Model], fields: Sequence[str], rows: Iterable[tuple[Any, ...]], ctx: ImportContext
) -> int:
    """INSERT rows (values for `fields`, by attname) in batches with executemany, adding the
    attribution columns (created_at, created_by, source). Values are prepared for the database
    by each field (memoized: dates, hours and codes repeat), so this stays portable; it skips
    Model instances because building millions of them costs more than the inserts."""
    from django.db import connections, router
    from django.utils import timezone

    meta = model._meta
    using = router.db_for_write(model)
    connection = connections[using]
    given: list[Field[Any, Any]] = [
        cast("Field[Any, Any]", meta.get_field(name))
        for name in (*fields, "created_at", "created_by", "source")
    ]
    # every other column takes its model default (title "", supersedes NULL …)
    others = [
        f
        for f in meta.concrete_fields
        if f not in given and not f.primary_key and f.attname not in fields
    ]
    all_fields = [*given, *others]
    constants = (timezone.now(), _creator(ctx), "import", *(f.get_default() for f in others))
    preparers = []
    for field in all_fields:
        cache: dict[Any, Any] = {}

        def prepare(value: Any, field: Any = field, cache: dict[Any, Any] = cache) -> Any:
            if value is None:
                return None
            try:
                return cache[value]
            except KeyError:
                prepared = cache[value] = field.get_db_prep_save(value, connection)
                return prepared
            except TypeError:  # unhashable
                return field.get_db_prep_save(value, connection)

        preparers.append(prepare)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in all_fields)
    marks = ", ".join(["%s"] * len(all_fields))
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({marks})"
    count = 0
    batch: list[list[Any]] = []
    # whose compliance inputs changed: persons (training, exams, 三违) or enterprises (incidents,
    # drills); told after the rows are in, as the services tell (the status cache and the cached
    # rates depend on it)
    who = fields.index("person_id") if "person_id" in fields else None
    ent = fields.index("enterprise_id") if who is None and "enterprise_id" in fields else None
    touched: set[int] = set()
    when = fields.index("date") if "date" in fields else None
    earliest: dt.date | None = None  # the earliest record date: no day before it changes
    before = max_pk(model)  # the record log reads the new rows back (docs/archive.md)
    with connection.cursor() as cursor:
        for row in rows:
            if when is not None and (earliest is None or row[when] < earliest):
                earliest = row[when]
            if who is not None and row[who] is not None:
                touched.add(row[who])
            elif ent is not None and row[ent] is not None:
                touched.add(row[ent])
            values = (*row, *constants)
            batch.append([prep(v) for prep, v in zip(preparers, values, strict=True)])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    log_inserted_after("added", model, before, created_at=constants[0], using=using)
    if who is not None:
        events.persons_changed(touched, since=earliest)
    else:
        for enterprise_id in sorted(touched):
            events.enterprise_changed(enterprise_id)
    return count


def _creator(ctx: ImportContext) -> int | None:
    return ctx.actor.pk if ctx.actor is not None else None


# ----------------------------------------------------------------------------- export helpers


def _person_scope_q(scope: ExportScope) -> Q:
    """Records of persons (with an enterprise or, for bureau training, without one)."""
    q = Q()
    if scope.viewer is not None:
        q &= (Q(enterprise__isnull=False) & enterprise_q(scope.viewer, "enterprise__")) | (
            Q(enterprise__isnull=True) & person_q(scope.viewer, "person__")
        )
    if scope.region and scope.region != CITY_CODE:
        q &= Q(enterprise__region_id=scope.region) | Q(
            enterprise__isnull=True,
            person__in=Employment.objects.filter(enterprise__region_id=scope.region).values(
                "person_id"
            ),
        )
    if scope.enterprise:
        code = scope.enterprise.strip().upper()
        q &= Q(enterprise__credit_code=code) | Q(
            enterprise__isnull=True,
            person__in=Employment.objects.filter(enterprise__credit_code=code).values("person_id"),
        )
    return q


def _enterprise_scope_q(scope: ExportScope) -> Q:
    q = Q()
    if scope.viewer is not None:
        q &= enterprise_q(scope.viewer, "enterprise__")
    if scope.region and scope.region != CITY_CODE:
        q &= Q(enterprise__region_id=scope.region)
    if scope.enterprise:
        q &= Q(enterprise__credit_code=scope.enterprise.strip().upper())
    return q


class _IdNumbers:
    """Decrypts each person's ID number once per export."""

    def __init__(self) -> None:
        self._cache: dict[int, str] = {}

    def __call__(self, person_id: int, token: str) -> str:
        number = self._cache.get(person_id)
        if number is None:
            from safetrain.core.crypto import decrypt

            number = self._cache[person_id] = decrypt(token)
        return number


# ----------------------------------------------------------------------------- 培训记录

KIND_BY_LABEL = _labels(TrainingKind)
LEVEL_BY_LABEL = _labels(TrainingLevel)
PURPOSE_BY_LABEL = _labels(ExamPurpose)
VIOLATION_BY_LABEL = _labels(ViolationType)
INCIDENT_BY_LABEL = _labels(IncidentType)
AREA_BY_LABEL = _labels(AreaType)


@register
class TrainingSheet(SheetHandler):
    name = "培训记录"
    headers: ClassVar[list[str]] = [
        ID,
        CODE,
        "培训日期",
        "学时",
        "培训类型",
        "培训层级",
        "培训名称",
    ]
    order = 60
    description = "培训记录：每行一人一次培训"

    def check(self, rows: list[Row], ctx: ImportContext) -> list[tuple[Any, ...]]:
        c = _Checker(self.name, ctx)
        if not c.allowed():
            return []
        c.load_persons(rows)
        c.load_enterprises(rows)
        plan = []
        hours_cache: dict[str, Decimal | str] = {}
        for row in rows:
            person = c.person(row)
            code = c.enterprise(row, required=False)
            day = c.date(row, "培训日期")
            raw_hours = row.get("学时").strip()
            hours = hours_cache.get(raw_hours)
            if hours is None:
                try:
                    hours = services.validate_hours(raw_hours)
                except ValidationFailed as exc:
                    hours = exc.message if raw_hours else "学时不能为空"
                hours_cache[raw_hours] = hours
            if isinstance(hours, str):
                c.error(row, "学时", hours)
                hours = None
            kind = c.choice(row, "培训类型", KIND_BY_LABEL)
            level = c.choice(row, "培训层级", LEVEL_BY_LABEL, empty=True)
            if kind and level and kind not in services.LEVELLED_KINDS:
                c.error(row, "培训层级", "只有岗前培训分公司级、车间级、班组级三级")
                level = None
            title = c.text(row, "培训名称", required=True, limit=services.TITLE_MAX)
            values = (person, code, day, hours, kind, level, title)
            if all(v is not None for v in values):
                plan.append(values)
        return plan

    def write(self, plan: list[tuple[Any, ...]], ctx: ImportContext) -> int:
        persons = _person_ids(p[0] for p in plan)
        ents = _enterprise_ids(p[1] for p in plan)
        key_fields = ("person_id", "enterprise_id", "date", "hours", "kind", "level", "title")
        seen = _existing_keys(TrainingRecord, "person_id", persons.values(), key_fields)
        organisers = {
            True: services.organiser_for(ctx.actor, has_enterprise=True),
            False: services.organiser_for(ctx.actor, has_enterprise=False),
        }

        def rows() -> Iterator[tuple[Any, ...]]:
            for id_hash, code, day, hours, kind, level, title in plan:
                key = (persons[id_hash], ents.get(code), day, hours, kind, level, title)
                if key not in seen:
                    seen.add(key)
                    yield (*key, organisers[bool(code)], Channel.IMPORT.value)

        return _insert(TrainingRecord, (*key_fields, "organiser", "channel"), rows(), ctx)

    def export_rows(self, scope: ExportScope) -> Iterator[list[Any]]:
        ids = _IdNumbers()
        kinds = _values(TrainingKind)
        levels = _values(TrainingLevel)
        qs = (
            TrainingRecord.objects.filter(superseded_by__isnull=True)
            .filter(_person_scope_q(scope))
            .order_by("person_id", "date", "id")
            .values_list(
                "person_id",
                "person__id_number_enc",
                "enterprise__credit_code",
                "date",
                "hours",
                "kind",
                "level",
                "title",
            )
        )
        for pid, token, code, day, hours, kind, level, title in qs.iterator(chunk_size=5000):
            yield [
                ids(pid, token),
                code or "",
                day.isoformat(),
                _number_out(hours),
                kinds[kind],
                levels.get(level, ""),
                title,
            ]


# ----------------------------------------------------------------------------- 考试记录


@register
class ExamSheet(SheetHandler):
    name = "考试记录"
    headers: ClassVar[list[str]] = [ID, CODE, "考试日期", "考试类型", "成绩", "及格分"]
    order = 70
    description = "考试记录：每行一人一次考试；及格分为空时按 80 分"

    def check(self, rows: list[Row], ctx: ImportContext) -> list[tuple[Any, ...]]:
        c = _Checker(self.name, ctx)
        if not c.allowed():
            return []
        c.load_persons(rows)
        c.load_enterprises(rows)
        plan = []
        for row in rows:
            person = c.person(row)
            code = c.enterprise(row, required=False)
            day = c.date(row, "考试日期")
            purpose = c.choice(row, "考试类型", PURPOSE_BY_LABEL)
            raw_score = row.get("成绩").strip()
            raw_mark = row.get("及格分").strip() or str(services.DEFAULT_PASS_MARK)
            score = mark = None
            if not raw_score:
                c.error(row, "成绩", "成绩不能为空")
            else:
                try:
                    score, mark = services.validate_score(raw_score, raw_mark)
                except ValidationFailed as exc:
                    column = "及格分" if "pass_mark" in exc.fields else "成绩"
                    c.error(row, column, exc.message)
            values = (person, code, day, purpose, score, mark)
            if all(v is not None for v in values):
                plan.append(values)
        return plan

    def write(self, plan: list[tuple[Any, ...]], ctx: ImportContext) -> int:
        persons = _person_ids(p[0] for p in plan)
        ents = _enterprise_ids(p[1] for p in plan)
        key_fields = ("person_id", "enterprise_id", "date", "purpose", "score", "pass_mark")
        seen = _existing_keys(ExamResult, "person_id", persons.values(), key_fields)

        def rows() -> Iterator[tuple[Any, ...]]:
            for id_hash, code, day, purpose, score, mark in plan:
                key = (persons[id_hash], ents.get(code), day, purpose, score, mark)
                if key not in seen:
                    seen.add(key)
                    yield (*key, score >= mark)

        return _insert(ExamResult, (*key_fields, "passed"), rows(), ctx)

    def export_rows(self, scope: ExportScope) -> Iterator[list[Any]]:
        ids = _IdNumbers()
        purposes = _values(ExamPurpose)
        qs = (
            ExamResult.objects.filter(superseded_by__isnull=True)
            .filter(_person_scope_q(scope))
            .order_by("person_id", "date", "id")
            .values_list(
                "person_id",
                "person__id_number_enc",
                "enterprise__credit_code",
                "date",
                "purpose",
                "score",
                "pass_mark",
            )
        )
        for pid, token, code, day, purpose, score, mark in qs.iterator(chunk_size=5000):
            yield [
                ids(pid, token),
                code or "",
                day.isoformat(),
                purposes[purpose],
                _number_out(score),
                _number_out(mark),
            ]


# ----------------------------------------------------------------------------- 三违


@register
class ViolationSheet(SheetHandler):
    name = "三违"
    headers: ClassVar[list[str]] = [ID, CODE, "日期", "类型", "描述"]
    order = 80
    description = "三违：违章指挥/违章作业/违反劳动纪律"

    def check(self, rows: list[Row], ctx: ImportContext) -> list[tuple[Any, ...]]:
        c = _Checker(self.name, ctx)
        if not c.allowed():
            return []
        c.load_persons(rows)
        c.load_enterprises(rows)
        plan = []
        for row in rows:
            values = (
                c.person(row),
                c.enterprise(row, required=True),
                c.date(row, "日期"),
                c.choice(row, "类型", VIOLATION_BY_LABEL),
                c.text(row, "描述", required=False),
            )
            if all(v is not None for v in values):
                plan.append(values)
        return plan

    def write(self, plan: list[tuple[Any, ...]], ctx: ImportContext) -> int:
        persons = _person_ids(p[0] for p in plan)
        ents = _enterprise_ids(p[1] for p in plan)
        fields = ("person_id", "enterprise_id", "date", "type", "text")
        seen = _existing_keys(Violation, "person_id", persons.values(), fields)

        def rows() -> Iterator[tuple[Any, ...]]:
            for id_hash, code, day, vtype, text in plan:
                key = (persons[id_hash], ents[code], day, vtype, text)
                if key not in seen:
                    seen.add(key)
                    yield key

        return _insert(Violation, fields, rows(), ctx)

    def export_rows(self, scope: ExportScope) -> Iterator[list[Any]]:
        ids = _IdNumbers()
        types = _values(ViolationType)
        qs = (
            Violation.objects.filter(_person_scope_q(scope))
            .order_by("person_id", "date", "id")
            .values_list(
                "person_id",
                "person__id_number_enc",
                "enterprise__credit_code",
                "date",
                "type",
                "text",
            )
        )
        for pid, token, code, day, vtype, text in qs.iterator(chunk_size=5000):
            yield [ids(pid, token), code, day.isoformat(), types[vtype], text]


# ----------------------------------------------------------------------------- 事故


@register
class IncidentSheet(SheetHandler):
    name = "事故"
    headers: ClassVar[list[str]] = [CODE, "日期", "类型", "描述"]
    order = 90
    description = "事故：死亡事故/重大事故隐患/较大事故隐患"

    def check(self, rows: list[Row], ctx: ImportContext) -> list[tuple[Any, ...]]:
        c = _Checker(self.name, ctx)
        if not c.allowed():
            return []
        c.load_enterprises(rows)
        plan = []
        for row in rows:
            values = (
                c.enterprise(row, required=True),
                c.date(row, "日期"),
                c.choice(row, "类型", INCIDENT_BY_LABEL),
                c.text(row, "描述", required=False),
            )
            if all(v is not None for v in values):
                plan.append(values)
        return plan

    def write(self, plan: list[tuple[Any, ...]], ctx: ImportContext) -> int:
        ents = _enterprise_ids(p[0] for p in plan)
        fields = ("enterprise_id", "date", "type", "text")
        seen = _existing_keys(Incident, "enterprise_id", ents.values(), fields)

        def rows() -> Iterator[tuple[Any, ...]]:
            for code, day, itype, text in plan:
                key = (ents[code], day, itype, text)
                if key not in seen:
                    seen.add(key)
                    yield key

        return _insert(Incident, fields, rows(), ctx)

    def export_rows(self, scope: ExportScope) -> Iterator[list[Any]]:
        types = _values(IncidentType)
        qs = (
            Incident.objects.filter(_enterprise_scope_q(scope))
            .order_by("enterprise__credit_code", "date", "id")
            .values_list("enterprise__credit_code", "date", "type", "text")
        )
        for code, day, itype, text in qs.iterator(chunk_size=5000):
            yield [code, day.isoformat(), types[itype], text]


# ----------------------------------------------------------------------------- 演练


@register
class DrillSheet(SheetHandler):
    name = "演练"
    headers: ClassVar[list[str]] = [CODE, "日期", "区域类型", "名称", "参加人数"]
    order = 100
    description = "应急演练：区域类型为 矿井/办公/生产/生活"

    def check(self, rows: list[Row], ctx: ImportContext) -> list[tuple[Any, ...]]:
        c = _Checker(self.name, ctx)
        if not c.allowed():
            return []
        c.load_enterprises(rows)
        plan = []
        for row in rows:
            raw: str = row.get("参加人数").strip()
            values = (
                c.enterprise(row, required=True),
                c.date(row, "日期"),
                c.choice(row, "区域类型", AREA_BY_LABEL),
                c.text(row, "名称", required=True, limit=services.TITLE_MAX),
                c.validated(row, "参加人数", partial(services.validate_participants, raw)),
            )
            if all(v is not None for v in values):
                plan.append(values)
        return plan

    def write(self, plan: list[tuple[Any, ...]], ctx: ImportContext) -> int:
        ents = _enterprise_ids(p[0] for p in plan)
        fields = ("enterprise_id", "date", "area_type", "title", "participants")
        seen = _existing_keys(Drill, "enterprise_id", ents.values(), fields)

        def rows() -> Iterator[tuple[Any, ...]]:
            for code, day, area, title, participants in plan:
                key = (ents[code], day, area, title, participants)
                if key not in seen:
                    seen.add(key)
                    yield key

        return _insert(Drill, fields, rows(), ctx)

    def export_rows(self, scope: ExportScope) -> Iterator[list[Any]]:
        areas = _values(AreaType)
        qs = (
            Drill.objects.filter(_enterprise_scope_q(scope))
            .order_by("enterprise__credit_code", "date", "id")
            .values_list("enterprise__credit_code", "date", "area_type", "title", "participants")
        )
        for code, day, area, title, participants in qs.iterator(chunk_size=5000):
            yield [code, day.isoformat(), areas[area], title, participants]
