"""hkai_site/cache_backends.py: the Redis cache backend keeps one client."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from pagecache.tests.helpers import BACKENDS, redis_unreachable


def test_the_redis_backend_reuses_its_client():
    if reason := redis_unreachable():
        pytest.skip(reason)
    with override_settings(CACHES={"default": BACKENDS["redis"]}):
        client = cache._cache.get_client()
        assert cache._cache.get_client() is client  # Django's own builds one per call
        cache.set("reuse", 1)
        assert cache.get("reuse") == 1
        cache.delete("reuse")
