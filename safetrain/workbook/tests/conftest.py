import datetime as dt

import pytest

from safetrain.core.testing import new_credit_code, new_id_number

TODAY = dt.date(2024, 6, 30)


@pytest.fixture
def ids():
    """Fresh valid ID numbers, one per call."""
    return new_id_number


@pytest.fixture
def code():
    return new_credit_code
