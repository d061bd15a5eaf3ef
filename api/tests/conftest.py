"""Fixtures for the API's tests (`fragment_cache` from pagecache's)."""

import pytest

from pagecache.tests.helpers import fragment_cache

__all__ = ["fragment_cache"]


@pytest.fixture(autouse=True)
def no_api_rate_limit(settings):
    """The rate limit has its own tests (test_middleware.py); elsewhere it stays out of the way."""
    settings.API_RATE_LIMIT = "0"
