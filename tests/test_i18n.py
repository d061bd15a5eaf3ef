"""English and Traditional Chinese: the language comes from the URL, every page exists in
both, lists show each story once in the reader's language (falling back to the other),
feeds and the sitemap per language, and the catalogue is complete and compiles."""

import ast
import io
import re
import tokenize
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import polib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation.template import templatize

from articles.models import Article, Author, Organisation, Section, Topic
from core.management.commands.compile_translations import compile_catalogue
from demo.launch import read_content
from reader.related import neighbours, related_articles

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
BASE = Path(__file__).resolve().parents[1]
CATALOGUE = BASE / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
ORIGIN = "http://testserver"
SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def zh(path):
    """The Chinese page of an English path."""
    return "/zh-hant" + path


def in_chinese(view_name, *args):
    with translation.override("zh-hant"):
        return reverse(view_name, args=args)


class Page(HTMLParser):
    """The parts of a page these tests read: tags with attributes, and the visible text
    (not scripts, styles or the head) with the language each piece of it is marked in."""

    def __init__(self, content):
        super().__init__()
        self.tags = []
        self.text = []  # (text, lang of the nearest element that sets one)
        self._stack = []  # (tag, lang)
        self._hidden = 0
        self.feed(content)

    VOID = {"meta", "link", "img", "input", "br", "hr", "source"}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in self.VOID:
            return
        lang = attrs.get("lang") or (self._stack[-1][1] if self._stack else None)
        self._stack.append((tag, lang))
        if tag in ("script", "style", "head", "title"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag in ("script", "style", "head", "title"):
                self._hidden -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append((data.strip(), self._stack[-1][1] if self._stack else None))

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    @property
    def html_lang(self):
        return self.find("html")[0]["lang"]

    def alternates(self):
        """{hreflang: href} of the <link rel="alternate" hreflang> elements."""
        return {a["hreflang"]: a["href"] for a in self.find("link", rel="alternate") if "hreflang" in a}

    def switcher(self):
        """{hreflang: href} of the language switcher's links."""
        return {
            a["hreflang"]: a["href"]
            for t, a in self.tags
            if t == "a" and a.get("rel") == "alternate" and "hreflang" in a
        }

    def visible_text(self):
        return " ".join(text for text, _ in self.text)


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.status_code)
    return response, Page(response.content.decode())


# ------------------------------------------------------------------ content


@pytest.fixture
def bilingual(make_article, section, settings):
    """Stories in both languages:
    - `en` (English) and `zh` (its Chinese translation), both published;
    - `en_only` (English, no translation) and `zh_only` (Chinese, no translation);
    - `en_draft_zh` (English) whose Chinese translation is still a draft.
    All carry the topic fintech (金融科技) and the organisation Cyberport (數碼港)."""
    settings.ARTICLES_PER_PAGE = 50
    section.name_zh_hant = "政府措施"
    section.save()
    fintech = Topic.objects.create(name="fintech", name_zh_hant="金融科技")
    cyberport = Organisation.objects.create(
        name="Cyberport", name_zh_hant="數碼港", kind=Organisation.Kind.INCUBATOR
    )
    author = Author.objects.create(name="陳大文", slug="chan")
    tags = {"topics": [fintech], "organisations": [cyberport], "authors": [author]}
    en = make_article(
        title="Fintech grows in Hong Kong",
        slug="fintech-grows",
        standfirst="Banks and startups.",
        body="The text in full.",
        published_at=datetime(2026, 11, 25, 9, 30, tzinfo=HONG_KONG),
        **tags,
    )
    zh_article = make_article(
        title="香港金融科技起飛",
        slug="香港金融科技起飛",
        language="zh-hant",
        standfirst="銀行與初創企業。",
        body="中文內容。",
        translation=en,
        published_at=datetime(2026, 11, 25, 10, 0, tzinfo=HONG_KONG),
        **tags,
    )
    en_only = make_article(
        title="Only in English",
        slug="only-in-english",
        published_at=datetime(2026, 11, 24, 9, 0, tzinfo=HONG_KONG),
        **tags,
    )
    zh_only = make_article(
        title="只有中文的報道",
        slug="只有中文的報道",
        language="zh-hant",
        published_at=datetime(2026, 11, 23, 9, 0, tzinfo=HONG_KONG),
        **tags,
    )
    en_draft_zh = make_article(
        title="Translation on its way",
        slug="translation-on-its-way",
        published_at=datetime(2026, 11, 22, 9, 0, tzinfo=HONG_KONG),
        **tags,
    )
    draft_zh = make_article(
        title="草稿譯本標記",
        slug="草稿譯本標記",
        language="zh-hant",
        status=Article.Status.DRAFT,
        translation=en_draft_zh,
        **tags,
    )
    for article in (en, en_only, zh_only, en_draft_zh):
        article.refresh_from_db()
    return {
        "en": en,
        "zh": zh_article,
        "en_only": en_only,
        "zh_only": zh_only,
        "en_draft_zh": en_draft_zh,
        "draft_zh": draft_zh,
        "fintech": fintech,
        "cyberport": cyberport,
        "section": section,
    }


