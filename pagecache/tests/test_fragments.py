"""pagecache/fragments.py: generation_cached values, and this process's copies of them (LOCAL_VALUES)."""

import re

import pytest
from django.urls import reverse

from articles.models import Topic
from pagecache.fragments import generation_cached, generation_cached_many


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def keyed_values():
    """(the names each compute was asked for, a compute of values that each show their own
    key "<name>-key", the keys function that reads that key back)."""
    asked = []

    def compute(missing):
        asked.append(sorted(missing))
        return {name: (name, [f"{name}-key"]) for name in missing}

    def shown(value):
        return value[1]

    return asked, compute, shown


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

    def test_many_keyed_values_go_stale_only_with_their_own_keys(self, page_cache):
        from pagecache.generation import bump_keys

        asked, compute, shown = keyed_values()

        generation_cached_many(["a", "b"], compute, keys=shown)
        assert generation_cached_many(["a", "b"], compute, keys=shown) == {
            "a": ("a", ["a-key"]),
            "b": ("b", ["b-key"]),
        }
        assert asked == [["a", "b"]]
        bump_keys(["b-key"])
        generation_cached_many(["a", "b"], compute, keys=shown)
        assert asked[-1] == ["b"]
        bump_keys(["unrelated"])
        generation_cached_many(["a", "b"], compute, keys=shown)
        assert asked[-1] == ["b"] and len(asked) == 2

    def test_many_values_fetched_before_cost_one_read_of_their_versions(self, page_cache):
        from contextlib import contextmanager
        from unittest import mock

        from django.core.cache import cache

        from pagecache.generation import bump_keys, request_state

        @contextmanager
        def request():
            token = request_state.set({})
            try:
                yield
            finally:
                request_state.reset(token)

        asked, compute, shown = keyed_values()

        for _ in range(2):  # computed and stored, then fetched and kept by this process
            with request():
                generation_cached_many(["a", "b"], compute, keys=shown)
        with request(), mock.patch.object(cache, "get_many", wraps=cache.get_many) as reads:
            assert generation_cached_many(["a", "b"], compute, keys=shown) == {
                "a": ("a", ["a-key"]),
                "b": ("b", ["b-key"]),
            }
        assert reads.call_count == 1  # the state and the versions: no value read again
        assert not any("page-cache:fragment:" in key for key in reads.call_args.args[0])
        bump_keys(["b-key"])
        with request():
            generation_cached_many(["a", "b"], compute, keys=shown)
        assert asked == [["a", "b"], ["b"]]

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
    from pagecache.generation import content_state, versions_to_record

    settings.PAGE_CACHE_WAIT_SECONDS = 5
    generation, _ = content_state()
    versions = versions_to_record(["unkeyed"], generation)
    key = "page-cache:fragment:shared"
    assert fragments.acquire(key)  # "another worker" is computing
    polls = []

    def other_worker_finishes(seconds):
        polls.append(seconds)
        if len(polls) == 3:
            cache.set(key, (versions, "computed elsewhere"))

    monkeypatch.setattr(fragments.time, "sleep", other_worker_finishes)
    assert generation_cached("shared", lambda: "computed here") == "computed elsewhere"
    assert len(polls) == 3
    fragments.release(key)
    # The lock released with nothing stored: compute at once rather than wait it out.
    cache.delete(key)
    polls.clear()
    assert generation_cached("shared", lambda: "computed here") == "computed here"
    assert polls == []


