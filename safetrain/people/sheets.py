"""Workbook sheets 人员 (20), 岗位变动 (30) and 离岗 (40), DESIGN §5; docs/workbook.md.

人员: one row per employment, keyed by (person, enterprise, 入职日期). A row whose key exists is
an update of that employment, written only when something differs; so import → export → import
changes nothing. The 岗位 of a row is the post held from the start date; later posts come from
岗位变动 (keyed by employment and 变动日期), leaves from 离岗 (keyed by employment and 离岗开始).

Everything is checked in bulk (persons by keyed hash, enterprises by credit code, the
employments, posts and leaves of those persons: a handful of queries for any number of rows)
and written with bulk_create / bulk_update.

For later sheets of the same file the 人员 check leaves:
- ctx.state["persons_by_hash"]: {id_lookup_hash(number): {"id_number", "name"}}
- ctx.state["declared_persons"]: {normalised ID number}
- ctx.state["people.employments"]: {hash: [Emp]} the employments as they will be after writing
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db.models import F, Q

from safetrain.archive.chain import Refs, log_ids, log_objects
from safetrain.catalog.models import EmploymentForm, JobType, RoleCategory, SpecialOperation
from safetrain.core import crypto, events
from safetrain.core.dates import parse_iso_date
from safetrain.core.identifiers import (
    InvalidIdentifier,
    id_birth_date,
    mask_echo,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
)
from safetrain.core.scope import enterprise_q, is_citywide
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.people.models import Employment, Leave, Person, Post
from safetrain.people.services import lookup_hashers, phone_lookup_hash, ranges_overlap
from safetrain.regions.models import CITY_CODE
from safetrain.workbook.bulk import insert_rows
from safetrain.workbook.registry import ExportScope, ImportContext, Row, SheetHandler, register

H_ID = "身份证号"
H_NAME = "姓名"
H_PHONE = "手机号"
H_CODE = "统一社会信用代码"
H_ROLE = "人员类别"
H_POST = "岗位"
H_OP = "岗位所需特种作业"
H_START = "入职日期"
H_END = "离职日期"
H_DEPT = "部门"
H_FORM = "用工形式"
H_CHANGE = "变动日期"
H_NEW_POST = "新岗位"
H_LEAVE_START = "离岗开始"
H_LEAVE_END = "离岗结束"

NO_OPERATION = "无"
CHUNK = 900  # ids per IN (...) query (SQLite's historic 999-variable limit)
IMPORT_ROLES = frozenset({"city_admin", "county_admin", "enterprise_admin"})

PERSONS_BY_HASH = "persons_by_hash"
DECLARED_PERSONS = "declared_persons"
EMPLOYMENTS = "people.employments"
DECLARED_ENTERPRISES = "declared_enterprises"
ENTERPRISE_INFO = "enterprise_info"

ROLE_BY_LABEL = {str(c.label): str(c.value) for c in RoleCategory}
ROLE_LABEL = {v: k for k, v in ROLE_BY_LABEL.items()}
FORM_BY_LABEL = {str(c.label): str(c.value) for c in EmploymentForm}
FORM_LABEL = {v: k for k, v in FORM_BY_LABEL.items()}


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fmt(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _span(start: dt.date, end: dt.date | None) -> str:
    return f"{start}–{end or '至今'}"


@dataclass
class Emp:
    """An employment as it will be after the import (from the database and/or a 人员 row)."""

    code: str
    start: dt.date
    end: dt.date | None
    pk: int | None = None  # the stored employment
    row: int | None = None  # the 人员 row that declares it


@dataclass(frozen=True)
class PostInfo:
    title: str
    job_type_id: int | None
    operation_id: str | None


# ----------------------------------------------------------------------------- shared checking


class _Checker:
    """Per-sheet helpers: cached parsing, bulk look-ups, the importing actor's jurisdiction."""

    def __init__(self, sheet: str, ctx: ImportContext) -> None:
        self.sheet = sheet
        self.ctx = ctx
        actor = ctx.actor
        self.role = "" if actor is None else ("city_admin" if actor.is_superuser else actor.role)
        self.citywide = actor is None or is_citywide(actor)
        self._ids: dict[str, tuple[str, str] | str] = {}
        self._id_hash = lookup_hashers()[0]
        self._dates: dict[str, dt.date | str] = {}
        self.enterprises: dict[str, tuple[int, str, str]] = {}  # code → (pk, region, sector)
        self.declared: dict[str, tuple[str, str]] = dict(ctx.state.get(ENTERPRISE_INFO) or {})
        for code in ctx.state.get(DECLARED_ENTERPRISES) or ():
            self.declared.setdefault(str(code), ("", ""))
        self._job_types: dict[str, list[tuple[int, str, str | None]]] | None = None
        self._posts: dict[tuple[str, str | None, str], PostInfo] = {}
        self._operations: set[str] | None = None

    def error(self, row: Row | int, column: str, message: str) -> None:
        number = row if isinstance(row, int) else row.number
        self.ctx.error(self.sheet, number, column, message)

    def allowed(self) -> bool:
        if self.ctx.actor is not None and self.role not in IMPORT_ROLES:
            self.ctx.error(self.sheet, 1, "", "您的角色无权导入该表")
            return False
        return True

    def id_number(self, row: Row) -> tuple[str, str] | None:
        raw = row.get(H_ID).strip()
        parsed = self._ids.get(raw)
        if parsed is None:
            try:
                number = normalize_id_number(raw)
                parsed = (number, self._id_hash(number))
            except InvalidIdentifier as exc:
                parsed = f"身份证号“{mask_echo(raw)}”无效：{exc}" if raw else "身份证号不能为空"
            self._ids[raw] = parsed
        if isinstance(parsed, str):
            self.error(row, H_ID, parsed)
            return None
        return parsed

    def date(self, row: Row, column: str, *, required: bool) -> tuple[bool, dt.date | None]:
        raw = row.get(column).strip()
        if not raw:
            if required:
                self.error(row, column, f"{column}不能为空")
                return False, None
            return True, None
        parsed = self._dates.get(raw)
        if parsed is None:
            try:
                parsed = parse_iso_date(raw)
            except ValueError as exc:
                parsed = str(exc)
            self._dates[raw] = parsed
        if isinstance(parsed, str):
            self.error(row, column, parsed)
            return False, None
        return True, parsed

    def load_enterprises(self, rows: Iterable[Row]) -> None:
        codes = sorted({r.get(H_CODE).strip().upper() for r in rows} - {""})
        for chunk in _chunks(codes):
            for pk, code, region, sector in (
                Enterprise.objects.filter(credit_code__in=chunk)
                .order_by()  # no ORDER BY: SQLite would scan the table in that order
                .values_list("pk", "credit_code", "region_id", "sector_id")
            ):
                self.enterprises[code] = (pk, region, sector)

    def enterprise(self, row: Row) -> tuple[str, str] | None:
        """(credit code, sector code) when known and within the actor's jurisdiction."""
        code = row.get(H_CODE).strip().upper()
        if not code:
            self.error(row, H_CODE, "统一社会信用代码不能为空")
            return None
        stored = self.enterprises.get(code)
        if stored is not None:
            pk, region, sector = stored
        elif code in self.declared:
            pk, (region, sector) = 0, self.declared[code]
        else:
            self.error(
                row, H_CODE, f"未找到统一社会信用代码为 {code} 的企业（系统中和“企业”表中都没有）"
            )
            return None
        actor = self.ctx.actor
        if actor is not None and not self.citywide:
            if self.role == "enterprise_admin":
                if pk != actor.enterprise_id:
                    self.error(row, H_CODE, "只能导入本企业的人员")
                    return None
            elif region != actor.region_id:
                self.error(row, H_CODE, "该企业不在您的辖区内")
                return None
        return code, sector

    def known_persons(self, hashes: Iterable[str]) -> dict[str, tuple[int, str, str]]:
        """hash → (pk, name, phone hash) of stored persons."""
        out: dict[str, tuple[int, str, str]] = {}
        for chunk in _chunks(sorted(set(hashes))):
            # no ORDER BY (Person's default is the pk): with it SQLite scans every person in pk
            # order instead of looking the hashes up in their unique index
            for pk, h, name, phone_hash in (
                Person.objects.filter(id_number_hash__in=chunk)
                .order_by()
                .values_list("pk", "id_number_hash", "name", "phone_hash")
            ):
                out[h] = (pk, name, phone_hash)
        return out

    def operation(self, row: Row, column: str) -> tuple[bool, str | None]:
        """(ok, value): a code, NO_OPERATION for none, None for 'catalogue default'."""
        raw = row.get(column).strip()
        if not raw:
            return True, None
        if raw in (NO_OPERATION, "-"):
            return True, NO_OPERATION
        if self._operations is None:
            self._operations = set(SpecialOperation.objects.values_list("code", flat=True))
        if raw not in self._operations:
            self.error(row, column, f"未知的特种作业类别代码“{raw}”（如 5.4；没有则填“无”）")
            return False, None
        return True, raw

    def post(self, title: str, op: str | None, sector: str) -> PostInfo:
        """The job type a title links to (the enterprise's sector preferred, as job_type_find)
        and the operation: explicit, none, or the job type's catalogue default. Worked out once
        per (title, operation, sector): the rows of a sheet repeat a handful of posts."""
        key = (title, op, sector)
        info = self._posts.get(key)
        if info is None:
            info = self._posts[key] = self._find_post(title, op, sector)
        return info

    def _find_post(self, title: str, op: str | None, sector: str) -> PostInfo:
        if self._job_types is None:
            self._job_types = defaultdict(list)
            for pk, name, sec, jt_op in JobType.objects.order_by(
                "sector__ordering", "name"
            ).values_list("pk", "name", "sector_id", "operation_id"):
                self._job_types[name].append((pk, sec, jt_op))
        matches = self._job_types.get(title, [])
        chosen = next((m for m in matches if m[1] == sector), matches[0] if matches else None)
        job_type_id = chosen[0] if chosen else None
        operation: str | None
        if op == NO_OPERATION:
            operation = None
        elif op is not None:
            operation = op
        else:
            operation = chosen[2] if chosen else None
        return PostInfo(title, job_type_id, operation)

    def employments(self, hashes: Iterable[str]) -> dict[str, list[Emp]]:
        """The employments of these persons as they will be: the 人员 sheet's view when it
        declared the person, else the database's."""
        declared: dict[str, list[Emp]] = self.ctx.state.get(EMPLOYMENTS) or {}
        out = {h: declared[h] for h in hashes if h in declared}
        missing = sorted(set(hashes) - set(out))
        for chunk in _chunks(missing):
            for pk, h, code, start, end in Employment.objects.filter(
                person__id_number_hash__in=chunk
            ).values_list(
                "pk",
                "person__id_number_hash",
                "enterprise__credit_code",
                "start_date",
                "end_date",
            ):
                out.setdefault(h, []).append(Emp(code, start, end, pk=pk))
        return out


