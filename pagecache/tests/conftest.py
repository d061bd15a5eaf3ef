"""The cache-backend fixtures for pagecache's tests (defined in helpers.py)."""

from .helpers import fragment_cache, page_cache, two_stories

__all__ = ["fragment_cache", "page_cache", "two_stories"]
