"""Writes for persons, employments, posts, leaves and accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from safetrain.archive.chain import log_objects
from safetrain.catalog.models import EmploymentForm, JobType, RoleCategory, SpecialOperation
from safetrain.core import crypto, events
from safetrain.core.errors import Conflict, NotAllowed, ValidationFailed
from safetrain.core.identifiers import (
    InvalidIdentifier,
    id_birth_date,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
)
from safetrain.core.scope import enterprise_q, is_citywide
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.people.models import ApiToken, Employment, Leave, Person, Post, Role, User


def id_lookup_hash(id_number: str) -> str:
    return crypto.lookup_hash("id:" + id_number)


def phone_lookup_hash(phone: str) -> str:
    return crypto.lookup_hash("phone:" + phone)


def lookup_hashers() -> tuple[Callable[[str], str], Callable[[str], str]]:
    """id_lookup_hash and phone_lookup_hash for many values in a tight loop (bulk imports):
    the key read once (crypto.lookup_hasher); the same hashes."""
    lookup = crypto.lookup_hasher()

    def id_hash(id_number: str) -> str:
        return lookup("id:" + id_number)

    def phone_hash(phone: str) -> str:
        return lookup("phone:" + phone)

    return id_hash, phone_hash


def person_fields(*, id_number: str, name: str, phone: str = "") -> dict[str, object]:
    """Validated, encrypted column values for a person (shared by the service and bulk import)."""
    try:
        number = normalize_id_number(id_number)
    except InvalidIdentifier as exc:
        raise ValidationFailed(str(exc), fields={"id_number": str(exc)}) from exc
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("姓名不能为空", fields={"name": "姓名不能为空"})
    values: dict[str, object] = {
        "id_number_enc": crypto.encrypt(number),
        "id_number_hash": id_lookup_hash(number),
        "id_number_masked": mask_id_number(number),
        "name": name,
        "birth_date": id_birth_date(number),
        "phone_enc": "",
        "phone_hash": "",
        "phone_masked": "",
    }
    if phone:
        try:
            p = normalize_phone(phone)
        except InvalidIdentifier as exc:
            raise ValidationFailed(str(exc), fields={"phone": str(exc)}) from exc
        values.update(
            phone_enc=crypto.encrypt(p), phone_hash=phone_lookup_hash(p), phone_masked=mask_phone(p)
        )
    return values


def person_register(
    *, actor: User | None, id_number: str, name: str, phone: str = "", source: str = "web"
) -> Person:
    """Find the lifelong person by ID number or create it. A different name for the same ID is refused."""
    values = person_fields(id_number=id_number, name=name, phone=phone)
    with transaction.atomic():
        existing = (
            Person.objects.select_for_update()
            .filter(id_number_hash=values["id_number_hash"])
            .first()
        )
        if existing is not None:
            if existing.name != values["name"]:
                raise Conflict(
                    f"该身份证号已登记为“{existing.name}”，与“{values['name']}”不一致",
                    fields={"name": "姓名与已登记的不一致"},
                )
            if phone and existing.phone_hash != values["phone_hash"]:
                existing.phone_enc = str(values["phone_enc"])
                existing.phone_hash = str(values["phone_hash"])
                existing.phone_masked = str(values["phone_masked"])
                existing.save(update_fields=["phone_enc", "phone_hash", "phone_masked"])
            return existing
        return Person.objects.create(**values, created_by=actor, source=source)


def person_id_number(person: Person) -> str:
    """The plaintext ID number (for exports and the owner's own view); never logged."""
    return crypto.decrypt(person.id_number_enc)


def person_phone(person: Person) -> str:
    return crypto.decrypt(person.phone_enc) if person.phone_enc else ""


def _check_enterprise_allowed(actor: User | None, enterprise: Enterprise) -> None:
    if actor is None:
        return
    if not Enterprise.objects.filter(enterprise_q(actor)).filter(pk=enterprise.pk).exists():
        raise NotAllowed("无权管理该企业的人员")


def overlapping_employment(
    person_id: int, start: dt.date, end: dt.date | None, exclude_id: int | None = None
) -> Employment | None:
    qs = Employment.objects.filter(person_id=person_id)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    for other in qs:
        if ranges_overlap(start, end, other.start_date, other.end_date):
            return other
    return None


def ranges_overlap(
    a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None
) -> bool:
    """Inclusive date ranges; None is an open end."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


@dataclass(frozen=True)
class PostSpec:
    title: str
    job_type: JobType | None = None
    operation: SpecialOperation | None = None
    org_unit: OrgUnit | None = None


def employment_start(
    *,
    actor: User | None,
    person: Person,
    enterprise: Enterprise,
    role_category: str,
    start_date: dt.date,
    post: PostSpec,
    end_date: dt.date | None = None,
    employment_form: str = EmploymentForm.CONTRACT,
    source: str = "web",
) -> Employment:
    """Start an employment with its first post. At most one employment is active on any day."""
    _check_enterprise_allowed(actor, enterprise)
    if role_category not in RoleCategory.values:
        raise ValidationFailed("人员类别无效", fields={"role_category": role_category})
    if employment_form not in EmploymentForm.values:
        raise ValidationFailed("用工形式无效", fields={"employment_form": employment_form})
    if end_date is not None and end_date < start_date:
        raise ValidationFailed("离职日期早于入职日期", fields={"end_date": "离职日期早于入职日期"})
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        events.person_changed(person.pk)
        clash = overlapping_employment(person.pk, start_date, end_date)
        if clash is not None:
            raise Conflict(
                f"与已有任职重叠：{clash.enterprise.name} {clash.start_date}–{clash.end_date or '至今'}",
                fields={"start_date": "任职期间重叠"},
            )
        employment = Employment.objects.create(
            person=person,
            enterprise=enterprise,
            role_category=role_category,
            employment_form=employment_form,
            start_date=start_date,
            end_date=end_date,
            created_by=actor,
            source=source,
        )
        first = Post.objects.create(
            employment=employment,
            from_date=start_date,
            title=post.title,
            job_type=post.job_type,
            operation=post.operation,
            org_unit=post.org_unit,
            created_by=actor,
            source=source,
        )
        log_objects("added", [employment])
        log_objects("added", [first])
    return employment


def employment_end(
    *, actor: User | None, employment: Employment, end_date: dt.date, source: str = "web"
) -> Employment:
    _check_enterprise_allowed(actor, employment.enterprise)
    if end_date < employment.start_date:
        raise ValidationFailed("离职日期早于入职日期", fields={"end_date": "离职日期早于入职日期"})
    with transaction.atomic():
        events.person_changed(employment.person_id)
        employment.end_date = end_date
        employment.save(update_fields=["end_date"])
        log_objects("ended", [employment])
    return employment


def post_change(
    *,
    actor: User | None,
    employment: Employment,
    from_date: dt.date,
    post: PostSpec,
    source: str = "web",
) -> Post:
    """A new post from a date inside the employment (岗位变动)."""
    _check_enterprise_allowed(actor, employment.enterprise)
    if from_date <= employment.start_date or (
        employment.end_date and from_date > employment.end_date
    ):
        raise ValidationFailed(
            "变动日期须在入职日期之后、离职日期之前", fields={"from_date": "不在任职期间内"}
        )
    with transaction.atomic():
        events.person_changed(employment.person_id)
        if Post.objects.filter(employment=employment, from_date=from_date).exists():
            raise Conflict("该日期已有岗位变动", fields={"from_date": "重复"})
        changed = Post.objects.create(
            employment=employment,
            from_date=from_date,
            title=post.title,
            job_type=post.job_type,
            operation=post.operation,
            org_unit=post.org_unit,
            created_by=actor,
            source=source,
        )
        log_objects("changed", [changed])
        return changed


def leave_record(
    *,
    actor: User | None,
    employment: Employment,
    start_date: dt.date,
    end_date: dt.date | None,
    source: str = "web",
) -> Leave:
    _check_enterprise_allowed(actor, employment.enterprise)
    if start_date < employment.start_date or (
        employment.end_date and start_date > employment.end_date
    ):
        raise ValidationFailed(
            "离岗开始日期不在任职期间内", fields={"start_date": "不在任职期间内"}
        )
    if end_date is not None and end_date < start_date:
        raise ValidationFailed("离岗结束早于离岗开始", fields={"end_date": "早于开始"})
    with transaction.atomic():
        events.person_changed(employment.person_id)
        for other in employment.leaves.all():
            if ranges_overlap(start_date, end_date, other.start_date, other.end_date):
                raise Conflict("与已有离岗记录重叠", fields={"start_date": "重叠"})
        leave = Leave.objects.create(
            employment=employment,
            start_date=start_date,
            end_date=end_date,
            created_by=actor,
            source=source,
        )
        log_objects("added", [leave])
        return leave


# ----------------------------------------------------------------------------- accounts

CREATABLE_BY = {
    # who may create which roles (the admin above them), DESIGN §1 / issue #2
    "city_admin": {
        "city_admin",
        "county_admin",
        "enterprise_admin",
        "inspector",
        "trainer",
        "worker",
    },
    "county_admin": {"enterprise_admin", "inspector", "trainer", "worker"},
    "enterprise_admin": {"worker", "trainer"},
}


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    region_code: str | None = None,
    enterprise: Enterprise | None = None,
    person: Person | None = None,
    first_name: str = "",
) -> User:
    """Create an account. `actor=None` is the bootstrap command line (`safetrain user create`)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError as DjangoValidationError

    from safetrain.regions.models import Region

    if role not in Role.values:
        raise ValidationFailed(f"未知角色 {role}", fields={"role": "未知角色"})
    if actor is not None:
        allowed = CREATABLE_BY.get(actor.role, set())
        if actor.is_superuser:
            allowed = CREATABLE_BY["city_admin"]
        if role not in allowed:
            raise NotAllowed("无权创建该角色的账号")
    username = (username or "").strip()
    if not username:
        raise ValidationFailed("用户名不能为空", fields={"username": "必填"})
    if User.objects.filter(username=username).exists():
        raise Conflict(f"用户名 {username} 已存在", fields={"username": "已存在"})
    region = None
    if role in ("city_admin", "county_admin", "inspector"):
        if not region_code:
            raise ValidationFailed("该角色需要 --region", fields={"region": "必填"})
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise ValidationFailed(f"未知行政区划 {region_code}", fields={"region": "未知"})
        if role == "city_admin" and not region.is_city:
            raise ValidationFailed("市局管理员的区划须为市级 140500", fields={"region": "须为市级"})
        if role == "county_admin" and region.is_city:
            raise ValidationFailed("县局管理员的区划须为县级", fields={"region": "须为县级"})
        if actor is not None and not is_citywide(actor) and actor.region_id != region.code:
            raise NotAllowed("只能在本辖区内创建账号")
    if role == "enterprise_admin":
        if enterprise is None:
            raise ValidationFailed("企业管理员需要所属企业", fields={"enterprise": "必填"})
        if actor is not None:
            _check_enterprise_allowed(actor, enterprise)
    if role == "worker":
        if person is None:
            raise ValidationFailed("从业人员账号需要身份证号", fields={"id_number": "必填"})
        if User.objects.filter(person=person).exists():
            raise Conflict("该人员已有账号", fields={"id_number": "已有账号"})
        if actor is not None:
            from safetrain.people.selectors import person_list

            if not person_list(viewer=actor).filter(pk=person.pk).exists():
                raise NotAllowed("该人员不在您的辖区内")
    try:
        validate_password(
            password,
            User(
                username=username,
                first_name=first_name,
                person=person if role == "worker" else None,
            ),
        )
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "密码不符合要求：" + "；".join(exc.messages), fields={"password": exc.messages}
        ) from exc
    user = User(
        username=username,
        role=role,
        region=region,
        enterprise=enterprise if role == "enterprise_admin" else None,
        person=person if role == "worker" else None,
        first_name=first_name or (person.name if person else ""),
        is_staff=False,
    )
    user.set_password(password)
    user.save()
    return user


def token_digest(token: str) -> str:
    """What is stored of a bearer token (ApiToken.key_hash): its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, user: User) -> str:
    """A new bearer token; only its SHA-256 is stored. The token is shown once."""
    token = "st_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=token_digest(token), prefix=token[:8])
    return token


def token_user(token: str) -> User | None:
    """The active user of a live token: one query by the unique key_hash index, written as SQL
    because compiling the ORM query cost more than running it (every API request pays this)."""
    digest = token_digest(token)
    q = connection.ops.quote_name
    users = list(
        User.objects.raw(
            f"SELECT u.* FROM {q(User._meta.db_table)} u JOIN {q(ApiToken._meta.db_table)} t "
            f"ON t.{q('user_id')} = u.{q('id')} WHERE t.{q('key_hash')} = %s AND NOT t.{q('revoked')}",
            [digest],
        )
    )
    if not users or not users[0].is_active:
        return None
    return users[0]