def _text(c: _Checker, row: Row, column: str, *, required: bool, limit: int) -> str | None:
    value = row.get(column).strip()
    if required and not value:
        c.error(row, column, f"{column}不能为空")
        return None
    if len(value) > limit:
        c.error(row, column, f"{column}不能超过 {limit} 个字")
        return None
    return value


def _dept_path(raw: str) -> tuple[bool, str]:
    if not raw:
        return True, ""  # no department (most rows)
    parts = [p.strip() for p in raw.replace("／", "/").split("/") if p.strip()]
    return len(parts) <= 2 and all(len(p) <= 64 for p in parts), "/".join(parts)


def _org_paths(enterprise_ids: Iterable[int]) -> dict[int, str]:
    """org unit pk → path below the company ('综采车间/一班'; '' for the company itself)."""
    units: dict[int, tuple[int | None, str, str]] = {}
    ids = sorted(set(enterprise_ids))
    for chunk in _chunks(ids):
        for pk, parent, name, kind in OrgUnit.objects.filter(enterprise_id__in=chunk).values_list(
            "pk", "parent_id", "name", "kind"
        ):
            units[pk] = (parent, name, kind)
    paths: dict[int, str] = {}
    for pk in units:
        parts = []
        node: int | None = pk
        while node is not None and node in units and units[node][2] != OrgUnit.Kind.COMPANY:
            parts.append(units[node][1])
            node = units[node][0]
        paths[pk] = "/".join(reversed(parts))
    return paths


