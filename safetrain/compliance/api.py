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


class BlockedPersonOut(Schema):
    person: str  # the opaque person id
    name: str
    id_number_masked: str
    role: str
    post: str
    employment_form: str
    codes: list[str]


class BlockedListOut(Schema):
    as_of: str
    enterprise: str
    in_post: int
    blocked: int
    rows: list[BlockedPersonOut]


@router.get(
    "/enterprises/{credit_code}/blocked",
    response=BlockedListOut,
    summary="今日不得安排上岗名单（可按用工形式筛选）",
)
def enterprise_blocked(
    request: HttpRequest,
    credit_code: str,
    on: str | None = None,
    code: str = "",
    form: str = "",
) -> Any:
    """The persons in post who may not work on the day (the 上岗管控 page's list); `code` keeps
    one finding, `form` one employment form (用工形式, code or Chinese label)."""
    from safetrain.compliance.pages import enterprise_control
    from safetrain.core.errors import NotFound
    from safetrain.enterprises.selectors import enterprise_get
    from safetrain.people.selectors import employment_form_param

    ent = enterprise_get(viewer=request.user, credit_code=credit_code)  # type: ignore[arg-type]
    if ent is None:
        raise NotFound("企业不存在或不在您的辖区内")
    value = employment_form_param(form, strict=True)
    control = enterprise_control(ent, _on(on), code=code.strip(), form=value)
    return {
        "as_of": control.on.isoformat(),
        "enterprise": ent.credit_code,
        "in_post": control.in_post,
        "blocked": control.blocked,
        "rows": [
            {
                "person": str(r.person.uid),
                "name": r.person.name,
                "id_number_masked": r.person.id_number_masked,
                "role": r.role,
                "post": r.post,
                "employment_form": r.form,
                "codes": r.codes,
            }
            for r in control.rows
        ],
    }
