"""Public QR verification of a certificate (issue 3 §7).

The QR code holds a link /verify/c/<token>/ where the token is the certificate id signed with
SECRET_KEY and a salt of its own (django.core.signing): the page can be opened by anyone (an
inspector on site, a new employer), but a forged or altered token reveals nothing. QR images are
drawn on the server with segno as inline SVG — no script, no CDN.
"""

from __future__ import annotations

import time

import segno
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

SALT = "safetrain.certificates.verify.v1"


def verify_token(certificate_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(certificate_id))


def certificate_id_from_token(token: str) -> int | None:
    """The certificate id a token was signed for, or None when forged, altered or malformed."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def verify_path(certificate_id: int) -> str:
    return reverse("certificates:verify", args=[verify_token(certificate_id)])


def verify_url(request: HttpRequest | None, certificate_id: int) -> str:
    """The absolute link for the QR code: from the request, else from SAFETRAIN_PUBLIC_URL
    (e.g. https://aq.jcs.gov.cn), else the bare path."""
    path = verify_path(certificate_id)
    if request is not None:
        return request.build_absolute_uri(path)
    base = str(getattr(settings, "SAFETRAIN_PUBLIC_URL", "") or "").rstrip("/")
    return base + path


def qr_svg(data: str, *, scale: int = 4) -> str:
    """An inline <svg> QR code (medium error correction), dark modules on white."""
    qr = segno.make(data, error="m")
    return str(qr.svg_inline(scale=scale, dark="#000", light="#fff", title="证书验证二维码"))


def rate_limited(request: HttpRequest) -> bool:
    """True when this client IP has used up its verifications for the current minute.

    Counted in Django's cache (per process with the default local-memory cache; a shared cache
    such as Redis makes it per deployment). The limit is SAFETRAIN_VERIFY_RATE per minute."""
    limit = int(getattr(settings, "SAFETRAIN_VERIFY_RATE", 30))
    ip = request.META.get("REMOTE_ADDR", "") or "unknown"
    key = f"certverify:{ip}:{int(time.time() // 60)}"
    if cache.add(key, 1, timeout=120):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=120)
            count = 1
    return count > limit