def _employment_ids(
    keys: Iterable[tuple[str, str, dt.date]],
) -> dict[tuple[str, str, dt.date], int]:
    """(person hash, credit code, start) → employment pk, read after the 人员 writes."""
    wanted = set(keys)
    hashes = sorted({k[0] for k in wanted})
    out = {}
    for chunk in _chunks(hashes):
        for pk, h, code, start in Employment.objects.filter(
            person__id_number_hash__in=chunk
        ).values_list("pk", "person__id_number_hash", "enterprise__credit_code", "start_date"):
            if (h, code, start) in wanted:
                out[(h, code, start)] = pk
    return out


def _employment_scope(scope: ExportScope, prefix: str = "") -> Q:
    """Employments at enterprises in the viewer's scope, narrowed to a region or enterprise."""
    q = Q()
    if scope.viewer is not None:
        q &= enterprise_q(scope.viewer, f"{prefix}enterprise__")
    if scope.region and scope.region != CITY_CODE:
        q &= Q(**{f"{prefix}enterprise__region_id": scope.region})
    if scope.enterprise:
        q &= Q(**{f"{prefix}enterprise__credit_code": scope.enterprise.strip().upper()})
    return q


_PERSON_COLUMNS = (
    "uid",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
    "name",
    "birth_date",
    "phone_enc",
    "phone_hash",
    "phone_masked",
)
_POST_COLUMNS = (
    "employment_id",
    "from_date",
    "title",
    "job_type_id",
    "operation_id",
    "org_unit_id",
)


def _person_rows(rows: Iterable[PersonRow]) -> Iterator[tuple[Any, ...]]:
    """New persons' columns (as people.services.person_fields, from the normalized number, its
    lookup hash and the normalized phone of check()), encrypting in a tight loop."""
    encrypt = crypto.encryptor()
    phone_hash = lookup_hashers()[1]
    for r in rows:
        phone = r.phone
        yield (
            uuid.uuid4(),
            encrypt(r.number),
            r.id_hash,
            mask_id_number(r.number),
            r.name,
            id_birth_date(r.number),
            encrypt(phone) if phone else "",
            phone_hash(phone) if phone else "",
            mask_phone(phone) if phone else "",
        )


class _IdNumbers:
    """Decrypts each person's ID number (and phone) once per export."""

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def __call__(self, token: str) -> str:
        if not token:
            return ""
        value = self._cache.get(token)
        if value is None:
            value = self._cache[token] = crypto.decrypt(token)
        return value


def _op_out(operation_id: str | None) -> str:
    return operation_id or NO_OPERATION


# ----------------------------------------------------------------------------- 人员


@dataclass
class PersonRow:
    row: int
    number: str
    id_hash: str
    name: str
    phone: str
    code: str
    role: str
    post: PostInfo
    dept: str
    form: str
    start: dt.date
    end: dt.date | None


@dataclass
class PersonPlan:
    new_persons: dict[str, PersonRow] = field(default_factory=dict)  # hash → first row
    stored_ids: dict[str, int] = field(default_factory=dict)  # hash → pk of stored persons
    phone_updates: dict[int, str] = field(default_factory=dict)  # person pk → phone
    new_rows: list[PersonRow] = field(default_factory=list)
    updates: list[tuple[PersonRow, int, int | None]] = field(default_factory=list)  # emp, post
    changed: int = 0


