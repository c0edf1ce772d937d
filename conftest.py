import os

import pytest

os.environ.setdefault("SAFETRAIN_TESTING", "1")


@pytest.fixture(autouse=True)
def _fresh_rates_cache():
    """The compliance rates cache lives in the process; each test starts without it."""
    from safetrain.compliance.engine import rates_cache_clear

    rates_cache_clear()
    yield
    rates_cache_clear()


@pytest.fixture(autouse=True)
def _forced_login_passes_second_factor(request, monkeypatch):
    """The test client's force_login()/login() mark the session two-factor verified, just as
    force_login() already bypasses the password (docs/security.md#accounts). Tests marked
    `real_two_factor` get Django's client unchanged and go through the TOTP pages."""
    if request.node.get_closest_marker("real_two_factor"):
        yield
        return
    from django.test.client import ClientMixin

    from safetrain.accounts.testing import verified_login

    monkeypatch.setattr(ClientMixin, "_login", verified_login(ClientMixin._login))
    yield
