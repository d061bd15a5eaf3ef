"""pagecache/generation.py: explicit invalidation, and a scheduled article's time ending the generation."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from pagecache.generation import invalidate_page_cache

from .helpers import get


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
