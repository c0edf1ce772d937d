"""Reads of account security, scoped like people's user_list."""

from __future__ import annotations

from django.db.models import QuerySet

from safetrain.people.models import ApiToken, User
from safetrain.people.selectors import user_list

from .models import PasswordResetRequest


def reset_requests_open(*, viewer: User) -> QuerySet[PasswordResetRequest]:
    """Open "forgot my password" requests of the accounts the viewer administers."""
    return (
        PasswordResetRequest.objects.filter(
            handled_at__isnull=True, user__in=user_list(viewer=viewer).values("pk")
        )
        .select_related("user")
        .order_by("-requested_at")
    )


def api_tokens_of(*, viewer: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=viewer, revoked=False).order_by("-created_at")
