import pytest

from safetrain.study import clock


@pytest.fixture
def tc():
    """The server's clock, standing still until the test advances it."""
    with clock.frozen() as test_clock:
        yield test_clock
