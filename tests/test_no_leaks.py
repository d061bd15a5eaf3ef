"""Drafts, articles in review, scheduled and expired articles never leak: not in pages, feeds, the
sitemap, search, tag directories and counts, author pages, related articles, or corrections
(each hidden article carries one).

Hidden articles carry unique marker words (title, standfirst, body, slug, and topics,
organisations and an author that only they use). An anonymous reader crawls every page reachable from the
home page, plus the feeds, sitemap, robots.txt, searches for the markers and the hidden tags'
own pages; no marker may appear anywhere.
"""

import json
from datetime import timedelta
from urllib.parse import quote, quote_plus, urlencode

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, Author, Correction, Organisation, Section, Topic
from pagecache.tests.helpers import page_cache  # noqa: F401  (a fixture)

from .page_checks import EXPLICIT_PUBLIC_PATHS, crawl, list_urls, object_urls, response_text, try_reverse

MIN_PAGES_FROM_HOME = 20


class HiddenArticle:
    """The markers of one draft or scheduled article. Each is a word no other text contains."""

    def __init__(self, kind, n):
        prefix = f"zqx{kind}"
        self.title = f"{prefix}title{n}"
        self.standfirst = f"{prefix}stand{n}"
        self.body = f"{prefix}body{n}"
        self.slug = f"{prefix}slug{n}"
        self.topic = f"{prefix}topic{n}"
        self.organisation = f"{prefix}org{n}"
        # An author only this article carries: their name, slug and bio.
        self.author = f"{prefix}author{n}"
        self.note = f"{prefix}note{n}"

    @property
    def article_markers(self):
        return [self.title, self.standfirst, self.body, self.slug, self.note]

    @property
    def markers(self):
        return self.article_markers + [self.topic, self.organisation, self.author]

    def make_author(self):
        return Author.objects.create(name=self.author, slug=self.author, bio=f"Bio of {self.author}.")


@pytest.fixture
def newsroom(db, make_article, section):
    """15 published articles (two pages of listings) sharing topics, organisations and an
    author with 3 drafts, 3 in review, 3 scheduled and 3 expired articles, which also have tags
    and an author of their own. Expired ones were published and must leak exactly as little."""
    research = Section.objects.create(name="Research", slug="research")
    shared_author = Author.objects.create(name="Public Writer", slug="public-writer")
    published = [
        make_article(
            title=f"Published story {n}",
            section=research if n % 2 else section,
            topics=["fintech", f"public topic {n % 3}"],
            organisations=["HKSTP", f"Public org {n % 2}"],
            authors=[shared_author],
        )
        for n in range(15)
    ]
    hidden = []
    for kind, state in (
        ("draft", {"status": Article.Status.DRAFT, "published_at": None}),
        ("review", {"status": Article.Status.REVIEW, "published_at": None}),
        ("sched", {"status": Article.Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=2)}),
        (
            "expired",
            {
                "status": Article.Status.PUBLISHED,
                "published_at": timezone.now() - timedelta(days=3),
                "expires_at": timezone.now() - timedelta(minutes=1),
            },
        ),
    ):
        for n in range(3):
            markers = HiddenArticle(kind, n)
            article = make_article(
                title=f"{markers.title} harbour plan",
                slug=markers.slug,
                standfirst=f"The {markers.standfirst} standfirst.",
                body=f"Secret body with {markers.body} inside.",
                featured=True,
                section=research if n == 1 else section,
                # Shared tags too, so counts and related articles of public tags are tested.
                topics=["fintech", "public topic 1", markers.topic],
                organisations=["HKSTP", markers.organisation],
                authors=[shared_author, markers.make_author()],
                **state,
            )
            Correction.objects.create(article=article, note=f"The {markers.note} correction.")
            hidden.append((article, markers))
    # Public notes too, so the corrections page and its feeds list something.
    Correction.objects.create(article=published[0], note="A public correction.")
    Correction.objects.create(article=published[1], kind=Correction.Kind.UPDATE, note="A public update.")
    return {"published": published, "hidden": hidden, "author": shared_author}


def all_markers(newsroom):
    return [m for _article, markers in newsroom["hidden"] for m in markers.markers]


