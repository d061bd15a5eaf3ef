"""reader/pagination.py: listing totals once per content generation, deep pages fetched ids first."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Topic
from reader.pagination import ArticlePaginator

from .helpers import ok_html, sql_of


@pytest.mark.django_db
class TestCountsPerGeneration:
    def test_listing_totals_are_counted_once_per_generation(
        self, fragment_cache, client, make_article, commit, settings
    ):
        settings.ARTICLES_PER_PAGE = 1
        with commit():
            topic = Topic.objects.create(name="robotics")
            make_article(topics=[topic])
            make_article(topics=[topic])
        url = topic.get_absolute_url()
        assert "2 articles" in ok_html(client.get(url))
        with CaptureQueriesContext(connection) as queries:
            assert "2 articles" in ok_html(client.get(url))
        assert "COUNT(" not in sql_of(queries)
        with commit():
            make_article(topics=[topic])
        page = ok_html(client.get(url))
        assert "3 articles" in page and "?page=3" in page
        # A draft never counts.
        with commit():
            make_article(topics=[topic], status=Article.Status.DRAFT)
        assert "3 articles" in ok_html(client.get(url))


@pytest.mark.django_db
def test_deep_pages_fetch_ids_first_and_keep_the_order(client, make_article, settings, monkeypatch):
    settings.ARTICLES_PER_PAGE = 2
    when = timezone.now() - timedelta(days=1)
    # Ties on the publication time are ordered by id, as on every listing.
    articles = [
        make_article(title=f"Story {n}", published_at=when - timedelta(hours=n // 2)) for n in range(7)
    ]
    make_article(title="Draft story", status=Article.Status.DRAFT)
    url = reverse("reader:article_list")

    def titles(page):
        return re.findall(r'class="card-title"><a [^>]*>([^<]+)<', ok_html(client.get(url, {"page": page})))

    shallow = [titles(page) for page in (1, 2, 3, 4)]
    monkeypatch.setattr(ArticlePaginator, "ids_first_offset", 0)
    with CaptureQueriesContext(connection) as queries:
        deep = [titles(page) for page in (1, 2, 3, 4)]
    assert deep == shallow
    expected = sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)
    assert sum(deep, []) == [a.title for a in expected]
    assert 'SELECT "articles_article"."id" AS "pk" FROM' in sql_of(queries)
