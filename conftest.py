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
