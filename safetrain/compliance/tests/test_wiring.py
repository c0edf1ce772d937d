"""The services of people, records and certificates refresh the materialized status on commit."""

import datetime as dt
from decimal import Decimal

import pytest

from safetrain.certificates.services import certificate_issue
from safetrain.compliance.models import PersonStatus
from safetrain.core.dates import today
from safetrain.people.tests.factories import make_employment, make_enterprise, make_person
from safetrain.records.services import exam_result_add, training_record_add, violation_record

pytestmark = pytest.mark.django_db


def status(person):
    return PersonStatus.objects.get(person=person)


def test_record_services_refresh_the_status(django_capture_on_commit_callbacks):
    start = today() - dt.timedelta(days=10)
    enterprise = make_enterprise(sector="industry_trade")
    person = make_person()
    with django_capture_on_commit_callbacks(execute=True):
        make_employment(person, enterprise, start=start, job="叉车司机")
    assert "PREJOB_TRAINING_MISSING" in status(person).blocking_codes
    assert not status(person).may_work

    with django_capture_on_commit_callbacks(execute=True):
        for level in ("company", "workshop", "team"):
            training_record_add(
                actor=None,
                person=person,
                date=start - dt.timedelta(days=1),
                hours=Decimal("8"),
                kind="prejob",
                level=level,
                enterprise=enterprise,
                title="三级安全教育",
            )
    assert "PREJOB_TRAINING_MISSING" not in status(person).codes
    assert "PREJOB_EXAM_MISSING" in status(person).blocking_codes

    with django_capture_on_commit_callbacks(execute=True):
        exam_result_add(
            actor=None,
            person=person,
            date=start,
            purpose="prejob",
            score=Decimal("90"),
            enterprise=enterprise,
            title="岗前考试",
        )
    assert status(person).may_work, status(person).codes

    with django_capture_on_commit_callbacks(execute=True):
        violation_record(
            actor=None, person=person, enterprise=enterprise, date=today(), type="operation"
        )
    assert "VIOLATION_RETRAINING_PENDING" in status(person).blocking_codes


def test_certificate_service_refreshes_the_status(django_capture_on_commit_callbacks):
    person = make_person()
    with django_capture_on_commit_callbacks(execute=True):
        make_employment(person, start=dt.date(2020, 1, 1), job="瓦斯检查工")
    assert "CERT_MISSING" in status(person).blocking_codes
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issue(
            actor=None,
            person=person,
            cert_type="special_operation",
            operation_code="5.4",
            number="T123456",
            issuing_authority="晋城市应急管理局",
            issued_on=today() - dt.timedelta(days=30),
        )
    assert "CERT_MISSING" not in status(person).codes
