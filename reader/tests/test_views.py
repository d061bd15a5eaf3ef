"""reader/views.py: each readers' page in both languages, its metadata, queries and caching; no drafts."""

import json
import re
from datetime import timedelta
from unittest import mock
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles import counts
from articles.models import Article, Author, Organisation, Section, Topic
from newsroom.tests.helpers import logged_in
from reader import views
from tests.bilingual import CHINESE_LIST, ENGLISH_LIST
from tests.page_checks import Page, get
from tests.pictures import make_image

from .helpers import ORIGIN, PAGE_TYPES, at, html, ok_html, page_types, parse, zh

# ---------------------------------------------------------------- front page


@pytest.mark.django_db
class TestHome:
    def test_newest_featured_article_leads_even_when_older(self, client, make_article):
        make_article(title="Old featured", featured=True, published_at=at(1))
        make_article(title="Newest featured", featured=True, published_at=at(3))
        make_article(title="Newest of all", published_at=at(5))
        page = html(client.get(reverse("reader:home")))
        lead = page.split('class="lead-story"')[1].split("</section>")[0]
        assert "Newest featured" in lead
        latest = page.split('id="latest-heading"')[1]
        assert "Newest of all" in latest and "Old featured" in latest
        assert "Newest featured" not in latest

    def test_newest_article_leads_when_none_is_featured(self, client, make_article):
        make_article(title="Older", published_at=at(1))
        make_article(title="Newer", published_at=at(2))
        page = html(client.get(reverse("reader:home")))
        assert "Newer" in page.split('class="lead-story"')[1].split("</section>")[0]

    def test_lists_sections_and_most_covered_tags_with_published_counts(self, client, make_article, section):
        astri = Organisation.objects.create(name="ASTRI", kind=Organisation.Kind.RESEARCH)
        cyberport = Organisation.objects.create(name="Cyberport", kind="incubator")
        fintech = Topic.objects.create(name="fintech")
        make_article(organisations=[astri, cyberport], topics=[fintech])
        make_article(organisations=[astri], topics=[fintech])
        make_article(organisations=[astri], status=Article.Status.DRAFT)
        page = html(client.get(reverse("reader:home")))
        aside = page.split('class="front-aside"')[1]
        assert re.search(r">ASTRI</a>\s*<span[^>]*>2</span>", aside)
        assert re.search(r">Cyberport</a>\s*<span[^>]*>1</span>", aside)
        assert re.search(r">fintech <span class=\"count\">2</span>", aside)
        assert f'href="{section.get_absolute_url()}"' in aside
        assert aside.index("ASTRI") < aside.index("Cyberport")  # most covered first

    def test_empty_site_still_renders(self, client, db):
        response = client.get(reverse("reader:home"))
        assert response.status_code == 200
        assert "Nothing has been published yet" in html(response)

    def test_header_has_a_search_form(self, client, db):
        page = parse(client.get(reverse("reader:home")))
        forms = page.find("form", role="search")
        assert forms and forms[0]["action"] == reverse("search:search")
        assert forms[0]["method"] == "get"
        assert page.find("input", name="q", type="search")


# ---------------------------------------------------------------- listings


@pytest.mark.django_db
class TestArticleList:
    def test_newest_first_and_paginated(self, client, make_article, settings):
        settings.ARTICLES_PER_PAGE = 2
        for day in (1, 2, 3):
            make_article(title=f"Day {day}", published_at=at(day))
        first = html(client.get(reverse("reader:article_list")))
        assert first.index("Day 3") < first.index("Day 2")
        assert "Day 1" not in first
        second = client.get(reverse("reader:article_list"), {"page": 2})
        page = parse(second)
        assert "Day 1" in html(second) and "Day 3" not in html(second)
        current = page.find("a", **{"aria-current": "page"})
        assert "?page=2" in [a["href"] for a in current]
        assert html(second).count('aria-current="page"><span class="visually-hidden">Page') == 1
        assert page.find("a", rel="prev")[0]["href"] == "?"  # page 1 has no ?page=1
        assert "page 2" in page.title

    def test_pagination_keeps_other_parameters(self, client, make_article, settings):
        settings.ARTICLES_PER_PAGE = 1
        make_article()
        make_article()
        page = parse(client.get(reverse("reader:article_list"), {"page": 2, "utm": "x"}))
        assert page.find("a", rel="prev")[0]["href"] == "?utm=x"


