"""REST API of inspections (docs/inspections.md): correction orders and their state on a day,
issuing an order, recording a penalty. Thin: parse, call one selector or service, return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from safetrain.core import dates
from safetrain.core.errors import NotAllowed, NotFound, ValidationFailed
from safetrain.core.pagination import Page, PageParams, paginate
from safetrain.enterprises.selectors import enterprise_get
from safetrain.inspections import selectors, services
from safetrain.inspections.models import CorrectionOrder
from safetrain.people.models import Person
from safetrain.people.selectors import person_get

router = Router(tags=["inspections"])


class OrderItemOut(Schema):
    person: str  # the person's opaque id
    name: str
    code: str
    cleared_on: str | None


class PenaltyOut(Schema):
    amount: str
    basis: str
    decided_on: str


class OrderOut(Schema):
    number: str
    enterprise: str
    region: str
    issued_on: str
    deadline: str
    state: str
    closed_on: str | None
    items: list[OrderItemOut]
    penalties: list[PenaltyOut]


class OrderItemIn(Schema):
    person: str
    code: str


class OrderIn(Schema):
    enterprise: str
    deadline: str
    items: list[OrderItemIn]
    note: str = ""


class PenaltyIn(Schema):
    amount: str
    basis: str
    decided_on: str | None = None
    note: str = ""


def _day(value: str | None, field: str = "on") -> dt.date | None:
    if not value:
        return None
    try:
        return dates.parse_iso_date(value)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={field: str(exc)}) from exc


def order_out(order: CorrectionOrder, on: dt.date) -> dict[str, Any]:
    return {
        "number": order.number,
        "enterprise": order.enterprise.credit_code,
        "region": order.enterprise.region_id,
        "issued_on": order.issued_on.isoformat(),
        "deadline": order.deadline.isoformat(),
        "state": order.state_on(on),
        "closed_on": order.closed_on.isoformat() if order.closed_on else None,
        "items": [
            {
                "person": str(i.person.uid),
                "name": i.person.name,
                "code": i.code,
                "cleared_on": i.cleared_on.isoformat() if i.cleared_on else None,
            }
            for i in order.items.all()
        ],
        "penalties": [
            {"amount": str(p.amount), "basis": p.basis, "decided_on": p.decided_on.isoformat()}
            for p in order.penalties.all()
        ],
    }


def _check_role(request: HttpRequest) -> None:
    if str(getattr(request.user, "role", "")) not in services.OVERSIGHT_ROLES and not getattr(
        request.user, "is_superuser", False
    ):
        raise NotAllowed("只有执法人员和市、县应急管理局可以查看责令改正")


@router.get("/orders", response=Page[OrderOut])
def orders(
    request: HttpRequest,
    paging: Query[PageParams],
    state: str = "",
    region: str | None = None,
    enterprise: str | None = None,
    on: str | None = None,
) -> Any:
    _check_role(request)
    day = _day(on) or dates.today()
    if state and state not in selectors.STATES:
        raise ValidationFailed("state 应为 open、overdue 或 closed", fields={"state": "无效"})
    ent = None
    if enterprise:
        ent = enterprise_get(viewer=request.user, credit_code=enterprise)  # type: ignore[arg-type]
        if ent is None:
            raise NotFound("企业不存在或不在您的辖区内")
    qs = selectors.order_list(
        viewer=request.user,  # type: ignore[arg-type]
        on=day,
        state=state,
        region=region,
        enterprise=ent,
    )
    return paginate(qs.order_by("deadline", "number"), paging, lambda o: order_out(o, day))


@router.post("/orders", response={201: OrderOut})
def order_issue(request: HttpRequest, payload: OrderIn) -> Any:
    _check_role(request)
    ent = enterprise_get(viewer=request.user, credit_code=payload.enterprise)  # type: ignore[arg-type]
    if ent is None:
        raise NotFound("企业不存在或不在您的辖区内")
    pairs = []
    for n, item in enumerate(payload.items):
        person: Person | None = person_get(viewer=request.user, uid=item.person)  # type: ignore[arg-type]
        if person is None:
            raise ValidationFailed(
                f"第 {n + 1} 项：人员不存在", fields={f"items[{n}].person": "不存在"}
            )
        pairs.append((person.pk, item.code))
    deadline = _day(payload.deadline, "deadline")
    if deadline is None:
        raise ValidationFailed("请填写整改期限", fields={"deadline": "必填"})
    order = services.order_issue(
        actor=request.user,  # type: ignore[arg-type]
        enterprise=ent,
        items=pairs,
        deadline=deadline,
        note=payload.note,
    )
    fresh = selectors.order_list(viewer=request.user).get(pk=order.pk)  # type: ignore[arg-type]
    return Status(201, order_out(fresh, dates.today()))


@router.post("/orders/{number}/penalties", response={201: OrderOut})
def penalty_add(request: HttpRequest, number: str, payload: PenaltyIn) -> Any:
    _check_role(request)
    order = selectors.order_list(viewer=request.user).filter(number=number).first()  # type: ignore[arg-type]
    if order is None:
        raise NotFound("责令改正不存在或不在您的辖区内")
    services.penalty_add(
        actor=request.user,  # type: ignore[arg-type]
        order=order,
        amount=payload.amount,
        basis=payload.basis,
        decided_on=_day(payload.decided_on, "decided_on"),
        note=payload.note,
    )
    fresh = selectors.order_list(viewer=request.user).get(pk=order.pk)  # type: ignore[arg-type]
    return Status(201, order_out(fresh, dates.today()))


# ------------------------------------------------------------------------------ 双随机 (一公开)


class DrawPairOut(Schema):
    enterprise: str
    inspectors: list[str]


class DrawOut(Schema):
    id: int
    region: str
    plan: str | None
    on: str
    published_at: str
    count: int
    seed: str
    inputs_digest: str
    pairs: list[DrawPairOut]


def draw_out(draw: Any) -> dict[str, Any]:
    return {
        "id": draw.pk,
        "region": draw.region_id,
        "plan": draw.plan.title if draw.plan else None,
        "on": draw.on.isoformat(),
        "published_at": draw.published_at.isoformat(),
        "count": draw.count,
        "seed": draw.seed,
        "inputs_digest": draw.inputs_digest,
        "pairs": draw.result,
    }


@router.get("/draws", response=Page[DrawOut])
def draws(request: HttpRequest, paging: Query[PageParams]) -> Any:
    """Published 双随机 draws visible to the caller (everyone in scope, as the web page)."""
    return paginate(selectors.draw_list(viewer=request.user), paging, draw_out)  # type: ignore[arg-type]


@router.get("/draws/{draw_id}", response=DrawOut)
def draw_get(request: HttpRequest, draw_id: int) -> Any:
    draw = selectors.draw_get(viewer=request.user, pk=draw_id)  # type: ignore[arg-type]
    if draw is None:
        raise NotFound("抽取记录不存在或不在您的范围内")
    return draw_out(draw)
