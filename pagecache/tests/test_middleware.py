"""pagecache/middleware.py: hits for anonymous readers, what bypasses the cache, what is never stored."""

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import override_settings
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_cookie

from articles.models import Article
from hkai_site import urls as site_urls
from pagecache.generation import invalidate_page_cache

from .helpers import get


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
    # A page under the admin's address that sets no cookie: only the excluded path keeps it out.
    path("admin/t/plain/", plain_view),
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

    @pytest.mark.urls("pagecache.tests.test_middleware")
    def test_admin_paths_are_excluded_even_without_a_cookie(self, page_cache, client):
        # /admin/login/ sets a CSRF cookie, which alone keeps it out; this page does not.
        assert client.get("/t/plain/")["X-Cache"] == "MISS"
        assert client.get("/admin/t/plain/").get("X-Cache") is None

    def test_disabled_by_setting(self, page_cache, client, make_article, settings):
        settings.PAGE_CACHE_ENABLED = False
        make_article()
        assert get(client, reverse("reader:home"))[1] is None


@pytest.mark.django_db
@pytest.mark.urls("pagecache.tests.test_middleware")
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

    @pytest.mark.parametrize("url", ["/t/plain/", "/t/cookie/", "/t/404/"])
    def test_the_lock_to_render_a_page_is_released_whether_it_is_stored_or_not(self, page_cache, client, url):
        from pagecache.fragments import acquire, release
        from pagecache.middleware import page_key

        response = client.get(url)
        key = page_key(response.wsgi_request)
        assert acquire(key)  # no lock left behind by the request
        release(key)

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
