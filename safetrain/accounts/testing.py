"""Test-only helpers for the second factor.

`force_login` (and `login`) of Django's test client put a user in a session without the sign-in
page; the root conftest makes them also mark the session two-factor verified, exactly as
force_login already skips the password. The sign-in tests of safetrain.accounts use the real
pages instead (password, then the TOTP code) and switch this off with the `real_two_factor`
marker. The application never imports this; `safetrain dashboards bench` (an operator's
measurement on its own throwaway accounts) uses mark_two_factor_verified.
"""

from __future__ import annotations

from typing import Any

from .services import VERIFIED


def mark_two_factor_verified(client: Any) -> None:
    """Mark the test client's current session as having passed the second factor."""
    session = client.session
    session[VERIFIED] = True
    session.save()


def verified_login(original: Any) -> Any:
    """Wrap ClientMixin._login so that a forced login counts as two-factor verified."""

    def _login(self: Any, user: Any, backend: Any = None) -> None:
        original(self, user, backend)
        mark_two_factor_verified(self)

    _login.__wrapped__ = original  # type: ignore[attr-defined]
    return _login
