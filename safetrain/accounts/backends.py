"""The authentication backend: people's IdentityBackend (username, ID number or phone) with the
sign-in throttle in front. Every path that checks a password goes through it — the sign-in page,
Django's admin login, the test client's login(). A failed or locked attempt returns None, so
django.contrib.auth.authenticate() sends `user_login_failed` for it (the audit log listens)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from safetrain.people.auth import IdentityBackend, resolve_account

from .throttle import is_locked, throttle_fail, throttle_key


class ThrottledIdentityBackend(IdentityBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        from safetrain.people.models import User

        if not username or password is None:
            return None
        user = resolve_account(username)
        key = throttle_key(username, user)
        if is_locked(key):
            User().set_password(password)  # the same work as a real check
            return None
        found = self.check(user, password)
        if found is None:
            throttle_fail(key)
        return found
