"""Session lifetime and the second factor, enforced on every request.

SessionTimeoutMiddleware: a signed-in session ends after 30 minutes without a request (idle) and
12 hours after sign-in (absolute), whatever the activity: the session is flushed and the browser
sent to the sign-in page (the API answers 401 `session_expired`).

TwoFactorMiddleware: an account of a 2FA role whose session has only passed the password reaches
nothing but the enrol and verify pages and sign-out: pages redirect to the second factor, the API
(when used through the session) answers 401 `second_factor_required`. A request carrying an
Authorization header is left to the API's bearer check (tokens are only issued to 2FA accounts
or by the operator).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from . import services
from .services import SEEN_AT, SIGNED_IN_AT, VERIFIED, otp_has_device, requires_two_factor

API_PREFIX = "/api/"
TOUCH_EVERY_SECONDS = 60  # write the last-seen stamp at most once a minute


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "fields": {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "authorization" not in request.headers:
            session = request.session
            now = services.clock()
            signed_in = session.get(SIGNED_IN_AT)
            seen = session.get(SEEN_AT)
            if signed_in is None or seen is None:
                session[SIGNED_IN_AT] = signed_in or now
                session[SEEN_AT] = now
            elif (
                now - seen > settings.SAFETRAIN_SESSION_IDLE_SECONDS
                or now - signed_in > settings.SAFETRAIN_SESSION_MAX_SECONDS
            ):
                logout(request)  # flushes the session
                if request.path_info.startswith(API_PREFIX):
                    return _error(401, "session_expired", "登录已过期，请重新登录")
                query = urlencode({"next": request.get_full_path(), "expired": "1"})
                return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{query}")
            elif now - seen >= TOUCH_EVERY_SECONDS:
                session[SEEN_AT] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._open: frozenset[str] | None = None

    def open_paths(self) -> frozenset[str]:
        """What a password-only session may reach: enrol, verify, sign out, the language switch."""
        if self._open is None:
            self._open = frozenset(
                reverse(name)
                for name in ("accounts:otp_verify", "accounts:otp_enrol", "logout", "set_language")
            )
        return self._open

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and requires_two_factor(user)
            and not request.session.get(VERIFIED)
            and not self._exempt(request)
        ):
            if request.path_info.startswith(API_PREFIX):
                return _error(401, "second_factor_required", "请先在网页上完成动态口令验证")
            target = "accounts:otp_verify" if otp_has_device(user) else "accounts:otp_enrol"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    def _exempt(self, request: HttpRequest) -> bool:
        path = request.path_info
        if path in self.open_paths():
            return True
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        return path.startswith(API_PREFIX) and "authorization" in request.headers
