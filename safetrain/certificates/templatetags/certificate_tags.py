"""{% cert_qr certificate_id %}: the verification QR code (inline SVG) linked to the public
verification page, with an absolute link built from the request in the template context."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from safetrain.certificates.verification import qr_svg, verify_url

register = template.Library()


@register.simple_tag(takes_context=True)
def cert_qr(context: dict[str, Any], certificate_id: int, scale: int = 2) -> SafeString:
    url = verify_url(context.get("request"), int(certificate_id))
    return format_html(
        '<a href="{}" class="cert-qr" title="证书验证">{}</a>',
        url,
        mark_safe(qr_svg(url, scale=scale)),
    )
