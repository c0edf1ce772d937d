import datetime as dt

import pytest

from safetrain.people.tests.factories import make_employment, make_enterprise, make_user


@pytest.fixture
def world(db):
    """Enterprises a, b in 城区 (140502), c in 高平市 (140581); people on each; one login per role."""
    a = make_enterprise(region="140502")
    b = make_enterprise(region="140502")
    c = make_enterprise(region="140581")
    start = dt.date(2023, 1, 1)
    pa = make_employment(enterprise=a, start=start).person
    pa2 = make_employment(enterprise=a, start=start, job="瓦斯检查工").person
    manager_a = make_employment(enterprise=a, start=start, role="safety_manager").person
    principal_a = make_employment(enterprise=a, start=start, role="principal").person
    pb = make_employment(enterprise=b, start=start).person
    pc = make_employment(enterprise=c, start=start).person
    manager_c = make_employment(enterprise=c, start=start, role="safety_manager").person
    return {
        "a": a,
        "b": b,
        "c": c,
        "pa": pa,
        "pa2": pa2,
        "manager_a": manager_a,
        "principal_a": principal_a,
        "pb": pb,
        "pc": pc,
        "manager_c": manager_c,
        "admin_a": make_user("enterprise_admin", enterprise=a),
        "admin_b": make_user("enterprise_admin", enterprise=b),
        "admin_c": make_user("enterprise_admin", enterprise=c),
        "county": make_user("county_admin", region="140502"),
        "county_c": make_user("county_admin", region="140581"),
        "city": make_user("city_admin"),
        "inspector": make_user("inspector", region="140502"),
        "trainer": make_user("trainer"),
        "worker": make_user("worker", person=pa),
        "worker_b": make_user("worker", person=pb),
    }