@pytest.mark.django_db
class TestSection:
    def test_shows_its_published_articles_only(self, client, make_article, section):
        other = Section.objects.create(name="Startups", slug="startups")
        make_article(title="In section")
        make_article(title="Elsewhere", section=other)
        page = html(client.get(section.get_absolute_url()))
        assert "In section" in page and "Elsewhere" not in page
        assert "<h1>Government Initiatives</h1>" in page

    def test_empty_section_says_so(self, client, section):
        response = client.get(section.get_absolute_url())
        assert response.status_code == 200
        assert "No articles have been published here yet" in html(response)

    def test_links_its_feeds(self, client, section):
        page = parse(client.get(section.get_absolute_url()))
        rss = page.find("link", rel="alternate", type="application/rss+xml")
        atom = page.find("link", rel="alternate", type="application/atom+xml")
        assert reverse("reader:feed_section", args=[section.slug]) in [link["href"] for link in rss]
        assert reverse("reader:feed_section_atom", args=[section.slug]) in [link["href"] for link in atom]


@pytest.mark.django_db
class TestOrganisations:
    def test_organisation_page_has_description_website_and_articles(self, client, make_article):
        astri = Organisation.objects.create(
            name="ASTRI",
            kind=Organisation.Kind.RESEARCH,
            description="Applied research for Hong Kong industry.",
            website="https://www.astri.org/",
        )
        make_article(title="ASTRI opens a lab", organisations=[astri])
        make_article(title="Unrelated")
        response = client.get(astri.get_absolute_url())
        page = html(response)
        assert "Applied research for Hong Kong industry." in page
        assert 'href="https://www.astri.org/"' in page
        assert "ASTRI opens a lab" in page and "Unrelated" not in page
        assert "1 article" in page
        links = parse(response).find("link", rel="alternate", type="application/rss+xml")
        assert reverse("reader:feed_organisation", args=[astri.slug]) in [link["href"] for link in links]


@pytest.mark.django_db
class TestTopics:
    def test_topic_page_with_a_chinese_slug(self, client, make_article):
        chinese = Topic.objects.create(name="香港AI")
        make_article(title="智慧城市", topics=[chinese])
        response = client.get("/topics/%E9%A6%99%E6%B8%AFai/")
        assert response.status_code == 200
        assert "智慧城市" in html(response)
        links = parse(response).find("link", rel="alternate", type="application/atom+xml")
        assert reverse("reader:feed_topic_atom", args=["香港ai"]) in [link["href"] for link in links]


@pytest.mark.django_db
class TestDirectories:
    def test_every_topic_in_use_is_reachable_page_by_page(self, client, make_article, monkeypatch):
        monkeypatch.setattr(views.TopicListView, "paginate_by", 3)
        names = [f"topic {n:02}" for n in range(7)]
        make_article(topics=names)
        make_article(topics=names[:1])
        make_article(topics=["draft only"], status=Article.Status.DRAFT)
        url = reverse("reader:topic_list")
        seen = []
        for page in (1, 2, 3):
            content = ok_html(client.get(url, {"page": page} if page > 1 else {}))
            seen += re.findall(r">(topic \d\d) <span", content)
        assert seen == names
        assert client.get(url, {"page": 4}).status_code == 404
        first = ok_html(client.get(url))
        assert re.search(r">topic 00 <span class=\"count\"><span[^>]*>\(</span>2<", first)
        assert 'rel="next"' in first and "draft only" not in first

    def test_organisations_are_grouped_by_kind_across_pages(self, client, make_article, monkeypatch):
        monkeypatch.setattr(views.OrganisationListView, "paginate_by", 2)
        government = [Organisation.objects.create(name=f"Bureau {n}", kind="government") for n in range(3)]
        university = [
            Organisation.objects.create(name=f"University {n}", kind="university") for n in range(2)
        ]
        make_article(organisations=government + university)
        url = reverse("reader:organisation_list")
        first, second = ok_html(client.get(url)), ok_html(client.get(url, {"page": 2}))
        headings = r'<h2 id="kind-(\d+)" class="section-heading">([^<]+)</h2>'
        assert re.findall(headings, first) == [("1", "Government body")]
        # A kind continued from the page before keeps its heading and anchor.
        assert re.findall(headings, second) == [("1", "Government body"), ("3", "University")]
        # The jump list names every kind and links to the page where it starts.
        jump = first.split('class="jump-list"')[1].split("</nav>")[0]
        assert re.findall(r'href="([^"]*)">([^<]+)</a>', jump) == [
            ("#kind-1", "Government body"),
            ("?page=2#kind-3", "University"),
        ]


