"""Corrections and updates for readers: under the story (in the article's language), in its
JSON-LD and feeds, and on /corrections/ with its feeds; of published articles only."""

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from pagecache.tests.helpers import get, page_cache  # noqa: F401  (a fixture)

from .helpers import HONG_KONG, ok_html, parse

ATOM = "{http://www.w3.org/2005/Atom}"


def note(article, text, kind=Correction.Kind.CORRECTION, at=None):
    correction = Correction(article=article, kind=kind, note=text)
    if at is not None:
        correction.created_at = at
    correction.save()
    return correction


@pytest.fixture
def corrected(make_article):
    """An English article with a correction and, later, an update."""
    article = make_article(
        title="The lab opens",
        slug="the-lab-opens",
        published_at=datetime(2026, 11, 20, 9, 0, tzinfo=HONG_KONG),
    )
    note(article, "The lab opened in 2025, not 2024.", at=datetime(2026, 11, 21, 10, 5, tzinfo=HONG_KONG))
    note(
        article,
        "The minister has since visited.",
        kind=Correction.Kind.UPDATE,
        at=datetime(2026, 11, 22, 16, 30, tzinfo=HONG_KONG),
    )
    article.refresh_from_db()
    return article


def json_ld(response):
    blocks = [text for attrs, text in parse(response).scripts if attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.mark.django_db
class TestUnderTheStory:
    def test_in_order_dated_and_labelled(self, client, corrected):
        page = ok_html(client.get(corrected.get_absolute_url()))
        section = page[page.index('class="story-corrections"') : page.index('class="story-footer"')]
        assert "Corrections and updates" in section
        first, second = section.index("The lab opened in 2025"), section.index("The minister has since")
        assert first < second
        assert (
            '<strong class="correction-kind">Correction</strong>, '
            '<time datetime="2026-11-21T10:05:00+08:00">21 November 2026, 10:05 HKT</time>'
        ) in section
        assert '<strong class="correction-kind">Update</strong>' in section

    def test_in_the_articles_language_on_the_other_languages_page(self, client, corrected, make_article):
        page = ok_html(client.get(corrected.url_in("zh-hant")))
        assert 'class="story-corrections" aria-labelledby="story-corrections" lang="en"' in page
        assert "21 November 2026, 10:05 HKT" in page and ">Correction<" in page
        chinese = make_article(title="實驗室開幕", slug="實驗室開幕", language="zh-hant")
        note(chinese, "實驗室於2025年開幕。", at=datetime(2026, 11, 21, 10, 5, tzinfo=HONG_KONG))
        page = ok_html(client.get(chinese.url_in("en")))
        assert 'lang="zh-Hant"' in page[page.index('class="story-corrections"') :][:200]
        assert "更正" in page and "2026年11月21日" in page

    def test_escaped(self, client, make_article):
        article = make_article()
        note(article, "<script>alert(1)</script> & more")
        page = ok_html(client.get(article.get_absolute_url()))
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page

    def test_an_article_without_notes_shows_none(self, client, make_article):
        page = ok_html(client.get(make_article().get_absolute_url()))
        assert "story-corrections" not in page and "correction" not in json.dumps(
            json_ld(client.get(make_article().get_absolute_url()))
        )

    def test_json_ld_carries_corrections_and_the_modified_date(self, client, corrected):
        data = json_ld(client.get(corrected.get_absolute_url()))
        assert data["correction"] == [
            {
                "@type": "CorrectionComment",
                "text": "The lab opened in 2025, not 2024.",
                "datePublished": "2026-11-21T10:05:00+08:00",
            }
        ]
        # The update is no correction, but moves the modified date with it.
        assert data["dateModified"] == "2026-11-22T16:30:00+08:00"

    def test_the_page_costs_no_query_per_note(self, client, corrected):
        url = corrected.get_absolute_url()
        client.get(url)
        with CaptureQueriesContext(connection) as two_notes:
            client.get(url)
        for n in range(5):
            note(corrected, f"Another note {n}.")
        with CaptureQueriesContext(connection) as seven_notes:
            assert "Another note 4." in ok_html(client.get(url))
        # The notes are one prefetch of the article page's (reader/tests/test_views.py).
        assert len(seven_notes) == len(two_notes) <= 9

    def test_a_new_note_shows_at_once_with_the_page_cache_on(self, page_cache, client, make_article, commit):  # noqa: F811
        with commit():
            article = make_article()
        assert "Fresh note." not in ok_html(get(client, article.get_absolute_url())[0])
        with commit():
            note(article, "Fresh note.")
        response = get(client, article.get_absolute_url())[0]
        assert "Fresh note." in ok_html(response)
        corrections = get(client, reverse("reader:correction_list"))[0]
        assert "Fresh note." in ok_html(corrections)
        assert {"corrections", f"a{article.pk}"} <= set(corrections["xkey"].split())


@pytest.mark.django_db
class TestTheArticlesFeeds:
    def test_the_item_is_shown_as_updated(self, client, corrected):
        updated = datetime(2026, 11, 22, 16, 30, tzinfo=HONG_KONG)
        rss = ET.fromstring(client.get(reverse("reader:feed_latest")).content)
        item = rss.find("channel/item")
        assert datetime.fromisoformat(item.find(f"{ATOM}updated").text) == updated
        assert not feedparser.parse(client.get(reverse("reader:feed_latest")).content).bozo
        atom = feedparser.parse(client.get(reverse("reader:feed_latest_atom")).content)
        assert datetime.fromisoformat(atom.entries[0].updated) == updated
        items = client.get(reverse("reader:feed_latest_json")).json()["items"]
        assert datetime.fromisoformat(items[0]["date_modified"]) == updated
        assert datetime.fromisoformat(items[0]["date_published"]) == corrected.published_at


@pytest.fixture
def hidden_notes(make_article):
    """Notes on a draft, a scheduled and an expired article: never public."""
    now = timezone.now()
    for marker, state in (
        ("zqxdraftnote", {"status": Article.Status.DRAFT, "published_at": None}),
        ("zqxschednote", {"published_at": now + timedelta(days=1)}),
        (
            "zqxexpirednote",
            {"published_at": now - timedelta(days=2), "expires_at": now - timedelta(minutes=1)},
        ),
    ):
        note(make_article(title=f"{marker} title", **state), f"{marker} text")
    return ["zqxdraftnote", "zqxschednote", "zqxexpirednote"]


@pytest.mark.django_db
class TestCorrectionsPage:
    def test_lists_published_articles_notes_newest_first_linking_to_them(
        self, client, corrected, hidden_notes
    ):
        page = ok_html(client.get("/corrections/"))
        assert page.index("The minister has since") < page.index("The lab opened in 2025")
        first = corrected.corrections.first()
        assert f'href="/articles/the-lab-opens/#correction-{first.pk}"' in page
        assert f'id="correction-{first.pk}"' in ok_html(client.get(corrected.get_absolute_url()))
        for marker in hidden_notes:
            assert marker not in page

    def test_in_chinese(self, client, corrected):
        page = ok_html(client.get("/zh-hant/corrections/"))
        assert "更正及更新" in page
        assert 'href="/zh-hant/articles/the-lab-opens/#correction-' in page
        # The English note keeps its language on the Chinese page.
        assert 'lang="en">The lab opened in 2025' in page

    def test_paginated_and_bad_pages_are_404(self, client, make_article):
        article = make_article()
        for n in range(25):
            note(article, f"Note number {n}.")
        first, second = ok_html(client.get("/corrections/")), ok_html(client.get("/corrections/?page=2"))
        assert "Note number 24." in first and "Note number 4." not in first
        assert "Note number 4." in second and "Note number 24." not in second
        for bad in ("3", "0", "x", "-1", "9" * 30):
            assert client.get(f"/corrections/?page={bad}").status_code == 404, bad

    def test_a_fixed_number_of_queries(self, client, make_article):
        for n in range(3):
            note(make_article(), f"Note {n}.")
        client.get("/corrections/")
        with CaptureQueriesContext(connection) as three:
            client.get("/corrections/")
        for n in range(10):
            note(make_article(), f"More {n}.")
        with CaptureQueriesContext(connection) as thirteen:
            client.get("/corrections/")
        # The count, the page's notes with their articles (one join), the navigation.
        assert len(thirteen) == len(three) <= 3

    def test_empty(self, client):
        assert "No corrections or updates yet." in ok_html(client.get("/corrections/"))

    def test_linked_from_the_footer_and_in_the_sitemap(self, client, corrected):
        footer = ok_html(client.get("/"))
        assert 'href="/corrections/">Corrections</a>' in footer
        assert 'href="/zh-hant/corrections/">更正</a>' in ok_html(client.get("/zh-hant/"))
        sitemap = client.get("/sitemap.xml").content.decode()
        assert "<loc>http://testserver/corrections/</loc>" in sitemap
        assert "http://testserver/zh-hant/corrections/" in sitemap


@pytest.mark.django_db
class TestCorrectionsFeeds:
    @pytest.mark.parametrize("prefix", ["", "/zh-hant"])
    def test_rss_atom_and_json(self, client, corrected, hidden_notes, prefix):
        for path in ("/feeds/corrections/", "/feeds/corrections/atom/"):
            response = client.get(prefix + path)
            assert response.status_code == 200
            feed = feedparser.parse(response.content)
            assert not feed.bozo, feed.get("bozo_exception")
            assert [entry.summary for entry in feed.entries] == [
                "The minister has since visited.",
                "The lab opened in 2025, not 2024.",
            ]
            assert feed.entries[1].link.startswith(
                f"http://testserver{prefix}/articles/the-lab-opens/#correction-"
            )
            assert feed.entries[0].link != feed.entries[1].link
            assert feed.entries[0].id != feed.entries[1].id
            for marker in hidden_notes:
                assert marker not in response.content.decode()
        document = client.get(f"{prefix}/feeds/corrections/json/").json()
        assert [item["summary"] for item in document["items"]] == [
            "The minister has since visited.",
            "The lab opened in 2025, not 2024.",
        ]
        assert document["items"][1]["language"] == "en"
        assert document["items"][1]["title"] == (
            "Correction: The lab opens" if not prefix else "更正：The lab opens"
        )

    def test_announced_by_the_page(self, client):
        page = ok_html(client.get("/corrections/"))
        for name in ("feed_corrections", "feed_corrections_atom", "feed_corrections_json"):
            assert (
                'rel="alternate" type="application/' in page and f'href="{reverse("reader:" + name)}"' in page
            )
