"""The one-person-one-file PDF and the certificate QR page name the chain head they show."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest
from django.core.cache import cache

from safetrain.archive import chain
from safetrain.certificates.tests.factories import make_certificate
from safetrain.certificates.verification import verify_path
from safetrain.core.dates import today
from safetrain.dashboards.person_pdf import archive_pdf
from safetrain.people.tests.factories import make_employment

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_archive_pdf_carries_the_head_it_was_made_from():
    person = make_employment().person
    seq, h = chain.head()
    assert seq == 2  # employment and first post
    text = pdf_text(archive_pdf(person))
    flat = "".join(text.split())  # the PDF wraps lines; compare without whitespace
    assert f"记录日志链头{seq}·{h[:12]}" in flat


def test_certificate_verify_page_shows_the_head(client):
    cache.clear()
    person = make_employment(job="瓦斯检查工").person
    cert = make_certificate(person, issued_on=today() - dt.timedelta(days=10))
    seq, h = chain.head()
    html = client.get(verify_path(cert.pk)).content.decode()
    assert f'<span id="log-head">{seq} · {h[:12]}</span>' in html
    cache.clear()