# ---------------------------------------------------------------- one article


@pytest.mark.django_db
class TestArticleDetail:
    def test_shows_byline_date_section_tags_and_hero(self, client, full_article):
        response = client.get(full_article.get_absolute_url())
        page = html(response)
        assert '<h1 class="story-title">ASTRI and the smart city</h1>' in page
        assert "How a research institute shapes the city." in page
        assert (
            'By <a class="author" href="/authors/ada/">Ada Chan</a>'
            ' and <a class="author" href="/authors/ben/">Ben Wong</a>'
        ) in page
        assert ">25 November 2026</time>" in page
        assert f'href="{full_article.section.get_absolute_url()}"' in page
        assert 'href="/organisations/astri/"' in page
        assert f'href="{reverse("reader:topic_detail", args=["香港ai"])}"' in page
        images = parse(response).find("img", alt="The skyline of Victoria Harbour")
        assert images and images[0]["src"] in {r.url for r in full_article.hero.renditions.all()}
        assert "<h2>A heading</h2>" in page

    def test_seo_metadata(self, client, full_article):
        response = client.get(full_article.get_absolute_url())
        page = parse(response)
        url = "http://testserver" + full_article.get_absolute_url()
        assert page.title == "ASTRI and the smart city · HKAI"
        assert page.find("link", rel="canonical")[0]["href"] == url
        assert page.find("meta", name="description")[0]["content"].startswith("How a research")
        assert page.find("meta", property="og:type")[0]["content"] == "article"
        assert page.find("meta", property="og:title")[0]["content"] == full_article.title
        assert page.find("meta", property="og:url")[0]["content"] == url
        assert page.find("meta", property="og:image")[0]["content"].startswith("http://testserver/")
        assert page.find("meta", name="twitter:card")[0]["content"] == "summary_large_image"
        assert not page.find("meta", name="robots")

    def test_without_image_or_standfirst(self, client, make_article):
        article = make_article(title="Plain", body="Only the body speaks here.")
        page = parse(client.get(article.get_absolute_url()))
        assert page.find("meta", name="twitter:card")[0]["content"] == "summary"
        assert not page.find("meta", property="og:image")
        assert "Only the body speaks here." in page.find("meta", name="description")[0]["content"]
        data = json.loads(page.json_ld[0])
        assert "image" not in data

    def test_related_are_shown_on_the_page(self, client, make_article):
        topic = Topic.objects.create(name="robotics")
        article = make_article(topics=[topic])
        make_article(title="A kindred story", topics=[topic])
        page = html(client.get(article.get_absolute_url()))
        assert "A kindred story" in page.split('class="related"')[1]

    def test_staff_preview_a_draft_with_notice_and_noindex(self, client, make_article, editor):
        draft = make_article(title="Embargoed", status=Article.Status.DRAFT)
        assert client.get(draft.get_absolute_url()).status_code == 404
        client.force_login(editor)
        response = client.get(draft.get_absolute_url())
        assert response.status_code == 200
        page = parse(response)
        assert page.find("meta", name="robots")[0]["content"].startswith("noindex")
        assert "Preview." in html(response) and "draft" in html(response)
        # A preview is for the one who asked: no shared cache or browser disk may keep it.
        assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}

    def test_staff_preview_a_scheduled_article(self, client, make_article, editor):
        scheduled = make_article(published_at=timezone.now() + timedelta(days=2))
        assert client.get(scheduled.get_absolute_url()).status_code == 404
        client.force_login(editor)
        response = client.get(scheduled.get_absolute_url())
        assert "scheduled for" in html(response)
        assert parse(response).find("meta", name="robots")
        assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}

    def test_a_published_article_has_no_preview_cache_control(self, client, make_article, editor):
        client.force_login(editor)
        response = client.get(make_article().get_absolute_url())
        assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
