"""Public QR verification: a good token shows the state and nothing more; a forged or altered
token shows 证书验证失败 and no data; the page is rate limited per client IP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.signing import Signer
from django.test import override_settings

from safetrain.certificates.tests.factories import make_certificate
from safetrain.certificates.verification import (
    SALT,
    certificate_id_from_token,
    qr_svg,
    verify_path,
    verify_token,
)
from safetrain.core.dates import today
from safetrain.people.services import person_id_number
from safetrain.people.tests.factories import make_employment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cert():
    person = make_employment(job="瓦斯检查工").person
    return make_certificate(person, issued_on=today() - dt.timedelta(days=10))


def test_good_token_shows_holder_masked_id_type_operation_state(client, cert):
    response = client.get(verify_path(cert.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert cert.person.name in html
    assert cert.person.id_number_masked in html
    assert person_id_number(cert.person) not in html
    assert "特种作业操作证" in html and "瓦斯检查" in html
    assert 'id="verify-state">有效<' in html


def test_revoked_certificate_shows_revoked(client, cert):
    cert.revoked = True
    cert.save()
    html = client.get(verify_path(cert.pk)).content.decode()
    assert 'id="verify-state">已吊销<' in html


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # altered signature
        lambda t: str(int(t.split(":")[0]) + 1) + ":" + t.split(":", 1)[1],  # another id
        lambda t: Signer(salt="some.other.salt").sign(t.split(":")[0]),  # wrong salt
        lambda t: Signer(salt=SALT, key="forged-key-0123456789").sign(t.split(":")[0]),
        lambda t: "garbage",
    ],
    ids=["signature", "id", "salt", "key", "garbage"],
)
def test_tampered_token_is_refused_without_data(client, cert, mutate):
    token = mutate(verify_token(cert.pk))
    assert certificate_id_from_token(token) is None
    response = client.get(f"/verify/c/{token}/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "证书验证失败" in html
    assert cert.person.name not in html and cert.number not in html


def test_unknown_certificate_is_404(client, cert):
    response = client.get(verify_path(cert.pk + 1000))
    assert response.status_code == 404
    assert "证书验证失败" in response.content.decode()


@override_settings(SAFETRAIN_VERIFY_RATE=3)
def test_rate_limited_per_ip(client, cert):
    path = verify_path(cert.pk)
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(path)
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert cert.person.name not in limited.content.decode()
    # another client IP is not affected
    assert client.get(path, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_qr_is_inline_svg():
    svg = qr_svg("https://example.org/verify/c/1:abc/")
    assert svg.startswith("<svg") and "</svg>" in svg and "<script" not in svg
