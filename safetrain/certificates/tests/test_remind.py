"""`safetrain certificates remind`: the windows, the recipients, idempotency."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from safetrain.certificates.models import Notification
from safetrain.certificates.services import certificate_remind, certificate_renew
from safetrain.certificates.tests.factories import make_certificate
from safetrain.people.tests.factories import make_employment, make_user

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def setup():
    emp = make_employment(job="瓦斯检查工")
    admin = make_user("enterprise_admin", enterprise=emp.enterprise)
    other_admin = make_user("enterprise_admin")  # another enterprise
    worker = make_user("worker", person=emp.person)
    # review due 2025-07-01, valid until 2028-06-30
    cert = make_certificate(emp.person, issued_on=D(2022, 7, 1))
    return emp, admin, other_admin, worker, cert


def test_review_window_boundaries_and_recipients(setup):
    emp, admin, other_admin, worker, cert = setup
    assert certificate_remind(on=D(2025, 5, 1)) == 0  # 61 days before
    assert certificate_remind(on=D(2025, 5, 2)) == 2  # 60 days before: admin and worker
    got = set(Notification.objects.values_list("recipient_id", "kind", "window_key"))
    assert got == {
        (admin.pk, "review_due", "2025-07-01"),
        (worker.pk, "review_due", "2025-07-01"),
    }
    assert not Notification.objects.filter(recipient=other_admin).exists()
    assert "2025-07-01" in Notification.objects.first().message


def test_idempotent(setup):
    assert certificate_remind(on=D(2025, 6, 1)) == 2
    assert certificate_remind(on=D(2025, 6, 1)) == 0
    assert certificate_remind(on=D(2025, 6, 2)) == 0  # still the same window
    out = StringIO()
    call_command("certificates", "remind", "--on", "2025-06-03", stdout=out)
    assert "reminders created: 0" in out.getvalue()
    assert Notification.objects.count() == 2


def test_expiry_window_and_renewal_stops_reminders(setup):
    emp, admin, _, worker, cert = setup
    cert.review_due = None
    cert.save()
    assert certificate_remind(on=D(2028, 3, 31)) == 0  # 91 days before 2028-06-30
    assert certificate_remind(on=D(2028, 4, 1)) == 2  # 90 days before
    assert set(Notification.objects.values_list("kind", flat=True)) == {"expiring"}
    emp2 = make_employment(job="瓦斯检查工")
    old = make_certificate(emp2.person, issued_on=D(2022, 7, 1), review_due=D(2025, 7, 1))
    certificate_renew(actor=None, certificate=old, number="RN-9", issued_on=D(2025, 5, 1))
    make_user("worker", person=emp2.person)
    assert certificate_remind(on=D(2025, 6, 1)) == 0  # the renewed certificate is not reminded


def test_command_reports_count(setup):
    out = StringIO()
    call_command("certificates", "remind", "--on", "2025-06-01", stdout=out)
    assert "reminders created: 2" in out.getvalue()