class TestArticlePageData:
    def test_readers_get_the_article_once_per_generation(self, fragment_cache, client, make_article, commit):
        with commit():
            article = make_article(title="First headline", topics=["robotics"])
            make_article(title="Kindred", topics=["robotics"])
        url = article.get_absolute_url()
        assert "First headline" in ok_html(client.get(url))
        with CaptureQueriesContext(connection) as queries:
            page = ok_html(client.get(url))
        assert "Kindred" in page  # related, from the cache too
        assert not [q for q in queries.captured_queries if "articles_" in q["sql"]]
        with commit():
            article.title = "Second headline"
            article.save()
        assert "Second headline" in ok_html(client.get(url))

    def test_scheduled_article_is_found_when_its_time_comes(
        self, fragment_cache, client, make_article, commit
    ):
        when = timezone.now() + timedelta(hours=1)
        with commit():
            article = make_article(title="Embargoed", published_at=when)
        url = article.get_absolute_url()
        assert client.get(url).status_code == 404
        assert client.get(url).status_code == 404
        with mock.patch("django.utils.timezone.now", return_value=when + timedelta(seconds=1)):
            assert "Embargoed" in ok_html(client.get(url))

    def test_staff_previews_never_use_or_fill_the_readers_cache(
        self, fragment_cache, client, make_article, editor, commit
    ):
        with commit():
            draft = make_article(title="Draft story", status=Article.Status.DRAFT)
        client.force_login(editor)
        assert "Draft story" in ok_html(client.get(draft.get_absolute_url()))
        assert Client().get(draft.get_absolute_url()).status_code == 404


# ---------------------------------------------------------------- every page


@pytest.fixture
def every_page(make_article, section):
    """One of each page type, with the URL of each."""
    organisation = Organisation.objects.create(name="ASTRI", kind=Organisation.Kind.RESEARCH)
    topic = Topic.objects.create(name="香港AI")
    author = Author.objects.create(name="Ada Chan", slug="ada-chan")
    article = make_article(
        topics=[topic], organisations=[organisation], authors=[author], standfirst="Summary."
    )
    return {
        "home": reverse("reader:home"),
        "article_list": reverse("reader:article_list"),
        "article_detail": article.get_absolute_url(),
        "section_detail": section.get_absolute_url(),
        "organisation_list": reverse("reader:organisation_list"),
        "organisation_detail": organisation.get_absolute_url(),
        "topic_list": reverse("reader:topic_list"),
        "topic_detail": topic.get_absolute_url(),
        "author_detail": author.get_absolute_url(),
    }


@pytest.mark.django_db
def test_every_page_has_a_distinct_title_and_description(client, every_page):
    titles = set()
    for name, url in every_page.items():
        page = parse(client.get(url))
        assert page.title.strip(), name
        titles.add(page.title)
        description = page.find("meta", name="description")
        assert description and len(description[0]["content"]) >= 8, name
        assert page.find("link", rel="canonical"), name
    assert len(titles) == len(every_page)


@pytest.mark.django_db
def test_every_page_has_landmarks_and_no_inline_code(client, every_page):
    """A strict Content Security Policy will forbid inline scripts, styles and handlers;
    JSON-LD data blocks are not code and are allowed."""
    for name, url in every_page.items():
        response = client.get(url)
        page = parse(response)
        for tag in ("header", "nav", "main", "footer"):
            assert page.find(tag), (name, tag)
        assert page.find("a", href="#main", **{"class": "skip-link"}), name
        assert len([t for t, a in page.tags if t == "h1"]) == 1, name
        for attrs, text in page.scripts:
            # A script from the site's static files (the search box's suggestions), or a
            # JSON-LD data block; never inline code.
            if "src" in attrs:
                assert attrs["src"].startswith(settings.STATIC_URL) and not text.strip(), name
            else:
                assert attrs.get("type") == "application/ld+json", name
        assert not page.find("style"), name
        for tag, attrs in page.tags:
            assert "style" not in attrs, (name, tag)
            assert not [a for a in attrs if a.startswith("on")], (name, tag, attrs)
            if tag == "img":
                assert "alt" in attrs, (name, attrs)


@pytest.mark.django_db
def test_main_navigation_marks_the_current_page(client, every_page):
    page = parse(client.get(every_page["topic_list"]))
    assert page.find("a", href=every_page["topic_list"], **{"aria-current": "page"})


