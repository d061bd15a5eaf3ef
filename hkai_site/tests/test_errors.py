"""hkai_site/errors.py: a database that cannot be reached is a 503, and an editor's posted
text comes back with it."""

from unittest import mock

import pytest
from django.db.utils import InterfaceError, OperationalError
from django.test import Client

from newsroom.admin import ArticleAdmin
from reader.views import HomeView
from tests.admin_forms import admin_url, form_data


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
class TestDatabaseUnavailable:
    @pytest.mark.parametrize(
        "error", [OperationalError("connection refused"), InterfaceError("connection already closed")]
    )
    def test_a_page_is_a_503_to_retry(self, reader, error):
        with mock.patch.object(HomeView, "get", side_effect=error):
            response = reader.get("/")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "no-store" in response["Cache-Control"]
        assert "Content-Security-Policy" in response
        assert "We can’t reach our database just now" in response.content.decode()

    def test_in_chinese_too(self, reader):
        with mock.patch.object(HomeView, "get", side_effect=OperationalError("down")):
            response = reader.get("/zh-hant/")
        assert response.status_code == 503
        assert "我們暫時無法連接資料庫" in response.content.decode()

    def test_other_errors_are_still_a_500(self, reader):
        with mock.patch.object(HomeView, "get", side_effect=RuntimeError("bug")):
            response = reader.get("/")
        assert response.status_code == 500
        assert "Something went wrong on our side" in response.content.decode()

    def test_an_editors_save_comes_back_with_its_text(self, make_article, editor):
        article = make_article(title="Original")
        client = Client(raise_request_exception=False)
        client.force_login(editor)
        data = form_data(client.get(admin_url("change", article.pk)), body="Two hours of <careful> work.")
        with mock.patch.object(
            ArticleAdmin, "get_object", side_effect=OperationalError("the database restarts")
        ):
            response = client.post(admin_url("change", article.pk), data)
        assert response.status_code == 503
        page = response.content.decode()
        assert "Your changes have NOT been saved" in page
        assert "Two hours of &lt;careful&gt; work." in page


@pytest.mark.django_db
def test_readers_get_the_last_cached_copy_while_the_database_is_down(reader, make_article, settings):
    from django.core.cache import cache

    from pagecache.generation import invalidate_page_cache

    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "stale"}
    }
    cache.clear()
    make_article(title="Yesterday's story")
    assert reader.get("/").headers["X-Cache"] == "MISS"
    invalidate_page_cache()  # a save just before the database went down: the copy is stale
    with (
        mock.patch.object(HomeView, "get", side_effect=OperationalError("down")),
        mock.patch("pagecache.generation.next_scheduled_timestamp", side_effect=OperationalError("down")),
    ):
        response = reader.get("/")
        assert response.status_code == 200
        assert response["X-Cache"] == "STALE"
        assert "Yesterday&#x27;s story" in response.content.decode()
        assert "no-store" in response["Cache-Control"]
    cache.clear()
