"""Two app servers, one PostgreSQL database, one Redis: a change made anywhere shows on
every server's next request.

This test process plays a third app server: it writes through the ORM, and its signals
bump the affected surrogate keys' versions in the shared Redis, exactly as an editor's save in the admin
on any server would. Needs PostgreSQL (both servers must see the test database) and
Redis; skipped otherwise.
"""

import urllib.error
import urllib.request
import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from articles.models import Article, Section
from pagecache.tests.helpers import TEST_REDIS_URL

from . import servers

pytestmark = [pytest.mark.slow]


def fetch(port, path):
    """(status, X-Cache, body) of one plain HTTP request."""
    status, headers, body = servers.fetch(port, path)
    return status, headers.get("X-Cache"), body


@pytest.fixture
def shared_cache():
    prefix = f"hkai-scale-{uuid.uuid4().hex[:8]}"
    redis_cache = {
        "BACKEND": "hkai_site.cache_backends.ReusingRedisCache",
        "LOCATION": TEST_REDIS_URL,
        "KEY_PREFIX": prefix,
    }
    with override_settings(CACHES={"default": redis_cache}):
        yield prefix
        cache.clear()


@pytest.fixture
def app_servers(transactional_db, shared_cache, tmp_path):
    servers.skip_unless_shared_services()
    ports = [servers.free_port(), servers.free_port()]
    with servers.app_servers(servers.app_server_env(shared_cache, tmp_path), ports, tmp_path):
        yield ports


def test_a_change_on_one_server_shows_on_every_server(app_servers):
    first, second = app_servers
    listing = reverse("reader:article_list")
    section = Section.objects.create(name="Government Initiatives", slug="government-initiatives")
    Article.objects.create(
        title="Standing story",
        slug="standing-story",
        body="Body.",
        section=section,
        status=Article.Status.PUBLISHED,
    )
    for port in (first, second):  # warm both servers' view of the cache
        status, _, body = fetch(port, listing)
        assert status == 200 and "Standing story" in body
        assert fetch(port, listing)[1] == "HIT"

    # Published through the ORM here: a third server; its signals reach the shared Redis.
    news = Article.objects.create(
        title="Breaking from Cyberport",
        slug="breaking",
        body="Body.",
        section=section,
        status=Article.Status.PUBLISHED,
    )
    for port in (second, first):
        status, state, body = fetch(port, listing)
        assert state == "MISS" and "Breaking from Cyberport" in body
        assert fetch(port, news.get_absolute_url())[0] == 200

    news.status = Article.Status.DRAFT
    news.save()
    for port in (first, second):
        status, state, body = fetch(port, listing)
        assert state == "MISS" and "Breaking from Cyberport" not in body
        assert fetch(port, news.get_absolute_url())[0] == 404


def test_a_typo_fix_leaves_every_servers_unrelated_pages_cached(app_servers):
    """Per-key invalidation across servers: after a typo fix in one article, the pages that
    show it miss on both servers, and an unrelated article's page and an unrelated topic's
    page are still both servers' cached copies (their keys' versions, in the shared Redis,
    did not change)."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Topic

    first, second = app_servers
    news = Section.objects.create(name="Government Initiatives", slug="government-initiatives")
    research = Section.objects.create(name="Research", slug="research")
    now = timezone.now()

    def publish(title, slug, section, topic, days_ago):
        article = Article.objects.create(
            title=title, slug=slug, body="Body.", section=section,
            status=Article.Status.PUBLISHED, published_at=now - timedelta(days=days_ago),
        )  # fmt: skip
        article.topics.add(topic)
        return article

    fintech, robotics = Topic.objects.create(name="fintech"), Topic.objects.create(name="robotics")
    edited = publish("Fintech sandbox opens", "sandbox", news, fintech, 1)
    publish("Story in between", "between", news, fintech, 2)
    unrelated = publish("Robot arms at HKUST", "robot-arms", research, robotics, 3)
    affected = [edited.get_absolute_url(), fintech.get_absolute_url(), reverse("reader:article_list")]
    unaffected = [unrelated.get_absolute_url(), robotics.get_absolute_url()]
    for port in (first, second):
        for path in affected + unaffected:
            assert fetch(port, path)[0] == 200, path
            assert fetch(port, path)[1] == "HIT", (port, path)

    edited.title = "Fintech sandbox opens (corrected)"
    edited.save()  # this process: a third server; its signals bump the keys in Redis
    for port in (first, second):
        for path in unaffected:
            status, state, body = fetch(port, path)
            assert (status, state) == (200, "HIT"), (port, path)
        for path in affected:
            status, state, body = fetch(port, path)
            assert status == 200 and "(corrected)" in body, (port, path)
            # Each server is its own host (127.0.0.1:port), so keeps its own copy of a page.
            assert state == "MISS", (port, path)
            assert fetch(port, path)[1] == "HIT", (port, path)


@pytest.fixture
def api_rate_limit(monkeypatch):
    """Set before the app servers start (they read it from the environment)."""
    monkeypatch.setenv("API_RATE_LIMIT", "6/120")
    return 6


def test_the_api_rate_limit_is_shared_by_every_server(api_rate_limit, app_servers):
    """One client's requests count together whichever server answers them (Redis), cached
    answers included: the budget is spent across both, then each answers 429."""
    first, second = app_servers
    statuses = [fetch((first, second)[n % 2], "/api/v1/sections/")[0] for n in range(api_rate_limit)]
    assert statuses == [200] * api_rate_limit
    for port in (first, second):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/sections/", timeout=10):
                raise AssertionError(f"server {port} answered over the limit")
        except urllib.error.HTTPError as error:
            assert error.code == 429
            assert 1 <= int(error.headers["Retry-After"]) <= 120
    assert fetch(first, "/")[0] == 200  # pages are not counted
