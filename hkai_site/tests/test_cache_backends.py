"""hkai_site/cache_backends.py: the Redis cache backend keeps one client, and misses
instead of raising when Redis is down or full."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

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


def test_a_counter_counts_and_expires():
    if reason := redis_unreachable():
        pytest.skip(reason)
    with override_settings(CACHES={"default": BACKENDS["redis"]}):
        cache.delete("hits")
        assert [cache.count("hits", 30) for _ in range(3)] == [1, 2, 3]
        assert cache.get("hits") == 3
        assert 0 < cache._cache.get_client().ttl(cache.make_key("hits")) <= 30
        cache.delete("hits")


def test_a_value_is_stored_and_its_lock_released_in_one_round_trip():
    if reason := redis_unreachable():
        pytest.skip(reason)
    with override_settings(CACHES={"default": BACKENDS["redis"]}):
        cache.add("page:computing", 1, timeout=30)
        client = cache._cache.get_client(write=True)
        with mock.patch.object(client, "pipeline", wraps=client.pipeline) as pipelines:
            cache.set_and_delete("page", {"html": "<p>"}, 30, delete_key="page:computing")
        assert pipelines.call_count == 1
        assert cache.get("page") == {"html": "<p>"}
        assert not cache.has_key("page:computing")
        assert 0 < client.ttl(cache.make_key("page")) <= 30
        cache.delete("page")


def unused_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def down_redis_cache():
    return {
        "BACKEND": "hkai_site.cache_backends.FailSoftRedisCache",
        "LOCATION": f"redis://127.0.0.1:{unused_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


def test_settings_use_the_fail_soft_backend_with_timeouts(monkeypatch):
    from tests.test_security import settings_in_subprocess

    values = settings_in_subprocess(["CACHES"], REDIS_URL="redis://127.0.0.1:6390/0", DJANGO_DEBUG="1")
    assert "hkai_site.cache_backends.FailSoftRedisCache" in values["CACHES"]
    assert "socket_timeout" in values["CACHES"]


class TestRedisDown:
    def test_reads_miss_and_writes_are_dropped(self):
        with override_settings(CACHES={"default": down_redis_cache()}):
            assert cache.get("anything", "default") == "default"
            assert cache.get_many(["a", "b"]) == {}
            assert cache.add("a", 1) is False
            cache.set("a", 1)
            cache.set_many({"a": 1})
            cache.delete("a")
            assert not cache.has_key("a")
            assert cache.count("a", 10) is None  # not counted: the rate limit lets it through
            assert cache.set_and_delete("a", 1, 10, delete_key="b") is None
            with pytest.raises(RedisConnectionError):  # the generation bump must know it failed
                cache.incr("a")

    def test_after_a_failure_redis_is_not_tried_again_at_once(self):
        from django.core.cache.backends.redis import RedisCacheClient

        with override_settings(CACHES={"default": down_redis_cache()}):
            with mock.patch.object(
                RedisCacheClient, "get", autospec=True, side_effect=RedisConnectionError
            ) as get:
                cache.get("a")
                cache.get("b")
                cache.get("c")
            assert get.call_count == 1

    def test_out_of_memory_drops_the_write_and_keeps_reading(self):
        from django.core.cache.backends.redis import RedisCacheClient

        with override_settings(CACHES={"default": down_redis_cache()}):
            oom = ResponseError("OOM command not allowed when used memory > 'maxmemory'.")
            with (
                mock.patch.object(RedisCacheClient, "set", autospec=True, side_effect=oom),
                mock.patch.object(RedisCacheClient, "get", autospec=True, return_value="cached") as get,
            ):
                cache.set("a", 1)
                assert cache.get("a") == "cached"
                assert cache.get("b") == "cached"
            assert get.call_count == 2

    @pytest.mark.django_db
    def test_every_page_renders_with_redis_down(self, client, bilingual, settings):
        from reader.tests.helpers import page_types, zh

        settings.PAGE_CACHE_ENABLED = settings.FRAGMENT_CACHE_ENABLED = True
        with override_settings(CACHES={"default": down_redis_cache()}):
            for url in page_types(bilingual).values():
                for address in (url, zh(url), "/feeds/latest/", "/sitemap.xml"):
                    assert client.get(address).status_code == 200, address
