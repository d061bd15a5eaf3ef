"""Helpers for tests that run against each cache backend: local memory and Redis."""

import os
import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings

from pagecache.fragments import LOCAL_VALUES

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


def redis_unreachable():
    try:
        import redis

        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # any failure means: cannot test against Redis here
        return f"Redis not reachable at {TEST_REDIS_URL} ({exc.__class__.__name__})"
    return None


BACKENDS = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "page-cache-tests"},
    "redis": {
        "BACKEND": "hkai_site.cache_backends.ReusingRedisCache",
        "LOCATION": TEST_REDIS_URL,
        "KEY_PREFIX": f"hkai-test-{uuid.uuid4().hex[:8]}",
    },
}


@pytest.fixture(params=sorted(BACKENDS))
def page_cache(request):
    if request.param == "redis" and (reason := redis_unreachable()):
        pytest.skip(reason)
    with override_settings(
        CACHES={"default": BACKENDS[request.param]},
        PAGE_CACHE_ENABLED=True,
        FRAGMENT_CACHE_ENABLED=True,
    ):
        cache.clear()
        LOCAL_VALUES.clear()
        yield request.param
        cache.clear()


@pytest.fixture(params=sorted(BACKENDS))
def fragment_cache(request):
    """Costly values cached per content generation, as in production on a page-cache miss."""
    if request.param == "redis" and (reason := redis_unreachable()):
        pytest.skip(reason)
    with override_settings(CACHES={"default": BACKENDS[request.param]}, FRAGMENT_CACHE_ENABLED=True):
        cache.clear()
        LOCAL_VALUES.clear()
        yield request.param
        cache.clear()


@pytest.fixture
def two_stories(make_article):
    """Two published stories in different sections with different topics, far apart in time
    (neither is the other's neighbour: a third story sits between them)."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Section

    research = Section.objects.create(name="Research", slug="research")
    now = timezone.now()
    edited = make_article(
        title="Fintech sandbox opens", topics=["fintech"], published_at=now - timedelta(days=1)
    )
    make_article(title="Story in between", published_at=now - timedelta(days=2))
    unrelated = make_article(
        title="Robot arms at HKUST",
        section=research,
        topics=["robotics"],
        published_at=now - timedelta(days=3),
    )
    return edited, unrelated


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response, response.get("X-Cache")
