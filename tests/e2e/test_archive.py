"""Browser journey: the certificate QR page on a phone shows the record log's head, and the
log verifies (the live server's writes are logged; the flush after this test empties the log
through the maintenance switch, also on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.archive import chain
from safetrain.certificates.tests.factories import make_certificate
from safetrain.certificates.verification import verify_path
from safetrain.core.dates import today
from safetrain.people.tests.factories import make_employment
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_qr_page_names_the_log_head_on_a_phone(phone_page, live_server):
    person = make_employment(job="瓦斯检查工").person
    cert = make_certificate(person, issued_on=today() - dt.timedelta(days=30))
    seq, h = chain.head()
    assert seq >= 3  # employment, post, certificate
    phone_page.goto(f"{live_server.url}{verify_path(cert.pk)}")
    assert phone_page.locator("#log-head").inner_text() == f"{seq} · {h[:12]}"
    assert chain.verify().ok
    screenshot(phone_page, "archive-verify-head-phone")
