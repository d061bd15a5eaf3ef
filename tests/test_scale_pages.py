"""What the pages do to stay fast at 100,000 articles (bench/RESULTS.md), and that none of
it shows a reader something stale or unpublished: tag counts and listing totals computed
once per content generation, paginated directories, deep pages fetched ids first,
related articles ranked among the nearest in time."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Organisation, Topic
from pagecache.fragments import LOCAL_VALUES
from reader import views
from reader.pagination import ArticlePaginator
from reader.related import related_articles

from .admin_forms import admin_url
from .test_cache import BACKENDS, redis_unreachable


@pytest.fixture(params=sorted(BACKENDS))
def fragment_cache(request):
    """Costly values cached per content generation, as in production on a page-cache miss."""
    if request.param == "redis" and (reason := redis_unreachable()):
        pytest.skip(reason)
    with override_settings(CACHES={"default": BACKENDS[request.param]}, FRAGMENT_CACHE_ENABLED=True):
        cache.clear()
        LOCAL_VALUES.clear()
        yield request.param
        cache.clear()


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def sql_of(queries):
    return "\n".join(q["sql"] for q in queries.captured_queries)


# ---------------------------------------------------------------- counts per generation


@pytest.mark.django_db
class TestCountsPerGeneration:
    def test_front_page_and_directories_count_once_per_generation(
        self, fragment_cache, client, make_article, commit
    ):
        with commit():
            make_article(topics=["fintech"], organisations=["ASTRI"])
        for url in (
            reverse("reader:home"),
            reverse("reader:topic_list"),
            reverse("reader:organisation_list"),
        ):
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                html(client.get(url))
            assert "COUNT(DISTINCT" not in sql_of(queries), url
        # A change starts a new generation: counted afresh, with the new article.
        with commit():
            make_article(topics=["fintech"], organisations=["ASTRI"])
        page = html(client.get(reverse("reader:topic_list")))
        assert re.search(r">fintech <span class=\"count\"><span[^>]*>\(</span>2<", page)
        page = html(client.get(reverse("reader:home")))
        assert re.search(r">ASTRI</a>\s*<span[^>]*>2</span>", page)

    def test_cached_counts_never_show_a_draft_or_a_scheduled_article(
        self, fragment_cache, client, make_article, commit
    ):
        when = timezone.now() + timedelta(hours=1)
        with commit():
            make_article(topics=["public topic"], organisations=["Public Org"])
            make_article(
                topics=["public topic", "draft topic"],
                organisations=["Draft Org"],
                status=Article.Status.DRAFT,
            )
            make_article(
                topics=["public topic", "embargoed topic"], organisations=["Embargo Org"], published_at=when
            )
        urls = [reverse("reader:home"), reverse("reader:topic_list"), reverse("reader:organisation_list")]
        for _ in range(2):  # computed, then from the cache
            for url in urls:
                page = html(client.get(url))
                assert "draft topic" not in page and "Draft Org" not in page
                assert "embargoed topic" not in page and "Embargo Org" not in page
            page = html(client.get(reverse("reader:topic_list")))
            assert re.search(r">public topic <span class=\"count\"><span[^>]*>\(</span>1<", page)
        assert client.get(reverse("reader:topic_detail", args=["embargoed-topic"])).status_code == 404
        # No save when the embargo lifts: the next request starts a new generation.
        with mock.patch("django.utils.timezone.now", return_value=when + timedelta(seconds=1)):
            page = html(client.get(reverse("reader:topic_list")))
            assert "embargoed topic" in page and "draft topic" not in page
            assert re.search(r">public topic <span class=\"count\"><span[^>]*>\(</span>2<", page)
            assert "Embargo Org" in html(client.get(reverse("reader:home")))
            response = client.get(reverse("reader:topic_detail", args=["embargoed-topic"]))
            assert "1 article" in html(response)

    def test_listing_totals_are_counted_once_per_generation(
        self, fragment_cache, client, make_article, commit, settings
    ):
        settings.ARTICLES_PER_PAGE = 1
        with commit():
            topic = Topic.objects.create(name="robotics")
            make_article(topics=[topic])
            make_article(topics=[topic])
        url = topic.get_absolute_url()
        assert "2 articles" in html(client.get(url))
        with CaptureQueriesContext(connection) as queries:
            assert "2 articles" in html(client.get(url))
        assert "COUNT(" not in sql_of(queries)
        with commit():
            make_article(topics=[topic])
        page = html(client.get(url))
        assert "3 articles" in page and "?page=3" in page
        # A draft never counts.
        with commit():
            make_article(topics=[topic], status=Article.Status.DRAFT)
        assert "3 articles" in html(client.get(url))


# ---------------------------------------------------------------- directories


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
            content = html(client.get(url, {"page": page} if page > 1 else {}))
            seen += re.findall(r">(topic \d\d) <span", content)
        assert seen == names
        assert client.get(url, {"page": 4}).status_code == 404
        first = html(client.get(url))
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
        first, second = html(client.get(url)), html(client.get(url, {"page": 2}))
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

    def test_directory_query_count_is_fixed(
        self, fragment_cache, client, make_article, django_assert_max_num_queries
    ):
        for n in range(2):
            make_article(
                topics=[f"t{n}-{i}" for i in range(10)], organisations=[f"Org {n}-{i}" for i in range(5)]
            )
            for url in (reverse("reader:topic_list"), reverse("reader:organisation_list")):
                client.get(url)
                # The page's tags and the navigation; the counts come from the cache.
                with django_assert_max_num_queries(2):
                    html(client.get(url))


# ---------------------------------------------------------------- deep pages


@pytest.mark.django_db
def test_deep_pages_fetch_ids_first_and_keep_the_order(client, make_article, settings, monkeypatch):
    settings.ARTICLES_PER_PAGE = 2
    when = timezone.now() - timedelta(days=1)
    # Ties on the publication time are ordered by id, as on every listing.
    articles = [
        make_article(title=f"Story {n}", published_at=when - timedelta(hours=n // 2)) for n in range(7)
    ]
    make_article(title="Draft story", status=Article.Status.DRAFT)
    url = reverse("reader:article_list")

    def titles(page):
        return re.findall(r'class="card-title"><a [^>]*>([^<]+)<', html(client.get(url, {"page": page})))

    shallow = [titles(page) for page in (1, 2, 3, 4)]
    monkeypatch.setattr(ArticlePaginator, "ids_first_offset", 0)
    with CaptureQueriesContext(connection) as queries:
        deep = [titles(page) for page in (1, 2, 3, 4)]
    assert deep == shallow
    expected = sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)
    assert sum(deep, []) == [a.title for a in expected]
    assert 'SELECT "articles_article"."id" AS "pk" FROM' in sql_of(queries)


# ---------------------------------------------------------------- related articles


@pytest.mark.django_db
def test_related_are_ranked_among_the_articles_nearest_in_time(make_article):
    topic, other = Topic.objects.create(name="robotics"), Topic.objects.create(name="fintech")
    start = timezone.now() - timedelta(days=30)

    def story(title, days, topics):
        return make_article(title=title, published_at=start + timedelta(days=days), topics=topics)

    far_before = story("far before, shares both", 0, [topic, other])
    near_before = story("near before, shares one", 10, [topic])
    article = story("the article", 11, [topic, other])
    near_after = story("near after, shares both", 12, [topic, other])
    story("near after, shares nothing", 13, [])
    far_after = story("far after, shares both", 20, [topic, other])
    fetched = Article.objects.for_listing().get(pk=article.pk)
    # Without a bound: the shared count ranks, newest first among equals.
    assert [a.title for a in related_articles(fetched)] == [
        far_after.title,
        near_after.title,
        far_before.title,
        near_before.title,
    ]
    # One candidate on either side: the far ones are out, the ranking stays.
    assert [a.title for a in related_articles(fetched, candidates=2)] == [
        near_after.title,
        near_before.title,
    ]


# ---------------------------------------------------------------- admin bulk actions


@pytest.mark.django_db
def test_bulk_publish_shows_on_the_next_anonymous_request(client, editor, make_article, commit):
    from .test_cache import BACKENDS

    drafts = [make_article(title=f"Bulk draft {n}", status=Article.Status.DRAFT) for n in range(2)]
    reader = Client()
    url = reverse("reader:article_list")
    with override_settings(
        CACHES={"default": BACKENDS["locmem"]}, PAGE_CACHE_ENABLED=True, FRAGMENT_CACHE_ENABLED=True
    ):
        cache.clear()
        LOCAL_VALUES.clear()
        assert "Bulk draft" not in html(reader.get(url))
        assert reader.get(url)["X-Cache"] == "HIT"
        client.force_login(editor)
        with commit():
            response = client.post(
                admin_url("changelist"),
                {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]},
            )
        assert response.status_code == 302
        response = reader.get(url)
        assert response["X-Cache"] == "MISS"
        assert "Bulk draft 0" in html(response) and "Bulk draft 1" in html(response)
        cache.clear()


# ---------------------------------------------------------------- search


@pytest.mark.django_db
def test_search_ranks_the_newest_matches_only(client, make_article, monkeypatch):
    from search import search

    monkeypatch.setattr(search, "MAX_RANKED", 3)
    now = timezone.now()
    oldest = make_article(title="Privacy rules", topics=["law"], published_at=now - timedelta(days=9))
    for n in range(4):
        make_article(
            title=f"Story {n}",
            body="A word on privacy.",
            topics=["data"],
            published_at=now - timedelta(days=n),
        )
    make_article(title="Secret privacy", status=Article.Status.DRAFT)
    response = client.get(reverse("search:search"), {"q": "privacy"})
    page = html(response)
    # The three newest matches, ranked among themselves; the older title match is out.
    assert [a.title for a in response.context["articles"]] == ["Story 0", "Story 1", "Story 2"]
    assert response.context["paginator"].count == 3
    assert "newest 3 matching articles" in page
    assert oldest.title not in page and "Secret privacy" not in page
    # Facets count within those results.
    topics = {item.name: item.num_articles for item in response.context["facets"][0].items}
    assert topics == {"data": 3}
    # Narrower searches are not limited.
    response = client.get(reverse("search:search"), {"q": "privacy rules"})
    assert [a.title for a in response.context["articles"]] == ["Privacy rules"]
    assert "matching articles, best match first" not in html(response)


@pytest.mark.django_db
def test_search_count_and_facets_once_per_generation(fragment_cache, client, make_article, commit):
    with commit():
        make_article(title="Fintech one", topics=["fintech"])
    url = reverse("search:search")
    client.get(url, {"q": "fintech"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": "fintech"})
    assert response.context["paginator"].count == 1
    assert "COUNT(" not in sql_of(queries)
    with commit():
        make_article(title="Fintech two", topics=["fintech"])
    response = client.get(url, {"q": "fintech"})
    assert response.context["paginator"].count == 2
    assert response.context["facets"][0].items[0].num_articles == 2


# ---------------------------------------------------------------- article page


@pytest.mark.django_db
class TestArticlePageData:
    def test_readers_get_the_article_once_per_generation(self, fragment_cache, client, make_article, commit):
        with commit():
            article = make_article(title="First headline", topics=["robotics"])
            make_article(title="Kindred", topics=["robotics"])
        url = article.get_absolute_url()
        assert "First headline" in html(client.get(url))
        with CaptureQueriesContext(connection) as queries:
            page = html(client.get(url))
        assert "Kindred" in page  # related, from the cache too
        assert not [q for q in queries.captured_queries if "articles_" in q["sql"]]
        with commit():
            article.title = "Second headline"
            article.save()
        assert "Second headline" in html(client.get(url))

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
            assert "Embargoed" in html(client.get(url))

    def test_staff_previews_never_use_or_fill_the_readers_cache(
        self, fragment_cache, client, make_article, editor, commit
    ):
        with commit():
            draft = make_article(title="Draft story", status=Article.Status.DRAFT)
        client.force_login(editor)
        assert "Draft story" in html(client.get(draft.get_absolute_url()))
        assert Client().get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_tag_prefetch_gives_each_article_its_tags_in_name_order(make_article, django_assert_num_queries):
    first = make_article(topics=["zeta", "alpha", "香港AI"], organisations=["Org B", "Org A"])
    second = make_article(topics=["alpha"])
    make_article(topics=["beta"], status=Article.Status.DRAFT)
    with django_assert_num_queries(4):  # articles, authors, topics, organisations
        articles = {a.pk: a for a in Article.objects.for_listing().filter(pk__in=[first.pk, second.pk])}
        topics = {pk: [t.name for t in a.topics.all()] for pk, a in articles.items()}
        organisations = {pk: [o.name for o in a.organisations.all()] for pk, a in articles.items()}
    assert topics == {first.pk: ["alpha", "zeta", "香港AI"], second.pk: ["alpha"]}
    assert organisations == {first.pk: ["Org A", "Org B"], second.pk: []}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "article_list"])
def test_cached_listings_show_a_new_article_on_the_next_request(
    fragment_cache, client, make_article, commit, name
):
    with commit():
        make_article(title="Older story")
    url = reverse(f"reader:{name}")
    assert "Older story" in html(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        html(client.get(url))
    assert not [q for q in queries.captured_queries if "articles_article" in q["sql"]]
    with commit():
        make_article(title="Breaking story", published_at=timezone.now())
        make_article(title="Draft story", status=Article.Status.DRAFT)
    page = html(client.get(url))
    assert "Breaking story" in page and "Older story" in page and "Draft story" not in page


@pytest.mark.django_db
def test_generation_cache_tag_renders_once_per_generation_and_key(fragment_cache, commit):
    from django.template import engines

    template = engines["django"].from_string(
        '{% load pagecache %}{% generation_cache "t" key %}{{ value }}{% endgeneration_cache %}'
    )
    assert template.render({"key": 1, "value": "first"}) == "first"
    assert template.render({"key": 1, "value": "second"}) == "first"
    assert template.render({"key": 2, "value": "other key"}) == "other key"
    with commit():
        Topic.objects.create(name="a change")
    assert template.render({"key": 1, "value": "after a change"}) == "after a change"


@pytest.mark.django_db
def test_values_kept_by_this_process_follow_a_change_made_by_another_server(
    fragment_cache, client, make_article, commit
):
    with commit():
        topic = Topic.objects.create(name="robotics")
        make_article(topics=[topic])
    url = reverse("reader:topic_list")
    for _ in range(2):  # the second request reuses this process's copy of the counts
        assert re.search(r">robotics <span class=\"count\"><span[^>]*>\(</span>1<", html(client.get(url)))
    # Another app server publishes (here: outside a commit, so this process's signal
    # does nothing) and bumps the shared generation: this process's copy is now old.
    make_article(topics=[topic])
    from pagecache.generation import invalidate_page_cache

    invalidate_page_cache()
    assert re.search(r">robotics <span class=\"count\"><span[^>]*>\(</span>2<", html(client.get(url)))