def page_types(content):
    """One URL of each page type (English; zh() gives the Chinese one)."""
    return {
        "home": "/",
        "article_list": "/articles/",
        "article_detail": content["en"].get_absolute_url(),
        "section_detail": content["section"].get_absolute_url(),
        "organisation_list": "/organisations/",
        "organisation_detail": content["cyberport"].get_absolute_url(),
        "topic_list": "/topics/",
        "topic_detail": content["fintech"].get_absolute_url(),
        "search": "/search/?q=fintech",
    }


# ------------------------------------------------------------------ language from the URL


@pytest.mark.django_db
class TestLanguageFromTheURL:
    def test_unprefixed_url_is_english_whatever_the_browser_asks(self, client, bilingual):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
        response, page = get(client, "/articles/", HTTP_ACCEPT_LANGUAGE="zh-hant,zh;q=0.9")
        assert page.html_lang == "en"
        assert "Latest articles" in page.visible_text()
        assert "最新文章" not in page.visible_text()
        assert response["Content-Language"] == "en"

    def test_prefixed_url_is_chinese_whatever_the_browser_asks(self, client, bilingual):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response, page = get(client, "/zh-hant/articles/", HTTP_ACCEPT_LANGUAGE="en")
        assert page.html_lang == "zh-Hant"
        assert "最新文章" in page.visible_text()
        assert response["Content-Language"] == "zh-hant"

    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/articles/",
            "/topics/",
            "/zh-hant/",
            "/zh-hant/topics/",
            "/feeds/latest/",
            "/zh-hant/feeds/latest/",
            "/sitemap.xml",
        ],
    )
    def test_no_vary_on_accept_language_or_cookie(self, client, bilingual, url):
        """One URL is one page: shared caches need not keep a copy per browser header."""
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hant")
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        assert "accept-language" not in vary, url
        assert "cookie" not in vary, url

    def test_same_page_for_any_accept_language(self, client, bilingual):
        pages = {
            header: client.get("/articles/", HTTP_ACCEPT_LANGUAGE=header).content
            for header in ("en", "zh-hant", "zh-TW,zh;q=0.8", "")
        }
        assert len(set(pages.values())) == 1

    def test_english_has_no_prefix_of_its_own(self, client, bilingual):
        assert client.get("/en/articles/").status_code == 404

    def test_language_prefix_without_slash_redirects(self, client, bilingual):
        response = client.get("/zh-hant")
        assert response.status_code == 301
        assert response["Location"] == "/zh-hant/"

    def test_admin_sitemap_and_robots_stay_unprefixed(self, client, bilingual, editor):
        assert client.get("/zh-hant/admin/").status_code == 404
        assert client.get("/zh-hant/sitemap.xml").status_code == 404
        assert client.get("/zh-hant/robots.txt").status_code == 404
        client.force_login(editor)
        response, page = get(client, "/admin/")
        assert page.html_lang == "en"
        response, page = get(client, "/admin/articles/article/")
        assert "Fintech grows in Hong Kong" in response.content.decode()


# ------------------------------------------------------------------ every page type


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "home",
        "article_list",
        "article_detail",
        "section_detail",
        "organisation_list",
        "organisation_detail",
        "topic_list",
        "topic_detail",
        "search",
    ],
)
class TestEveryPageInBothLanguages:
    def test_english_page(self, client, bilingual, name):
        url = page_types(bilingual)[name]
        _, page = get(client, url)
        assert page.html_lang == "en"
        assert "Search articles" in [a.get("placeholder") for a in page.find("input")]
        assert "Topics" in page.visible_text()

    def test_chinese_page(self, client, bilingual, name):
        url = zh(page_types(bilingual)[name])
        _, page = get(client, url)
        assert page.html_lang == "zh-Hant"
        text = page.visible_text()
        for ui in ("搜尋", "主題", "機構", "跳至內容"):
            assert ui in text, (name, ui)
        assert "政府措施" in text  # the section's Chinese name, in the navigation
        for english in ("Skip to content", "Latest articles", "Organisations", "All articles"):
            assert english not in text, (name, english)

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


# ------------------------------------------------------------------ one article


