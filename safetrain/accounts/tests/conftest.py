from __future__ import annotations

import time

import pyotp
import pytest

from safetrain.accounts.models import TotpDevice
from safetrain.core.crypto import decrypt


def code_for(user, *, offset_steps: int = 0) -> str:
    """What the user's authenticator app shows (a step after the last accepted one)."""
    device = TotpDevice.objects.get(user=user)
    step = max(int(time.time()) // 30, device.last_step + 1) + offset_steps
    return pyotp.TOTP(decrypt(device.secret_encrypted)).at(step * 30)


@pytest.fixture
def failed_signins():
    """Every user_login_failed signal sent during the test."""
    from django.contrib.auth.signals import user_login_failed

    seen: list[dict] = []

    def receiver(sender, credentials, request=None, **kwargs):
        seen.append(dict(credentials))

    user_login_failed.connect(receiver, dispatch_uid="test-failed-signins")
    yield seen
    user_login_failed.disconnect(dispatch_uid="test-failed-signins")
