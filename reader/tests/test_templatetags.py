"""reader/templatetags/reader.py: the JSON-LD block, hreflang alternates and the language switcher."""

import json
import re
from urllib.parse import unquote

import pytest

from tests.page_checks import get

from .helpers import ORIGIN, PAGE_TYPES, html, page_types, parse, zh


@pytest.mark.django_db
class TestArticleDetail:
    def test_json_ld_news_article(self, client, full_article):
        page = parse(client.get(full_article.get_absolute_url()))
        blocks = [text for attrs, text in page.scripts if attrs.get("type") == "application/ld+json"]
        assert len(blocks) == 1
        data = json.loads(blocks[0])
        url = "http://testserver" + full_article.get_absolute_url()
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == "ASTRI and the smart city"
        assert data["datePublished"] == "2026-11-25T09:30:00+08:00"
        assert data["dateModified"]
        assert [a["name"] for a in data["author"]] == ["Ada Chan", "Ben Wong"]
        assert data["publisher"]["name"] == "HKAI"
        assert data["mainEntityOfPage"]["@id"] == url
        assert data["image"][0].startswith("http://testserver/media/")

    def test_json_ld_cannot_be_broken_out_of(self, client, make_article):
        title = '</script><script>alert("x")</script> & <!--'
        article = make_article(title=title, slug="breakout")
        response = client.get(article.get_absolute_url())
        assert "<script>alert" not in html(response)
        page = parse(response)
        data = json.loads(page.json_ld[0])
        assert data["headline"] == title


@pytest.mark.django_db
class TestArticlePages:
    def test_json_ld_names_the_language_and_the_canonical_address(self, client, bilingual):
        response = client.get(zh(bilingual["en_only"].get_absolute_url()))
        data = re.search(
            r'<script type="application/ld\+json">(.*?)</script>', response.content.decode()
        ).group(1)
        assert '"inLanguage": "en"' in data
        assert f'"url": "{ORIGIN}/articles/only-in-english/"' in data


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_TYPES)
class TestEveryPageInBothLanguages:
    def test_alternates_name_both_languages_and_x_default(self, client, bilingual, name):
        english, chinese = page_types(bilingual)[name], zh(page_types(bilingual)[name])
        if name == "search":  # alternates follow the canonical address: no query
            english, chinese = "/search/", "/zh-hant/search/"
        if name == "article_detail":  # the translation, at its own address
            chinese = bilingual["zh"].url_in("zh-hant")
        expected = {
            "en": ORIGIN + english,
            "zh-Hant": ORIGIN + chinese,
            "x-default": ORIGIN + english,
        }
        for url in (page_types(bilingual)[name], zh(page_types(bilingual)[name])):
            _, page = get(client, url)
            alternates = {k: unquote(v) for k, v in page.alternates().items()}
            assert alternates == {k: unquote(v) for k, v in expected.items()}, (name, url)

    def test_switcher_leads_to_the_same_page_in_the_other_language(self, client, bilingual, name):
        english = page_types(bilingual)[name]
        chinese = zh(english)
        if name == "article_detail":
            chinese = bilingual["zh"].url_in("zh-hant")
        _, page = get(client, english)
        assert {k: unquote(v) for k, v in page.switcher().items()} == {"zh-Hant": unquote(chinese)}
        _, page = get(client, chinese)
        assert {k: unquote(v) for k, v in page.switcher().items()} == {"en": unquote(english)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,lang",
    [
        ("/articles/no-such-article/", "en"),
        ("/zh-hant/articles/no-such-article/", "zh-Hant"),
        ("/zh-hant/nowhere/", "zh-Hant"),
    ],
)
def test_404_in_each_language(client, bilingual, url, lang):
    _, page = get(client, url, status=404)
    assert page.html_lang == lang
    assert page.alternates() == {}
    # The switcher goes to the other language's front page: a 404 never echoes the address.
    other = {"en": "zh-Hant", "zh-Hant": "en"}[lang]
    assert page.switcher() == {other: "/zh-hant/" if other == "zh-Hant" else "/"}
    if lang == "zh-Hant":
        assert "找不到這個網頁" in page.visible_text()


@pytest.mark.django_db
def test_switcher_keeps_the_query_string(client, bilingual):
    _, page = get(client, "/search/?q=fintech&topic=fintech&page=1")
    assert page.switcher() == {"zh-Hant": "/zh-hant/search/?q=fintech&topic=fintech&page=1"}
    _, page = get(client, "/zh-hant/articles/?page=1&utm_source=x")
    assert page.switcher() == {"en": "/articles/?page=1&utm_source=x"}


@pytest.mark.django_db
def test_paginated_alternates_keep_the_page(client, bilingual, settings):
    settings.ARTICLES_PER_PAGE = 2
    _, page = get(client, "/zh-hant/articles/?page=2")
    assert page.alternates()["en"] == ORIGIN + "/articles/?page=2"
    assert page.alternates()["zh-Hant"] == ORIGIN + "/zh-hant/articles/?page=2"
