"""Sign-ins, sign-outs and account changes reach the audit log through Django's signals, so the
log sees every path (the login page, two-factor steps, the API, the command line, the Django
admin) without the views knowing about it. The signal handlers only record; they decide nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save

from safetrain.audit.models import AuditEventKind, AuditResult
from safetrain.audit.services import audit_record

TRACKED = (
    "role",
    "region_id",
    "enterprise_id",
    "person_id",
    "is_active",
    "is_superuser",
    "is_staff",
)
ROLE_FIELDS = ("role", "region_id", "enterprise_id", "is_superuser")


def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(event=AuditEventKind.SIGN_IN, user=user, request=request, obj=user)


def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:  # signing out without a session
        return
    audit_record(event=AuditEventKind.SIGN_OUT, user=user, request=request, obj=user)


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # credentials arrive with secrets already replaced by Django; only the name is kept
    typed = str(credentials.get("username") or "")
    reason = kwargs.get("reason") or ""
    audit_record(
        event=AuditEventKind.SIGN_IN_FAILED,
        result=AuditResult.FAILURE,
        request=request,
        username=typed,
        detail=str(reason),
    )


def _user_before(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    watched = {*TRACKED, "password", "region", "enterprise", "person"}
    if raw or instance.pk is None or (update_fields and not watched & set(update_fields)):
        instance._audit_before = None  # e.g. the last_login stamp of every sign-in
        return
    old = sender.objects.filter(pk=instance.pk).values(*TRACKED, "password").first()
    instance._audit_before = old


def _user_after(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    if created:
        audit_record(
            event=AuditEventKind.ACCOUNT_CHANGE,
            obj=instance,
            detail=(
                f"created: role={instance.role} region={instance.region_id or '-'} "
                f"enterprise={instance.enterprise_id or '-'} active={instance.is_active}"
            ),
        )
        return
    old = getattr(instance, "_audit_before", None)
    if not old:
        return
    changes = [
        f"{f.removesuffix('_id')}: {old[f] if old[f] is not None else '-'} → "
        f"{getattr(instance, f) if getattr(instance, f) is not None else '-'}"
        for f in TRACKED
        if old[f] != getattr(instance, f)
    ]
    role_changed = any(old[f] != getattr(instance, f) for f in ROLE_FIELDS)
    if old["password"] != instance.password:
        changes.append("password changed")
    if not changes:
        return
    audit_record(
        event=AuditEventKind.ROLE_CHANGE if role_changed else AuditEventKind.ACCOUNT_CHANGE,
        obj=instance,
        detail="; ".join(changes),
    )


def _token_created(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    if created:
        audit_record(
            event=AuditEventKind.TOKEN_CREATE,
            obj=("people.apitoken", instance.pk),
            detail=f"API token #{instance.pk} for {instance.user.get_username()}",
        )
    elif instance.revoked:
        audit_record(
            event=AuditEventKind.ACCOUNT_CHANGE,
            obj=("people.apitoken", instance.pk),
            detail=f"API token #{instance.pk} of {instance.user.get_username()} revoked",
        )


def connect() -> None:
    from safetrain.people.models import ApiToken, User

    user_logged_in.connect(_signed_in, dispatch_uid="audit-sign-in")
    user_logged_out.connect(_signed_out, dispatch_uid="audit-sign-out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="audit-sign-in-failed")
    pre_save.connect(_user_before, sender=User, dispatch_uid="audit-user-before")
    post_save.connect(_user_after, sender=User, dispatch_uid="audit-user-after")
    post_save.connect(_token_created, sender=ApiToken, dispatch_uid="audit-token")
