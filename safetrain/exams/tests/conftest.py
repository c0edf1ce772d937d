from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safetrain.exams import services
from safetrain.exams.tests.factories import make_bank
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user


class Clock:
    """The server clock under the test's control (services.clock)."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += dt.timedelta(**kw)


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(services, "clock", c)
    return c


@pytest.fixture
def world(db):
    ent = make_enterprise(region="140502")
    other = make_enterprise(region="140581")
    emp = make_employment(enterprise=ent)
    emp2 = make_employment(enterprise=ent)
    outsider = make_employment(enterprise=other)
    return {
        "ent": ent,
        "other": other,
        "person": emp.person,
        "person2": emp2.person,
        "outsider": outsider.person,
        "worker": make_user("worker", person=emp.person),
        "worker2": make_user("worker", person=emp2.person),
        "outsider_user": make_user("worker", person=outsider.person),
        "admin": make_user("enterprise_admin", enterprise=ent),
        "other_admin": make_user("enterprise_admin", enterprise=other),
        "questions": make_bank(),
    }


RULE = [
    {"type": "单选", "count": 6, "points": 10},
    {"type": "多选", "count": 2, "points": 10},
    {"type": "判断", "count": 2, "points": 10},
]


def right_answers(attempt) -> dict[int, list[str]]:
    return {i.question_id: list(i.version.answer) for i in attempt.items.select_related("version")}