@register
class PersonSheet(SheetHandler):
    name = "人员"
    headers: ClassVar[list[str]] = [
        H_ID,
        H_NAME,
        H_PHONE,
        H_CODE,
        H_ROLE,
        H_POST,
        H_OP,
        H_START,
        H_END,
        H_DEPT,
    ]
    optional_headers: ClassVar[list[str]] = [H_FORM]
    order = 20
    description = "人员：每行一段任职（一人换过企业则每段一行）"

    def check(self, rows: list[Row], ctx: ImportContext) -> PersonPlan:
        c = _Checker(self.name, ctx)
        by_hash: dict[str, dict[str, Any]] = ctx.state.setdefault(PERSONS_BY_HASH, {})
        declared: set[str] = ctx.state.setdefault(DECLARED_PERSONS, set())
        effective: dict[str, list[Emp]] = ctx.state.setdefault(EMPLOYMENTS, {})
        plan = PersonPlan()
        if not c.allowed():
            return plan
        c.load_enterprises(rows)
        parsed: list[PersonRow] = []
        first_row: dict[str, tuple[int, str, str]] = {}  # hash → (row, name, phone)
        for row in rows:
            ok = True
            ident = c.id_number(row)
            name = _text(c, row, H_NAME, required=True, limit=64)
            phone_raw = row.get(H_PHONE).strip()
            phone = ""
            if phone_raw:
                try:
                    phone = normalize_phone(phone_raw)
                except InvalidIdentifier as exc:
                    c.error(row, H_PHONE, str(exc))
                    ok = False
            ent = c.enterprise(row)
            role_raw = row.get(H_ROLE).strip()
            role = ROLE_BY_LABEL.get(role_raw, role_raw if role_raw in ROLE_LABEL else "")
            if not role:
                c.error(row, H_ROLE, f"人员类别“{role_raw}”无效（可选：{'/'.join(ROLE_BY_LABEL)}）")
            title = _text(c, row, H_POST, required=True, limit=64)
            op_ok, op = c.operation(row, H_OP)
            start_ok, start = c.date(row, H_START, required=True)
            end_ok, end = c.date(row, H_END, required=False)
            if start and end and end < start:
                c.error(row, H_END, f"离职日期 {end} 早于入职日期 {start}")
                ok = False
            dept_ok, dept = _dept_path(row.get(H_DEPT))
            if not dept_ok:
                c.error(
                    row, H_DEPT, "部门最多两级（车间/班组，如“综采车间/一班”），每级不超过 64 字"
                )
            form_raw = row.get(H_FORM).strip()
            form = (
                FORM_BY_LABEL.get(form_raw, form_raw if form_raw in FORM_LABEL else "")
                if form_raw
                else EmploymentForm.CONTRACT.value
            )
            if not form:
                c.error(row, H_FORM, f"用工形式“{form_raw}”无效（可选：{'/'.join(FORM_BY_LABEL)}）")
            if ident is not None and name:
                number, id_hash = ident
                declared.add(number)
                by_hash.setdefault(id_hash, {"id_number": number, "name": name})
                seen = first_row.get(id_hash)
                if seen is None:
                    first_row[id_hash] = (row.number, name, phone)
                else:
                    if seen[1] != name:
                        c.error(
                            row,
                            H_NAME,
                            f"同一身份证号在第 {seen[0]} 行的姓名为“{seen[1]}”，与“{name}”不一致",
                        )
                        ok = False
                    if phone and seen[2] and phone != seen[2]:
                        c.error(row, H_PHONE, f"同一身份证号在第 {seen[0]} 行的手机号不同")
                        ok = False
                    elif phone and not seen[2]:
                        first_row[id_hash] = (seen[0], seen[1], phone)
            if not (
                ok
                and ident
                and name is not None
                and ent
                and role
                and title
                and op_ok
                and start_ok
                and start
                and end_ok
                and dept_ok
                and form
            ):
                continue
            parsed.append(
                PersonRow(
                    row=row.number,
                    number=ident[0],
                    id_hash=ident[1],
                    name=name,
                    phone=phone,
                    code=ent[0],
                    role=role,
                    post=c.post(title, op, ent[1]),
                    dept=dept,
                    form=form,
                    start=start,
                    end=end,
                )
            )
        # ---- what is stored for these persons
        stored = c.known_persons(first_row)
        plan.stored_ids = {h: v[0] for h, v in stored.items()}
        stored_emps: dict[int, list[tuple[int, str, dt.date, dt.date | None, str, str]]] = (
            defaultdict(list)
        )
        person_pks = sorted(v[0] for v in stored.values())
        for chunk in _chunks(person_pks):
            for row_values in Employment.objects.filter(person_id__in=chunk).values_list(
                "pk",
                "person_id",
                "enterprise__credit_code",
                "enterprise_id",
                "start_date",
                "end_date",
                "role_category",
                "employment_form",
            ):
                pk, pid, code, ent_id, start, end, role, form = row_values
                stored_emps[pid].append((pk, code, start, end, role, form))
        emp_ids = [e[0] for emps in stored_emps.values() for e in emps]
        first_posts: dict[int, tuple[int, PostInfo, int | None]] = {}
        org_units: set[int] = set()
        for chunk in _chunks(emp_ids):
            for pk, emp_id, title, jt, op, unit in Post.objects.filter(
                employment_id__in=chunk, from_date=F("employment__start_date")
            ).values_list(
                "pk", "employment_id", "title", "job_type_id", "operation_id", "org_unit_id"
            ):
                first_posts[emp_id] = (pk, PostInfo(title, jt, op), unit)
                if unit:
                    org_units.add(unit)
        paths: dict[int, str] = {}
        if org_units:
            ent_ids = set(
                OrgUnit.objects.filter(pk__in=org_units).values_list("enterprise_id", flat=True)
            )
            paths = _org_paths(ent_ids)
        # ---- persons: names and phones against the database
        for id_hash, (row_no, name, phone) in first_row.items():
            known = stored.get(id_hash)
            if known is None:
                continue
            if known[1] != name:
                c.error(row_no, H_NAME, "姓名与系统中该身份证号已登记的姓名不一致")
            elif phone and phone_lookup_hash(phone) != known[2]:
                plan.phone_updates[known[0]] = phone
        # ---- employments: the effective set per person, overlaps, updates
        rows_by_person: dict[str, list[PersonRow]] = defaultdict(list)
        for r in parsed:
            rows_by_person[r.id_hash].append(r)
        for id_hash, person_rows in rows_by_person.items():
            known = stored.get(id_hash)
            db = {(e[1], e[2]): e for e in stored_emps.get(known[0], [])} if known else {}
            emps: dict[tuple[str, dt.date], Emp] = {
                key: Emp(key[0], key[1], e[3], pk=e[0]) for key, e in db.items()
            }
            file_keys: dict[tuple[str, dt.date], int] = {}
            for r in person_rows:
                key = (r.code, r.start)
                if key in file_keys:
                    c.error(
                        r.row,
                        H_START,
                        f"与第 {file_keys[key]} 行是同一段任职（同一企业、同一入职日期）",
                    )
                    continue
                file_keys[key] = r.row
                emp = emps.get(key)
                if emp is None:
                    emps[key] = Emp(r.code, r.start, r.end, row=r.row)
                else:
                    emp.end, emp.row = r.end, r.row
            ordered = sorted(emps.values(), key=lambda e: e.start)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    if not ranges_overlap(a.start, a.end, b.start, b.end):
                        continue
                    culprit, other = (b, a) if b.row is not None else (a, b)
                    if culprit.row is None:
                        continue
                    where = f"第 {other.row} 行" if other.row is not None else "系统中已有的任职"
                    c.error(
                        culprit.row,
                        H_START,
                        f"任职期间 {_span(culprit.start, culprit.end)} 与{where}"
                        f"（{other.code} {_span(other.start, other.end)}）重叠",
                    )
            effective[id_hash] = ordered
            # ---- new or changed rows
            for r in person_rows:
                if file_keys.get((r.code, r.start)) != r.row:
                    continue
                stored_emp = db.get((r.code, r.start))
                if known is None or stored_emp is None:
                    plan.new_rows.append(r)
                    if known is None and id_hash not in plan.new_persons:
                        first = first_row[id_hash]
                        plan.new_persons[id_hash] = r
                        r.phone = first[2]
                    continue
                emp_pk, _, _, end, role, form = stored_emp
                post = first_posts.get(emp_pk)
                same = (
                    end == r.end
                    and role == r.role
                    and form == r.form
                    and post is not None
                    and post[1] == r.post
                    and paths.get(post[2] or 0, "") == r.dept
                )
                if same:
                    continue
                plan.updates.append((r, emp_pk, post[0] if post else None))
        touched = {r.id_hash for r in plan.new_rows} | {u[0].id_hash for u in plan.updates}
        phone_only = [
            h for h, v in stored.items() if v[0] in plan.phone_updates and h not in touched
        ]
        plan.changed = len(plan.new_rows) + len(plan.updates) + len(phone_only)
        return plan

    def write(self, plan: PersonPlan, ctx: ImportContext) -> int:
        """Set-based: new persons, employments and first posts with one executemany each
        (workbook.bulk.insert_rows, which returns their ids in order and logs the employments and
        posts from the values in hand, the references primed here); updates with bulk_update.
        Tells compliance which persons changed (core.events), so their status is refreshed
        set-based after the commit."""
        actor = ctx.actor
        creator = actor.pk if actor is not None else None
        refs = Refs()  # what the record log's entries refer to, known here (docs/archive.md)
        # persons: the values person_fields() computes, from the number and hash already
        # normalized by check() (checked in scale/tests/test_fast_paths.py)
        new_persons = list(_person_rows(plan.new_persons.values()))
        new_person_ids = insert_rows(
            Person,
            _PERSON_COLUMNS,
            new_persons,
            created_by=creator,
            distinct={"uid", "id_number_enc", "id_number_hash", "id_number_masked", "phone_enc"},
        )
        person_ids = dict(plan.stored_ids)
        for id_hash, pk, values in zip(plan.new_persons, new_person_ids, new_persons, strict=True):
            person_ids[id_hash] = pk
            refs.persons[pk] = (str(values[0]), values[3])  # uid, masked ID number
        if plan.phone_updates:
            people = []
            for pk, phone in plan.phone_updates.items():
                people.append(
                    Person(
                        pk=pk,
                        phone_enc=crypto.encrypt(phone),
                        phone_hash=phone_lookup_hash(phone),
                        phone_masked=mask_phone(phone),
                    )
                )
            Person.objects.bulk_update(
                people, ["phone_enc", "phone_hash", "phone_masked"], batch_size=500
            )
        rows = [*plan.new_rows, *(u[0] for u in plan.updates)]
        if not rows:
            events.persons_changed(plan.phone_updates)
            return plan.changed
        enterprises = {
            e.credit_code: e
            for e in Enterprise.objects.filter(credit_code__in={r.code for r in rows}).order_by()
        }
        refs.enterprises.update((e.pk, code) for code, e in enterprises.items())
        units: dict[tuple[str, str], int | None] = {}
        from safetrain.enterprises.services import org_unit_ensure

        for r in rows:
            key = (r.code, r.dept)
            if key not in units:
                unit = org_unit_ensure(enterprise=enterprises[r.code], path=r.dept)
                units[key] = unit.pk if unit else None
        # new employments, then their first posts
        emp_ids = insert_rows(
            Employment,
            ("person_id", "enterprise_id", "role_category", "employment_form")
            + ("start_date", "end_date"),
            [
                (person_ids[r.id_hash], enterprises[r.code].pk, r.role, r.form, r.start, r.end)
                for r in plan.new_rows
            ],
            created_by=creator,
            refs=refs,
        )
        posts = []
        for emp_pk, r in zip(emp_ids, plan.new_rows, strict=True):
            refs.employment_person[emp_pk] = person_ids[r.id_hash]
            posts.append(self._post_values(emp_pk, r, units[(r.code, r.dept)]))
        # changed employments
        emp_updates = []
        post_updates = []
        for r, emp_pk, post_pk in plan.updates:
            emp_updates.append(
                Employment(pk=emp_pk, role_category=r.role, employment_form=r.form, end_date=r.end)
            )
            if post_pk is None:
                posts.append(self._post_values(emp_pk, r, units[(r.code, r.dept)]))
            else:
                post = self._post(emp_pk, r, units[(r.code, r.dept)], actor)
                post.pk = post_pk
                post_updates.append(post)
        insert_rows(Post, _POST_COLUMNS, posts, created_by=creator, refs=refs)
        Employment.objects.bulk_update(
            emp_updates, ["role_category", "employment_form", "end_date"], batch_size=500
        )
        Post.objects.bulk_update(
            post_updates, ["title", "job_type", "operation", "org_unit"], batch_size=500
        )
        log_ids("updated", Employment, [e.pk for e in emp_updates])  # docs/archive.md
        log_ids("updated", Post, [p.pk for p in post_updates])
        events.persons_changed([*(person_ids[r.id_hash] for r in rows), *plan.phone_updates])
        return plan.changed

    @staticmethod
    def _post_values(emp_pk: int, r: PersonRow, unit: int | None) -> tuple[Any, ...]:
        return (
            emp_pk,
            r.start,
            r.post.title,
            r.post.job_type_id,
            r.post.operation_id,
            unit,
        )

    @staticmethod
    def _post(emp_pk: int, r: PersonRow, unit: int | None, actor: Any) -> Post:
        return Post(
            employment_id=emp_pk,
            from_date=r.start,
            title=r.post.title,
            job_type_id=r.post.job_type_id,
            operation_id=r.post.operation_id,
            org_unit_id=unit,
            created_by=actor,
            source="import",
        )

    def export_rows(self, scope: ExportScope) -> Iterator[list[Any]]:
        qs = (
            Employment.objects.filter(_employment_scope(scope))
            .order_by("person_id", "start_date", "id")
            .values_list(
                "pk",
                "enterprise_id",
                "person__id_number_enc",
                "person__name",
                "person__phone_enc",
                "enterprise__credit_code",
                "role_category",
                "start_date",
                "end_date",
                "employment_form",
            )
        )
        emps = list(qs)
        posts: dict[int, tuple[str, str | None, int | None]] = {}
        for chunk in _chunks([e[0] for e in emps]):
            for emp_id, p_title, p_op, p_unit in Post.objects.filter(
                employment_id__in=chunk, from_date=F("employment__start_date")
            ).values_list("employment_id", "title", "operation_id", "org_unit_id"):
                posts[emp_id] = (p_title, p_op, p_unit)
        paths = _org_paths({e[1] for e in emps})
        plain = _IdNumbers()
        for pk, _, id_enc, name, phone_enc, code, role, start, end, form in emps:
            post = posts.get(pk)
            title, op, unit = post if post else ("", None, None)
            yield [
                plain(id_enc),
                name,
                plain(phone_enc),
                code,
                ROLE_LABEL[role],
                title,
                _op_out(op),
                _fmt(start),
                _fmt(end),
                paths.get(unit or 0, ""),
                FORM_LABEL.get(form, form),
            ]