def leaks_in(text, markers, ignore=()):
    text = text.lower()
    for echoed in ignore:
        text = text.replace(echoed.lower(), "")
    return [m for m in markers if m.lower() in text]


def test_hidden_articles_are_not_public(client, newsroom):
    for article, _markers in newsroom["hidden"]:
        assert not article.is_published
        assert client.get(article.get_absolute_url()).status_code == 404


def test_no_marker_on_any_page_reachable_from_home(client, newsroom):
    markers = all_markers(newsroom)
    pages = crawl(client, [try_reverse("home")], limit=400)
    ok = {url: r for url, r in pages.items() if r.status_code == 200}
    assert len(ok) >= MIN_PAGES_FROM_HOME, f"the crawl reached only {len(ok)} pages: {sorted(ok)}"
    # Every published article is reachable by following links (so the crawl saw the listings).
    reached = set(pages)
    for article in newsroom["published"]:
        assert article.get_absolute_url() in reached
    for url, response in pages.items():
        assert response.status_code in (200, 301, 302, 404), f"{url}: {response.status_code}"
        assert leaks_in(response_text(response), markers) == [], url


def test_no_marker_in_directories_tag_pages_articles_and_search(client, newsroom):
    markers = all_markers(newsroom)
    published = newsroom["published"]
    public_tags = list(Topic.objects.filter(name__startswith="public") | Topic.objects.filter(name="fintech"))
    public_orgs = list(Organisation.objects.filter(name__in=["HKSTP", "Public org 0", "Public org 1"]))
    checked = 0

    # Listings, directories with their counts, public tags' pages, each published article's page
    # (with its related articles), page 2 of the listings.
    urls = list_urls() + object_urls(
        *published, *public_tags, *public_orgs, *Section.objects.all(), newsroom["author"]
    )
    urls.append(f"{newsroom['author'].get_absolute_url()}?page=2")
    urls += [f"{url}?page=2" for url in list_urls()]
    for url in urls:
        response = client.get(url)
        if response.status_code == 404 and "page=2" in url:
            continue  # a list that has one page only
        assert response.status_code == 200, url
        assert leaks_in(response_text(response), markers) == [], url
        checked += 1

    # The hidden articles' own tags: their pages 404, or show no hidden article.
    for _article, hidden in newsroom["hidden"]:
        for tag in (Topic.objects.get(name=hidden.topic), Organisation.objects.get(name=hidden.organisation)):
            response = client.get(tag.get_absolute_url())
            assert response.status_code in (200, 404), tag
            if response.status_code == 200:
                assert leaks_in(response_text(response), markers, ignore=[tag.name, tag.slug]) == [], tag
            checked += 1

    # The hidden articles' own authors: no page, no feed, in either language.
    for _article, hidden in newsroom["hidden"]:
        for prefix in ("", "/zh-hant"):
            name = hidden.author
            for path in (
                f"authors/{name}",
                f"feeds/authors/{name}",
                f"feeds/authors/{name}/atom",
                f"feeds/authors/{name}/json",
            ):
                response = client.get(f"{prefix}/{path}/")
                assert response.status_code == 404, path
                assert leaks_in(response_text(response), markers, ignore=[hidden.author]) == [], path
                checked += 1

    # Search for every marker word, and by hidden and shared tags.
    search = try_reverse("search:search")
    if search:
        for query in markers:
            response = client.get(f"{search}?{urlencode({'q': query})}")
            assert response.status_code == 200, query
            # The page may repeat the query; it must show nothing else of the hidden articles.
            assert leaks_in(response_text(response), markers, ignore=[query]) == [], query
            checked += 1
        for _article, hidden in newsroom["hidden"]:
            for param, value in (
                ("topic", hidden.topic),
                ("topic", "fintech"),
                ("org", hidden.organisation),
            ):
                slug = (Topic if param == "topic" else Organisation).objects.get(name=value).slug
                response = client.get(f"{search}?{param}={quote(slug)}")
                assert response.status_code in (200, 400, 404), (param, value)
                assert leaks_in(response_text(response), markers, ignore=[value, slug]) == [], (param, value)
                checked += 1
    assert checked >= 100