def main_navigation_current(response):
    """{href: aria-current} of the main navigation's marked links: the desktop bar and the
    phone menu are the same list, so each link is marked twice or not at all."""
    content = html(response)
    marked = re.findall(r'<li><a href="([^"]+)" aria-current="([^"]+)">', content)
    assert all(marked.count(link) == 2 for link in marked), marked
    return dict(marked)


@pytest.mark.django_db
def test_main_navigation_highlights_the_page_and_where_it_belongs(client, every_page, section):
    section_url, topics_url = section.get_absolute_url(), every_page["topic_list"]
    organisations_url = every_page["organisation_list"]
    assert main_navigation_current(client.get(section_url)) == {section_url: "page"}
    assert main_navigation_current(client.get(every_page["topic_detail"])) == {topics_url: "true"}
    assert main_navigation_current(client.get(every_page["organisation_detail"])) == {
        organisations_url: "true"
    }
    assert main_navigation_current(client.get(every_page["article_detail"])) == {section_url: "true"}
    assert main_navigation_current(client.get(every_page["home"])) == {}


@pytest.mark.django_db
def test_section_page_shows_its_article_count_as_the_front_page_counts_it(client, make_article, section):
    english = make_article()
    make_article(language="zh-hant", translation=english)  # one story in two languages
    make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(days=1))
    assert '<p class="page-facts">2 articles</p>' in html(client.get(section.get_absolute_url()))
    front = html(client.get(reverse("reader:home")))
    assert f'{section.name}</a> <span class="count">2</span>' in front


@pytest.mark.django_db
def test_an_articles_breadcrumb_ends_at_its_section_without_repeating_the_title(client, every_page, section):
    crumbs = (
        html(client.get(every_page["article_detail"])).split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    )
    assert f'href="{section.get_absolute_url()}"' in crumbs
    assert "Article" not in crumbs and "aria-current" not in crumbs


@pytest.mark.django_db
def test_breadcrumbs(client, every_page):
    page = html(client.get(every_page["organisation_detail"]))
    crumbs = page.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert 'href="/"' in crumbs and 'href="/organisations/"' in crumbs
    assert '<span aria-current="page">ASTRI</span>' in crumbs


@pytest.mark.django_db
def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


@pytest.mark.django_db
def test_robots_txt_uses_the_request_scheme(client):
    response = client.get("/robots.txt", secure=True)
    assert "Sitemap: https://testserver/sitemap.xml" in response.content.decode()


# ---------------------------------------------------------------- every page in both languages


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_TYPES)
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
        # Search results are dated as cards are everywhere (the byline).
        assert "25 November 2026" in page.visible_text()


@pytest.mark.django_db
class TestFeedsPerLanguage:
    def test_pages_link_the_feeds_of_their_language(self, client, bilingual):
        _, page = get(client, "/zh-hant/topics/fintech/")
        rss = [a["href"] for a in page.find("link", type="application/rss+xml")]
        assert "/zh-hant/feeds/latest/" in rss and "/zh-hant/feeds/topics/fintech/" in rss

    @pytest.mark.parametrize("prefix", ["", "/zh-hant"])
    @pytest.mark.parametrize(
        "page_path, own_feed",
        [
            ("/", None),
            ("/sections/government-initiatives/", "/feeds/sections/government-initiatives/json/"),
            ("/topics/fintech/", "/feeds/topics/fintech/json/"),
            ("/organisations/cyberport/", "/feeds/organisations/cyberport/json/"),
        ],
    )
    def test_pages_with_feeds_link_their_json_feeds_beside_rss_and_atom(
        self, client, bilingual, prefix, page_path, own_feed
    ):
        _, page = get(client, prefix + page_path)
        json_feeds = [a["href"] for a in page.find("link", rel="alternate", type="application/feed+json")]
        expected = [prefix + "/feeds/latest/json/"] + ([prefix + own_feed] if own_feed else [])
        assert json_feeds == expected
        # Each advertised JSON Feed answers as one, in the page's language.
        for url in json_feeds:
            response = client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"].startswith("application/feed+json")
            assert json.loads(response.content)["language"] == ("zh-Hant" if prefix else "en")
        titles = [a["title"] for a in page.find("link", rel="alternate", type="application/feed+json")]
        assert all(title.endswith("（JSON 訂閱源）" if prefix else "(JSON Feed)") for title in titles)


