"""Helpers for the search tests: GET the search page and read what it lists and offers."""

from datetime import timedelta
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section

SEARCH_URL = reverse("search:search")


def search(client, *pairs, **params):
    """GET the search page: search(client, ("topic", "a"), ("topic", "b"), q="words")."""
    data = {}
    for key, value in [*pairs, *params.items()]:
        data.setdefault(key, []).append(value)
    response = client.get(SEARCH_URL, data)
    assert response.status_code == 200
    return response


def titles(response):
    return [article.title for article in response.context["articles"]]


def facet(response, param):
    """{name: count} of one facet (topic, org or section) on the page."""
    for item in response.context["facets"]:
        if item.kind.param == param:
            return {entry.name: entry.num_articles for entry in item.items}
    return {}


def query_pairs(url):
    return parse_qsl(urlsplit(unescape(url)).query)


@pytest.fixture
def newsroom(make_article, section):
    """Published articles with overlapping tags, plus a draft and a scheduled article that
    carry every tag and every word: they must never show."""
    research = Section.objects.create(name="Research", slug="research")
    everything = {
        "topics": ["fintech", "香港AI", "smart city"],
        "organisations": ["ASTRI", "HKMA"],
        "section": research,
        "title": "Fintech smart city 香港AI draft",
        "body": "fintech smart city 香港 智慧城市",
    }
    make_article(status=Article.Status.DRAFT, **everything)
    make_article(published_at=timezone.now() + timedelta(days=1), **everything)
    return {
        "all_three": make_article(
            title="All three topics",
            topics=["fintech", "香港AI", "smart city"],
            organisations=["ASTRI"],
            section=research,
        ),
        "two": make_article(
            title="Fintech and Hong Kong AI",
            topics=["fintech", "香港AI"],
            organisations=["ASTRI", "HKMA"],
        ),
        "fintech": make_article(title="Fintech only", topics=["fintech"], organisations=["HKMA"]),
        "untagged": make_article(title="No tags at all"),
        "research": research,
    }


# ------------------------------------------------------------------ both languages