def page_without(response, value):
    """The page's text with every spelling of `value` (as typed, URL-encoded) replaced by a
    placeholder: what is left cannot depend on what the reader typed."""
    text = response_text(response)
    for spelling in sorted({quote_plus(value), quote(value), value}, key=len, reverse=True):
        text = text.replace(spelling, "VALUE")
    return text


@pytest.mark.parametrize("prefix", ["", "/zh-hant"])
def test_a_hidden_tag_looks_exactly_like_no_tag_in_search(client, newsroom, prefix):
    """Searching by a tag only drafts or scheduled articles carry, by its slug, its name (any
    case) or its Chinese name, gives the very page a tag that does not exist gives: no name
    in the filter chip or the title, no count, nothing."""
    markers = all_markers(newsroom)
    checked = 0
    for _article, hidden in newsroom["hidden"]:
        for model, param, name in (
            (Topic, "topic", hidden.topic),
            (Organisation, "org", hidden.organisation),
        ):
            tag = model.objects.get(name=name)
            # A Chinese name that differs from the slug, so that the chip would show it.
            tag.name_zh_hant = f"{name}秘密"
            tag.save()
            for value in (tag.slug, tag.name.upper(), tag.name_zh_hant, tag.name_zh_hant.upper()):
                response = client.get(f"{prefix}/search/?{urlencode({param: value})}")
                nothing = f"nosuchtag{checked}" if value.isascii() else f"無此標籤{checked}"
                missing = client.get(f"{prefix}/search/?{urlencode({param: nothing})}")
                assert response.status_code == missing.status_code == 200, value
                assert page_without(response, value) == page_without(missing, nothing), (param, value)
                assert leaks_in(page_without(response, value), markers + [tag.name_zh_hant]) == [], value
                checked += 1
    assert checked == 2 * len(newsroom["hidden"]) * 4


@pytest.mark.parametrize("path", EXPLICIT_PUBLIC_PATHS)
def test_no_marker_in_feeds_sitemap_and_robots(client, newsroom, path):
    response = client.get(path)
    if response.status_code == 404:
        pytest.skip(f"{path} does not exist on this branch yet (the readers' site adds it)")
    assert response.status_code == 200
    assert leaks_in(response_text(response), all_markers(newsroom)) == []
    if path.startswith("/feeds/"):
        assert "Published story" in response_text(response), "the feed should list published articles"


def test_feeds_announced_by_pages_leak_nothing(client, newsroom):
    """Every feed a page links to (<link rel=alternate>), per topic and organisation too."""
    from .page_checks import page_links

    markers = all_markers(newsroom)
    feeds = set()
    for url in list_urls() + object_urls(
        *Topic.objects.all(), *Organisation.objects.all(), *Author.objects.all()
    ):
        response = client.get(url)
        if response.status_code == 200:
            feeds |= {
                href
                for tag, href, rel in page_links(response_text(response))
                if tag == "link" and "alternate" in rel
            }
    if not feeds:
        pytest.skip("no page announces a feed on this branch yet (the readers' site adds them)")
    for feed in feeds:
        response = client.get(feed)
        assert response.status_code in (200, 404), feed
        assert leaks_in(response_text(response), markers) == [], feed


def test_a_staff_preview_is_never_served_to_readers(newsroom, editor):
    """Pages may be cached whole for anonymous readers: a preview must not enter that cache."""
    staff, reader = Client(), Client()
    staff.force_login(editor)
    draft, markers = newsroom["hidden"][0]
    assert staff.get(draft.get_absolute_url()).status_code == 200
    for url in list_urls():
        staff.get(url)
    assert reader.get(draft.get_absolute_url()).status_code == 404
    for url in list_urls():
        assert leaks_in(response_text(reader.get(url)), all_markers(newsroom)) == [], url


