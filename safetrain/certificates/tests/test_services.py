"""Certificate services: defaults, every bad input of issue 3 (clear error, nothing written),
review, renewal, revocation, jurisdiction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from safetrain.certificates.models import Certificate, CertificateReview
from safetrain.certificates.services import (
    certificate_issue,
    certificate_renew,
    certificate_review_record,
    certificate_revoke,
)
from safetrain.certificates.tests.factories import make_certificate
from safetrain.core.dates import today
from safetrain.core.errors import Conflict, NotAllowed, ValidationFailed
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user

pytestmark = pytest.mark.django_db
D = dt.date


def issue(person, **kw):
    args = {
        "actor": None,
        "person": person,
        "cert_type": "special_operation",
        "operation_code": "5.4",
        "number": "TQ0001",
        "issuing_authority": "晋城市应急管理局",
        "issued_on": D(2024, 2, 29),
    }
    args.update(kw)
    return certificate_issue(**args)


@pytest.fixture
def person():
    return make_employment(job="瓦斯检查工").person


def test_defaults_special_operation_and_management(person):
    c = issue(person)
    assert (c.valid_until, c.review_due) == (D(2030, 2, 27), D(2027, 2, 28))
    m = issue(person, cert_type="safety_management", operation_code=None, number="M1")
    assert (m.valid_until, m.review_due, m.operation_id) == (D(2027, 2, 27), None, None)
    assert c.source == "web" and c.person == person


@pytest.mark.parametrize(
    ("kw", "field", "exc"),
    [
        ({"operation_code": "5.99"}, "operation", ValidationFailed),
        ({"operation_code": ""}, "operation", ValidationFailed),
        ({"operation_code": None}, "operation", ValidationFailed),
        (
            {"cert_type": "safety_management", "operation_code": "5.4"},
            "operation",
            ValidationFailed,
        ),
        ({"cert_type": "driving_licence"}, "cert_type", ValidationFailed),
        ({"number": "  "}, "number", ValidationFailed),
        ({"valid_until": D(2024, 2, 28)}, "valid_until", ValidationFailed),
        ({"review_due": D(2024, 2, 28)}, "review_due", ValidationFailed),
        (
            {"valid_until": D(2026, 1, 1), "review_due": D(2027, 1, 1)},
            "review_due",
            ValidationFailed,
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_written(person, kw, field, exc):
    before = Certificate.objects.count()
    with pytest.raises(exc) as err:
        issue(person, **kw)
    assert field in err.value.fields
    assert err.value.message
    assert Certificate.objects.count() == before


def test_duplicate_number_for_another_person_is_a_clear_conflict(person):
    issue(person)
    other = make_employment().person
    with pytest.raises(Conflict) as err:
        issue(other)
    assert "TQ0001" in err.value.message and "另一人" in err.value.message
    assert Certificate.objects.count() == 1
    # the same number of the other type is a different certificate
    issue(other, cert_type="safety_management", operation_code=None)
    assert Certificate.objects.count() == 2


def test_same_person_and_number_again_is_idempotent(person):
    first = issue(person)
    again = issue(person)
    assert again.pk == first.pk and Certificate.objects.count() == 1
    with pytest.raises(Conflict) as err:
        issue(person, issued_on=D(2024, 3, 1))
    assert "发证日期" in err.value.message


def test_review_clears_due_keeps_cleared_date_and_needs_8_hours(person):
    c = make_certificate(person, issued_on=D(2020, 5, 1))
    assert c.review_due == D(2023, 5, 1)
    with pytest.raises(ValidationFailed) as err:
        certificate_review_record(
            actor=None, certificate=c, passed_on=D(2023, 4, 1), hours=Decimal("7.5")
        )
    assert "hours" in err.value.fields
    assert CertificateReview.objects.count() == 0
    c.refresh_from_db()
    assert c.review_due == D(2023, 5, 1)
    r = certificate_review_record(
        actor=None, certificate=c, passed_on=D(2023, 4, 1), hours=Decimal("8")
    )
    c.refresh_from_db()
    assert c.review_due is None and r.cleared_due == D(2023, 5, 1) and r.hours == Decimal("8")
    # the same review again: idempotent; another one: nothing left to clear
    assert certificate_review_record(actor=None, certificate=c, passed_on=D(2023, 4, 1)).pk == r.pk
    with pytest.raises(Conflict):
        certificate_review_record(actor=None, certificate=c, passed_on=D(2023, 6, 1))
    assert CertificateReview.objects.count() == 1


def test_review_outside_validity_or_in_future_is_refused(person):
    c = make_certificate(person, issued_on=D(2020, 5, 1))
    with pytest.raises(ValidationFailed):
        certificate_review_record(actor=None, certificate=c, passed_on=D(2020, 4, 1))
    with pytest.raises(ValidationFailed):
        certificate_review_record(
            actor=None, certificate=c, passed_on=today() + dt.timedelta(days=2)
        )
    assert CertificateReview.objects.count() == 0


def test_renewal_supersedes_and_keeps_both(person):
    old = make_certificate(person, issued_on=D(2018, 5, 1))
    new = certificate_renew(actor=None, certificate=old, number="NEW-1", issued_on=D(2024, 4, 1))
    assert new.supersedes == old and new.operation_id == old.operation_id
    assert new.valid_until == D(2030, 3, 31) and new.review_due == D(2027, 4, 1)
    assert Certificate.objects.filter(person=person).count() == 2
    with pytest.raises(Conflict):
        certificate_renew(actor=None, certificate=old, number="NEW-2", issued_on=D(2024, 5, 1))
    with pytest.raises(ValidationFailed):
        certificate_renew(actor=None, certificate=new, number="NEW-3", issued_on=D(2020, 1, 1))
    assert Certificate.objects.filter(person=person).count() == 2


def test_revoke_is_idempotent_and_blocks_review_and_renewal(person):
    c = make_certificate(person, issued_on=D(2022, 1, 1))
    certificate_revoke(actor=None, certificate=c)
    certificate_revoke(actor=None, certificate=c)
    c.refresh_from_db()
    assert c.revoked
    with pytest.raises(Conflict):
        certificate_review_record(actor=None, certificate=c, passed_on=D(2024, 1, 1))
    with pytest.raises(Conflict):
        certificate_renew(actor=None, certificate=c, number="X", issued_on=D(2024, 1, 1))


def test_jurisdiction():
    a = make_enterprise(region="140502")
    b = make_enterprise(region="140581")
    pa = make_employment(enterprise=a, job="瓦斯检查工").person
    pb = make_employment(enterprise=b, job="瓦斯检查工").person
    admin_a = make_user("enterprise_admin", enterprise=a)
    assert issue(pa, actor=admin_a, number="A1").created_by == admin_a
    with pytest.raises(NotAllowed):
        issue(pb, actor=admin_a, number="A2")
    county = make_user("county_admin", region="140502")
    issue(pa, actor=county, number="A3")
    with pytest.raises(NotAllowed):
        issue(pb, actor=county, number="A4")
    issue(pb, actor=make_user("city_admin"), number="A5")
    for role in ("inspector", "trainer"):
        with pytest.raises(NotAllowed):
            issue(pa, actor=make_user(role), number=f"R-{role}")
    worker = make_user("worker", person=pa)
    with pytest.raises(NotAllowed):
        issue(pa, actor=worker, number="A6")
    assert set(Certificate.objects.values_list("number", flat=True)) == {"A1", "A3", "A5"}
    cert_b = Certificate.objects.get(number="A5")
    with pytest.raises(NotAllowed):
        certificate_revoke(actor=admin_a, certificate=cert_b)
    with pytest.raises(NotAllowed):
        certificate_review_record(actor=admin_a, certificate=cert_b, passed_on=D(2024, 1, 1))
