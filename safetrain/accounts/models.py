"""Account security: sign-in throttling, TOTP devices, tracked sessions, password resets.

None of these hold personal data in clear: the throttle is keyed by a keyed hash of the sign-in
name, TOTP secrets are encrypted (safetrain.core.crypto), reset codes are stored as SHA-256.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SignInThrottle(models.Model):
    """Failed sign-ins (password or TOTP code) of one sign-in name: 5 lock it for 30 minutes.

    `key` is `u:<user id>` for an existing account (whichever of username, ID number or phone
    was typed) and `n:<keyed hash>` of the normalised name otherwise, so that a name without
    an account locks exactly like one with an account.
    """

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class TotpDevice(models.Model):
    """A user's TOTP authenticator (RFC 6238, 30 s, 6 digits). The secret is stored encrypted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # the time step of the last accepted code: a code is accepted once only (no replay)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP {self.user_id} ({'confirmed' if self.confirmed else 'pending'})"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class AccountSession(models.Model):
    """A web session opened by a sign-in, so that "sign out everywhere" can end them all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracked_sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="acct_session_user")]


class PasswordResetRequest(models.Model):
    """ "I forgot my password": recorded only when the account exists, shown to its admins.

    The person asking always gets the same answer, so the page reveals nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reset_requests"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["handled_at", "requested_at"], name="acct_reset_open")]


class PasswordResetGrant(models.Model):
    """A one-time reset code issued by an admin (or the command line), valid 30 minutes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reset_grants"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