# Latin words a Chinese page may show: the name, the feed formats, the switcher's "English".
ALLOWED_LATIN = {"HKAI", "RSS", "Atom", "JSON", "English"}


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
    return {
        "article": first,
        "section": section,
        "topic": topic,
        "organisation": organisation,
        "author": authors[0],
    }


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
            c["author"].get_absolute_url(),
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


# ---------------------------------------------------------------- lists: each story once


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
        counts.recount()  # update() sends no signals: the listings' totals are recounted
        _, page = get(client, zh(bilingual["section"].get_absolute_url()))
        assert "Fintech grows in Hong Kong" in card_titles(page)
        _, page = get(client, "/zh-hant/sections/finance/")
        assert card_titles(page) == ["香港金融科技起飛"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "article_list"])
def test_cached_listings_show_a_new_article_on_the_next_request(
    fragment_cache, client, make_article, commit, name
):
    with commit():
        make_article(title="Older story")
    url = reverse(f"reader:{name}")
    assert "Older story" in ok_html(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        ok_html(client.get(url))
    assert not [q for q in queries.captured_queries if "articles_article" in q["sql"]]
    with commit():
        make_article(title="Breaking story", published_at=timezone.now())
        make_article(title="Draft story", status=Article.Status.DRAFT)
    page = ok_html(client.get(url))
    assert "Breaking story" in page and "Older story" in page and "Draft story" not in page


# ---------------------------------------------------------------- query counts

# The most SQL queries each page may run, whatever the number of articles on it.
# Pages reading maintained counts (articles/counts.py) read the counts' clock too: one
# primary-key lookup per request (the front page reads three kinds of counts), none per
# article or tag.
MAX_QUERIES = {
    "home": 12,  # the counts' clock once; the sections with their counts; each tag kind's top tags
    "article_list": 6,
    "article_detail": 9,  # its corrections and updates: one prefetch
    "section_detail": 7,
    # The counts (once per content generation in production: tests run without the
    # fragment cache, so here every time), the page's tags, the navigation.
    # The counts' clock, the counts, the tags with a count (none per tag).
    "organisation_list": 5,
    "organisation_detail": 7,
    "topic_list": 5,  # as organisation_list
    "topic_detail": 7,
    # As topic_detail, and the photo's renditions.
    "author_detail": 8,
    "feed_latest": 4,
    "feed_latest_atom": 4,
    "feed_section": 5,
    "feed_organisation": 5,
    "feed_topic_atom": 5,
    "feed_author": 5,
    "feed_author_json": 5,
    "sitemap": 10,
    "robots_txt": 0,
}


@pytest.fixture
def catalogue(make_article, section, settings):
    """n published articles on one page, each with its own and shared topics,
    organisations and authors, so any per-article or per-tag query would show."""

    def build(n):
        settings.ARTICLES_PER_PAGE = n
        shared_topic = Topic.objects.create(name="shared topic")
        shared_org = Organisation.objects.create(name="Shared Org", kind="government")
        shared_author = Author.objects.create(name="Shared Author", slug="shared", photo=make_image())
        articles = []
        for i in range(n):
            articles.append(
                make_article(
                    standfirst=f"Standfirst {i}",
                    topics=[shared_topic, f"topic {i}", f"話題 {i}"],
                    organisations=[shared_org, f"Org {i}"],
                    authors=[shared_author, Author.objects.create(name=f"A{i}", slug=f"a{i}")],
                )
            )
        return {
            "home": reverse("reader:home"),
            "article_list": reverse("reader:article_list"),
            "article_detail": articles[0].get_absolute_url(),
            "section_detail": section.get_absolute_url(),
            "organisation_list": reverse("reader:organisation_list"),
            "organisation_detail": shared_org.get_absolute_url(),
            "topic_list": reverse("reader:topic_list"),
            "topic_detail": shared_topic.get_absolute_url(),
            "author_detail": shared_author.get_absolute_url(),
            "feed_latest": reverse("reader:feed_latest"),
            "feed_latest_atom": reverse("reader:feed_latest_atom"),
            "feed_section": reverse("reader:feed_section", args=[section.slug]),
            "feed_organisation": reverse("reader:feed_organisation", args=[shared_org.slug]),
            "feed_topic_atom": reverse("reader:feed_topic_atom", args=[shared_topic.slug]),
            "feed_author": reverse("reader:feed_author", args=[shared_author.slug]),
            "feed_author_json": reverse("reader:feed_author_json", args=[shared_author.slug]),
            "sitemap": reverse("sitemap"),
            "robots_txt": reverse("robots_txt"),
        }

    return build


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 30])
def test_query_count_does_not_grow_with_articles(client, catalogue, n, django_assert_max_num_queries):
    urls = catalogue(n)
    assert set(urls) == set(MAX_QUERIES)
    for name, url in urls.items():
        with django_assert_max_num_queries(MAX_QUERIES[name]):
            response = client.get(url)
        assert response.status_code == 200, name
        if name in ("article_list", "section_detail", "topic_detail", "organisation_detail", "author_detail"):
            assert html(response).count('class="card"') == n, name


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 20])
def test_chinese_pages_query_count_does_not_grow(
    client, make_article, section, settings, n, django_assert_max_num_queries
):
    """As test_views' bounds, in Chinese, with every story in both languages."""
    settings.ARTICLES_PER_PAGE = n
    topic = Topic.objects.create(name="shared topic", name_zh_hant="共同主題")
    organisation = Organisation.objects.create(name="Shared Org", name_zh_hant="共同機構", kind="government")
    author = Author.objects.create(name="Shared", name_zh_hant="共同作者", slug="shared", photo=make_image())
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
            "author_detail": author.get_absolute_url(),
            "feed_author": reverse("reader:feed_author", args=[author.slug]),
            "feed_author_json": reverse("reader:feed_author_json", args=[author.slug]),
        }
    urls["sitemap"] = "/sitemap.xml"
    for name, url in urls.items():
        assert url == "/sitemap.xml" or url.startswith("/zh-hant/"), url
        with django_assert_max_num_queries(MAX_QUERIES[name]):
            response = client.get(url)
        assert response.status_code == 200, name
        if name in ("article_list", "section_detail", "topic_detail", "organisation_detail", "author_detail"):
            assert response.content.decode().count('class="card"') == n, name


