"""Certificates over the API: the ledger and one person's certificates (scoped like the pages).

GET /api/v1/certificates/ledger?enterprise=&region=&state=&operation=&form=&on=
GET /api/v1/certificates/persons/{id}?on=   (id = the opaque person id, never the ID number)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from safetrain.certificates.matching import STATE_LABELS, CertState
from safetrain.certificates.schemas import LedgerOut, PersonCertificatesOut
from safetrain.certificates.selectors import certificate_status, held_certificates, ledger
from safetrain.core.dates import IsoDate, today
from safetrain.core.errors import NotAllowed, NotFound, ValidationFailed
from safetrain.people.selectors import employment_form_param

router = Router(tags=["certificates 证书"])

LEDGER_ROLES = ("city_admin", "county_admin", "enterprise_admin", "inspector")


def _viewer(request: HttpRequest) -> Any:
    return request.user


@router.get("/ledger", response=LedgerOut, summary="持证台账")
def ledger_get(
    request: HttpRequest,
    enterprise: str = "",
    region: str = "",
    state: str = "",
    operation: str = "",
    form: str = "",
    on: IsoDate | None = None,
) -> dict[str, Any]:
    viewer = _viewer(request)
    form = employment_form_param(form, strict=True)
    if not viewer.is_superuser and viewer.role not in LEDGER_ROLES:
        raise NotAllowed("无权查看持证台账")
    if state and state not in {s.value for s in CertState}:
        raise ValidationFailed(
            f"未知状态 {state}", fields={"state": f"可选：{', '.join(s.value for s in CertState)}"}
        )
    day = on or today()
    result = ledger(
        viewer=viewer,
        on=day,
        state=state or None,
        operation=operation or None,
        enterprise=enterprise or None,
        region=region or None,
        form=form,
    )
    rows = []
    for r in result.rows:
        best = r.best
        rows.append(
            {
                "person": str(r.person.uid),
                "name": r.person.name,
                "id_number_masked": r.person.id_number_masked,
                "enterprise": r.enterprise.credit_code,
                "enterprise_name": r.enterprise.name,
                "region": r.enterprise.region_id,
                "role_category": r.employment.role_category,
                "post": r.post.title,
                "needed": {
                    "cert_type": r.check.requirement.cert_type,
                    "operation": r.check.requirement.operation,
                },
                "certificate": (
                    {
                        "id": best.pk,
                        "number": best.number,
                        "issued_on": best.issued_on,
                        "valid_until": best.valid_until,
                        "review_due": r.check.detail.get("review_due"),
                    }
                    if best
                    else None
                ),
                "state": r.state.value,
                "state_label": r.state_label,
                "codes": r.check.codes,
            }
        )
    return {
        "as_of": day,
        "total": result.total,
        "counts": result.counts,
        "count": len(rows),
        "rows": rows,
    }


@router.get("/persons/{person_id}", response=PersonCertificatesOut, summary="某人的证书")
def person_certificates(
    request: HttpRequest, person_id: str, on: IsoDate | None = None
) -> dict[str, Any]:
    from safetrain.people.selectors import person_get

    person = person_get(viewer=_viewer(request), uid=person_id)
    if person is None:
        raise NotFound("未找到该人员（或不在您的管辖范围内）")
    day = on or today()
    status = certificate_status(person, day)
    held = held_certificates(person, day)
    return {
        "id": str(person.uid),
        "name": person.name,
        "id_number_masked": person.id_number_masked,
        "as_of": day,
        "required": [
            {
                "needed": {
                    "cert_type": c.requirement.cert_type,
                    "operation": c.requirement.operation,
                },
                "state": c.state.value,
                "state_label": STATE_LABELS[c.state],
                "certificate": c.best.id if c.best else None,
                "codes": c.codes,
            }
            for c in status.checks
        ],
        "certificates": [
            {
                "id": h.certificate.pk,
                "cert_type": h.certificate.cert_type,
                "operation": h.certificate.operation_id,
                "operation_name": h.certificate.operation.name if h.certificate.operation else None,
                "number": h.certificate.number,
                "issuing_authority": h.certificate.issuing_authority,
                "issued_on": h.certificate.issued_on,
                "valid_until": h.certificate.valid_until,
                "review_due": h.review_due,
                "revoked": h.certificate.revoked,
                "state": "superseded" if h.superseded_by else h.state.value,
                "state_label": h.state_label,
                "supersedes": h.certificate.supersedes_id,
                "superseded_by": h.superseded_by.pk if h.superseded_by else None,
                "reviews": [
                    {
                        "passed_on": r.passed_on,
                        "cleared_due": r.cleared_due,
                        "hours": float(r.hours) if r.hours is not None else None,
                    }
                    for r in h.reviews
                ],
            }
            for h in held
        ],
    }