# ----------------------------------------------------------------------------- 岗位变动 / 离岗


def _find_employment(
    c: _Checker, row: Row, emps: list[Emp], code: str, day: dt.date, column: str, *, after: bool
) -> Emp | None:
    """The employment at this enterprise whose period holds the day (strictly after its start
    for a post change, which cannot replace the post of the 人员 row)."""
    at = [e for e in emps if e.code == code]
    for e in at:
        inside = (day > e.start if after else day >= e.start) and (e.end is None or day <= e.end)
        if inside:
            return e
    if not at:
        c.error(row, H_CODE, "该人员在该企业没有任职记录（请先在“人员”表中登记这段任职）")
    else:
        spans = "、".join(_span(e.start, e.end) for e in at)
        rule = "须晚于入职日期且不晚于离职日期" if after else "须在任职期间内"
        c.error(row, column, f"{column} {day} 不在任职期间（{spans}）内，{rule}")
    return None


@dataclass
class PostChange:
    row: int
    key: tuple[str, str, dt.date]  # (hash, code, employment start)
    day: dt.date
    post: PostInfo
    existing: int | None  # the stored post at that date


def _tell_compliance(employment_ids: Iterable[int]) -> None:
    """The persons of these employments changed (a post or a leave): tell compliance (core.events)."""
    ids = sorted(set(employment_ids))
    for chunk in _chunks(ids):
        events.persons_changed(
            Employment.objects.filter(pk__in=chunk).values_list("person_id", flat=True)
        )


