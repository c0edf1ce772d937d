"""`POST /api/v1/persons/{id}/unmask {"reason"}` → `{"id_number", "phone"}`: the full numbers for
an allowed caller with a reason, audited (docs/security.md#personal-data). 403 without the
permission, 404 outside the caller's jurisdiction, 422 without a reason."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from safetrain.audit.services import person_unmask
from safetrain.core.errors import NotFound
from safetrain.people.models import User
from safetrain.people.selectors import person_get

router = Router(tags=["audit 安全审计"])


class UnmaskIn(Schema):
    reason: str


class UnmaskOut(Schema):
    id_number: str
    phone: str


@router.post(
    "/persons/{person_id}/unmask",
    response=UnmaskOut,
    summary="查看完整身份证号和手机号（须有权限并填写理由，记入审计日志）",
)
def unmask_person(request: HttpRequest, person_id: str, payload: UnmaskIn) -> dict[str, str]:
    viewer = cast(User, request.auth)  # type: ignore[attr-defined]
    person = person_get(viewer=viewer, uid=person_id)
    if person is None:
        raise NotFound("人员不存在或不在您的辖区内")
    return person_unmask(actor=viewer, person=person, reason=payload.reason, request=request)
