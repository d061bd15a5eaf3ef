"""Fixtures for search's tests: newsroom (helpers.py), fragment_cache (pagecache's); `bilingual` is the root conftest's."""

from pagecache.tests.helpers import fragment_cache

from .helpers import newsroom

__all__ = ["fragment_cache", "newsroom"]
