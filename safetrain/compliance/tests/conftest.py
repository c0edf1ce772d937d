import datetime as dt

import pytest

from safetrain.compliance.tests import records as r
from safetrain.people.models import Leave
from safetrain.people.tests.factories import make_employment, make_enterprise, make_person

D = dt.date(2025, 3, 1)


@pytest.fixture
def small_world(db):
    """A small enterprise whose rates on 2025-03-01 are computed by hand (test_engine)."""
    ent = make_enterprise(region="140502", sector="coal_mine")
    other = make_enterprise(region="140581", sector="coal_mine")
    start = dt.date(2020, 1, 1)
    p1 = make_employment(enterprise=ent, start=start).person
    r.training(p1, dt.date(2025, 1, 10), 2)
    r.exam(p1, dt.date(2025, 2, 1), "risk_awareness")
    p2 = make_employment(enterprise=ent, start=start, job="瓦斯检查工").person
    r.certificate(p2, "5.4", dt.date(2023, 1, 1))
    r.exam(p2, dt.date(2025, 2, 1), "spot_check", score=60)
    p3 = make_employment(enterprise=ent, start=start, job="瓦斯检查工").person
    r.training(p3, dt.date(2025, 2, 1), 4)
    p4 = make_employment(enterprise=ent, role="principal", start=dt.date(2024, 12, 1)).person
    e5 = make_employment(enterprise=ent, start=start)
    Leave.objects.create(employment=e5, start_date=dt.date(2025, 2, 1))
    p6 = make_employment(enterprise=ent, start=start, end=dt.date(2025, 1, 31)).person
    r.training(p6, dt.date(2025, 1, 5), 8)
    p7 = make_employment(enterprise=other, start=start).person
    r.training(p7, dt.date(2025, 1, 5), 8)
    p8 = make_employment(enterprise=ent, start=start).person
    wrong = r.training(p8, dt.date(2025, 1, 5), 8)
    r.training(p8, dt.date(2024, 12, 20), 8, supersedes=wrong)  # the correction moved it to 2024
    nobody = make_person()
    return {
        "ent": ent,
        "other": other,
        "p": {1: p1, 2: p2, 3: p3, 4: p4, 5: e5.person, 6: p6, 7: p7, 8: p8},
        "nobody": nobody,
    }
