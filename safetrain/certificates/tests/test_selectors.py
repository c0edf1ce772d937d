"""certificate_check (post in force on D), the ledger: rows, filters, counts, no leak across
jurisdictions, a fixed number of queries; the reminder lists."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.catalog.models import SpecialOperation
from safetrain.certificates.matching import CertState
from safetrain.certificates.selectors import (
    certificate_check,
    held_certificates,
    ledger,
    reminder_lists,
)
from safetrain.certificates.services import certificate_renew, certificate_review_record
from safetrain.certificates.tests.factories import make_certificate
from safetrain.people.services import PostSpec, leave_record, post_change
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2025, 6, 1)


def test_check_follows_the_post_in_force_on_the_day():
    emp = make_employment(job="瓦斯检查工", start=D(2020, 1, 1))
    person = emp.person
    make_certificate(person, operation="5.4", issued_on=D(2019, 1, 1))
    post_change(
        actor=None,
        employment=emp,
        from_date=D(2025, 1, 1),
        post=PostSpec("井下电钳工", operation=SpecialOperation.objects.get(code="5.1")),
    )
    (before,) = certificate_check(person, D(2024, 12, 31))
    assert before.requirement.operation == "5.4"
    (after,) = certificate_check(person, D(2025, 1, 1))
    assert after.requirement.operation == "5.1" and after.state == CertState.MISMATCH
    assert certificate_check(person, D(2019, 12, 31)) == []  # not employed yet


def test_high_risk_principal_needs_management_certificate_low_risk_does_not():
    coal = make_enterprise(sector="coal_mine")
    trade = make_enterprise(sector="industry_trade")
    p1 = make_employment(enterprise=coal, role="principal", start=D(2025, 1, 1)).person
    p2 = make_employment(enterprise=trade, role="principal", start=D(2025, 1, 1)).person
    (c,) = certificate_check(p1, ON)
    assert c.state == CertState.PENDING
    assert certificate_check(p1, D(2025, 7, 1))[0].state == CertState.MISSING
    assert certificate_check(p2, ON) == []


@pytest.fixture
def world():
    a = make_enterprise(region="140502", sector="coal_mine")
    b = make_enterprise(region="140502", sector="hazardous_chemicals")
    c = make_enterprise(region="140581", sector="coal_mine")
    valid = make_employment(enterprise=a, job="瓦斯检查工").person
    make_certificate(valid, operation="5.4", issued_on=D(2024, 1, 1))
    expired = make_employment(enterprise=a, job="井下电钳工").person
    make_certificate(expired, operation="5.1", issued_on=D(2020, 1, 1), review_due=D(2023, 1, 1))
    office = make_employment(enterprise=a, job=None).person  # no special post: not in the ledger
    manager = make_employment(enterprise=b, role="safety_manager").person  # missing
    other_county = make_employment(enterprise=c, job="瓦斯检查工").person  # missing
    return {
        "a": a,
        "b": b,
        "c": c,
        "valid": valid,
        "expired": expired,
        "office": office,
        "manager": manager,
        "other": other_county,
    }


def names(result):
    return {r.person.pk for r in result.rows}


def test_ledger_rows_states_and_counts(world):
    result = ledger(viewer=make_user("city_admin"), on=ON)
    by_person = {r.person.pk: r for r in result.rows}
    assert world["office"].pk not in by_person
    assert by_person[world["valid"].pk].state == CertState.VALID
    assert by_person[world["valid"].pk].best.number
    assert by_person[world["expired"].pk].state == CertState.REVIEW_OVERDUE
    assert by_person[world["manager"].pk].state == CertState.MISSING
    assert by_person[world["manager"].pk].needed_label == "安全生产知识和管理能力考核合格证"
    assert result.counts == {"valid": 1, "review_overdue": 1, "missing": 2}
    assert result.total == 4
    on_2026 = ledger(viewer=make_user("city_admin"), on=D(2026, 1, 1))
    assert {r.person.pk: r.state for r in on_2026.rows}[world["expired"].pk] == CertState.EXPIRED


def test_ledger_filters(world):
    city = make_user("city_admin")
    missing = ledger(viewer=city, on=ON, state="missing")
    assert names(missing) == {world["manager"].pk, world["other"].pk}
    assert missing.counts["valid"] == 1  # the counts are before the state filter
    assert names(ledger(viewer=city, on=ON, operation="5.4")) == {
        world["valid"].pk,
        world["other"].pk,
    }
    assert names(ledger(viewer=city, on=ON, operation="safety_management")) == {world["manager"].pk}
    assert names(ledger(viewer=city, on=ON, enterprise=world["b"].credit_code)) == {
        world["manager"].pk
    }
    assert names(ledger(viewer=city, on=ON, region="140581")) == {world["other"].pk}


def test_ledger_no_leak_across_jurisdictions(world):
    in_502 = {world["valid"].pk, world["expired"].pk, world["manager"].pk}
    assert names(ledger(viewer=make_user("county_admin", region="140502"), on=ON)) == in_502
    assert names(ledger(viewer=make_user("inspector", region="140502"), on=ON)) == in_502
    assert names(ledger(viewer=make_user("county_admin", region="140581"), on=ON)) == {
        world["other"].pk
    }
    admin_a = make_user("enterprise_admin", enterprise=world["a"])
    assert names(ledger(viewer=admin_a, on=ON)) == {world["valid"].pk, world["expired"].pk}
    # asking for another enterprise or region does not widen the scope
    assert names(ledger(viewer=admin_a, on=ON, enterprise=world["c"].credit_code)) == set()
    assert names(ledger(viewer=admin_a, on=ON, region="140581")) == set()
    assert ledger(viewer=make_user("worker"), on=ON).rows == []
    assert ledger(viewer=make_user("trainer"), on=ON).rows == []


def test_ledger_leaves_out_ended_employments_and_persons_on_leave():
    ent = make_enterprise()
    ended = make_employment(enterprise=ent, job="瓦斯检查工", end=D(2024, 12, 31)).person
    emp = make_employment(enterprise=ent, job="瓦斯检查工")
    leave_record(actor=None, employment=emp, start_date=D(2025, 5, 1), end_date=D(2025, 6, 30))
    city = make_user("city_admin")
    assert ended.pk not in names(ledger(viewer=city, on=ON))
    assert emp.person.pk not in names(ledger(viewer=city, on=ON))
    assert emp.person.pk in names(ledger(viewer=city, on=D(2025, 7, 1)))


def _populate(ent, n):
    for i in range(n):
        p = make_employment(enterprise=ent, job="瓦斯检查工" if i % 2 else "井下电钳工").person
        c = make_certificate(p, operation="5.4", issued_on=D(2020, 1, 1))
        if i % 3 == 0:
            certificate_review_record(actor=None, certificate=c, passed_on=D(2022, 12, 1))
        if i % 4 == 0:
            certificate_renew(actor=None, certificate=c, number=f"R{p.pk}", issued_on=D(2025, 1, 1))


@pytest.mark.parametrize("viewer_role", ["city_admin", "enterprise_admin"])
def test_ledger_query_count_is_fixed(django_assert_num_queries, viewer_role):
    small = make_enterprise()
    big = make_enterprise()
    _populate(small, 5)
    _populate(big, 20)
    counts = []
    for ent in (small, big):
        viewer = (
            make_user("enterprise_admin", enterprise=ent)
            if viewer_role == "enterprise_admin"
            else make_user("city_admin")
        )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            result = ledger(viewer=viewer, on=ON, enterprise=ent.credit_code)
            [
                (r.best, r.post.operation, r.enterprise.region_id, r.needed_label)
                for r in result.rows
            ]
        counts.append(len(ctx.captured_queries))
        assert len(result.rows) == (5 if ent == small else 20)
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[0]):
        ledger(viewer=viewer, on=ON, enterprise=big.credit_code)


def test_held_certificates_marks_superseded_and_reviews():
    person = make_employment(job="瓦斯检查工").person
    old = make_certificate(person, issued_on=D(2019, 1, 1))
    certificate_review_record(actor=None, certificate=old, passed_on=D(2021, 12, 1))
    new = certificate_renew(actor=None, certificate=old, number="RN1", issued_on=D(2024, 12, 1))
    held = {h.certificate.pk: h for h in held_certificates(person, ON)}
    assert held[old.pk].state_label == "已换证" and held[old.pk].superseded_by == new
    assert [r.passed_on for r in held[old.pk].reviews] == [D(2021, 12, 1)]
    assert held[new.pk].state == CertState.VALID and held[new.pk].superseded_by is None
    # before the renewal was issued the old one is not yet replaced
    before = {h.certificate.pk: h for h in held_certificates(person, D(2024, 11, 30))}
    assert before[old.pk].superseded_by is None


def test_reminder_lists_per_enterprise_and_scoped():
    a = make_enterprise(region="140502")
    c = make_enterprise(region="140581")
    p1 = make_employment(enterprise=a, job="瓦斯检查工").person
    review_soon = make_certificate(p1, issued_on=D(2022, 7, 1))  # review due 2025-07-01
    p2 = make_employment(enterprise=a, job="瓦斯检查工").person
    expiring = make_certificate(p2, issued_on=D(2019, 8, 1), review_due=D(2022, 8, 1))
    certificate_review_record(actor=None, certificate=expiring, passed_on=D(2022, 7, 1))
    p3 = make_employment(enterprise=c, job="瓦斯检查工").person
    make_certificate(p3, issued_on=D(2022, 7, 1))
    revoked = make_certificate(p1, operation="5.1", issued_on=D(2022, 7, 2), revoked=True)
    groups = reminder_lists(viewer=make_user("county_admin", region="140502"), on=ON)
    assert [g.enterprise for g in groups] == [a]
    (g,) = groups
    assert [(i.certificate, i.days) for i in g.reviews] == [(review_soon, 30)]
    assert [(i.certificate, i.due) for i in g.expiring] == [(expiring, D(2025, 7, 31))]
    assert revoked not in [i.certificate for i in g.reviews + g.expiring]
    assert len(reminder_lists(viewer=make_user("city_admin"), on=ON)) == 2
