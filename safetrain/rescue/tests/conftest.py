import datetime as dt

import pytest

from safetrain.people.tests.factories import make_employment, make_enterprise, make_user


@pytest.fixture
def world(db):
    """Coal mine a and chemicals b in 城区 (140502), trade d there too (not high-risk), smelter c
    in 高平市 (140581); people employed from 2023; one login per role."""
    a = make_enterprise(region="140502", sector="coal_mine")
    b = make_enterprise(region="140502", sector="hazardous_chemicals")
    d = make_enterprise(region="140502", sector="industry_trade")
    c = make_enterprise(region="140581", sector="metal_smelting")
    start = dt.date(2023, 1, 1)
    pa = make_employment(enterprise=a, start=start).person
    pa2 = make_employment(enterprise=a, start=start, end=dt.date(2024, 6, 30)).person
    pb = make_employment(enterprise=b, start=start).person
    pc = make_employment(enterprise=c, start=start).person
    return {
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "pa": pa,
        "pa2": pa2,
        "pb": pb,
        "pc": pc,
        "admin_a": make_user("enterprise_admin", enterprise=a),
        "admin_b": make_user("enterprise_admin", enterprise=b),
        "county": make_user("county_admin", region="140502"),
        "county_c": make_user("county_admin", region="140581"),
        "city": make_user("city_admin"),
        "inspector": make_user("inspector", region="140502"),
        "trainer": make_user("trainer"),
        "worker": make_user("worker", person=pa),
    }
