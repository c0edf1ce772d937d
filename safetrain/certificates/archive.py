"""The certificates section of a person's archive page (一人一档): every certificate with its
state today, review history, renewals, and a QR code per current certificate.

`archive_section(person, viewer)` returns (title, template, context); it is registered with the
archive page's section registry (safetrain/web/archive.py) in CertificatesConfig.ready(). The
template draws the QR codes with {% cert_qr %}, which takes the absolute link from the request
in the template context. The caller has already checked that the viewer may see the person."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from safetrain.certificates.matching import STATE_LABELS
from safetrain.certificates.selectors import certificate_status, held_certificates, state_badge
from safetrain.certificates.services import can_manage_person
from safetrain.certificates.verification import verify_url
from safetrain.core.dates import today

if TYPE_CHECKING:
    from safetrain.people.models import Person, User

TITLE = "证书"
TEMPLATE = "certificates/archive_section.html"


def archive_section(
    person: Person,
    viewer: User | None,
    *,
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> tuple[str, str, dict[str, Any]]:
    day = on or today()
    held = held_certificates(person, day)
    items = []
    for h in held:
        current = h.superseded_by is None and not h.certificate.revoked
        url = verify_url(request, h.certificate.pk) if current else ""
        items.append({"held": h, "verify_url": url, "current": current})
    status = certificate_status(person, day)
    required = [
        {
            "check": c,
            "state_label": STATE_LABELS[c.state],
            "badge": state_badge(c.state),
        }
        for c in status.checks
    ]
    return (
        TITLE,
        TEMPLATE,
        {
            "cert_person": person,
            "cert_on": day,
            "cert_items": items,
            "cert_required": required,
            "cert_can_add": viewer is not None and can_manage_person(viewer, person),
        },
    )