@pytest.mark.django_db
class TestArticlePages:
    def test_english_article_links_its_chinese_translation(self, client, bilingual):
        _, page = get(client, bilingual["en"].get_absolute_url())
        notice = [a for a in page.find("a") if a.get("hreflang") == "zh-Hant" and "rel" not in a]
        assert [unquote(a["href"]) for a in notice] == ["/zh-hant/articles/香港金融科技起飛/"]
        assert "Also in 繁體中文" in page.visible_text()

    def test_chinese_article_links_its_english_version(self, client, bilingual):
        _, page = get(client, bilingual["zh"].url_in("zh-hant"))
        assert "本文另有英文版" in page.visible_text()
        assert page.find("a", href="/articles/fintech-grows/", hreflang="en")
        assert page.find("link", rel="canonical")[0]["href"] == ORIGIN + bilingual["zh"].url_in("zh-hant")

    def test_article_in_the_other_interface_points_home(self, client, bilingual):
        """An English article without a translation, on a Chinese page: readable, marked
        as English, canonical at its English address, no Chinese alternate claimed."""
        url = bilingual["en_only"].url_in("zh-hant")
        assert url == "/zh-hant/articles/only-in-english/"
        _, page = get(client, url)
        assert page.html_lang == "zh-Hant"
        assert "本文只有英文版。" in page.visible_text()
        assert ("Only in English", "en") in page.text
        assert page.find("link", rel="canonical")[0]["href"] == ORIGIN + "/articles/only-in-english/"
        assert page.alternates() == {
            "en": ORIGIN + "/articles/only-in-english/",
            "x-default": ORIGIN + "/articles/only-in-english/",
        }
        assert page.switcher() == {"en": "/articles/only-in-english/"}

    def test_chinese_only_article_on_english_pages(self, client, bilingual):
        _, page = get(client, bilingual["zh_only"].url_in("en"))
        assert "This article is available in Traditional Chinese only." in page.visible_text()
        assert ("只有中文的報道", "zh-Hant") in page.text
        assert unquote(page.alternates()["zh-Hant"]).endswith("/zh-hant/articles/只有中文的報道/")
        assert "x-default" not in page.alternates()  # no English version to default to

    def test_a_draft_translation_is_not_linked(self, client, bilingual):
        response, page = get(client, bilingual["en_draft_zh"].get_absolute_url())
        assert "草稿譯本標記" not in response.content.decode()
        assert set(page.alternates()) == {"en", "x-default"}
        assert "Also in" not in page.visible_text()

    def test_dates_in_each_language(self, client, bilingual):
        _, page = get(client, bilingual["en"].get_absolute_url())
        assert "25 November 2026" in page.visible_text()
        _, page = get(client, zh(bilingual["en"].get_absolute_url()))
        assert "2026年11月25日" in page.visible_text()
        _, page = get(client, "/zh-hant/search/?q=fintech")
        assert "2026年11月25日" in page.visible_text()
        _, page = get(client, "/search/?q=fintech")
        assert "25 Nov 2026" in page.visible_text()

    def test_json_ld_names_the_language_and_the_canonical_address(self, client, bilingual):
        response = client.get(zh(bilingual["en_only"].get_absolute_url()))
        data = re.search(
            r'<script type="application/ld\+json">(.*?)</script>', response.content.decode()
        ).group(1)
        assert '"inLanguage": "en"' in data
        assert f'"url": "{ORIGIN}/articles/only-in-english/"' in data

    def test_related_and_neighbours_never_pair_an_article_with_its_translation(self, bilingual):
        for language in ("en", "zh-hant"):
            for article in (bilingual["en"], bilingual["zh"]):
                fetched = Article.objects.for_listing().select_related("translation").get(pk=article.pk)
                related = related_articles(fetched, language)
                pks = {a.pk for a in related}
                assert article.translation_id not in pks
                # One version per story: never both the English and the Chinese one.
                assert not {bilingual["en"].pk, bilingual["zh"].pk} <= pks
                previous, following = neighbours(fetched, language)
                assert article.translation_id not in {
                    getattr(previous, "pk", None),
                    getattr(following, "pk", None),
                }

    def test_related_prefer_the_readers_language(self, bilingual):
        fetched = Article.objects.for_listing().get(pk=bilingual["en_only"].pk)
        assert bilingual["en"].pk in {a.pk for a in related_articles(fetched, "en")}
        chinese = {a.pk for a in related_articles(fetched, "zh-hant")}
        assert bilingual["zh"].pk in chinese and bilingual["en"].pk not in chinese


# ------------------------------------------------------------------ lists: each story once


def card_titles(page):
    return [text for text, _ in page.text if text in TITLES]


TITLES = {
    "Fintech grows in Hong Kong",
    "香港金融科技起飛",
    "Only in English",
    "只有中文的報道",
    "Translation on its way",
    "草稿譯本標記",
}
ENGLISH_LIST = ["Fintech grows in Hong Kong", "Only in English", "只有中文的報道", "Translation on its way"]
CHINESE_LIST = ["香港金融科技起飛", "Only in English", "只有中文的報道", "Translation on its way"]


@pytest.mark.django_db
class TestListsShowEachStoryOnce:
    @pytest.mark.parametrize(
        "name", ["article_list", "section_detail", "organisation_detail", "topic_detail"]
    )
    def test_in_the_readers_language_with_the_other_as_fallback(self, client, bilingual, name):
        url = page_types(bilingual)[name]
        _, page = get(client, url)
        assert card_titles(page) == ENGLISH_LIST, name
        _, page = get(client, zh(url))
        assert card_titles(page) == CHINESE_LIST, name

    def test_front_page(self, client, bilingual):
        _, page = get(client, "/")
        assert sorted(card_titles(page)) == sorted(ENGLISH_LIST)
        _, page = get(client, "/zh-hant/")
        assert sorted(card_titles(page)) == sorted(CHINESE_LIST)

    def test_counts_count_stories_as_the_lists_show_them(self, client, bilingual):
        for url in ("/topics/", "/zh-hant/topics/"):
            response = client.get(url)
            assert response.context["topics"][0].num_articles == 4
        _, page = get(client, "/zh-hant/topics/fintech/")
        assert "4 篇文章" in page.visible_text()
        _, page = get(client, "/organisations/cyberport/")
        assert "4 articles" in page.visible_text()
        response = client.get("/zh-hant/")
        assert [s.num_articles for s in response.context["sections"]] == [4]

    def test_a_translation_filed_elsewhere_does_not_hide_the_article(self, client, bilingual):
        """Lists drop the other language's version only when theirs is in the same list."""
        elsewhere = Section.objects.create(name="Finance", slug="finance", name_zh_hant="金融")
        Article.objects.filter(pk=bilingual["zh"].pk).update(section=elsewhere)
        _, page = get(client, zh(bilingual["section"].get_absolute_url()))
        assert "Fintech grows in Hong Kong" in card_titles(page)
        _, page = get(client, "/zh-hant/sections/finance/")
        assert card_titles(page) == ["香港金融科技起飛"]

    def test_for_language_keeps_one_version_per_story(self, bilingual):
        for language, expected in (("en", "en"), ("zh-hant", "zh")):
            pks = set(Article.objects.published().for_language(language).values_list("pk", flat=True))
            assert bilingual[expected].pk in pks
            assert bilingual["en" if expected == "zh" else "zh"].pk not in pks
            assert {bilingual["en_only"].pk, bilingual["zh_only"].pk, bilingual["en_draft_zh"].pk} <= pks
            assert bilingual["draft_zh"].pk not in pks