def test_an_article_leaves_every_output_at_its_expiry_time_with_no_cron(
    page_cache,  # noqa: F811  (the fixture, over each cache backend)
    client,
    make_article,
    commit,
):
    """With the page cache on: shown until its expiry time, then gone from its page, the
    lists, feeds and sitemap, with nothing run in between (the cache turns by itself)."""
    from unittest import mock

    expires = timezone.now() + timedelta(hours=1)
    with commit():
        make_article(title="Another story")
        article = make_article(
            title="zqxleavingtitle story",
            slug="zqxleavingslug",
            topics=["zqxleavingtopic"],
            organisations=["zqxleavingorg"],
            expires_at=expires,
        )
        # Its note is on /corrections/ until then too.
        Correction.objects.create(article=article, note="zqxleavingnote")
    urls = [article.get_absolute_url(), *list_urls(), "/feeds/latest/", "/sitemap.xml"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if "search" not in url:
            assert "zqxleaving" in response_text(response), url
    with mock.patch("django.utils.timezone.now", return_value=expires + timedelta(seconds=1)):
        assert client.get(article.get_absolute_url()).status_code == 404
        for url in urls[1:]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "zqxleaving" not in response_text(response), url


# --- The Content API, the news sitemap, JSON feeds and webhook payloads (issue 14) ----------


def api_walk(client, url):
    """Every page of an API list, by its `next` links: the text of each page."""
    texts = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(response.content.decode())
        url = response.json()["next"]
    return texts


@pytest.fixture
def api_unlimited(settings):
    settings.API_RATE_LIMIT = "0"


def test_no_marker_anywhere_in_the_api(client, newsroom, api_unlimited):
    markers = all_markers(newsroom)
    checked = 0
    for path in ("articles", "sections", "topics", "organisations", "authors"):
        for text in api_walk(client, f"/api/v1/{path}/?page_size=5"):
            assert leaks_in(text, markers) == [], path
            checked += 1
    listed = {
        item["id"]
        for text in api_walk(client, "/api/v1/articles/?page_size=100")
        for item in json.loads(text)["results"]
    }
    assert listed == {a.pk for a in newsroom["published"]}
    for article, hidden in newsroom["hidden"]:
        for key in (article.slug, article.pk):
            response = client.get(f"/api/v1/articles/{key}/")
            assert (
                response.status_code == 404
                and leaks_in(response.content.decode(), markers, ignore=[article.slug]) == []
            )
        for model, path, name in (
            (Topic, "topics", hidden.topic),
            (Organisation, "organisations", hidden.organisation),
        ):
            slug = model.objects.get(name=name).slug
            assert client.get(f"/api/v1/{path}/{quote(slug)}/").status_code == 404
        assert client.get(f"/api/v1/authors/{hidden.author}/").status_code == 404
        for query in (
            {"q": hidden.title},
            {"q": hidden.body},
            {"topic": hidden.topic},
            {"org": hidden.organisation},
            {"topic": "fintech", "org": "HKSTP"},
        ):
            for text in api_walk(client, f"/api/v1/articles/?{urlencode(query)}"):
                assert leaks_in(text, markers, ignore=list(query.values())) == [], query
                checked += 1
    assert checked >= 30


def test_no_marker_in_the_news_sitemap_and_json_feeds(client, newsroom):
    markers = all_markers(newsroom)
    # Within the news sitemap's two days (the fixture's times depend on the test order).
    recent = timezone.now() - timedelta(hours=1)
    Article.objects.filter(pk__in=[a.pk for a in newsroom["published"]]).update(published_at=recent)
    paths = ["/sitemap-news.xml", "/sitemap-index.xml", "/feeds/latest/json/", "/zh-hant/feeds/latest/json/"]
    for tag in [
        *Topic.objects.all(),
        *Organisation.objects.all(),
        *Section.objects.all(),
        *Author.objects.all(),
    ]:
        kind = {
            "topic": "topics",
            "organisation": "organisations",
            "section": "sections",
            "author": "authors",
        }[tag._meta.model_name]
        paths.append(f"/feeds/{kind}/{quote(tag.slug)}/json/")
    shown = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert leaks_in(response_text(response), markers) == [], path
        shown += response.status_code == 200
    assert "Published story" in client.get("/sitemap-news.xml").content.decode()
    assert shown >= 8


def test_no_webhook_for_hidden_articles_and_no_marker_in_any_payload(newsroom, commit, settings):
    from webhooks.events import forget_pending
    from webhooks.models import Delivery, Endpoint, Event

    forget_pending()  # the fixture's saves are taken as committed
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    Endpoint.objects.create(name="Partner", url="http://127.0.0.1:9/", events=list(Event.values))
    markers = all_markers(newsroom)
    for article, hidden in newsroom["hidden"]:
        with commit():
            article.body = f"{article.body} edited {hidden.body}"
            article.save()
            article.topics.add("fintech")
    assert Delivery.objects.count() == 0
    # Public articles changing (a tag only hidden articles carry added, one withdrawn with a
    # hidden marker put in its title, one deleted): the payloads carry nothing hidden.
    first, second, third = newsroom["published"][:3]
    with commit():
        first.title = "Published story, corrected"
        first.save()
    with commit():
        second.title = f"{newsroom['hidden'][0][1].title} now"
        second.status = Article.Status.DRAFT
        second.save()
    with commit():
        third.delete()
    events = sorted(Delivery.objects.values_list("event", flat=True))
    assert events == sorted([Event.UPDATED, Event.UNPUBLISHED, Event.DELETED])
    for delivery in Delivery.objects.all():
        assert leaks_in(delivery.payload, markers) == [], delivery.event


# --- Corrections and updates (issue 11) ---------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/zh-hant"])
def test_corrections_of_hidden_articles_appear_nowhere(client, newsroom, prefix):
    """The corrections page (every page of it) and its feeds list the published articles'
    notes, never one of a draft, scheduled or expired article."""
    markers = all_markers(newsroom)
    for path in (
        "/corrections/",
        "/feeds/corrections/",
        "/feeds/corrections/atom/",
        "/feeds/corrections/json/",
    ):
        response = client.get(prefix + path)
        assert response.status_code == 200, path
        text = response_text(response)
        assert "A public correction." in text and "A public update." in text, path
        assert leaks_in(text, markers) == [], path
    # Exactly the two public notes are listed.
    page = response_text(client.get(f"{prefix}/corrections/"))
    assert page.count('class="correction ') == 2


# ---------------------------------------------------------------- suggestions, did you mean


def test_no_hidden_tag_author_or_word_in_suggestions_or_did_you_mean(client, newsroom, settings):
    """Tags, organisations and authors that only drafts, scheduled or expired articles carry
    are never suggested as one types, whatever the prefix, in either language, and never
    offered by "Did you mean" for a near miss."""
    from articles.models import Author

    settings.SEARCH_SUGGEST_RATE_LIMIT = "0"
    suggest = try_reverse("search:suggest")
    if not suggest:
        pytest.skip("no suggestions endpoint on this branch")
    markers = all_markers(newsroom)
    hidden_authors = []
    for n, (article, _hidden) in enumerate(newsroom["hidden"]):
        author = Author.objects.create(name=f"zqxauthor{n} Writer", slug=f"zqxauthor{n}")
        article.authors.add(author)
        hidden_authors.append(author.name)
    markers += hidden_authors
    # Shared tags are suggested, with published counts only.
    for prefix in ("", "/zh-hant"):
        found = client.get(f"{prefix}{suggest}", {"q": "fint"}).json()["suggestions"]
        assert [(s["name"], s["count"]) for s in found] == [("fintech", 15)]
    for q in ["z", "zq", "zqx", "zqxdraft", "zqxsched", "zqxexpired", "zqxauthor", *markers, "秘密"]:
        for prefix in ("", "/zh-hant"):
            response = client.get(f"{prefix}{suggest}", {"q": q})
            assert response.status_code == 200
            assert response.json()["suggestions"] == [], q
    search = try_reverse("search:search")
    for _article, hidden in newsroom["hidden"]:
        misspelt = hidden.topic[:-2] + "x" + hidden.topic[-1]
        for params in ({"q": misspelt}, {"topic": misspelt}, {"org": hidden.organisation[:-1]}):
            response = client.get(f"{search}?{urlencode(params)}")
            assert response.status_code == 200
            assert response.context["did_you_mean"] is None, params
            assert leaks_in(response_text(response), markers, ignore=params.values()) == [], params
