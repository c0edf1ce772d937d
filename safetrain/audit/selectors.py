"""Reads of the audit log: for city admins (and superusers) only, filtered and newest first."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from safetrain.audit.models import AuditEvent

if TYPE_CHECKING:
    from safetrain.people.models import User


def can_read_audit(viewer: User) -> bool:
    return bool(
        viewer.is_authenticated
        and viewer.is_active
        and (viewer.is_superuser or viewer.role == "city_admin")
    )


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_event_list(
    *,
    viewer: User,
    user: str = "",
    event: str = "",
    result: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    ip: str = "",
) -> QuerySet[AuditEvent]:
    """Events matching the filters (dates inclusive, Asia/Shanghai days); nothing for a viewer
    who may not read the log."""
    if not can_read_audit(viewer):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.select_related("user")
    if user:
        qs = qs.filter(username__icontains=user.strip())
    if event:
        qs = qs.filter(event=event)
    if result:
        qs = qs.filter(result=result)
    if date_from:
        qs = qs.filter(at__gte=_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_start(date_to + dt.timedelta(days=1)))
    if ip:
        qs = qs.filter(ip=ip.strip())
    return qs.order_by("-at", "-id")
