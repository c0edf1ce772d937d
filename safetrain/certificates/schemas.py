"""API shapes for certificates and the ledger."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class NeededOut(Schema):
    cert_type: str
    operation: str | None


class CertificateBriefOut(Schema):
    id: int
    number: str
    issued_on: dt.date
    valid_until: dt.date
    review_due: dt.date | None


class LedgerRowOut(Schema):
    person: str  # opaque person id (uid)
    name: str
    id_number_masked: str
    enterprise: str  # credit code
    enterprise_name: str
    region: str
    role_category: str
    post: str
    needed: NeededOut
    certificate: CertificateBriefOut | None
    state: str
    state_label: str
    codes: list[str]


class LedgerOut(Schema):
    as_of: dt.date
    total: int
    counts: dict[str, int]
    count: int
    rows: list[LedgerRowOut]


class ReviewOut(Schema):
    passed_on: dt.date
    cleared_due: dt.date | None
    hours: float | None


class CertificateOut(Schema):
    id: int
    cert_type: str
    operation: str | None
    operation_name: str | None
    number: str
    issuing_authority: str
    issued_on: dt.date
    valid_until: dt.date
    review_due: dt.date | None
    revoked: bool
    state: str
    state_label: str
    supersedes: int | None
    superseded_by: int | None
    reviews: list[ReviewOut]


class RequirementOut(Schema):
    needed: NeededOut
    state: str
    state_label: str
    certificate: int | None
    codes: list[str]


class PersonCertificatesOut(Schema):
    id: str
    name: str
    id_number_masked: str
    as_of: dt.date
    required: list[RequirementOut]
    certificates: list[CertificateOut]