# ------------------------------------------------------------------ search


@pytest.mark.django_db
class TestSearchInBothLanguages:
    @pytest.mark.parametrize("prefix", ["", "/zh-hant"])
    def test_words_in_either_language_under_either_prefix(self, client, bilingual, prefix):
        response = client.get(prefix + "/search/", {"q": "報道"})
        assert [a.title for a in response.context["articles"]] == ["只有中文的報道"]
        response = client.get(prefix + "/search/", {"q": "English"})
        assert [a.title for a in response.context["articles"]] == ["Only in English"]

    def test_a_story_whose_versions_both_match_is_listed_once(self, client, bilingual):
        english = client.get("/search/", {"topic": "fintech"}).context["articles"]
        chinese = client.get("/zh-hant/search/", {"topic": "fintech"}).context["articles"]
        assert [a.title for a in english] == ENGLISH_LIST
        assert [a.title for a in chinese] == CHINESE_LIST

    def test_only_the_other_version_matching_lists_that_one(self, client, bilingual):
        response = client.get("/search/", {"q": "中文內容"})
        assert [a.title for a in response.context["articles"]] == ["香港金融科技起飛"]

    def test_topic_by_its_chinese_name(self, client, bilingual):
        response = client.get("/zh-hant/search/", {"topic": "金融科技"})
        assert response.context["active_filters"][0].known
        assert len(response.context["articles"]) == 4
        _, page = get(client, "/zh-hant/search/?topic=金融科技")
        assert "主題 金融科技" in page.visible_text()

    def test_facets_and_title_in_chinese(self, client, bilingual):
        response, page = get(client, "/zh-hant/search/?q=fintech&topic=fintech")
        facet_names = {item.name for facet in response.context["facets"] for item in facet.items}
        assert {"數碼港", "政府措施"} <= facet_names
        title = re.search(r"<title>(.*?)</title>", response.content.decode()).group(1)
        assert title == "「fintech」，主題：金融科技 · 搜尋 · HKAI"


# ------------------------------------------------------------------ feeds


def parse_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.django_db
class TestFeedsPerLanguage:
    def test_latest_rss_in_english_and_in_chinese(self, client, bilingual):
        english = parse_feed(client, "/feeds/latest/")
        assert english.feed.language == "en"
        assert english.feed.title == "HKAI: latest articles"
        assert [e.title for e in english.entries] == ENGLISH_LIST
        chinese = parse_feed(client, "/zh-hant/feeds/latest/")
        assert chinese.feed.language == "zh-Hant"
        assert chinese.feed.title == "HKAI：最新文章"
        assert chinese.feed.subtitle == "香港人工智能"
        assert [e.title for e in chinese.entries] == CHINESE_LIST
        assert all(e.link.startswith(ORIGIN + "/zh-hant/articles/") for e in chinese.entries)
        assert chinese.feed.link == ORIGIN + "/zh-hant/"

    def test_atom_names_its_language(self, client, bilingual):
        response = client.get("/zh-hant/feeds/latest/atom/")
        root = ET.fromstring(response.content)
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hant"
        feed = parse_feed(client, "/zh-hant/feeds/latest/atom/")
        assert [e.title for e in feed.entries] == CHINESE_LIST

    def test_topic_feed_uses_the_chinese_name(self, client, bilingual):
        feed = parse_feed(client, in_chinese("reader:feed_topic", "fintech"))
        assert feed.feed.title == "HKAI：金融科技"
        assert feed.feed.subtitle == "HKAI有關「金融科技」的最新文章。"
        assert {t.term for t in feed.entries[0].tags} == {"金融科技"}
        english = parse_feed(client, "/feeds/topics/fintech/")
        assert english.feed.title == "HKAI: fintech"

    def test_pages_link_the_feeds_of_their_language(self, client, bilingual):
        _, page = get(client, "/zh-hant/topics/fintech/")
        rss = [a["href"] for a in page.find("link", type="application/rss+xml")]
        assert "/zh-hant/feeds/latest/" in rss and "/zh-hant/feeds/topics/fintech/" in rss


# ------------------------------------------------------------------ sitemap


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = {}
    for url in root.findall("s:url", SITEMAP_NS):
        alternates = {
            link.get("hreflang"): unquote(link.get("href")) for link in url.findall("xhtml:link", SITEMAP_NS)
        }
        assert all(link.get("rel") == "alternate" for link in url.findall("xhtml:link", SITEMAP_NS))
        entries[unquote(url.find("s:loc", SITEMAP_NS).text)] = alternates
    return entries


