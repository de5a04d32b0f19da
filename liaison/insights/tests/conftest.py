import pytest

from liaison.insights.tests.pages_history import build


@pytest.fixture
def network(location_a):
    """The partners of pages_history, one of each trend (a test module may define its own)."""
    return build(location_a)
