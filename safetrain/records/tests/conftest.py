import datetime as dt

import pytest

from safetrain.people.tests.factories import make_employment, make_enterprise, make_user


@pytest.fixture
def world(db):
    """Two enterprises in 城区 (a, b), one in 高平市 (c), a worker on each roster, and users."""
    a = make_enterprise(region="140502")
    b = make_enterprise(region="140502")
    c = make_enterprise(region="140581")
    pa = make_employment(enterprise=a, start=dt.date(2023, 1, 1)).person
    pb = make_employment(enterprise=b, start=dt.date(2023, 1, 1)).person
    pc = make_employment(enterprise=c, start=dt.date(2023, 1, 1)).person
    return {
        "a": a,
        "b": b,
        "c": c,
        "pa": pa,
        "pb": pb,
        "pc": pc,
        "admin_a": make_user("enterprise_admin", enterprise=a),
        "admin_c": make_user("enterprise_admin", enterprise=c),
        "county": make_user("county_admin", region="140502"),
        "county_c": make_user("county_admin", region="140581"),
        "city": make_user("city_admin"),
        "inspector": make_user("inspector", region="140502"),
        "worker": make_user("worker", person=pa),
    }