# ---------------------------------------------------------------- drafts never leak


@pytest.mark.django_db
def test_drafts_and_scheduled_articles_appear_on_no_public_page(client, hidden_and_public):
    public, topic, organisation = hidden_and_public
    urls = [
        reverse("reader:home"),
        reverse("reader:article_list"),
        public.get_absolute_url(),
        public.section.get_absolute_url(),
        reverse("reader:organisation_list"),
        organisation.get_absolute_url(),
        reverse("reader:topic_list"),
        topic.get_absolute_url(),
        reverse("reader:feed_latest"),
        reverse("reader:feed_latest_atom"),
        reverse("reader:feed_section", args=[public.section.slug]),
        reverse("reader:feed_topic", args=[topic.slug]),
        reverse("reader:feed_organisation_atom", args=[organisation.slug]),
        reverse("sitemap"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = html(response).lower()
        assert "zqx" not in content, url
        assert "secret" not in content, url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/articles/secret-zqxdraftmarker/",
        "/articles/secret-zqxschedmarker/",
        "/topics/zqxdraftmarkertopic/",
        "/topics/zqxschedmarkertopic/",
        "/organisations/zqxdraftmarkerorg/",
        "/feeds/topics/zqxschedmarkertopic/",
        "/feeds/organisations/zqxdraftmarkerorg/atom/",
    ],
)
def test_hidden_articles_and_their_own_tags_are_not_found(client, hidden_and_public, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "zqx" not in html(response)


@pytest.mark.django_db
class TestViewOnSite:
    """The article page for staff following the admin's "view on site" (visible_to)."""

    def test_writer_previews_own_draft(self, client, writer, own_draft):
        page = logged_in(client, writer).get(own_draft.get_absolute_url())
        assert page.status_code == 200 and own_draft.title in page.content.decode()

    def test_anonymous_gets_404_for_a_draft(self, client, own_draft):
        response = client.get(own_draft.get_absolute_url())
        assert response.status_code == 404
        assert own_draft.title not in response.content.decode()


def test_article_page_and_lists_show_the_reading_time(client, make_article):
    article = make_article(body="word " * 500)
    assert "3 min read" in client.get(article.get_absolute_url()).content.decode()
    assert "3 min read" in client.get(reverse("reader:article_list")).content.decode()
    assert "閱讀時間 3 分鐘" in client.get("/zh-hant" + article.get_absolute_url()).content.decode()
