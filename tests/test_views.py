"""The readers' pages: what each shows, its links, its metadata, its query count, and
the rule that drafts and scheduled articles appear nowhere public."""

import io
import json
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author, Organisation, Section, Topic
from reader.related import related_articles

HONG_KONG = ZoneInfo("Asia/Hong_Kong")


def html(response):
    return response.content.decode()


class PageParser(HTMLParser):
    """Collects what the tests look at: tags with attributes, script blocks, the title."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.scripts = []
        self.title = ""
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "title"):
            self._in = tag
            if tag == "script":
                self.scripts.append([dict(attrs), ""])

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1][1] += data
        elif self._in == "title":
            self.title += data

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def parse(response):
    parser = PageParser()
    parser.feed(html(response))
    return parser


def png_upload(name="hero.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 9), (163, 25, 31)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def at(day, hour=10):
    return datetime(2025, 11, day, hour, 0, tzinfo=HONG_KONG)


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
    def test_directory_groups_by_kind_in_declared_order_with_counts(self, client, make_article):
        lab = Organisation.objects.create(name="Zeta Lab", kind=Organisation.Kind.RESEARCH)
        bureau = Organisation.objects.create(name="ITIB", kind=Organisation.Kind.GOVERNMENT)
        hku = Organisation.objects.create(name="HKU", kind=Organisation.Kind.UNIVERSITY)
        make_article(organisations=[lab, bureau, hku])
        make_article(organisations=[lab])
        page = html(client.get(reverse("reader:organisation_list")))
        directory = page.split('class="directory"')[1]
        headings = re.findall(r'<h2 id="kind-\d+" class="section-heading">([^<]+)</h2>', directory)
        assert headings == ["Government body", "Research institute", "University"]
        assert re.search(r">Zeta Lab</a>\s*<span[^>]*>2</span>", directory)

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
    def test_index_lists_topics_in_use_with_counts(self, client, make_article):
        fintech = Topic.objects.create(name="fintech")
        chinese = Topic.objects.create(name="香港AI")
        Topic.objects.create(name="unused")
        make_article(topics=[fintech, chinese])
        make_article(topics=[fintech])
        page = html(client.get(reverse("reader:topic_list")))
        assert re.search(r">fintech <span class=\"count\"><span[^>]*>\(</span>2<", page)
        assert "香港AI" in page and reverse("reader:topic_detail", args=["香港ai"]) in page
        assert "unused" not in page

    def test_topic_page_with_a_chinese_slug(self, client, make_article):
        chinese = Topic.objects.create(name="香港AI")
        make_article(title="智慧城市", topics=[chinese])
        response = client.get("/topics/%E9%A6%99%E6%B8%AFai/")
        assert response.status_code == 200
        assert "智慧城市" in html(response)
        links = parse(response).find("link", rel="alternate", type="application/atom+xml")
        assert reverse("reader:feed_topic_atom", args=["香港ai"]) in [link["href"] for link in links]


# ---------------------------------------------------------------- one article


@pytest.fixture
def full_article(make_article):
    author_a = Author.objects.create(name="Ada Chan", slug="ada")
    author_b = Author.objects.create(name="Ben Wong", slug="ben")
    astri = Organisation.objects.create(name="ASTRI", kind=Organisation.Kind.RESEARCH)
    topic = Topic.objects.create(name="香港AI")
    return make_article(
        title="ASTRI and the smart city",
        standfirst="How a research institute shapes the city.",
        body="First paragraph.\n\n## A heading\n\nSecond paragraph.",
        published_at=datetime(2026, 11, 25, 9, 30, tzinfo=HONG_KONG),
        authors=[author_a, author_b],
        organisations=[astri],
        topics=[topic],
        hero_image=png_upload(),
        hero_image_alt="The skyline of Victoria Harbour",
    )


@pytest.mark.django_db
class TestArticleDetail:
    def test_shows_byline_date_section_tags_and_hero(self, client, full_article):
        response = client.get(full_article.get_absolute_url())
        page = html(response)
        assert '<h1 class="story-title">ASTRI and the smart city</h1>' in page
        assert "How a research institute shapes the city." in page
        assert 'By <span class="author">Ada Chan</span> and <span class="author">Ben Wong</span>' in page
        assert ">25 November 2026</time>" in page
        assert f'href="{full_article.section.get_absolute_url()}"' in page
        assert 'href="/organisations/astri/"' in page
        assert f'href="{reverse("reader:topic_detail", args=["香港ai"])}"' in page
        images = parse(response).find("img", alt="The skyline of Victoria Harbour")
        assert images and images[0]["src"] == full_article.hero_image.url
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
        data = json.loads(page.scripts[0][1])
        assert data["headline"] == title

    def test_without_image_or_standfirst(self, client, make_article):
        article = make_article(title="Plain", body="Only the body speaks here.")
        page = parse(client.get(article.get_absolute_url()))
        assert page.find("meta", name="twitter:card")[0]["content"] == "summary"
        assert not page.find("meta", property="og:image")
        assert "Only the body speaks here." in page.find("meta", name="description")[0]["content"]
        data = json.loads(page.scripts[0][1])
        assert "image" not in data

    def test_unicode_slug_resolves(self, client, make_article):
        article = make_article(title="香港人工智能", slug="香港人工智能")
        response = client.get("/articles/%E9%A6%99%E6%B8%AF%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/")
        assert response.status_code == 200
        assert unquote(article.get_absolute_url()) == "/articles/香港人工智能/"

    def test_previous_and_next_are_published_neighbours(self, client, make_article):
        older = make_article(title="Older one", published_at=at(1))
        make_article(title="Draft between", status=Article.Status.DRAFT)
        middle = make_article(title="Middle one", published_at=at(3))
        make_article(title="Scheduled", published_at=timezone.now() + timedelta(days=3))
        newer = make_article(title="Newer one", published_at=at(5))
        page = parse(client.get(middle.get_absolute_url()))
        assert page.find("a", rel="prev")[0]["href"] == older.get_absolute_url()
        assert page.find("a", rel="next")[0]["href"] == newer.get_absolute_url()
        last = parse(client.get(newer.get_absolute_url()))
        assert not last.find("a", rel="next")

    def test_related_ranked_by_shared_topics_and_organisations(self, make_article):
        t1, t2, t3 = (Topic.objects.create(name=n) for n in ("robotics", "fintech", "health"))
        o1 = Organisation.objects.create(name="HKSTP", kind="incubator")
        article = make_article(topics=[t1, t2], organisations=[o1])
        best = make_article(title="best", topics=[t1, t2], organisations=[o1], published_at=at(1))
        one_old = make_article(title="one old", topics=[t1, t3], published_at=at(2))
        one_new = make_article(title="one new", organisations=[o1], published_at=at(4))
        make_article(title="nothing shared", topics=[t3])
        make_article(title="draft", topics=[t1, t2], status=Article.Status.DRAFT)
        make_article(topics=[t1, t2], published_at=timezone.now() + timedelta(days=1))
        fetched = Article.objects.for_listing().get(pk=article.pk)
        related = related_articles(fetched)
        assert [a.title for a in related] == ["best", "one new", "one old"]
        assert [a.pk for a in related] == [best.pk, one_new.pk, one_old.pk]
        assert related[0].shared == 3

    def test_related_is_one_query(self, make_article, django_assert_num_queries):
        topic = Topic.objects.create(name="robotics")
        article = make_article(topics=[topic])
        for _ in range(5):
            make_article(topics=[topic])
        fetched = Article.objects.for_listing().get(pk=article.pk)
        with django_assert_num_queries(1):
            related = related_articles(fetched)
            assert len(related) == 4
            [a.section.name for a in related]

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

    def test_staff_preview_a_scheduled_article(self, client, make_article, editor):
        scheduled = make_article(published_at=timezone.now() + timedelta(days=2))
        assert client.get(scheduled.get_absolute_url()).status_code == 404
        client.force_login(editor)
        response = client.get(scheduled.get_absolute_url())
        assert "scheduled for" in html(response)
        assert parse(response).find("meta", name="robots")


# ---------------------------------------------------------------- every page


@pytest.fixture
def every_page(make_article, section):
    """One of each page type, with the URL of each."""
    organisation = Organisation.objects.create(name="ASTRI", kind=Organisation.Kind.RESEARCH)
    topic = Topic.objects.create(name="香港AI")
    article = make_article(topics=[topic], organisations=[organisation], standfirst="Summary.")
    return {
        "home": reverse("reader:home"),
        "article_list": reverse("reader:article_list"),
        "article_detail": article.get_absolute_url(),
        "section_detail": section.get_absolute_url(),
        "organisation_list": reverse("reader:organisation_list"),
        "organisation_detail": organisation.get_absolute_url(),
        "topic_list": reverse("reader:topic_list"),
        "topic_detail": topic.get_absolute_url(),
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
        for attrs, _ in page.scripts:
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


@pytest.mark.django_db
def test_breadcrumbs(client, every_page):
    page = html(client.get(every_page["organisation_detail"]))
    crumbs = page.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert 'href="/"' in crumbs and 'href="/organisations/"' in crumbs
    assert '<span aria-current="page">ASTRI</span>' in crumbs


# ---------------------------------------------------------------- routes


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


# ---------------------------------------------------------------- query counts

# The most SQL queries each page may run, whatever the number of articles on it.
MAX_QUERIES = {
    "home": 12,
    "article_list": 6,
    "article_detail": 8,
    "section_detail": 7,
    # The counts (once per content generation in production: tests run without the
    # fragment cache, so here every time), the page's tags, the navigation.
    "organisation_list": 3,
    "organisation_detail": 7,
    "topic_list": 3,  # as organisation_list
    "topic_detail": 7,
    "feed_latest": 4,
    "feed_latest_atom": 4,
    "feed_section": 5,
    "feed_organisation": 5,
    "feed_topic_atom": 5,
    "sitemap": 9,
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
        shared_author = Author.objects.create(name="Shared Author", slug="shared")
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
            "feed_latest": reverse("reader:feed_latest"),
            "feed_latest_atom": reverse("reader:feed_latest_atom"),
            "feed_section": reverse("reader:feed_section", args=[section.slug]),
            "feed_organisation": reverse("reader:feed_organisation", args=[shared_org.slug]),
            "feed_topic_atom": reverse("reader:feed_topic_atom", args=[shared_topic.slug]),
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
        if name in ("article_list", "section_detail", "topic_detail", "organisation_detail"):
            assert html(response).count('class="card"') == n, name


# ---------------------------------------------------------------- drafts never leak


@pytest.fixture
def hidden_and_public(make_article, section, settings):
    """A public article, plus a draft and a scheduled article that share its tags and
    carry marker words of their own (in the title, standfirst, body and tags)."""
    settings.ARTICLES_PER_PAGE = 50
    shared_topic = Topic.objects.create(name="robotics")
    shared_org = Organisation.objects.create(name="HKSTP", kind="incubator")
    public = make_article(title="Public robots", topics=[shared_topic], organisations=[shared_org])
    for status, published_at, marker in (
        (Article.Status.DRAFT, None, "zqxdraftmarker"),
        (Article.Status.PUBLISHED, timezone.now() + timedelta(days=1), "zqxschedmarker"),
    ):
        make_article(
            title=f"Secret {marker}",
            slug=f"secret-{marker}",
            standfirst=f"{marker} standfirst",
            body=f"{marker} body",
            status=status,
            published_at=published_at,
            topics=[shared_topic, f"{marker}topic"],
            organisations=[shared_org, f"{marker}org"],
        )
    return public, shared_topic, shared_org


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
def test_counts_count_published_articles_only(client, hidden_and_public):
    page = html(client.get(reverse("reader:topic_list")))
    assert re.search(r">robotics <span class=\"count\"><span[^>]*>\(</span>1<", page)
    page = html(client.get(reverse("reader:organisation_list")))
    assert re.search(r">HKSTP</a>\s*<span[^>]*>1</span>", page)


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
