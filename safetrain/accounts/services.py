"""Writes of account security: TOTP enrolment and checks, sessions, API tokens, password resets.

Who must use a second factor: city, county and enterprise administrators and inspectors (and
superusers, who count as city administrators). Trainers and workers sign in with a password.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from importlib import import_module
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from safetrain.core import crypto
from safetrain.core.errors import NotAllowed, NotFound, ValidationFailed
from safetrain.people.models import ApiToken, User

from .models import AccountSession, PasswordResetGrant, PasswordResetRequest, TotpDevice
from .throttle import is_locked, throttle_clear, throttle_fail, throttle_key

TWO_FACTOR_ROLES = frozenset({"city_admin", "county_admin", "enterprise_admin", "inspector"})
ISSUER = "晋城安全培训 safetrain"
RESET_MINUTES = 30
# session keys
VERIFIED = "accounts_2fa_verified"
SIGNED_IN_AT = "accounts_signed_in_at"
SEEN_AT = "accounts_seen_at"


def clock() -> float:
    """Seconds since the epoch; the session timeouts read the time here (tests freeze it)."""
    return time.time()


def requires_two_factor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False) or user.role in TWO_FACTOR_ROLES)


def session_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(VERIFIED))


# ----------------------------------------------------------------------------- TOTP


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret)  # RFC 6238 defaults: SHA-1, 6 digits, 30 s (every authenticator app)


def otp_device(user: Any) -> TotpDevice | None:
    return TotpDevice.objects.filter(user_id=user.pk).first()


def otp_has_device(user: Any) -> bool:
    return TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists()


def otp_secret(device: TotpDevice) -> str:
    return crypto.decrypt(device.secret_encrypted)


def otp_enrol_start(*, user: User) -> TotpDevice:
    """The pending device of a user who has none confirmed (the same secret on every reload)."""
    device = otp_device(user)
    if device is not None:
        if device.confirmed:
            raise NotAllowed("已绑定动态口令，如需更换请联系管理员重置")
        return device
    return TotpDevice.objects.create(
        user=user, secret_encrypted=crypto.encrypt(pyotp.random_base32())
    )


def otp_provisioning_uri(user: User, secret: str) -> str:
    return _totp(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def otp_qr_svg(uri: str) -> str:
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"))


def _current_step(now: dt.datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp()) // 30


def _check_code(device: TotpDevice, code: str) -> bool:
    """The code of the current 30-s step, or of the one just before or after (clock drift), and
    of a step later than the last accepted one: each code works once."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return False
    totp = _totp(otp_secret(device))
    now_step = _current_step()
    with transaction.atomic():
        locked = TotpDevice.objects.select_for_update().get(pk=device.pk)
        for step in (now_step - 1, now_step, now_step + 1):
            if step > locked.last_step and secrets.compare_digest(totp.at(step * 30), code):
                locked.last_step = step
                locked.save(update_fields=["last_step"])
                device.last_step = step
                return True
    return False


def otp_current_code(*, user: User) -> str:
    """The code an authenticator shows now (`safetrain user otp`: a demo and operator aid)."""
    device = otp_device(user)
    if device is None:
        raise NotFound(f"账号 {user.username} 未绑定动态口令")
    return _totp(otp_secret(device)).now()


def otp_demo_enrol(*, user: User) -> str:
    """Pre-enrol a demo account (confirmed device) and return its secret (printed by the demo)."""
    device = otp_device(user)
    if device is None:
        device = TotpDevice.objects.create(
            user=user,
            secret_encrypted=crypto.encrypt(pyotp.random_base32()),
            confirmed_at=timezone.now(),
        )
    elif not device.confirmed:
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
    return otp_secret(device)


def otp_reset(*, actor: User | None, user: User) -> None:
    """Remove a user's authenticator (lost phone): they enrol again at their next sign-in.
    Their sessions and tokens end too, since the second factor they were opened with is gone."""
    if actor is not None:
        _check_may_manage(actor, user)
    TotpDevice.objects.filter(user=user).delete()
    sign_out_everywhere(user=user)


def _signal_failure(request: HttpRequest | None, user: User, factor: str) -> None:
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.username, "factor": factor},
        request=request,
    )


def otp_attempt(*, request: HttpRequest, user: User, code: str, enrolling: bool = False) -> str:
    """Check a second-factor code for the signed-in (password-only) session.

    Returns "ok" (the session is now verified, with a new session key), "invalid" or "locked".
    Every failure counts toward the account's sign-in lock and sends `user_login_failed`.
    """
    key = throttle_key(user.username, user)
    if is_locked(key):
        _signal_failure(request, user, "totp")
        return "locked"
    device = otp_device(user)
    ok = device is not None and (device.confirmed or enrolling) and _check_code(device, code)
    if not ok:
        _signal_failure(request, user, "totp")
        return "locked" if throttle_fail(key) else "invalid"
    assert device is not None
    if enrolling and not device.confirmed:
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
    throttle_clear(key)
    old_key = request.session.session_key
    request.session.cycle_key()  # a new key once the session gains the second factor
    request.session[VERIFIED] = True
    session_retrack(user=user, old_key=old_key, new_key=request.session.session_key)
    return "ok"


# ----------------------------------------------------------------------------- sessions


def session_track(*, user: Any, session_key: str | None) -> None:
    """Remember a signed-in session of the user (and forget theirs that must have expired)."""
    if session_key:
        AccountSession.objects.get_or_create(session_key=session_key, defaults={"user": user})
        too_old = timezone.now() - dt.timedelta(seconds=settings.SAFETRAIN_SESSION_MAX_SECONDS)
        AccountSession.objects.filter(user=user, created_at__lt=too_old).delete()


