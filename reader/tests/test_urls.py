"""reader/urls.py: reverse() and resolve() agree on every route, Chinese slugs included."""

from urllib.parse import quote, unquote

import pytest
from django.urls import resolve, reverse

ROUTES = [
    ("reader:home", {}, "/"),
    ("reader:article_list", {}, "/articles/"),
    ("reader:article_detail", {"slug": "smart-city"}, "/articles/smart-city/"),
    ("reader:article_detail", {"slug": "香港人工智能"}, "/articles/香港人工智能/"),
    ("reader:section_detail", {"slug": "startups"}, "/sections/startups/"),
    ("reader:section_detail", {"slug": "初創"}, "/sections/初創/"),
    ("reader:organisation_list", {}, "/organisations/"),
    ("reader:organisation_detail", {"slug": "數碼港"}, "/organisations/數碼港/"),
    ("reader:topic_list", {}, "/topics/"),
    ("reader:topic_detail", {"slug": "香港ai"}, "/topics/香港ai/"),
    ("search:search", {}, "/search/"),
    ("reader:feed_latest", {}, "/feeds/latest/"),
    ("reader:feed_latest_atom", {}, "/feeds/latest/atom/"),
    ("reader:feed_section", {"slug": "初創"}, "/feeds/sections/初創/"),
    ("reader:feed_section_atom", {"slug": "startups"}, "/feeds/sections/startups/atom/"),
    ("reader:feed_organisation", {"slug": "astri"}, "/feeds/organisations/astri/"),
    ("reader:feed_organisation_atom", {"slug": "數碼港"}, "/feeds/organisations/數碼港/atom/"),
    ("reader:feed_topic", {"slug": "香港ai"}, "/feeds/topics/香港ai/"),
    ("reader:feed_topic_atom", {"slug": "fintech"}, "/feeds/topics/fintech/atom/"),
    ("sitemap", {}, "/sitemap.xml"),
    ("robots_txt", {}, "/robots.txt"),
]


@pytest.mark.parametrize("name,kwargs,path", ROUTES)
def test_reverse_and_resolve_agree(name, kwargs, path):
    # reverse() gives the URI (Chinese percent-encoded); Django resolves the decoded path.
    assert reverse(name, kwargs=kwargs) == quote(path)
    match = resolve(unquote(reverse(name, kwargs=kwargs)))
    assert match.view_name == name
    assert match.kwargs.get("slug") == kwargs.get("slug")


@pytest.mark.django_db
class TestArticleDetail:
    def test_unicode_slug_resolves(self, client, make_article):
        article = make_article(title="香港人工智能", slug="香港人工智能")
        response = client.get("/articles/%E9%A6%99%E6%B8%AF%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/")
        assert response.status_code == 200
        assert unquote(article.get_absolute_url()) == "/articles/香港人工智能/"
