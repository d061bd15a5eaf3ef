"""The page cache (articles/cache.py): hits for anonymous readers, and every change to
public content shows on the next request. Each test runs against local memory and Redis."""

import os
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import override_settings
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_cookie

from articles.models import Article, Author, Organisation, Section, Topic
from hkai_site import urls as site_urls
from pagecache.fragments import LOCAL_VALUES, generation_cached
from pagecache.generation import invalidate_page_cache

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


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response, response.get("X-Cache")


# Views for the response rules, served beside the site's own URLs (see `urls` marks).
def plain_view(request):
    return HttpResponse("plain")


def cookie_view(request):
    response = HttpResponse("cookie")
    response.set_cookie("flavour", "salted")
    return response


def csrf_view(request):
    return HttpResponse(f"form with token {get_token(request)}")


def session_view(request):
    request.session["seen"] = True
    return HttpResponse("session")


def not_found_view(request):
    return HttpResponse("gone", status=404)


urlpatterns = [
    path("t/plain/", plain_view),
    path("t/cookie/", cookie_view),
    path("t/csrf/", csrf_view),
    path("t/session/", session_view),
    path("t/never/", never_cache(plain_view)),
    path("t/vary-cookie/", vary_on_cookie(plain_view)),
    path("t/404/", not_found_view),
    # Extended, not include()d: i18n_patterns must stay in a root URLconf.
    *site_urls.urlpatterns,
]


@pytest.mark.django_db
class TestHits:
    def test_second_anonymous_request_is_a_hit_without_queries(
        self, page_cache, client, make_article, django_assert_num_queries
    ):
        article = make_article(title="Harbour robots")
        first, state = get(client, reverse("reader:article_list"))
        assert state == "MISS" and "Harbour robots" in first.content.decode()
        with django_assert_num_queries(0):
            second, state = get(client, reverse("reader:article_list"))
        assert state == "HIT"
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]
        assert "Cookie" in second["Vary"]
        assert client.get(article.get_absolute_url())["X-Cache"] == "MISS"

    def test_query_strings_are_separate_pages(self, page_cache, client, make_article):
        make_article()
        url = reverse("reader:article_list")
        assert get(client, url)[1] == "MISS"
        assert get(client, url + "?page=1")[1] == "MISS"
        assert get(client, url + "?page=1")[1] == "HIT"
        assert get(client, url + "?page=1&x=1")[1] == "MISS"

    def test_head_is_answered_from_the_page_stored_by_get(self, page_cache, client, make_article):
        make_article()
        url = reverse("reader:home")
        assert client.head(url).get("X-Cache") is None  # HEAD alone stores nothing
        assert get(client, url)[1] == "MISS"
        head = client.head(url)
        assert head["X-Cache"] == "HIT" and head.content == b""

    def test_a_hit_carries_the_same_security_headers_as_the_miss(self, page_cache, client, make_article):
        article = make_article()
        miss, state = get(client, article.get_absolute_url())
        assert state == "MISS"
        hit, state = get(client, article.get_absolute_url())
        assert state == "HIT"
        for header in (
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Cross-Origin-Opener-Policy",
            "Content-Language",
        ):
            assert miss.get(header), header
            assert hit.get(header) == miss.get(header), header


@pytest.mark.django_db
class TestInvalidation:
    def test_editing_an_article_shows_on_the_next_request(self, page_cache, client, make_article, commit):
        article = make_article(title="Old headline")
        url = article.get_absolute_url()
        assert get(client, url)[1] == "MISS"
        assert get(client, url)[1] == "HIT"
        with commit():
            article.title = "New headline"
            article.save()
        response, state = get(client, url)
        assert state == "MISS"
        assert "New headline" in response.content.decode()
        assert "Old headline" not in response.content.decode()

    def test_publishing_and_unpublishing(self, page_cache, client, make_article, commit):
        draft = make_article(title="Quiet draft", status=Article.Status.DRAFT, published_at=None)
        url = reverse("reader:article_list")
        assert "Quiet draft" not in get(client, url)[0].content.decode()
        assert get(client, url)[1] == "HIT"
        with commit():
            draft.status = Article.Status.PUBLISHED
            draft.save()
        response, state = get(client, url)
        assert state == "MISS" and "Quiet draft" in response.content.decode()
        assert client.get(draft.get_absolute_url()).status_code == 200
        with commit():
            draft.status = Article.Status.DRAFT
            draft.save()
        response, state = get(client, url)
        assert state == "MISS" and "Quiet draft" not in response.content.decode()
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_deleting_an_article(self, page_cache, client, make_article, commit):
        article = make_article(title="Short-lived story")
        url, detail = reverse("reader:article_list"), article.get_absolute_url()
        assert "Short-lived story" in get(client, url)[0].content.decode()
        assert client.get(detail).status_code == 200
        with commit():
            article.delete()
        response, state = get(client, url)
        assert state == "MISS" and "Short-lived story" not in response.content.decode()
        assert client.get(detail).status_code == 404

    @pytest.mark.parametrize("model", [Topic, Organisation, Section])
    def test_renaming_a_tag_or_section(self, page_cache, client, make_article, section, commit, model):
        topic = Topic.objects.create(name="robotics")
        organisation = Organisation.objects.create(name="Harbour Labs")
        article = make_article(topics=[topic], organisations=[organisation])
        renamed = {Topic: topic, Organisation: organisation, Section: section}[model]
        url = article.get_absolute_url()
        assert renamed.name in get(client, url)[0].content.decode()
        assert get(client, url)[1] == "HIT"
        with commit():
            renamed.name = "Renamed Thing"
            renamed.save()
        response, state = get(client, url)
        assert state == "MISS" and "Renamed Thing" in response.content.decode()

    def test_tagging_and_untagging_through_taggit(self, page_cache, client, make_article, commit):
        # A topic's page exists once a published article carries it (else it is a 404,
        # which is not cached): another article keeps it public throughout.
        make_article(title="Quantum basics", topics=["quantum"])
        topic = Topic.objects.get(name="quantum")
        article = make_article(title="Qubits in Sha Tin")
        url = topic.get_absolute_url()
        assert "Qubits in Sha Tin" not in get(client, url)[0].content.decode()
        assert get(client, url)[1] == "HIT"
        with commit():
            article.topics.add(topic)
        response, state = get(client, url)
        assert state == "MISS" and "Qubits in Sha Tin" in response.content.decode()
        get(client, url)
        with commit():
            article.topics.remove(topic)
        response, state = get(client, url)
        assert state == "MISS" and "Qubits in Sha Tin" not in response.content.decode()

    def test_changing_bylines(self, page_cache, client, make_article, commit):
        article = make_article()
        url = article.get_absolute_url()
        get(client, url)
        assert get(client, url)[1] == "HIT"
        with commit():
            article.authors.add(Author.objects.create(name="Winnie Lau", slug="winnie-lau"))
        response, state = get(client, url)
        assert state == "MISS" and "Winnie Lau" in response.content.decode()

    def test_a_rolled_back_change_invalidates_nothing(
        self, page_cache, client, make_article, django_capture_on_commit_callbacks
    ):
        article = make_article()
        url = article.get_absolute_url()
        get(client, url)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            article.save()
        assert callbacks  # invalidation waits for the commit, which here never comes
        assert get(client, url)[1] == "HIT"

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


