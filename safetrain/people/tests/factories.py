"""Builders for enterprises, persons, employments and accounts, through the services."""

from __future__ import annotations

import datetime as dt

from safetrain.catalog.models import JobType, SpecialOperation
from safetrain.core.testing import new_credit_code, new_id_number, next_seq
from safetrain.enterprises.models import Enterprise
from safetrain.enterprises.services import enterprise_register
from safetrain.people.models import Employment, Person, User
from safetrain.people.services import PostSpec, employment_start, person_register, user_create

PASSWORD = "Demo-pass-2024!"


def make_enterprise(
    region: str = "140502", sector: str = "coal_mine", name: str | None = None, **kw
) -> Enterprise:
    return enterprise_register(
        actor=None,
        credit_code=kw.pop("credit_code", None) or new_credit_code(region),
        name=name or f"测试企业{next_seq()}",
        region_code=region,
        sector_code=sector,
        area_types=kw.pop(
            "area_types",
            ["underground", "office"] if sector.endswith("mine") else ["production", "office"],
        ),
    ).enterprise


def make_person(name: str | None = None, id_number: str | None = None, phone: str = "") -> Person:
    return person_register(
        actor=None,
        id_number=id_number or new_id_number(),
        name=name or f"张{next_seq()}",
        phone=phone,
    )


def make_employment(
    person: Person | None = None,
    enterprise: Enterprise | None = None,
    role: str = "worker",
    start: dt.date = dt.date(2020, 1, 1),
    end: dt.date | None = None,
    job: str | None = None,
    operation: str | None = None,
    form: str = "contract",
) -> Employment:
    person = person or make_person()
    enterprise = enterprise or make_enterprise()
    job_type = JobType.objects.filter(name=job).first() if job else None
    op = None
    if operation:
        op = SpecialOperation.objects.get(code=operation)
    elif job_type is not None:
        op = job_type.operation
    return employment_start(
        actor=None,
        person=person,
        enterprise=enterprise,
        role_category=role,
        start_date=start,
        end_date=end,
        employment_form=form,
        post=PostSpec(title=job or "一线岗位", job_type=job_type, operation=op),
    )


def make_user(
    role: str,
    *,
    region: str | None = None,
    enterprise: Enterprise | None = None,
    person: Person | None = None,
    username: str | None = None,
) -> User:
    if role in ("city_admin",) and region is None:
        region = "140500"
    if role in ("county_admin", "inspector") and region is None:
        region = "140502"
    if role == "enterprise_admin" and enterprise is None:
        enterprise = make_enterprise()
    if role == "worker" and person is None:
        person = make_person()
    return user_create(
        actor=None,
        username=username or f"{role}{next_seq()}",
        password=PASSWORD,
        role=role,
        region_code=region,
        enterprise=enterprise,
        person=person,
    )