@pytest.mark.django_db
class TestSitemap:
    def test_article_and_translation_name_each_other(self, client, bilingual):
        entries = sitemap(client)
        english = ORIGIN + "/articles/fintech-grows/"
        chinese = ORIGIN + "/zh-hant/articles/香港金融科技起飛/"
        expected = {"en": english, "zh-Hant": chinese, "x-default": english}
        assert entries[english] == expected
        assert entries[chinese] == expected

    def test_article_in_one_language_is_listed_once_without_a_false_alternate(self, client, bilingual):
        entries = sitemap(client)
        english = ORIGIN + "/articles/only-in-english/"
        assert entries[english] == {"en": english, "x-default": english}
        assert ORIGIN + "/zh-hant/articles/only-in-english/" not in entries
        chinese = ORIGIN + "/zh-hant/articles/只有中文的報道/"
        assert entries[chinese] == {"zh-Hant": chinese}
        assert ORIGIN + "/articles/只有中文的報道/" not in entries
        # The draft translation is neither listed nor named.
        assert entries[ORIGIN + "/articles/translation-on-its-way/"] == {
            "en": ORIGIN + "/articles/translation-on-its-way/",
            "x-default": ORIGIN + "/articles/translation-on-its-way/",
        }

    def test_pages_in_both_languages(self, client, bilingual):
        entries = sitemap(client)
        for path in (
            "/",
            "/topics/",
            "/topics/fintech/",
            "/organisations/cyberport/",
            "/sections/government-initiatives/",
        ):
            expected = {"en": ORIGIN + path, "zh-Hant": ORIGIN + zh(path), "x-default": ORIGIN + path}
            assert entries[ORIGIN + path] == expected
            assert entries[ORIGIN + zh(path)] == expected

    def test_no_draft_and_every_url_and_alternate_answers_200(self, client, bilingual):
        entries = sitemap(client)
        assert not [loc for loc in entries if "草稿" in loc]
        urls = set(entries) | {href for alternates in entries.values() for href in alternates.values()}
        for url in urls:
            path = urlsplit(url).path
            assert client.get(path).status_code == 200, url

    def test_an_en_slug_keeps_its_address(self, client, make_article):
        """Django's x-default drops "/en/" from a URL; ours is the English URL itself."""
        make_article(slug="en")
        entries = sitemap(client)
        assert entries[ORIGIN + "/articles/en/"]["x-default"] == ORIGIN + "/articles/en/"


# ------------------------------------------------------------------ the model


@pytest.mark.django_db
class TestTranslationLink:
    def test_linking_one_links_both(self, make_article):
        english = make_article()
        chinese = make_article(language="zh-hant", translation=english)
        english.refresh_from_db()
        assert english.translation == chinese and chinese.translation == english

    def test_relinking_and_unlinking_keep_both_sides_true(self, make_article):
        a = make_article()
        b = make_article(language="zh-hant", translation=a)
        c = make_article(language="zh-hant")
        a.refresh_from_db()
        a.translation = c
        a.save()
        b.refresh_from_db()
        c.refresh_from_db()
        assert b.translation is None and c.translation == a
        c.translation = None
        c.save()
        a.refresh_from_db()
        assert a.translation is None

    def test_linking_an_article_already_linked_takes_it_from_its_partner(self, make_article):
        a, d = make_article(), make_article()
        c = make_article(language="zh-hant", translation=d)
        a.translation = c
        a.save()
        d.refresh_from_db()
        c.refresh_from_db()
        assert d.translation is None and c.translation == a

    def test_the_partners_version_moves_on(self, make_article):
        english = make_article()
        version = english.version
        make_article(language="zh-hant", translation=english)
        english.refresh_from_db()
        assert english.version == version + 1

    def test_deleting_one_unlinks_the_other(self, make_article):
        english = make_article()
        make_article(language="zh-hant", translation=english).delete()
        english.refresh_from_db()
        assert english.translation is None

    def test_validation(self, make_article):
        english = make_article()
        other_english = make_article()
        chinese = make_article(language="zh-hant")
        other_english.translation = english
        with pytest.raises(ValidationError, match="other language"):
            other_english.full_clean()
        english.translation = english
        with pytest.raises(ValidationError, match="own translation"):
            english.full_clean()
        make_article(translation=chinese)
        chinese.refresh_from_db()
        newcomer = make_article()
        newcomer.translation = chinese
        with pytest.raises(ValidationError, match="already the translation"):
            newcomer.full_clean()

    def test_localized_names_fall_back_to_english(self, db):
        topic = Topic.objects.create(name="robotics")
        translated = Topic.objects.create(name="privacy", name_zh_hant="私隱")
        with translation.override("zh-hant"):
            assert topic.localized_name == "robotics"
            assert translated.localized_name == "私隱"
        assert translated.localized_name == "privacy"


# ------------------------------------------------------------------ the admin