def session_retrack(*, user: Any, old_key: str | None, new_key: str | None) -> None:
    if old_key:
        AccountSession.objects.filter(session_key=old_key).delete()
    if new_key is None:
        return
    session_track(user=user, session_key=new_key)


def session_forget(*, session_key: str | None) -> None:
    if session_key:
        AccountSession.objects.filter(session_key=session_key).delete()


def sign_out_everywhere(*, user: Any) -> dict[str, int]:
    """End every web session of the user and revoke all their API tokens."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(AccountSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    AccountSession.objects.filter(user=user).delete()
    tokens = ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
    return {"sessions": len(keys), "tokens": tokens}


# ----------------------------------------------------------------------------- API tokens


def api_token_issue(*, actor: User, request: HttpRequest | None = None) -> str:
    """A bearer token for the actor's own account: only an account with a confirmed second factor,
    from a session that passed it. (`safetrain token create` is the operator's way for others.)"""
    from safetrain.people.services import token_create

    if not otp_has_device(actor):
        raise NotAllowed("只有已绑定动态口令（双因素认证）的账号才能创建接口令牌")
    if request is not None and not session_verified(request):
        raise NotAllowed("请先完成动态口令验证")
    return token_create(user=actor)


def api_token_revoke(*, actor: User, token_id: int) -> None:
    updated = ApiToken.objects.filter(pk=token_id, user=actor).update(revoked=True)
    if not updated:
        raise NotFound("未找到该令牌")


# ----------------------------------------------------------------------------- password reset

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def _code_hash(code: str) -> str:
    clean = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(("reset:" + clean).encode()).hexdigest()


def reset_request(*, identifier: str) -> None:
    """ "Forgot my password" by username, ID number or phone. Nothing tells whether the account
    exists: when it does, the request waits for its administrators (one open request each)."""
    from safetrain.people.auth import resolve_account

    user = resolve_account(identifier)
    if user is None or not user.is_active:
        return
    if not PasswordResetRequest.objects.filter(user=user, handled_at__isnull=True).exists():
        PasswordResetRequest.objects.create(user=user)


def _check_may_manage(actor: User, user: User) -> None:
    """An administrator acts on accounts of their jurisdiction whose role they may create."""
    from safetrain.people.selectors import user_list
    from safetrain.people.services import CREATABLE_BY

    role = "city_admin" if actor.is_superuser else actor.role
    if user.role not in CREATABLE_BY.get(role, set()) and not actor.is_superuser:
        raise NotAllowed("无权管理该账号")
    if not user_list(viewer=actor).filter(pk=user.pk).exists():
        raise NotFound("未找到该账号")


def reset_issue(*, actor: User | None, user: User) -> str:
    """A one-time reset code for `user`, valid 30 minutes; any earlier unused code dies.
    `actor=None` is the operator's command line (`safetrain user reset-password`)."""
    if actor is not None:
        _check_may_manage(actor, user)
    code = "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3))
    now = timezone.now()
    with transaction.atomic():
        PasswordResetGrant.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        PasswordResetGrant.objects.create(
            user=user,
            code_hash=_code_hash(code),
            issued_by=actor,
            issued_at=now,
            expires_at=now + dt.timedelta(minutes=RESET_MINUTES),
        )
        PasswordResetRequest.objects.filter(user=user, handled_at__isnull=True).update(
            handled_at=now
        )
    return code


def reset_redeem(*, request: HttpRequest | None, identifier: str, code: str, password: str) -> User:
    """Set a new password with a reset code. A wrong name or code gives one answer, counts
    toward the sign-in lock and sends `user_login_failed`. Success ends every session and
    revokes the API tokens of the account (whoever had the old password is out)."""
    from django.contrib.auth.password_validation import validate_password

    from safetrain.people.auth import resolve_account

    user = resolve_account(identifier)
    key = throttle_key(identifier, user)
    failure = ValidationFailed("用户名或重置码无效、已使用或已过期", fields={"code": "无效"})
    if is_locked(key):
        if user is not None:
            _signal_failure(request, user, "reset_code")
        raise ValidationFailed("尝试次数过多，请 30 分钟后再试", fields={"code": "已锁定"})
    now = timezone.now()
    grant = None
    if user is not None:
        grant = PasswordResetGrant.objects.filter(
            user=user, code_hash=_code_hash(code), used_at__isnull=True, expires_at__gt=now
        ).first()
    if grant is None:
        throttle_fail(key)
        if user is not None:
            _signal_failure(request, user, "reset_code")
        raise failure
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "密码不符合要求：" + "；".join(exc.messages), fields={"password": exc.messages}
        ) from exc
    with transaction.atomic():
        grant.used_at = now
        grant.save(update_fields=["used_at"])
        user.set_password(password)
        user.save(update_fields=["password"])
    throttle_clear(key)
    sign_out_everywhere(user=user)
    return user


def api_sign_out(*, request: HttpRequest) -> dict[str, Any]:
    """`POST /api/v1/auth/sign-out`: a client signing out through the API. With a bearer token,
    that token is revoked at once (the caller's other tokens, other devices, stay); with the web
    session, the session ends as at `POST /logout/`. Either way `user_logged_out` is sent, so the
    audit log records the sign-out."""
    from django.contrib.auth import logout
    from django.contrib.auth.signals import user_logged_out

    from safetrain.people.services import token_digest

    user = request.user
    if not isinstance(user, User):  # the API's authentication let only signed-in users in
        raise NotAllowed("请先登录")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        revoked = ApiToken.objects.filter(
            key_hash=token_digest(token.strip()), user=user, revoked=False
        ).update(revoked=True)
        user_logged_out.send(sender=type(user), request=request, user=user)
        return {"signed_out": True, "tokens_revoked": revoked}
    logout(request)
    return {"signed_out": True, "tokens_revoked": 0}
