"""The HTTP caching contract (pagecache/surrogate.py, middleware.py): what a shared cache and
a browser are told, conditional requests, and surrogate keys."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Topic

from .helpers import get


def cache_control(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def keys(response):
    return set(response["xkey"].split())


@pytest.mark.django_db
class TestHeaders:
    def test_an_anonymous_page_is_public_with_validators(self, page_cache, client, make_article):
        article = make_article()
        response, _ = get(client, article.get_absolute_url())
        control = cache_control(response)
        assert "public" in control
        assert any(part.startswith("s-maxage=") for part in control)
        assert any(part.startswith("max-age=") for part in control)
        assert any(part.startswith("stale-while-revalidate=") for part in control)
        assert any(part.startswith("stale-if-error=") for part in control)
        assert response["ETag"].startswith('W/"')
        assert response.has_header("Last-Modified")
        # The same headers on a hit.
        hit, state = get(client, article.get_absolute_url())
        assert state == "HIT"
        assert hit["ETag"] == response["ETag"] and hit["Last-Modified"] == response["Last-Modified"]
        assert keys(hit) == keys(response)

    def test_the_headers_do_not_need_the_page_cache(self, client, make_article, settings):
        settings.PAGE_CACHE_ENABLED = False
        response = client.get(make_article().get_absolute_url())
        assert "public" in cache_control(response) and response.has_header("ETag")
        assert not response.has_header("X-Cache")

    def test_sessions_staff_and_posts_are_never_shared(self, page_cache, client, make_article, make_user):
        article = make_article()
        client.cookies["sessionid"] = "anything"
        response = client.get(article.get_absolute_url())
        assert "private" in cache_control(response) and "public" not in cache_control(response)
        assert not response.has_header("xkey")
        client.cookies.clear()
        client.force_login(make_user("staffer", role="Editors"))
        response = client.get(article.get_absolute_url())
        assert "private" in cache_control(response) and not response.has_header("xkey")
        client.logout()
        response = client.post(reverse("search:search"))
        assert "public" not in response.get("Cache-Control", "")

    def test_answers_that_set_a_cookie_are_private(self, page_cache, client):
        response = client.get(reverse("admin:login"))
        assert "public" not in response["Cache-Control"] and not response.has_header("xkey")

    def test_a_404_is_not_shared(self, page_cache, client, db):
        response = client.get("/articles/no-such-story/")
        assert response.status_code == 404
        assert "public" not in response.get("Cache-Control", "")


@pytest.mark.django_db
class TestConditionalRequests:
    def test_if_none_match_gets_a_304_from_the_cache_without_rendering(
        self, page_cache, client, make_article, django_assert_num_queries
    ):
        url = make_article().get_absolute_url()
        etag = get(client, url)[0]["ETag"]
        with django_assert_num_queries(0):
            response = client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 304 and response.content == b""
        assert response["ETag"] == etag and "public" in response["Cache-Control"]

    def test_if_modified_since_gets_a_304(self, page_cache, client, make_article):
        url = make_article().get_absolute_url()
        last_modified = get(client, url)[0]["Last-Modified"]
        response = client.get(url, headers={"if-modified-since": last_modified})
        assert response.status_code == 304

    def test_a_changed_page_gets_a_200(self, page_cache, client, make_article, commit):
        article = make_article(title="Before")
        url = article.get_absolute_url()
        etag = get(client, url)[0]["ETag"]
        with commit():
            article.title = "After"
            article.save()
        response = client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 200 and response["ETag"] != etag

    def test_a_page_unchanged_by_another_edit_keeps_its_validators(
        self, page_cache, client, make_article, commit
    ):
        make_article(title="Listed")
        other = make_article(title="Elsewhere")
        url = reverse("reader:topic_list")
        first = get(client, url)[0]
        with commit():
            other.title = "Elsewhere, fixed"
            other.save()  # a new generation: the page is rendered again, to the same bytes
        response = client.get(url, headers={"if-none-match": first["ETag"]})
        assert response.status_code == 304
        assert response["Last-Modified"] == first["Last-Modified"]


@pytest.mark.django_db
class TestSurrogateKeys:
    def test_pages_name_what_they_show(self, page_cache, client, make_article):
        robotics = Topic.objects.create(name="robotics")
        article = make_article(topics=[robotics])
        detail = keys(get(client, article.get_absolute_url())[0])
        assert {
            f"a{article.pk}",
            f"a{article.pk}:page",
            f"t{robotics.pk}",
            f"s{article.section_id}",
        } <= detail
        assert "site" in detail and "latest" not in detail
        listing = keys(get(client, reverse("reader:article_list"))[0])
        assert {"latest", f"a{article.pk}", f"t{robotics.pk}"} <= listing
        topic = keys(get(client, robotics.get_absolute_url())[0])
        assert {f"t{robotics.pk}:list", f"t{robotics.pk}", f"a{article.pk}"} <= topic
        home = keys(get(client, reverse("reader:home"))[0])
        assert {"home", "latest", f"a{article.pk}"} <= home
        assert "search" in keys(get(client, reverse("search:search") + "?q=body")[0])

    def test_a_page_that_names_nothing_is_purged_by_everything(self, page_cache, client, make_article):
        make_article()
        assert keys(get(client, reverse("reader:feed_latest"))[0]) >= {"unkeyed", "site"}

    @override_settings(PAGE_CACHE_SURROGATE_HEADER="Cache-Tag")
    def test_the_header_name_is_a_setting(self, page_cache, client, make_article):
        response = get(client, make_article().get_absolute_url())[0]
        assert "," in response["Cache-Tag"] and not response.has_header("xkey")

    def test_the_edge_keeps_no_page_past_a_scheduled_change_it_shows(
        self, page_cache, client, make_article, commit, settings
    ):
        settings.PAGE_CACHE_EDGE_SECONDS = 86_400
        make_article()  # the newest: the scheduled article's neighbour, whose page links it
        standing = make_article()
        with commit():
            make_article(published_at=timezone.now() + timedelta(minutes=5))
        listing = cache_control(get(client, reverse("reader:article_list"))[0])
        assert any(part.startswith("s-maxage=") and int(part[9:]) <= 300 for part in listing)
        # An article page the scheduled one does not touch keeps the full lifetime.
        page = cache_control(get(client, standing.get_absolute_url())[0])
        assert "s-maxage=86400" in page


@pytest.mark.django_db
def test_a_forged_script_name_is_never_cached(page_cache, client, make_article):
    """Issue 15, defect 9: SCRIPT_NAME from a client rewrote every link of a page stored under
    the real address."""
    article = make_article()
    url = article.get_absolute_url()
    forged = client.get(url, SCRIPT_NAME="/evil")
    assert "/evil/" in forged.content.decode()
    assert not forged.has_header("X-Cache") and "public" not in forged["Cache-Control"]
    response, state = get(client, url)
    assert state == "MISS" and "/evil/" not in response.content.decode()
    assert get(client, url)[1] == "HIT"
    assert "/evil/" not in client.get(url, SCRIPT_NAME="/evil").get("X-Cache", "")


def test_gunicorn_takes_no_script_name_from_clients():
    """Defect 9 at the server: no forwarded SCRIPT_NAME/PATH_INFO headers, even from loopback."""
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert config["forwarder_headers"] == ""
    assert config["header_map"] == "drop"


@pytest.mark.django_db
def test_article_is_published_now(make_article):
    assert make_article().is_published
    assert not make_article(status=Article.Status.DRAFT, published_at=None).is_published
