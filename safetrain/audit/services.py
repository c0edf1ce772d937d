"""Writes of the audit log, and the audited actions on personal data (unmask, purge).

`audit_record(...)` is the one public entry for other apps: it scrubs its text (a full ID number
or mobile number is masked wherever it appears), takes the user and the IP from the request,
and writes one AuditEvent. It never stores a password, a token or a full ID number.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q

from safetrain.audit.models import AuditEvent, AuditEventKind, AuditResult
from safetrain.core.dates import add_months, today
from safetrain.core.errors import NotAllowed, ValidationFailed
from safetrain.core.identifiers import mask_id_number, mask_phone

if TYPE_CHECKING:
    from django.http import HttpRequest

    from safetrain.people.models import Person, User

# The request being served (set by the middleware), so that model signals (account changes)
# know who acted and from where. None on the command line.
current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "safetrain_audit_request", default=None
)

RETENTION_MONTHS = 6  # 网络安全法 Art. 21: network logs kept for no less than six months
MIN_REASON = 4
MAX_DETAIL = 2000

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
_SECRET_RE = re.compile(r"(?i)\b(st_[A-Za-z0-9_\-]{20,}|bearer\s+\S+)")


def scrub(text: Any, limit: int = MAX_DETAIL) -> str:
    """Text safe for the log: ID numbers and mobile numbers masked, bearer tokens cut out."""
    value = str(text or "")
    value = _ID_RE.sub(lambda m: mask_id_number(m.group(1).upper()), value)
    value = _PHONE_RE.sub(lambda m: mask_phone(m.group(1)), value)
    value = _SECRET_RE.sub("[redacted]", value)
    return value[:limit]


def client_ip(request: HttpRequest | None) -> str | None:
    """The peer address (REMOTE_ADDR). Behind a proxy, the proxy sets it (docs/security.md)."""
    if request is None:
        return None
    ip = str(request.META.get("REMOTE_ADDR") or "").strip()
    return ip or None


def _object_fields(obj: Any) -> dict[str, str]:
    if obj is None:
        return {}
    if isinstance(obj, str):
        return {"object_repr": scrub(obj, 200)}
    if isinstance(obj, tuple):
        kind, ident = (obj + ("",))[:2]
        return {"object_type": str(kind)[:64], "object_id": scrub(ident, 64)}
    meta = getattr(obj, "_meta", None)
    if meta is not None:
        return {
            "object_type": meta.label_lower[:64],
            "object_id": str(obj.pk)[:64],
            "object_repr": scrub(obj, 200),
        }
    return {"object_repr": scrub(obj, 200)}


def audit_record(
    *,
    event: str,
    result: str = AuditResult.SUCCESS,
    user: User | None = None,
    request: HttpRequest | None = None,
    obj: Any = None,
    detail: str = "",
    username: str = "",
) -> AuditEvent:
    """Append one event. `user` defaults to the request's signed-in user; `username` is the text
    typed at a failed sign-in (masked when it is an ID or phone number); `obj` is a model
    instance, a (type, id) pair or a short description."""
    if event not in AuditEventKind.values:
        raise ValueError(f"unknown audit event {event!r}")
    if result not in AuditResult.values:
        raise ValueError(f"unknown audit result {result!r}")
    if request is None:
        request = current_request.get()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and getattr(candidate, "is_authenticated", False):
            user = candidate
    name = user.get_username() if user is not None else username
    return AuditEvent.objects.create(
        user=user if user is not None and user.pk else None,
        username=scrub(name, 150),
        ip=client_ip(request),
        event=event,
        result=result,
        detail=scrub(detail),
        **_object_fields(obj),
    )


# ----------------------------------------------------------------------------- unmasking


def can_unmask(*, viewer: User, person: Person, on: dt.date | None = None) -> bool:
    """City and county admins for persons in their jurisdiction; an enterprise admin for persons
    whose employment on `on` (today) is with its enterprise. Nobody else (docs/security.md)."""
    from safetrain.people.models import Employment
    from safetrain.people.selectors import person_list

    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if viewer.is_superuser or viewer.role in ("city_admin", "county_admin"):
        return person_list(viewer=viewer).filter(pk=person.pk).exists()
    if viewer.role == "enterprise_admin" and viewer.enterprise_id:
        day = on or today()
        return (
            Employment.objects.filter(
                person=person, enterprise_id=viewer.enterprise_id, start_date__lte=day
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .exists()
        )
    return False


def person_unmask(
    *, actor: User, person: Person, reason: str, request: HttpRequest | None = None
) -> dict[str, str]:
    """The full ID number and phone, for an allowed actor with a reason; always audited (a
    refusal too). The event is written before the numbers are returned: no audit, no data."""
    from safetrain.people.services import person_id_number, person_phone

    reason = " ".join((reason or "").split())
    if not can_unmask(viewer=actor, person=person):
        audit_record(
            event=AuditEventKind.UNMASK,
            result=AuditResult.FAILURE,
            user=actor,
            request=request,
            obj=person,
            detail=f"refused (no permission); reason: {reason}",
        )
        raise NotAllowed("无权查看该人员的完整个人信息")
    if len(reason) < MIN_REASON:
        raise ValidationFailed(
            f"请填写查看理由（至少 {MIN_REASON} 个字）", fields={"reason": "必填"}
        )
    with transaction.atomic():
        audit_record(
            event=AuditEventKind.UNMASK,
            user=actor,
            request=request,
            obj=person,
            detail=f"reason: {reason}",
        )
    return {"id_number": person_id_number(person), "phone": person_phone(person)}


# ----------------------------------------------------------------------------- retention


def purge_cutoff(on: dt.date | None = None) -> dt.date:
    """The latest `--before` date allowed: today minus six months."""
    return add_months(on or today(), -RETENTION_MONTHS)


def audit_purge(*, before: dt.date, on: dt.date | None = None) -> int:
    """Delete events dated before `before` (Asia/Shanghai days). Refused, deleting nothing, when
    `before` is later than today minus six months. Returns the number deleted; the purge itself
    is recorded."""
    from django.utils import timezone

    cutoff = purge_cutoff(on)
    if before > cutoff:
        audit_record(
            event=AuditEventKind.AUDIT_PURGE,
            result=AuditResult.FAILURE,
            detail=f"refused: before {before.isoformat()} is later than {cutoff.isoformat()}",
        )
        raise ValidationFailed(
            f"审计日志至少保存六个月（网络安全法第二十一条）：--before 不得晚于 {cutoff.isoformat()}",
            fields={"before": f"不得晚于 {cutoff.isoformat()}"},
        )
    start = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    with transaction.atomic():
        deleted, _ = AuditEvent.objects.filter(at__lt=start).delete()
        audit_record(
            event=AuditEventKind.AUDIT_PURGE,
            detail=f"deleted {deleted} events before {before.isoformat()}",
        )
    return deleted