@pytest.mark.django_db
class TestAdmin:
    def add(self, client, section, **fields):
        data = {
            "title": "香港金融科技",
            "slug": "香港金融科技",
            "standfirst": "",
            "body": "中文。",
            "language": "zh-hant",
            "section": str(section.pk),
            "new_topics": "",
            "hero_image_alt": "",
            "status": "published",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00:00",
        }
        data.update(fields)
        return client.post("/admin/articles/article/add/", data)

    def test_editor_links_a_translation(self, client, editor, make_article, section):
        english = make_article(title="Fintech in Hong Kong")
        client.force_login(editor)
        response = self.add(client, section, translation=str(english.pk))
        assert response.status_code == 302, response.context["adminform"].form.errors
        english.refresh_from_db()
        assert english.translation.slug == "香港金融科技"

    def test_same_language_translation_is_a_form_error(self, client, editor, make_article, section):
        chinese = make_article(language="zh-hant")
        client.force_login(editor)
        response = self.add(client, section, translation=str(chinese.pk))
        assert response.status_code == 200
        assert "must be in the other language" in str(response.context["adminform"].form.errors)

    def test_writer_cannot_link_another_writers_article(
        self, client, writer, other_writer, make_article, section
    ):
        theirs = make_article(created_by=other_writer)
        client.force_login(writer)
        response = self.add(
            client, section, translation=str(theirs.pk), status="draft", published_at_0="", published_at_1=""
        )
        assert response.status_code == 200
        assert "translation" in response.context["adminform"].form.errors
        theirs.refresh_from_db()
        assert theirs.translation is None

    def test_translation_autocomplete_finds_articles(self, client, editor, make_article):
        make_article(title="Fintech in Hong Kong")
        client.force_login(editor)
        response = client.get(
            "/admin/autocomplete/",
            {
                "term": "Fintech",
                "app_label": "articles",
                "model_name": "article",
                "field_name": "translation",
            },
        )
        assert response.status_code == 200
        assert [r["text"] for r in response.json()["results"]] == ["Fintech in Hong Kong"]

    def test_tag_autocomplete_finds_the_chinese_name(self, client, editor):
        Topic.objects.create(name="fintech", name_zh_hant="金融科技")
        client.force_login(editor)
        response = client.get(
            "/admin/autocomplete/",
            {"term": "金融", "app_label": "articles", "model_name": "article", "field_name": "topics"},
        )
        assert [r["text"] for r in response.json()["results"]] == ["fintech"]

    def test_chinese_names_are_edited_in_the_admin(self, client, editor, section):
        client.force_login(editor)
        for url in (
            f"/admin/articles/section/{section.pk}/change/",
            "/admin/articles/topic/add/",
            "/admin/articles/organisation/add/",
        ):
            response = client.get(url)
            assert "name_zh_hant" in response.context["adminform"].form.fields, url

    def test_restoring_a_version_keeps_the_current_translation(self, client, editor, make_article, section):
        from reversion.models import Version

        from .admin_forms import form_data

        client.force_login(editor)
        english = make_article(title="Before")
        change = f"/admin/articles/article/{english.pk}/change/"
        client.post(change, form_data(client.get(change), title="First edit"))
        chinese = make_article(language="zh-hant", translation=english)
        client.post(change, form_data(client.get(change), title="Second edit"))
        first = next(
            v for v in Version.objects.get_for_object(english) if v.field_dict["title"] == "First edit"
        )
        revision = f"/admin/articles/article/{english.pk}/history/{first.pk}/"
        response = client.post(revision, form_data(client.get(revision)))
        assert response.status_code == 302
        english.refresh_from_db()
        chinese.refresh_from_db()
        assert english.title == "First edit"
        assert english.translation == chinese and chinese.translation == english


# ------------------------------------------------------------------ query counts


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 20])
def test_chinese_pages_query_count_does_not_grow(
    client, make_article, section, settings, n, django_assert_max_num_queries
):
    """As test_views' bounds, in Chinese, with every story in both languages."""
    from .test_views import MAX_QUERIES

    settings.ARTICLES_PER_PAGE = n
    topic = Topic.objects.create(name="shared topic", name_zh_hant="共同主題")
    organisation = Organisation.objects.create(name="Shared Org", name_zh_hant="共同機構", kind="government")
    author = Author.objects.create(name="Shared", slug="shared")
    first = None
    for i in range(n):
        english = make_article(topics=[topic, f"topic {i}"], organisations=[organisation], authors=[author])
        chinese = make_article(
            language="zh-hant",
            translation=english,
            topics=[topic, f"話題 {i}"],
            organisations=[organisation],
            authors=[author],
        )
        first = first or chinese
    with translation.override("zh-hant"):
        urls = {
            "home": reverse("reader:home"),
            "article_list": reverse("reader:article_list"),
            "article_detail": first.get_absolute_url(),
            "section_detail": section.get_absolute_url(),
            "organisation_list": reverse("reader:organisation_list"),
            "organisation_detail": organisation.get_absolute_url(),
            "topic_list": reverse("reader:topic_list"),
            "topic_detail": topic.get_absolute_url(),
            "feed_latest": reverse("reader:feed_latest"),
            "feed_latest_atom": reverse("reader:feed_latest_atom"),
            "feed_section": reverse("reader:feed_section", args=[section.slug]),
            "feed_organisation": reverse("reader:feed_organisation", args=[organisation.slug]),
            "feed_topic_atom": reverse("reader:feed_topic_atom", args=[topic.slug]),
        }
    urls["sitemap"] = "/sitemap.xml"
    for name, url in urls.items():
        assert url == "/sitemap.xml" or url.startswith("/zh-hant/"), url
        with django_assert_max_num_queries(MAX_QUERIES[name]):
            response = client.get(url)
        assert response.status_code == 200, name
        if name in ("article_list", "section_detail", "topic_detail", "organisation_detail"):
            assert response.content.decode().count('class="card"') == n, name


