"""pagecache/generation.py: explicit invalidation, and a scheduled article's time ending the generation."""

import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from pagecache.generation import invalidate_page_cache

from .helpers import get


class Clock:
    """The wall clock, moved by hand: timezone.now() and time.time(), which the local-memory
    cache's expiry reads."""

    def __init__(self):
        self.at = time.time()

    def advance(self, seconds):
        self.at += seconds

    def now(self):
        return datetime.fromtimestamp(self.at, tz=UTC)

    def time(self):
        return self.at

    @contextmanager
    def running(self):
        with mock.patch("time.time", self.time), mock.patch("django.utils.timezone.now", self.now):
            yield self


@pytest.mark.django_db
class TestInvalidation:
    def test_explicit_invalidation_after_a_queryset_update(self, page_cache, client, make_article):
        article = make_article(title="Before update")
        url = article.get_absolute_url()
        get(client, url)
        Article.objects.filter(pk=article.pk).update(title="After update")  # sends no signal
        assert get(client, url)[1] == "HIT"
        invalidate_page_cache()
        response, state = get(client, url)
        assert state == "MISS" and "After update" in response.content.decode()

    def test_scheduled_article_appears_when_its_time_passes(self, page_cache, client, make_article, commit):
        when = timezone.now() + timedelta(hours=1)
        with commit():
            make_article(title="Embargoed story", published_at=when)
        url = reverse("reader:article_list")
        assert "Embargoed story" not in get(client, url)[0].content.decode()
        assert get(client, url)[1] == "HIT"
        # No save, no signal: only the clock moves.
        with mock.patch("django.utils.timezone.now", return_value=when + timedelta(seconds=1)):
            response, state = get(client, url)
            assert state == "MISS" and "Embargoed story" in response.content.decode()
            assert get(client, url)[1] == "HIT"

    def test_a_save_after_the_schedule_was_read_does_not_make_it_forgotten(
        self, page_cache, client, make_article, commit
    ):
        """The schedule is kept per generation; a save after its time came and before the
        next request starts a new one: the scheduled article still appears."""
        from articles.models import Topic

        when = timezone.now() + timedelta(hours=1)
        with commit():
            make_article(title="Embargoed story", published_at=when)
        make_article(title="Another story")
        unshown = Topic.objects.create(name="Unshown topic", slug="unshown-topic")
        url = reverse("reader:article_list")
        get(client, url)
        assert get(client, url)[1] == "HIT"
        with mock.patch("django.utils.timezone.now", return_value=when + timedelta(seconds=1)):
            with commit():
                unshown.name = "Unshown topic, renamed"
                unshown.save()  # a new generation, though on no page of the listing...
            response, _state = get(client, url)
            # ...and the embargo ended before it.
            assert "Embargoed story" in response.content.decode()

    def test_a_scheduled_time_passing_after_a_quiet_cache_lifetime_is_still_seen(
        self, page_cache, client, make_article, commit, settings
    ):
        """The schedule (the next scheduled time) is kept without expiry. When it expired
        after PAGE_CACHE_SECONDS, the first request after a scheduled time that passed
        meanwhile found only the times still to come and bumped nothing; the Chinese list,
        cached after the schedule was read, went on without the article."""
        if page_cache != "locmem":
            pytest.skip("moves the cache's clock, which this process holds only with the local-memory cache")
        lifetime = settings.PAGE_CACHE_SECONDS
        clock = Clock()
        when = clock.now() + timedelta(seconds=1.5 * lifetime)
        with commit():
            make_article(title="Embargoed story", published_at=when)
        english, chinese = reverse("reader:article_list"), "/zh-hant" + reverse("reader:article_list")
        with clock.running():
            get(client, english)  # the schedule read
            clock.advance(0.9 * lifetime)
            assert "Embargoed story" not in get(client, chinese)[0].content.decode()
            clock.advance(0.7 * lifetime)  # a lifetime after the schedule was read; `when` passed
            assert "Embargoed story" in get(client, chinese)[0].content.decode()

    def test_a_far_schedule_whose_time_came_unseen_is_bumped_a_lifetime_on(
        self, page_cache, client, make_article, commit, settings
    ):
        """An article scheduled further ahead than the edge's lifetime purges nothing when
        saved, so no new generation brings its time in; once a cache lifetime old, the
        schedule is read again, and what became public since it was read is bumped, though
        its time passed before any request came."""
        if page_cache != "locmem":
            pytest.skip("moves the cache's clock, which this process holds only with the local-memory cache")
        lifetime = settings.PAGE_CACHE_SECONDS
        assert 1.1 * lifetime > settings.PAGE_CACHE_EDGE_SECONDS  # far: its save purges nothing
        clock = Clock()
        english, chinese = reverse("reader:article_list"), "/zh-hant" + reverse("reader:article_list")
        with clock.running():
            get(client, english)  # the schedule read: nothing scheduled
            clock.advance(0.1 * lifetime)
            with commit():
                make_article(
                    title="Embargoed story", published_at=clock.now() + timedelta(seconds=1.1 * lifetime)
                )
            clock.advance(0.4 * lifetime)
            assert "Embargoed story" not in get(client, chinese)[0].content.decode()
            clock.advance(0.8 * lifetime)  # its time came at 1.2 lifetimes, unseen
            assert "Embargoed story" in get(client, chinese)[0].content.decode()

    def test_a_new_generation_reads_the_next_scheduled_time_only(
        self, page_cache, client, make_article, commit, django_assert_max_num_queries
    ):
        """Which pages a scheduled change refreshes is looked up when its time comes, not on
        every page's first request after every change."""
        with commit():
            make_article(title="Embargoed story", published_at=timezone.now() + timedelta(hours=1))
        url = make_article().get_absolute_url()
        get(client, url)
        from pagecache.generation import content_state

        invalidate_page_cache()
        with django_assert_max_num_queries(2):
            content_state()


