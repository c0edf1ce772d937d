import datetime as dt

import pytest
from django.test import Client

from safetrain.enterprises.services import org_unit_ensure
from safetrain.people.services import PostSpec, leave_record, post_change
from safetrain.people.tests.factories import (
    PASSWORD,
    make_employment,
    make_enterprise,
    make_person,
    make_user,
)


@pytest.fixture
def world(db):
    """Two enterprises in 城区 (140502), one in 高平市 (140581), people in post in each."""
    a = make_enterprise(region="140502", sector="coal_mine", name="城区甲煤矿")
    b = make_enterprise(region="140502", sector="hazardous_chemicals", name="城区乙化工")
    c = make_enterprise(region="140581", sector="metal_smelting", name="高平丙冶炼")
    team = org_unit_ensure(enterprise=a, path="综采车间/一班")
    pa = make_person(name="王矿工", phone="13800001234")
    ea = make_employment(pa, a, job="瓦斯检查工", start=dt.date(2021, 3, 1))
    post_change(
        actor=None,
        employment=ea,
        from_date=dt.date(2023, 5, 1),
        post=PostSpec(title="井下电钳工", org_unit=team),
    )
    leave_record(
        actor=None, employment=ea, start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 2, 1)
    )
    pb = make_employment(make_person(name="李化工"), b).person
    pc = make_employment(make_person(name="赵冶炼"), c).person
    return {"a": a, "b": b, "c": c, "pa": pa, "pb": pb, "pc": pc, "team": team}


@pytest.fixture
def login(client):
    def _login(user):
        c = Client()
        assert c.login(username=user.username, password=PASSWORD)
        return c

    return _login


@pytest.fixture
def users(world):
    return {
        "city_admin": make_user("city_admin"),
        "county_admin": make_user("county_admin", region="140502"),
        "enterprise_admin": make_user("enterprise_admin", enterprise=world["a"]),
        "inspector": make_user("inspector", region="140502"),
        "trainer": make_user("trainer"),
        "worker": make_user("worker", person=world["pa"]),
    }