# ------------------------------------------------------------------ launch content


@pytest.mark.django_db
class TestLaunchContentChineseNames:
    def test_loaded_with_chinese_names(self, db):
        call_command("load_demo_content", stdout=io.StringIO())
        assert Section.objects.get(slug="government-initiatives").name_zh_hant == "政府措施"
        assert Organisation.objects.get(name="Cyberport").name_zh_hant == "數碼港"
        assert Topic.objects.get(name="privacy").name_zh_hant == "私隱"
        content = read_content()
        for kind, model in (("sections", Section), ("organisations", Organisation)):
            assert all(item.get("name_zh_hant") for item in content[kind]), kind
            assert not model.objects.filter(name_zh_hant="").exists(), kind

    def test_fills_blank_chinese_names_and_keeps_an_editors(self, db):
        Topic.objects.create(name="fintech")
        Topic.objects.create(name="privacy", name_zh_hant="個人私隱")
        Section.objects.create(name="International Collaboration", slug="intl")
        call_command("load_demo_content", stdout=io.StringIO())
        assert Topic.objects.get(name="fintech").name_zh_hant == "金融科技"
        assert Topic.objects.get(name="privacy").name_zh_hant == "個人私隱"
        assert Section.objects.get(slug="intl").name_zh_hant == "國際合作"

    def test_chinese_front_page_of_the_launch_content(self, client, db):
        call_command("load_demo_content", stdout=io.StringIO())
        _, page = get(client, "/zh-hant/")
        text = page.visible_text()
        for name in ("政府措施", "初創企業與創新樞紐", "數碼港", "香港科學園", "香港政府"):
            assert name in text
        _, page = get(client, "/zh-hant/topics/")
        for name in ("智慧城市", "金融科技", "智能投資顧問", "私隱", "香港AI"):
            assert name in page.visible_text()


# ------------------------------------------------------------------ the catalogue


def catalogue():
    return polib.pofile(str(CATALOGUE))


def test_catalogue_has_no_empty_fuzzy_or_obsolete_entry():
    po = catalogue()
    assert po.metadata["Language"] == "zh_Hant"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert not po.untranslated_entries()
    assert not po.fuzzy_entries()
    assert not po.obsolete_entries()
    for entry in po:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid
        else:
            assert entry.msgstr.strip(), entry.msgid


def test_catalogue_compiles_and_reads_back(tmp_path):
    mo_path = tmp_path / "django.mo"
    po = compile_catalogue(CATALOGUE, mo_path)
    mo = polib.mofile(str(mo_path))
    assert len(mo.translated_entries()) == len(po.translated_entries()) > 150
    assert {e.msgid: e.msgstr for e in mo}["Latest articles"] == "最新文章"


def test_compiling_refuses_a_wrong_placeholder(tmp_path):
    broken = tmp_path / "django.po"
    broken.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        "#, python-format\n"
        'msgid "%(site)s: latest articles"\nmsgstr "%(sitename)s：最新文章"\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="placeholders differ"):
        compile_catalogue(broken)
    assert not (tmp_path / "django.mo").exists()


def test_compile_translations_command(tmp_path, settings):
    target = tmp_path / "zh_Hant" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "django.po").write_bytes(CATALOGUE.read_bytes())
    settings.LOCALE_PATHS = [tmp_path]
    out = io.StringIO()
    call_command("compile_translations", stdout=out)
    assert (target / "django.mo").exists()
    assert "100% translated" in out.getvalue()
    out = io.StringIO()
    call_command("compile_translations", "--if-stale", stdout=out)
    assert out.getvalue() == ""  # up to date: nothing to do


# What makemessages extracts, without GNU gettext: gettext calls in the Python (ast) and in
# the templates (Django's own templatize turns {% translate %} into gettext calls).
GETTEXT_CALLS = {
    "_": ("msgid",),
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "gettext_noop": ("msgid",),
    "ngettext": ("msgid", "plural"),
    "ngettext_lazy": ("msgid", "plural"),
    "pgettext": ("context", "msgid"),
    "pgettext_lazy": ("context", "msgid"),
    "npgettext": ("context", "msgid", "plural"),
    "npgettext_lazy": ("context", "msgid", "plural"),
}


def _message(name, strings):
    parts = dict(zip(GETTEXT_CALLS[name], strings, strict=False))  # trailing args are optional
    return parts.get("context"), parts["msgid"], parts.get("plural")


def python_messages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        count = len(GETTEXT_CALLS[name])
        args = node.args[:count]
        if len(args) == count and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            yield _message(name, [a.value for a in args])


def template_messages(path):
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(code).readline)
        if t.type in (tokenize.NAME, tokenize.OP, tokenize.STRING)
    ]
    for i, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in GETTEXT_CALLS:
            continue
        if i + 1 >= len(tokens) or tokens[i + 1].string != "(":
            continue
        strings, current, j = [], None, i + 2
        while j < len(tokens) and tokens[j].string != ")":
            if tokens[j].type == tokenize.STRING:
                current = (current or "") + ast.literal_eval(tokens[j].string)
            elif tokens[j].string == ",":
                strings.append(current)
                current = None
            j += 1
        strings.append(current)
        count = len(GETTEXT_CALLS[token.string])
        if all(isinstance(s, str) for s in strings[:count]) and len(strings) >= count:
            yield _message(token.string, strings[:count])