@pytest.mark.django_db
def test_a_command_reaches_a_running_server_on_the_local_memory_cache(
    page_cache, client, make_article, tmp_path, settings
):
    """Issue 15, defect 3: `invalidate_page_cache` (and `restore`) in another process did not
    reach a server running on the local-memory cache: its pages stayed for ten minutes."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    if page_cache != "locmem":
        pytest.skip("a shared cache reaches every process by itself")
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "stamp")
    url = make_article().get_absolute_url()
    assert get(client, url)[1] == "MISS"
    assert get(client, url)[1] == "HIT"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="hkai_site.test_settings", PAGE_CACHE_STAMP_FILE=settings.PAGE_CACHE_STAMP_FILE
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "invalidate_page_cache"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "NOT reached" in result.stdout  # other machines: said plainly
    assert get(client, url)[1] == "MISS"
    assert get(client, url)[1] == "HIT"


def test_clearing_the_site_cache_leaves_other_sites_keys(db):
    """Issue 15, defect 5: restore emptied the whole Redis database, other sites' keys too."""
    import redis
    from django.core.cache import cache
    from django.test import override_settings

    from pagecache.generation import clear_site_cache

    from .helpers import BACKENDS, TEST_REDIS_URL, redis_unreachable

    if reason := redis_unreachable():
        pytest.skip(reason)
    client = redis.Redis.from_url(TEST_REDIS_URL)
    with override_settings(CACHES={"default": BACKENDS["redis"]}):
        cache.set("page-cache:page:x", "ours")
        client.set("other-site:1:session", "theirs")
        client.set("x" + BACKENDS["redis"]["KEY_PREFIX"] + ":1:lookalike", "theirs too")
        try:
            clear_site_cache()
            assert cache.get("page-cache:page:x") is None
            assert client.get("other-site:1:session") == b"theirs"
            assert client.get("x" + BACKENDS["redis"]["KEY_PREFIX"] + ":1:lookalike") == b"theirs too"
        finally:
            client.delete("other-site:1:session", "x" + BACKENDS["redis"]["KEY_PREFIX"] + ":1:lookalike")
            cache.clear()


@pytest.mark.django_db
class TestKeyVersions:
    def test_a_page_built_while_one_of_its_keys_changed_is_not_kept(self, page_cache):
        from pagecache.generation import (
            bump_keys,
            content_state,
            current_generation,
            versions_match,
            versions_to_record,
        )

        assert versions_to_record({"a1", "a2", "latest"}, content_state()[0])  # pages seen before
        started = content_state()[0]  # a request begins...
        bump_keys({"a1"})  # ...a save commits while it reads content
        assert versions_to_record({"a1", "latest"}, started) is None
        assert versions_to_record({"a2", "latest"}, started) is not None  # unaffected: kept
        recorded = versions_to_record({"a1", "latest"}, current_generation())
        assert versions_match(recorded)
        bump_keys({"latest"})
        assert not versions_match(recorded)

    def test_an_evicted_version_makes_its_pages_miss(self, page_cache, client, make_article):
        from django.core.cache import cache

        from pagecache.generation import version_key

        article = make_article()
        url = article.get_absolute_url()
        get(client, url)
        assert get(client, url)[1] == "HIT"
        cache.delete(version_key(f"a{article.pk}"))  # evicted, or Redis lost it
        assert get(client, url)[1] == "MISS"
        assert get(client, url)[1] == "HIT"

    def test_invalidate_page_cache_reaches_every_page_and_value(self, page_cache, client, make_article):
        from pagecache.fragments import generation_cached

        url = make_article().get_absolute_url()
        get(client, url)
        calls = []
        generation_cached("value", lambda: calls.append(1), keys=("t1",))
        invalidate_page_cache()
        assert get(client, url)[1] == "MISS"
        generation_cached("value", lambda: calls.append(1), keys=("t1",))
        assert len(calls) == 2
