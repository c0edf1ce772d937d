from __future__ import annotations

import datetime as dt

import pytest

from safetrain.core.dates import today
from safetrain.people.services import leave_record
from safetrain.people.tests.factories import (
    make_employment,
    make_enterprise,
    make_person,
    make_user,
)

START = dt.date(2020, 1, 1)


@pytest.fixture
def world(db):
    """A coal mine in 城区 (140502) with special operators without certificates (CERT_MISSING),
    one on leave, one who left; an enterprise in 高平 (140581); users of each scope."""
    t = today()
    a = make_enterprise(region="140502", name="城区甲矿")
    b = make_enterprise(region="140581", name="高平乙矿")
    ops = [
        make_employment(make_person(name=f"操作工{i}"), a, start=START, operation="5.4").person
        for i in range(4)
    ]
    plain = [
        make_employment(make_person(name=f"采煤工{i}"), a, start=START).person for i in range(6)
    ]
    away_emp = make_employment(make_person(name="休假者"), a, start=START)
    leave_record(
        actor=None, employment=away_emp, start_date=t - dt.timedelta(days=3), end_date=None
    )
    make_employment(make_person(name="已离职"), a, start=START, end=t - dt.timedelta(days=30))
    make_employment(make_person(name="未入职"), a, start=t + dt.timedelta(days=5))
    other = make_employment(make_person(name="外县人"), b, start=START, operation="5.4").person
    users = {
        "city": make_user("city_admin"),
        "county": make_user("county_admin", region="140502"),
        "county_other": make_user("county_admin", region="140581"),
        "inspector": make_user("inspector", region="140502"),
        "inspector_other": make_user("inspector", region="140581"),
        "inspector_city": make_user("inspector", region="140500"),
        "enterprise": make_user("enterprise_admin", enterprise=a),
        "trainer": make_user("trainer"),
    }
    return {
        "a": a,
        "b": b,
        "ops": ops,
        "plain": plain,
        "away": away_emp.person,
        "other": other,
        "users": users,
        "today": t,
    }
