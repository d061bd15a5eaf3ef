"""Two app servers, one PostgreSQL database, one Redis: a change made anywhere shows on
every server's next request.

This test process plays a third app server: it writes through the ORM, and its signals
bump the content generation in the shared Redis, exactly as an editor's save in the admin
on any server would. Needs PostgreSQL (both servers must see the test database) and
Redis; skipped otherwise.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from articles.models import Article, Section
from pagecache.tests.helpers import TEST_REDIS_URL, redis_unreachable

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path):
    """(status, X-Cache, body) of one plain HTTP request."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.headers.get("X-Cache"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache"), error.read().decode()


def wait_until_healthy(port, process, deadline=30):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"app server on port {port} exited with {process.returncode}")
        try:
            if fetch(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"app server on port {port} did not become healthy")


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
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): both app servers must see the test database")
    if reason := redis_unreachable():
        pytest.skip(reason)
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hkai_site.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",  # the test database is flushed after the test
        "REDIS_URL": TEST_REDIS_URL,
        "CACHE_KEY_PREFIX": shared_cache,
        "PAGE_CACHE": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "scale-out-test-only-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "1",
        "HOST": "127.0.0.1",
        "GUNICORN_ACCESS_LOG": "",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    processes, ports = [], []
    try:
        for _ in range(2):
            port = free_port()
            log = open(tmp_path / f"server-{port}.log", "w")
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                    cwd=ROOT,
                    env={**env, "PORT": str(port)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            ports.append(port)
        for port, process in zip(ports, processes, strict=True):
            wait_until_healthy(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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
