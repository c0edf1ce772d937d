"""Sign-in throttling: 5 failed attempts (passwords and TOTP codes alike) lock a sign-in name
for 30 minutes.

The counter is keyed by the account when the typed name resolves to one (so username, ID number
and phone of one account share it) and by a keyed hash of the normalised name otherwise, so a
name without an account fails, counts and locks exactly like one with an account: the lock
message reveals nothing. Attempts while locked fail without being checked and do not extend
the lock (otherwise anyone could keep an account locked for ever by trying once in a while).
A complete sign-in (password, and the TOTP code where required) clears the counter.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from safetrain.core import crypto
from safetrain.core.identifiers import InvalidIdentifier, looks_like_id_number, normalize_id_number

from .models import SignInThrottle

MAX_FAILURES = 5
LOCK_MINUTES = 30


def throttle_key(identifier: str, user: Any = None) -> str:
    if user is not None:
        return f"u:{user.pk}"
    name = (identifier or "").strip()
    if looks_like_id_number(name):
        with contextlib.suppress(InvalidIdentifier):
            name = normalize_id_number(name)
    return "n:" + crypto.lookup_hash("signin:" + name.casefold())


def locked_until(key: str) -> dt.datetime | None:
    """When the lock on this key ends, or None when it is not locked."""
    row = SignInThrottle.objects.filter(key=key).only("locked_until").first()
    if row is None or row.locked_until is None or row.locked_until <= timezone.now():
        return None
    return row.locked_until


def is_locked(key: str) -> bool:
    return locked_until(key) is not None


def throttle_fail(key: str) -> bool:
    """Count one failed attempt; True when the key is (now) locked."""
    now = timezone.now()
    with transaction.atomic():
        row, _ = SignInThrottle.objects.select_for_update().get_or_create(key=key)
        if row.locked_until is not None and row.locked_until > now:
            return True
        if row.locked_until is not None:  # an expired lock: start counting afresh
            row.locked_until = None
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        locked = row.failures >= MAX_FAILURES
        if locked:
            row.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
            row.failures = 0
        row.save()
    return locked


def throttle_clear(key: str) -> None:
    """Forget the failures of a key after a complete sign-in (a running lock stays)."""
    SignInThrottle.objects.filter(key=key).exclude(locked_until__gt=timezone.now()).delete()