@pytest.mark.django_db
class TestBypass:
    def test_staff_always_see_fresh_pages(self, page_cache, client, make_article, editor):
        article = make_article(title="Fresh for editors")
        url = article.get_absolute_url()
        get(client, url)
        assert get(client, url)[1] == "HIT"
        Article.objects.filter(pk=article.pk).update(title="Edited quietly")
        client.force_login(editor)
        response, state = get(client, url)
        assert state is None and "Edited quietly" in response.content.decode()

    def test_staff_preview_of_a_draft_is_never_stored(self, page_cache, client, make_article, editor):
        draft = make_article(title="Secret draft", status=Article.Status.DRAFT, published_at=None)
        client.force_login(editor)
        assert client.get(draft.get_absolute_url()).status_code == 200
        client.logout()
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_any_session_cookie_bypasses(self, page_cache, client, make_article, settings):
        make_article()
        url = reverse("reader:home")
        get(client, url)
        client.cookies[settings.SESSION_COOKIE_NAME] = "whatever"
        assert get(client, url)[1] is None

    def test_admin_is_never_cached(self, page_cache, client):
        assert client.get("/admin/login/").get("X-Cache") is None

    def test_disabled_by_setting(self, page_cache, client, make_article, settings):
        settings.PAGE_CACHE_ENABLED = False
        make_article()
        assert get(client, reverse("reader:home"))[1] is None


@pytest.mark.django_db
@pytest.mark.urls("tests.test_cache")
class TestResponseRules:
    def test_a_plain_page_is_cached(self, page_cache, client):
        assert get(client, "/t/plain/")[1] == "MISS"
        assert get(client, "/t/plain/")[1] == "HIT"

    @pytest.mark.parametrize(
        "url", ["/t/cookie/", "/t/csrf/", "/t/session/", "/t/never/", "/t/vary-cookie/", "/t/404/"]
    )
    def test_responses_that_must_not_be_shared_are_not_stored(self, page_cache, client, url):
        client.get(url)
        client.cookies.clear()
        response = client.get(url)
        assert response.get("X-Cache") != "HIT"

    def test_a_cookie_is_never_replayed_to_another_reader(self, page_cache, client):
        assert "flavour" in client.get("/t/cookie/").cookies
        client.cookies.clear()
        assert "flavour" in client.get("/t/cookie/").cookies  # rendered again, not replayed

    def test_pages_are_served_uncached_when_the_cache_is_down(self, page_cache, client):
        down = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
        with override_settings(CACHES={"default": down}):
            response = client.get("/t/plain/")
            assert response.status_code == 200 and response.get("X-Cache") is None
            invalidate_page_cache()  # logs, does not raise: an editor's save must not fail


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
            Topic.objects.create(name="edge AI")
        assert generation_cached("topic-count", compute) == 1
        assert len(calls) == 2

    def test_off_means_always_computed(self, page_cache, settings):
        settings.FRAGMENT_CACHE_ENABLED = False
        calls = []
        generation_cached("x", lambda: calls.append(1))
        generation_cached("x", lambda: calls.append(1))
        assert len(calls) == 2


def test_the_redis_backend_reuses_its_client():
    if reason := redis_unreachable():
        pytest.skip(reason)
    with override_settings(CACHES={"default": BACKENDS["redis"]}):
        client = cache._cache.get_client()
        assert cache._cache.get_client() is client  # Django's own builds one per call
        cache.set("reuse", 1)
        assert cache.get("reuse") == 1
        cache.delete("reuse")
