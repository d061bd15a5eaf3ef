"""Fixtures for search's tests: newsroom (helpers.py), fragment_cache and page_cache (pagecache's); `bilingual` is the root conftest's."""

import pytest

from pagecache.tests.helpers import fragment_cache, page_cache

from .helpers import newsroom

__all__ = ["fragment_cache", "newsroom", "page_cache"]


@pytest.fixture(autouse=True)
def no_suggest_rate_limit(settings):
    # One address makes every test's requests: the limit has its own test (test_suggest.py).
    settings.SEARCH_SUGGEST_RATE_LIMIT = "0"
