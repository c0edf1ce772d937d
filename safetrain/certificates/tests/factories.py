"""Builders for certificates (through the services, like production)."""

from __future__ import annotations

import datetime as dt

from safetrain.certificates.models import Certificate
from safetrain.certificates.services import certificate_issue
from safetrain.core.testing import next_seq
from safetrain.people.models import Person


def make_certificate(
    person: Person,
    *,
    cert_type: str = "special_operation",
    operation: str | None = "5.4",
    issued_on: dt.date = dt.date(2022, 1, 10),
    valid_until: dt.date | None = None,
    review_due: dt.date | None = None,
    number: str | None = None,
    revoked: bool = False,
) -> Certificate:
    return certificate_issue(
        actor=None,
        person=person,
        cert_type=cert_type,
        operation_code=operation if cert_type == "special_operation" else None,
        number=number or f"T{next_seq():06d}",
        issuing_authority="晋城市应急管理局",
        issued_on=issued_on,
        valid_until=valid_until,
        review_due=review_due,
        revoked=revoked,
        source="seed",
    )
