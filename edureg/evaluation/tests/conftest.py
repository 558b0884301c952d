import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in English (pages and the API choose their language per request)."""
    with translation.override("en"):
        yield