@register
class PostChangeSheet(SheetHandler):
    name = "岗位变动"
    headers: ClassVar[list[str]] = [H_ID, H_CODE, H_CHANGE, H_NEW_POST, H_OP]
    order = 30
    description = "岗位变动：任职期间内换岗（入职时的岗位写在“人员”表）"

    def check(self, rows: list[Row], ctx: ImportContext) -> list[PostChange]:
        c = _Checker(self.name, ctx)
        if not c.allowed():
            return []
        c.load_enterprises(rows)
        items = []
        for row in rows:
            ident = c.id_number(row)
            ent = c.enterprise(row)
            ok, day = c.date(row, H_CHANGE, required=True)
            title = _text(c, row, H_NEW_POST, required=True, limit=64)
            op_ok, op = c.operation(row, H_OP)
            if ident and ent and ok and day and title and op_ok:
                items.append((row, ident[1], ent, day, title, op))
        emps = c.employments({i[1] for i in items})
        known = set(ctx.state.get(PERSONS_BY_HASH) or {}) | set(
            c.known_persons(h for h in {i[1] for i in items} if h not in emps)
        )
        stored_posts: dict[tuple[int, dt.date], tuple[int, PostInfo]] = {}
        emp_pks = sorted({e.pk for es in emps.values() for e in es if e.pk})
        for chunk in _chunks(emp_pks):
            for pk, emp_id, day, title, jt, op in Post.objects.filter(
                employment_id__in=chunk
            ).values_list(
                "pk", "employment_id", "from_date", "title", "job_type_id", "operation_id"
            ):
                stored_posts[(emp_id, day)] = (pk, PostInfo(title, jt, op))
        seen: dict[tuple[str, str, dt.date], int] = {}
        plan = []
        for row, id_hash, (code, sector), day, title, op in items:
            if id_hash not in known and id_hash not in emps:
                c.error(row, H_ID, "未找到该身份证号的人员（请先在“人员”表中登记）")
                continue
            emp = _find_employment(c, row, emps.get(id_hash, []), code, day, H_CHANGE, after=True)
            if emp is None:
                continue
            key = (id_hash, code, emp.start)
            if (*key[:2], day) in seen:
                c.error(row, H_CHANGE, f"与第 {seen[(*key[:2], day)]} 行是同一天的岗位变动")
                continue
            seen[(*key[:2], day)] = row.number
            post = c.post(title, op, sector)
            existing = stored_posts.get((emp.pk, day)) if emp.pk else None
            if existing is not None and existing[1] == post:
                continue
            plan.append(PostChange(row.number, key, day, post, existing[0] if existing else None))
        return plan

    def write(self, plan: list[PostChange], ctx: ImportContext) -> int:
        if not plan:
            return 0
        emp_ids = _employment_ids(p.key for p in plan)
        # a new post keeps the department of the post it follows
        earlier: dict[int, list[tuple[dt.date, int | None]]] = defaultdict(list)
        for chunk in _chunks(sorted(set(emp_ids.values()))):
            for emp_id, day, org_unit in Post.objects.filter(employment_id__in=chunk).values_list(
                "employment_id", "from_date", "org_unit_id"
            ):
                earlier[emp_id].append((day, org_unit))
        new, changed = [], []
        for p in sorted(plan, key=lambda p: p.day):
            emp_id = emp_ids[p.key]
            before = [u for d, u in sorted(earlier[emp_id]) if d < p.day]
            unit: int | None = before[-1] if before else None
            post = Post(
                employment_id=emp_id,
                from_date=p.day,
                title=p.post.title,
                job_type_id=p.post.job_type_id,
                operation_id=p.post.operation_id,
                org_unit_id=unit,
                created_by=ctx.actor,
                source="import",
            )
            if p.existing is None:
                new.append(post)
                earlier[emp_id].append((p.day, unit))
            else:
                post.pk = p.existing
                changed.append(post)
        Post.objects.bulk_create(new, batch_size=500)
        Post.objects.bulk_update(changed, ["title", "job_type", "operation"], batch_size=500)
        log_objects("changed", new)  # the record log (docs/archive.md)
        log_ids("updated", Post, [p.pk for p in changed])
        _tell_compliance(emp_ids.values())
        return len(plan)

    def export_rows(self, scope: ExportScope) -> Iterator[list[Any]]:
        qs = (
            Post.objects.filter(_employment_scope(scope, "employment__"))
            .filter(from_date__gt=F("employment__start_date"))
            .order_by("employment__person_id", "from_date", "id")
            .values_list(
                "employment__person__id_number_enc",
                "employment__enterprise__credit_code",
                "from_date",
                "title",
                "operation_id",
            )
        )
        plain = _IdNumbers()
        for id_enc, code, day, title, op in qs.iterator(chunk_size=5000):
            yield [plain(id_enc), code, _fmt(day), title, _op_out(op)]