@pytest.mark.django_db
def test_a_typo_fix_recomputes_only_the_values_showing_that_article(
    fragment_cache, client, two_stories, commit, django_assert_num_queries
):
    """With pages not cached (PAGE_CACHE off), the values behind them follow the same keys:
    another article's page and another topic's page keep their values after the change."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    edited, unrelated = two_stories
    urls = {
        "edited": edited.get_absolute_url(),
        "unrelated": unrelated.get_absolute_url(),
        "robotics": Topic.objects.get(name="robotics").get_absolute_url(),
        "fintech": Topic.objects.get(name="fintech").get_absolute_url(),
    }

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            html(client.get(url))
        return len(captured)

    cold = {name: queries(url) for name, url in urls.items()}
    warm = {name: queries(url) for name, url in urls.items()}
    assert all(warm[name] < cold[name] for name in urls), (cold, warm)
    with commit():
        edited.title = "Fintech sandbox opens (corrected)"
        edited.save()
    html(client.get(urls["unrelated"]))  # the first request after a change: the schedule again
    for name in ("unrelated", "robotics"):
        with django_assert_num_queries(warm[name]):
            html(client.get(urls[name]))
    for name in ("edited", "fintech"):
        with CaptureQueriesContext(connection) as captured:
            assert "(corrected)" in html(client.get(urls[name]))
        assert len(captured) > warm[name], name


@pytest.mark.django_db
def test_a_cheap_value_is_computed_without_the_lock(fragment_cache, monkeypatch):
    """single_flight=False: a worker that misses computes at once, even while another holds
    the lock, and takes no lock itself (two round trips fewer than the value costs)."""
    from django.core.cache import cache

    from pagecache import fragments

    key = "page-cache:fragment:cheap"
    assert fragments.acquire(key)  # "another worker" is computing
    monkeypatch.setattr(fragments.time, "sleep", lambda seconds: pytest.fail("waited for the lock"))
    assert generation_cached("cheap", lambda: "computed here", single_flight=False) == "computed here"
    fragments.release(key)
    with mock_cache_method(cache, "add") as adds:
        cache.delete(key)
        assert generation_cached("cheap", lambda: "again", single_flight=False) == "again"
    assert not any(call.args[0].endswith(":computing") for call in adds.call_args_list)
    assert generation_cached("cheap", lambda: "not again", single_flight=False) == "again"


@pytest.mark.django_db
def test_a_stale_copy_kept_here_costs_no_second_read_of_its_versions(fragment_cache):
    """Within a request, a value this process holds and finds stale is read from the shared
    cache once; when that copy is the same stale one, it is recomputed at once."""
    from django.core.cache import cache

    from pagecache.generation import bump_keys, request_state, state_and_values

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    def in_request(version_reads=None):
        token = request_state.set({})
        try:
            state_and_values([])  # as the page cache reads the content state first
            with mock_cache_method(cache, "get_many") as reads:
                value = generation_cached("kept", compute, keys=["kept-key"])
            if version_reads is not None:
                version_reads.extend(reads.call_args_list)
            return value
        finally:
            request_state.reset(token)

    assert in_request() == 1
    assert in_request() == 1  # fetched, and kept by this process
    bump_keys(["kept-key"])
    version_reads = []
    assert in_request(version_reads) == 2
    # The copy here found stale (one read of its versions), none for the same copy in the
    # shared cache, and none to store the new value with: the request read those already.
    assert len(version_reads) == 1


def test_a_request_reads_each_version_once_and_sees_its_own_bumps(fragment_cache, db):
    """A cold page checks its stale copy's versions, then records them for each value and
    for itself: one read per version per request. A bump made within the request is seen
    at once (a value computed before it is not stored as fresh)."""
    from django.core.cache import cache

    from pagecache.generation import bump_keys, request_state, state_and_values, versions_to_record

    bump_keys(["a1", "t2", "site"])
    token = request_state.set({})
    try:
        generation, _next, _values = state_and_values([])
        with mock_cache_method(cache, "get_many") as reads:
            first = versions_to_record(["a1", "t2"], generation)
            assert versions_to_record(["a1"], generation) == {key: first[key] for key in ("a1", "site")}
            assert versions_to_record(["t2", "a1"], generation) == first
        assert len(reads.call_args_list) == 1
        bump_keys(["t2"])
        assert versions_to_record(["a1"], generation) is not None
        assert versions_to_record(["t2"], generation) is None
    finally:
        request_state.reset(token)
    # Outside a request nothing is kept: every call reads the shared cache.
    with mock_cache_method(cache, "get_many") as reads:
        versions_to_record(["a1"], generation)
        versions_to_record(["a1"], generation)
    assert len(reads.call_args_list) == 2


def mock_cache_method(cache, name):
    from unittest import mock

    return mock.patch.object(cache, name, wraps=getattr(cache, name))
