"""reader/sitemaps.py: sitemap.xml in both languages with hreflang alternates, read as a crawler would."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Organisation, Section, Topic

from .helpers import ORIGIN, zh

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def sitemap_entries(client):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        unquote(url.find("s:loc", NS).text): url.find("s:lastmod", NS) for url in root.findall("s:url", NS)
    }


@pytest.fixture
def content(make_article, section):
    Section.objects.create(name="Empty section", slug="empty-section")
    topic = Topic.objects.create(name="香港AI")
    organisation = Organisation.objects.create(name="ASTRI", kind="research")
    public = make_article(slug="public-one", topics=[topic], organisations=[organisation])
    make_article(slug="draft-sitemapmarker", status=Article.Status.DRAFT, topics=["draft-only-topic"])
    make_article(
        slug="scheduled-sitemapmarker",
        published_at=timezone.now() + timedelta(days=1),
        organisations=["Scheduled Only Org"],
    )
    return public


@pytest.mark.django_db
def test_sitemap_lists_published_pages_with_lastmod(client, content):
    entries = sitemap_entries(client)
    base = "http://testserver"
    pages = {
        "/",
        "/articles/",
        "/organisations/",
        "/topics/",
        "/corrections/",
        "/sections/government-initiatives/",
        "/organisations/astri/",
        "/topics/香港ai/",
    }
    # Every page in English and in Chinese (/zh-hant/...); the article, written in English,
    # once at its own address (its Chinese-interface page is not a translation).
    expected = {base + path for path in pages}
    expected |= {base + "/zh-hant" + path for path in pages}
    expected |= {base + "/articles/public-one/"}
    assert set(entries) == expected
    for loc, lastmod in entries.items():
        assert lastmod is not None and lastmod.text, loc
    assert entries[base + "/articles/public-one/"].text == timezone.localdate(content.updated_at).isoformat()


@pytest.mark.django_db
def test_sitemap_leaves_out_drafts_scheduled_and_their_tags(client, content):
    body = client.get(reverse("sitemap")).content.decode()
    assert "sitemapmarker" not in body
    assert "draft-only-topic" not in body
    assert "scheduled-only-org" not in body
    assert "empty-section" not in body


@pytest.mark.django_db
def test_empty_site_has_a_valid_sitemap(client):
    entries = sitemap_entries(client)
    assert "http://testserver/" in entries


# ---------------------------------------------------------------- both languages


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
