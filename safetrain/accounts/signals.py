"""Sign-in bookkeeping on Django's auth signals: track the session, stamp its start, and clear
the failure counter once the sign-in is complete (for 2FA roles: after the code)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import services
from .services import (
    SEEN_AT,
    SIGNED_IN_AT,
    requires_two_factor,
    session_forget,
    session_track,
)
from .throttle import throttle_clear, throttle_key


@receiver(user_logged_in, dispatch_uid="accounts_logged_in")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    now = services.clock()
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now
    if session.session_key is None:
        session.save()
    session_track(user=user, session_key=session.session_key)
    if not requires_two_factor(user):
        throttle_clear(throttle_key(user.username, user))


@receiver(user_logged_out, dispatch_uid="accounts_logged_out")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session_forget(session_key=session.session_key)
