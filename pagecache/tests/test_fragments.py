"""pagecache/fragments.py: generation_cached values, and this process's copies of them (LOCAL_VALUES)."""

import re

import pytest
from django.urls import reverse

from articles.models import Topic
from pagecache.fragments import generation_cached, generation_cached_many


def html(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
class TestGenerationCached:
    def test_computed_once_per_generation(self, page_cache, make_article, commit):
        calls = []

        def compute():
            calls.append(1)
            return Topic.objects.count()

        assert generation_cached("topic-count", compute) == 0
        assert generation_cached("topic-count", compute) == 0
        assert len(calls) == 1
        with commit():
            # A tag readers see: on a published article (a bare new tag is on no page).
            make_article(topics=[Topic.objects.create(name="edge AI")])
        assert generation_cached("topic-count", compute) == 1
        assert len(calls) == 2

    def test_many_values_computed_once_per_generation_only_those_missing(
        self, page_cache, make_article, commit
    ):
        asked = []

        def compute(missing):
            asked.append(sorted(missing))
            return {name: f"{name}@{Topic.objects.count()}" for name in missing if name != "gone"}

        assert generation_cached_many(["a", "b", "gone"], compute) == {"a": "a@0", "b": "b@0"}
        assert generation_cached_many(["b", "c"], compute) == {"b": "b@0", "c": "c@0"}
        assert asked == [["a", "b", "gone"], ["c"]]
        with commit():
            make_article(topics=[Topic.objects.create(name="edge AI")])
        assert generation_cached_many(["a", "c"], compute) == {"a": "a@1", "c": "c@1"}
        assert asked[-1] == ["a", "c"]

    def test_off_means_always_computed(self, page_cache, settings):
        settings.FRAGMENT_CACHE_ENABLED = False
        calls = []
        generation_cached("x", lambda: calls.append(1))
        generation_cached("x", lambda: calls.append(1))
        assert len(calls) == 2


@pytest.mark.django_db
def test_values_kept_by_this_process_follow_a_change_made_by_another_server(
    fragment_cache, client, make_article, commit
):
    with commit():
        topic = Topic.objects.create(name="robotics")
        make_article(topics=[topic])
    url = reverse("reader:topic_list")
    for _ in range(2):  # the second request reuses this process's copy of the counts
        assert re.search(r">robotics <span class=\"count\"><span[^>]*>\(</span>1<", html(client.get(url)))
    # Another app server publishes (here: outside a commit, so this process's signal
    # does nothing) and bumps the shared generation: this process's copy is now old.
    make_article(topics=[topic])
    from pagecache.generation import invalidate_page_cache

    invalidate_page_cache()
    assert re.search(r">robotics <span class=\"count\"><span[^>]*>\(</span>2<", html(client.get(url)))


@pytest.mark.django_db
def test_one_worker_computes_a_missing_value_while_the_others_wait(fragment_cache, monkeypatch, settings):
    """Single flight: while another worker holds the lock, this one waits for its value
    instead of computing it too."""
    from django.core.cache import cache

    from pagecache import fragments
    from pagecache.generation import content_state

    settings.PAGE_CACHE_WAIT_SECONDS = 5
    generation, _ = content_state()
    key = "page-cache:fragment:shared"
    assert fragments.acquire(key)  # "another worker" is computing
    polls = []

    def other_worker_finishes(seconds):
        polls.append(seconds)
        if len(polls) == 3:
            cache.set(key, (generation, "computed elsewhere"))

    monkeypatch.setattr(fragments.time, "sleep", other_worker_finishes)
    assert generation_cached("shared", lambda: "computed here") == "computed elsewhere"
    assert len(polls) == 3
    fragments.release(key)
    # The lock released with nothing stored: compute at once rather than wait it out.
    cache.delete(key)
    polls.clear()
    assert generation_cached("shared", lambda: "computed here") == "computed here"
    assert polls == []
