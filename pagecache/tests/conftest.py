"""The cache-backend fixtures for pagecache's tests (defined in helpers.py)."""

from .helpers import fragment_cache, page_cache

__all__ = ["fragment_cache", "page_cache"]