@dataclass
class LeaveRow:
    row: int
    key: tuple[str, str, dt.date]
    start: dt.date
    end: dt.date | None
    existing: int | None


@register
class LeaveSheet(SheetHandler):
    name = "离岗"
    headers: ClassVar[list[str]] = [H_ID, H_CODE, H_LEAVE_START, H_LEAVE_END]
    order = 40
    description = "离岗：离岗结束为最后一天（含）；仍在离岗则留空"

    def check(self, rows: list[Row], ctx: ImportContext) -> list[LeaveRow]:
        c = _Checker(self.name, ctx)
        if not c.allowed():
            return []
        c.load_enterprises(rows)
        items = []
        for row in rows:
            ident = c.id_number(row)
            ent = c.enterprise(row)
            ok_start, start = c.date(row, H_LEAVE_START, required=True)
            ok_end, end = c.date(row, H_LEAVE_END, required=False)
            if start and end and end < start:
                c.error(row, H_LEAVE_END, f"离岗结束 {end} 早于离岗开始 {start}")
                continue
            if ident and ent and ok_start and start and ok_end:
                items.append((row, ident[1], ent[0], start, end))
        emps = c.employments({i[1] for i in items})
        known = set(ctx.state.get(PERSONS_BY_HASH) or {}) | set(
            c.known_persons(h for h in {i[1] for i in items} if h not in emps)
        )
        stored: dict[int, dict[dt.date, tuple[int, dt.date | None]]] = defaultdict(dict)
        emp_pks = sorted({e.pk for es in emps.values() for e in es if e.pk})
        for chunk in _chunks(emp_pks):
            for pk, emp_id, start, end in Leave.objects.filter(employment_id__in=chunk).values_list(
                "pk", "employment_id", "start_date", "end_date"
            ):
                stored[emp_id][start] = (pk, end)
        by_emp: dict[tuple[str, str, dt.date], list[tuple[Row, dt.date, dt.date | None]]] = (
            defaultdict(list)
        )
        emp_of: dict[tuple[str, str, dt.date], Emp] = {}
        for row, id_hash, code, start, end in items:
            if id_hash not in known and id_hash not in emps:
                c.error(row, H_ID, "未找到该身份证号的人员（请先在“人员”表中登记）")
                continue
            emp = _find_employment(
                c, row, emps.get(id_hash, []), code, start, H_LEAVE_START, after=False
            )
            if emp is None:
                continue
            if emp.end is not None and (end is None or end > emp.end):
                c.error(
                    row,
                    H_LEAVE_END,
                    f"离岗结束须不晚于离职日期 {emp.end}"
                    if end
                    else f"任职已于 {emp.end} 结束，离岗结束不能为空",
                )
                continue
            key = (id_hash, code, emp.start)
            by_emp[key].append((row, start, end))
            emp_of[key] = emp
        plan = []
        for key, leaves in by_emp.items():
            emp = emp_of[key]
            db = stored.get(emp.pk, {}) if emp.pk else {}
            # the leaves as they will be: stored ones, replaced by file rows with the same start
            spans: dict[dt.date, tuple[dt.date | None, int | None]] = {
                s: (e, None) for s, (_, e) in db.items()
            }
            rows_at: dict[dt.date, int] = {}
            for row, start, end in leaves:
                if start in rows_at:
                    c.error(row, H_LEAVE_START, f"与第 {rows_at[start]} 行是同一段离岗")
                    continue
                rows_at[start] = row.number
                spans[start] = (end, row.number)
                existing = db.get(start)
                if existing is not None and existing[1] == end:
                    continue
                plan.append(
                    LeaveRow(row.number, key, start, end, existing[0] if existing else None)
                )
            ordered = sorted(spans.items())
            for i, (a_start, (a_end, a_row)) in enumerate(ordered):
                for b_start, (b_end, b_row) in ordered[i + 1 :]:
                    if not ranges_overlap(a_start, a_end, b_start, b_end):
                        continue
                    culprit = b_row if b_row is not None else a_row
                    if culprit is None:
                        continue
                    other = a_row if culprit == b_row else b_row
                    where = f"第 {other} 行" if other else "系统中已有的离岗记录"
                    span = _span(a_start, a_end) if culprit == b_row else _span(b_start, b_end)
                    c.error(culprit, H_LEAVE_START, f"与{where}（{span}）重叠")
        return plan

    def write(self, plan: list[LeaveRow], ctx: ImportContext) -> int:
        if not plan:
            return 0
        emp_ids = _employment_ids(p.key for p in plan)
        new, changed = [], []
        for p in plan:
            leave = Leave(
                employment_id=emp_ids[p.key],
                start_date=p.start,
                end_date=p.end,
                created_by=ctx.actor,
                source="import",
            )
            if p.existing is None:
                new.append(leave)
            else:
                leave.pk = p.existing
                changed.append(leave)
        Leave.objects.bulk_create(new, batch_size=500)
        Leave.objects.bulk_update(changed, ["end_date"], batch_size=500)
        log_objects("added", new)  # the record log (docs/archive.md)
        log_ids("updated", Leave, [p.pk for p in changed])
        _tell_compliance(emp_ids.values())
        return len(plan)

    def export_rows(self, scope: ExportScope) -> Iterator[list[Any]]:
        qs = (
            Leave.objects.filter(_employment_scope(scope, "employment__"))
            .order_by("employment__person_id", "start_date", "id")
            .values_list(
                "employment__person__id_number_enc",
                "employment__enterprise__credit_code",
                "start_date",
                "end_date",
            )
        )
        plain = _IdNumbers()
        for id_enc, code, start, end in qs.iterator(chunk_size=5000):
            yield [plain(id_enc), code, _fmt(start), _fmt(end)]
