from __future__ import annotations

import datetime as dt

import pytest

from safetrain.core.dates import today
from safetrain.inspections.services import inspection_create
from safetrain.people.tests.factories import (
    make_employment,
    make_enterprise,
    make_person,
    make_user,
)


@pytest.fixture
def site(db):
    """An inspected enterprise of 城区 with five workers who have accounts, a worker of another
    enterprise, a worker who left, and the bureau's and the enterprise's users."""
    ent = make_enterprise(region="140502", name="城区甲矿")
    other = make_enterprise(region="140502", name="城区乙厂")
    inspection = inspection_create(
        actor=None, enterprise=ent, date=today(), methods=["onsite_qa"], team="张三"
    )
    workers = []
    for i in range(5):
        person = make_employment(
            make_person(name=f"工人{i}"), ent, start=dt.date(2020, 1, 1)
        ).person
        workers.append(make_user("worker", person=person, username=f"w{i}"))
    outsider = make_user(
        "worker",
        person=make_employment(make_person(name="外企业"), other, start=dt.date(2020, 1, 1)).person,
        username="w-out",
    )
    left = make_user(
        "worker",
        person=make_employment(
            make_person(name="已离职"),
            ent,
            start=dt.date(2020, 1, 1),
            end=today() - dt.timedelta(days=3),
        ).person,
        username="w-left",
    )
    return {
        "ent": ent,
        "inspection": inspection,
        "workers": workers,
        "outsider": outsider,
        "left": left,
        "inspector": make_user("inspector", region="140502", username="insp"),
        "inspector_other": make_user("inspector", region="140581", username="insp-gp"),
        "ent_admin": make_user("enterprise_admin", enterprise=ent, username="ent"),
    }
