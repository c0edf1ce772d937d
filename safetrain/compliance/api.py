"""REST API of compliance (DESIGN §5): a person's findings on a day, the campaign's rates, an
enterprise's drill findings. Thin: parse, call one selector, return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from safetrain.compliance import selectors
from safetrain.core import dates
from safetrain.core.errors import ValidationFailed

router = Router(tags=["compliance"])


class FindingOut(Schema):
    code: str
    blocking: bool
    basis: str
    remedy: str
    detail: dict[str, Any]


class EvaluationOut(Schema):
    as_of: str
    status: str
    may_work: bool
    enterprise: str | None
    findings: list[FindingOut]


class RatioOut(Schema):
    num: int
    den: int


class RatesOut(Schema):
    as_of: str
    scope: str
    population: int
    coverage: RatioOut
    certified: RatioOut
    awareness: RatioOut
    may_work: RatioOut


class EnterpriseFindingsOut(Schema):
    as_of: str
    enterprise: str
    findings: list[FindingOut]


def _on(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dates.parse_iso_date(value)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"on": str(exc)}) from exc


@router.get("/persons/{person_id}/compliance", response=EvaluationOut)
def person_compliance(request: HttpRequest, person_id: str, on: str | None = None) -> Any:
    ev = selectors.person_compliance_get(viewer=request.user, uid=person_id, on=_on(on))  # type: ignore[arg-type]
    return ev.as_dict()


@router.get("/rates", response=RatesOut)
def campaign_rates(
    request: HttpRequest,
    region: str | None = None,
    enterprise: str | None = None,
    on: str | None = None,
) -> Any:
    result = selectors.rates_get(
        viewer=request.user,  # type: ignore[arg-type]
        region=region or None,
        enterprise=enterprise or None,
        on=_on(on),
    )
    return result.as_dict()


@router.get("/enterprises/{credit_code}/findings", response=EnterpriseFindingsOut)
def enterprise_findings(request: HttpRequest, credit_code: str, on: str | None = None) -> Any:
    day = _on(on) or dates.today()
    ent, findings = selectors.enterprise_findings_get(
        viewer=request.user,  # type: ignore[arg-type]
        credit_code=credit_code,
        on=day,
    )
    return {
        "as_of": day.isoformat(),
        "enterprise": ent.credit_code,
        "findings": [f.as_dict() for f in findings],
    }
