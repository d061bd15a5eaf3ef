"""Author pages (/authors/<slug>/) and their feeds: public once a published article carries
the byline, in both languages, linked from every byline, in the sitemap and the page cache."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author
from pagecache.tests.helpers import get, page_cache  # noqa: F401  (a fixture)
from tests.pictures import make_image

from .helpers import ORIGIN, html, ok_html, parse, zh


@pytest.fixture
def ada(db):
    return Author.objects.create(
        name="Ada Chan",
        name_zh_hant="陳愛達",
        slug="ada-chan",
        bio="Covers <b>fintech</b> & robots.\nBased in Kowloon.",
        bio_zh_hant="報道金融科技。",
        photo=make_image("Ada Chan at her desk", size=(800, 800)),
    )


@pytest.fixture
def ada_stories(make_article, ada):
    english = make_article(title="Robots at the harbour", slug="robots-harbour", authors=[ada])
    chinese = make_article(
        title="海港機械人", slug="海港機械人", language="zh-hant", translation=english, authors=[ada]
    )
    make_article(title="Ada's draft zqxauthordraft", status=Article.Status.DRAFT, authors=[ada])
    return english, chinese


def json_ld(response, kind):
    blocks = [
        json.loads(text)
        for attrs, text in parse(response).scripts
        if attrs.get("type") == "application/ld+json"
    ]
    return [block for block in blocks if block["@type"] == kind]


@pytest.mark.django_db
class TestAuthorPage:
    def test_english_page(self, client, ada, ada_stories):
        response = client.get("/authors/ada-chan/")
        page = ok_html(response)
        assert "<h1>Ada Chan</h1>" in page
        # The bio is escaped, its lines kept.
        assert "Covers &lt;b&gt;fintech&lt;/b&gt; &amp; robots.<br>Based in Kowloon." in page
        assert "Robots at the harbour" in page and "海港機械人" not in page
        assert "zqxauthordraft" not in page
        photo = parse(response).find("img", alt="Ada Chan at her desk")
        assert photo and photo[0]["src"] in {r.url for r in ada.photo.renditions.all()}
        assert parse(response).title == "Ada Chan · HKAI"

    def test_chinese_page_shows_the_chinese_name_bio_and_versions(self, client, ada, ada_stories):
        page = ok_html(client.get(zh("/authors/ada-chan/")))
        assert "<h1>陳愛達</h1>" in page and "報道金融科技。" in page
        assert "海港機械人" in page and "Robots at the harbour" not in page

    def test_chinese_falls_back_to_the_english_name_and_bio(self, client, ada, ada_stories):
        Author.objects.filter(pk=ada.pk).update(name_zh_hant="", bio_zh_hant="")
        page = ok_html(client.get(zh("/authors/ada-chan/")))
        assert "<h1>Ada Chan</h1>" in page
        assert '<p class="page-intro author-bio" lang="en">Covers' in page

    def test_a_chinese_slug(self, client, make_article):
        author = Author.objects.create(name="黃小明", slug="黃小明")
        make_article(authors=[author])
        assert author.get_absolute_url() == "/authors/%E9%BB%83%E5%B0%8F%E6%98%8E/"
        assert "<h1>黃小明</h1>" in ok_html(client.get(author.get_absolute_url()))
        assert client.get(zh(f"/authors/{quote('黃小明')}/")).status_code == 200

    def test_announces_its_feeds(self, client, ada, ada_stories):
        for prefix in ("", "/zh-hant"):
            page = parse(client.get(f"{prefix}/authors/ada-chan/"))
            feeds = {
                link["type"]: link["href"] for link in page.find("link", rel="alternate") if "type" in link
            }
            assert feeds["application/rss+xml"] == f"{prefix}/feeds/authors/ada-chan/"
            assert feeds["application/atom+xml"] == f"{prefix}/feeds/authors/ada-chan/atom/"
            assert feeds["application/feed+json"] == f"{prefix}/feeds/authors/ada-chan/json/"

    def test_person_json_ld(self, client, ada, ada_stories):
        [person] = json_ld(client.get("/authors/ada-chan/"), "Person")
        assert person["name"] == "Ada Chan"
        assert person["alternateName"] == ["陳愛達"]
        assert person["url"] == f"{ORIGIN}/authors/ada-chan/"
        assert person["description"].startswith("Covers <b>fintech</b>")
        assert person["image"].startswith(f"{ORIGIN}/media/")
        [chinese] = json_ld(client.get(zh("/authors/ada-chan/")), "Person")
        assert chinese["name"] == "陳愛達" and chinese["alternateName"] == ["Ada Chan"]
        assert chinese["url"] == f"{ORIGIN}/zh-hant/authors/ada-chan/"
        assert chinese["description"] == "報道金融科技。"

    def test_cannot_be_broken_out_of(self, client, make_article):
        author = Author.objects.create(name="</script><script>alert(1)</script>", slug="breakout")
        make_article(authors=[author])
        response = client.get(author.get_absolute_url())
        assert "<script>alert" not in html(response)
        assert json_ld(response, "Person")[0]["name"] == author.name

    def test_article_json_ld_points_at_the_author_page(self, client, ada, ada_stories):
        english, chinese = ada_stories
        [article] = json_ld(client.get(english.get_absolute_url()), "NewsArticle")
        assert article["author"] == [
            {"@type": "Person", "name": "Ada Chan", "url": f"{ORIGIN}/authors/ada-chan/"}
        ]
        [article] = json_ld(client.get(zh(chinese.get_absolute_url())), "NewsArticle")
        assert article["author"][0] == {
            "@type": "Person",
            "name": "陳愛達",
            "url": f"{ORIGIN}/zh-hant/authors/ada-chan/",
        }

    def test_paginated_like_the_other_lists(self, client, make_article, ada, settings):
        settings.ARTICLES_PER_PAGE = 2
        for n in range(5):
            make_article(title=f"Story {n}", authors=[ada])
        first, second = (
            ok_html(client.get("/authors/ada-chan/")),
            ok_html(client.get("/authors/ada-chan/?page=2")),
        )
        assert first.count('<article class="card') == second.count('<article class="card') == 2
        assert "5 articles" in first and 'rel="next"' in first
        for bad in ("?page=4", "?page=abc", "?page=0"):
            assert client.get(f"/authors/ada-chan/{bad}").status_code == 404, bad

    @pytest.mark.parametrize("language", ["en", "zh-hant"])
    def test_query_count_is_flat(self, client, make_article, settings, language):
        """The same number of queries for 1 article as for 10, each with its picture."""
        settings.ARTICLES_PER_PAGE = 12
        counts = []
        for n in (1, 10):
            author = Author.objects.create(name=f"Author {n}", slug=f"author-{n}", photo=make_image())
            for i in range(n):
                co_author = Author.objects.create(name=f"Co {n}-{i}", slug=f"co-{n}-{i}")
                make_article(authors=[author, co_author], topics=[f"t{i}"], hero=make_image(f"Hero {i}"))
            prefix = "/zh-hant" if language == "zh-hant" else ""
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"{prefix}/authors/author-{n}/")
            assert response.status_code == 200
            assert html(response).count("<picture>") == n + 1  # the photo and each card's hero
            counts.append(len(queries))
        assert counts[0] == counts[1]


@pytest.mark.django_db
class TestBylinesLinkTheAuthorPage:
    def test_article_page_cards_lists_lead_and_search(self, client, ada, ada_stories):
        english, _chinese = ada_stories
        link = '<a class="author" href="/authors/ada-chan/">Ada Chan</a>'
        for url in (
            english.get_absolute_url(),
            reverse("reader:home"),  # the lead
            reverse("reader:article_list"),
            english.section.get_absolute_url(),
            "/search/?q=robots",
        ):
            assert link in ok_html(client.get(url)), url
        chinese_link = '<a class="author" href="/zh-hant/authors/ada-chan/">陳愛達</a>'
        for url in (zh(english.get_absolute_url()), zh("/"), zh("/articles/"), "/zh-hant/search/?q=robots"):
            assert chinese_link in ok_html(client.get(url)), url


@pytest.mark.django_db
class TestAuthorFeeds:
    def test_rss_and_atom_in_both_languages(self, client, ada, ada_stories):
        rss = ET.fromstring(client.get("/feeds/authors/ada-chan/").content)
        assert rss.find("channel/title").text == "HKAI: Ada Chan"
        assert [item.find("title").text for item in rss.iter("item")] == ["Robots at the harbour"]
        assert rss.find("channel/language").text == "en"
        chinese = ET.fromstring(client.get("/zh-hant/feeds/authors/ada-chan/").content)
        assert [item.find("title").text for item in chinese.iter("item")] == ["海港機械人"]
        assert "陳愛達" in chinese.find("channel/title").text
        atom = client.get("/feeds/authors/ada-chan/atom/")
        assert atom.status_code == 200 and b"Robots at the harbour" in atom.content
        assert b"zqxauthordraft" not in atom.content

    def test_json_feed_in_both_languages(self, client, ada, ada_stories):
        document = json.loads(client.get("/feeds/authors/ada-chan/json/").content)
        assert document["home_page_url"] == f"{ORIGIN}/authors/ada-chan/"
        assert [item["title"] for item in document["items"]] == ["Robots at the harbour"]
        assert document["items"][0]["authors"] == [{"name": "Ada Chan"}]
        chinese = json.loads(client.get("/zh-hant/feeds/authors/ada-chan/json/").content)
        assert chinese["language"] == "zh-Hant"
        assert [item["title"] for item in chinese["items"]] == ["海港機械人"]


# An author whose only articles readers cannot see: a draft, one in review, a scheduled
# and an expired one. Each alone must leave no trace.
HIDDEN_STATES = {
    "draft": {"status": Article.Status.DRAFT, "published_at": None},
    "review": {"status": Article.Status.REVIEW, "published_at": None},
    "scheduled": {"published_at_in": timedelta(days=1)},
    "expired": {"published_at_in": -timedelta(days=2), "expires_in": -timedelta(hours=1)},
    "unpublished": {"status": Article.Status.UNPUBLISHED, "published_at_in": -timedelta(days=1)},
}


@pytest.fixture(params=sorted(HIDDEN_STATES))
def hidden_author(request, make_article, db):
    state = dict(HIDDEN_STATES[request.param])
    now = timezone.now()
    if "published_at_in" in state:
        state["published_at"] = now + state.pop("published_at_in")
    if "expires_in" in state:
        state["expires_at"] = now + state.pop("expires_in")
    make_article(title="Somebody else's story")  # the site is not empty
    author = Author.objects.create(name="Zqx Hidden Writer", slug="zqxhiddenwriter", bio="zqxhiddenbio")
    make_article(title="zqxhiddenstory", authors=[author], **state)
    return author


@pytest.mark.django_db
class TestAnAuthorWithoutPublishedArticles:
    def test_has_no_page_and_no_feed_like_an_author_that_does_not_exist(self, client, hidden_author):
        for prefix in ("", "/zh-hant"):
            for path in (
                "authors/{}/",
                "feeds/authors/{}/",
                "feeds/authors/{}/atom/",
                "feeds/authors/{}/json/",
            ):
                response = client.get(f"{prefix}/{path.format('zqxhiddenwriter')}")
                missing = client.get(f"{prefix}/{path.format('zqxnosuchwriter')}")
                assert response.status_code == missing.status_code == 404, path
                assert html(response).replace("zqxhiddenwriter", "") == html(missing).replace(
                    "zqxnosuchwriter", ""
                )

    def test_is_not_in_the_sitemap(self, client, hidden_author):
        sitemap = client.get("/sitemap.xml").content.decode()
        assert "zqxhidden" not in sitemap

    def test_the_admin_offers_no_view_on_site_link(self, client, hidden_author, editor):
        client.force_login(editor)
        page = ok_html(client.get(reverse("admin:articles_author_change", args=[hidden_author.pk])))
        assert "viewsitelink" not in page


@pytest.mark.django_db
def test_sitemap_lists_authors_with_published_articles_in_both_languages(client, ada, ada_stories):
    english, chinese = ada_stories
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {url.find("s:loc", ns).text: url.find("s:lastmod", ns) for url in root.findall("s:url", ns)}
    assert f"{ORIGIN}/authors/ada-chan/" in entries
    assert f"{ORIGIN}/zh-hant/authors/ada-chan/" in entries
    # lastmod: the newest change to one of their published articles.
    Article.objects.filter(pk=english.pk).update(updated_at=timezone.now() - timedelta(days=30))
    Article.objects.filter(pk=chinese.pk).update(updated_at=timezone.now() - timedelta(days=3))
    root = ET.fromstring(client.get("/sitemap.xml").content)
    entries = {url.find("s:loc", ns).text: url.find("s:lastmod", ns) for url in root.findall("s:url", ns)}
    expected = timezone.localtime(Article.objects.get(pk=chinese.pk).updated_at).date().isoformat()
    assert entries[f"{ORIGIN}/authors/ada-chan/"].text.startswith(expected)


@pytest.mark.django_db
class TestAdmin:
    def test_photo_through_the_image_chooser_and_chinese_fields(self, client, ada, editor):
        client.force_login(editor)
        page = ok_html(client.get(reverse("admin:articles_author_change", args=[ada.pk])))
        assert "data-image-chooser-url" in page  # the hero's chooser (images/widgets.py)
        assert 'name="name_zh_hant"' in page and 'name="bio_zh_hant"' in page

    def test_view_on_site_once_public(self, client, ada, ada_stories, editor):
        client.force_login(editor)
        page = ok_html(client.get(reverse("admin:articles_author_change", args=[ada.pk])))
        assert "viewsitelink" in page


@pytest.mark.django_db
class TestThePageCache:
    def test_an_author_page_appears_when_their_first_article_is_published(
        self,
        page_cache,  # noqa: F811
        client,
        make_article,
        commit,
    ):
        author = Author.objects.create(name="New Writer", slug="new-writer")
        with commit():
            draft = make_article(title="First story", status=Article.Status.DRAFT, published_at=None)
            draft.authors.add(author)
        assert client.get("/authors/new-writer/").status_code == 404
        with commit():
            draft.status = Article.Status.PUBLISHED
            draft.save()
        assert "First story" in ok_html(client.get("/authors/new-writer/"))

    def test_purged_when_an_article_changes_or_the_author_or_photo_does(
        self,
        page_cache,  # noqa: F811
        client,
        make_article,
        commit,
        ada,
    ):
        with commit():
            article = make_article(title="Old headline", authors=[ada])
        url = "/authors/ada-chan/"
        assert get(client, url)[1] == "MISS"
        assert get(client, url)[1] == "HIT"
        changes = [
            (lambda: setattr(article, "title", "New headline") or article.save(), "New headline"),
            (lambda: setattr(ada, "name", "Ada Chan-Lee") or ada.save(), "Ada Chan-Lee"),
            (lambda: setattr(ada, "bio", "A new bio.") or ada.save(), "A new bio."),
            (
                lambda: setattr(ada.photo, "alt_text", "Ada in the newsroom") or ada.photo.save(),
                'alt="Ada in the newsroom"',
            ),
            (lambda: make_article(title="Second story", authors=[ada]), "Second story"),
        ]
        for change, shown in changes:
            with commit():
                change()
            response, state = get(client, url)
            assert state == "MISS" and shown in html(response), shown
            assert get(client, url)[1] == "HIT"
