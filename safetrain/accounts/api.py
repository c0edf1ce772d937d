"""The accounts API: signing out (docs/security.md, "Sessions")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from safetrain.accounts import services

router = Router(tags=["accounts"])


class SignedOutOut(Schema):
    signed_out: bool
    tokens_revoked: int


@router.post(
    "/auth/sign-out", response=SignedOutOut, summary="退出登录：作废本次使用的令牌或网页会话"
)
def sign_out(request: HttpRequest) -> dict[str, Any]:
    return services.api_sign_out(request=request)