def used_messages():
    sources = [
        path
        for folder in (*settings.PROJECT_APPS, "hkai_site")
        for path in (BASE / folder).rglob("*.py")
        if "migrations" not in path.parts
    ]
    templates = [
        p
        for folder in (BASE / "templates", *(BASE / app / "templates" for app in settings.PROJECT_APPS))
        for p in folder.rglob("*")
        if p.suffix in (".html", ".txt")
    ]
    found = {}
    for path in sources:
        for message in python_messages(path):
            found[message] = path
    for path in templates:
        for message in template_messages(path):
            found[message] = path
    return found


def test_every_message_in_the_code_is_translated():
    """Every string marked in templates and Python is in the catalogue, translated, not
    fuzzy: a string added without running makemessages fails here."""
    entries = {(e.msgctxt, e.msgid): e for e in catalogue()}
    used = used_messages()
    assert len(used) > 150  # the extraction works
    problems = []
    for (context, msgid, plural), path in sorted(used.items(), key=str):
        entry = entries.get((context, msgid))
        if entry is None:
            problems.append(f"{path.relative_to(BASE)}: {msgid!r} is not in the catalogue")
        elif not entry.translated():
            problems.append(f"{path.relative_to(BASE)}: {msgid!r} is not translated")
        elif plural is not None and entry.msgid_plural != plural:
            problems.append(f"{path.relative_to(BASE)}: {msgid!r} has another plural")
    assert not problems, "\n".join(problems) + "\nRun makemessages -l zh_Hant and translate."


# Latin words a Chinese page may show: the name, the feed formats, the switcher's "English".
ALLOWED_LATIN = {"HKAI", "RSS", "Atom", "English"}


@pytest.fixture
def chinese_newsroom(make_article, section, settings):
    """Content whose every name and text is Chinese, so that any Latin word on a Chinese
    page is interface text that escaped translation."""
    settings.ARTICLES_PER_PAGE = 1  # listings show their pagination
    section.name_zh_hant = "政府措施"
    section.save()
    section = Section.objects.create(name="Startups", slug="startups", name_zh_hant="初創企業")
    topic = Topic.objects.create(name="fintech", name_zh_hant="金融科技")
    organisation = Organisation.objects.create(
        name="Cyberport",
        name_zh_hant="數碼港",
        kind=Organisation.Kind.INCUBATOR,
        website="https://www.cyberport.hk",
    )
    authors = [
        Author.objects.create(name="陳大文", slug="chan"),
        Author.objects.create(name="黃小明", slug="wong"),
    ]
    first = make_article(
        title="數碼港初創企業",
        slug="數碼港初創企業",
        language="zh-hant",
        section=section,
        standfirst="金融科技初創企業。",
        body="## 小標題\n\n內文。",
        featured=True,
        topics=[topic],
        organisations=[organisation],
        authors=authors,
        published_at=timezone.now() - timedelta(days=3),
    )
    make_article(
        title="銀行採用人工智能",
        slug="銀行採用人工智能",
        language="zh-hant",
        section=section,
        standfirst="風險管理。",
        body="內文。",
        topics=[topic],
        organisations=[organisation],
        authors=authors,
        published_at=timezone.now() - timedelta(days=1),
    )
    # An updated article shows its update date too.
    Article.objects.filter(pk=first.pk).update(updated_at=timezone.now())
    return {"article": first, "section": section, "topic": topic, "organisation": organisation}


@pytest.mark.django_db
def test_chinese_pages_show_no_english_interface_text(client, chinese_newsroom):
    c = chinese_newsroom
    with translation.override("zh-hant"):
        urls = [
            reverse("reader:home"),
            reverse("reader:article_list"),
            reverse("reader:article_list") + "?page=2",
            c["article"].get_absolute_url(),
            c["section"].get_absolute_url(),
            reverse("reader:organisation_list"),
            c["organisation"].get_absolute_url(),
            reverse("reader:topic_list"),
            c["topic"].get_absolute_url(),
            reverse("search:search") + "?q=初創&topic=fintech&org=no-such-org",
            reverse("search:search") + "?q=人工智能",
            reverse("search:search") + "?topic=fintech",
            "/zh-hant/articles/no-such-article/",
        ]
    latin = re.compile(r"[A-Za-z]{2,}")
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        page = Page(response.content.decode())
        words = set(latin.findall(page.visible_text()))
        for tag, attrs in page.tags:
            for name in ("title", "aria-label", "placeholder", "alt"):
                words |= set(latin.findall(attrs.get(name, "")))
            if tag == "meta" and attrs.get("name") == "description":
                words |= set(latin.findall(attrs.get("content", "")))
        title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
        words |= set(latin.findall(title))
        # What the reader typed stays (the unknown filter's value).
        words -= {"no", "such", "org"}
        assert words <= ALLOWED_LATIN, (url, words - ALLOWED_LATIN)


def test_article_languages_are_the_sites_languages():
    """Article.language values are URL prefixes and catalogue names: the same codes."""
    assert set(Article.Language.values) == {code for code, _ in settings.LANGUAGES}
    assert settings.LANGUAGE_CODE == Article._meta.get_field("language").default
