"""search/search.py: ArticleSearch's filters, words with filters, facets, the ranking limit, both languages."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section
from search.search import ArticleSearch
from tests.bilingual import CHINESE_LIST, ENGLISH_LIST
from tests.page_checks import get

from .helpers import SEARCH_URL, facet, query_pairs, search, titles


def html(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
class TestTagFilters:
    def test_two_topics_combine_with_and(self, client, newsroom):
        response = search(client, ("topic", "fintech"), ("topic", "香港ai"))
        assert titles(response) == ["All three topics", "Fintech and Hong Kong AI"]

    def test_three_topics_combine_with_and(self, client, newsroom):
        response = search(client, ("topic", "fintech"), ("topic", "香港ai"), ("topic", "smart-city"))
        assert titles(response) == ["All three topics"]

    def test_topic_organisation_and_section_combine_with_and(self, client, newsroom):
        response = search(client, ("topic", "fintech"), ("org", "astri"), ("section", "research"))
        assert titles(response) == ["All three topics"]
        response = search(client, ("topic", "fintech"), ("org", "hkma"))
        assert titles(response) == ["Fintech and Hong Kong AI", "Fintech only"]

    def test_two_organisations_combine_with_and(self, client, newsroom):
        response = search(client, ("org", "astri"), ("org", "hkma"))
        assert titles(response) == ["Fintech and Hong Kong AI"]

    def test_each_article_is_listed_once(self, client, newsroom):
        response = search(client, ("topic", "fintech"), ("org", "astri"), ("org", "hkma"))
        assert response.context["paginator"].count == 1
        assert titles(response) == ["Fintech and Hong Kong AI"]

    def test_repeated_parameter_counts_once(self, client, newsroom):
        response = search(client, ("topic", "fintech"), ("topic", "fintech"))
        assert len(response.context["active_filters"]) == 1
        assert len(titles(response)) == 3

    def test_chinese_tag_slug_and_name(self, client, newsroom):
        expected = ["All three topics", "Fintech and Hong Kong AI"]
        assert titles(search(client, topic="香港ai")) == expected
        assert titles(search(client, topic="香港AI")) == expected
        # As a browser sends it: percent-encoded UTF-8 in the query string.
        response = client.get(SEARCH_URL + "?topic=%E9%A6%99%E6%B8%AFai")
        assert titles(response) == expected

    def test_tag_name_is_accepted_ignoring_case(self, client, newsroom):
        assert titles(search(client, topic="Smart City")) == ["All three topics"]
        assert titles(search(client, org="ASTRI")) == ["All three topics", "Fintech and Hong Kong AI"]

    def test_unknown_filter_is_shown_with_no_results(self, client, newsroom):
        response = search(client, ("topic", "fintech"), ("topic", "no-such-topic"))
        assert titles(response) == []
        unknown = [f for f in response.context["active_filters"] if not f.known]
        assert [f.value for f in unknown] == ["no-such-topic"]
        content = response.content.decode()
        assert "no-such-topic" in content and "unknown topic" in content

    def test_two_sections_match_nothing(self, client, newsroom, section):
        response = search(client, ("section", section.slug), ("section", "research"))
        assert titles(response) == []

    def test_no_criteria_lists_latest_published(self, client, newsroom):
        response = search(client)
        assert titles(response) == [
            "All three topics",
            "Fintech and Hong Kong AI",
            "Fintech only",
            "No tags at all",
        ]


@pytest.mark.django_db
class TestPublicationRule:
    def test_drafts_and_scheduled_never_in_results(self, client, newsroom):
        for params in [{}, {"q": "fintech"}, {"q": "draft"}, {"q": "香港"}, {"topic": "fintech"}]:
            assert "draft" not in " ".join(titles(search(client, **params))).lower()

    def test_drafts_and_scheduled_never_in_facet_counts(self, client, newsroom):
        response = search(client)
        assert facet(response, "topic") == {"fintech": 3, "香港AI": 2, "smart city": 1}
        assert facet(response, "org") == {"ASTRI": 2, "HKMA": 2}
        assert facet(response, "section") == {"Government Initiatives": 3, "Research": 1}

    def test_facets_kept_in_the_cache_come_back_the_same_without_lazy_proxies(self, newsroom):
        """The facets are pickled into the shared cache: their kinds go as names, where each
        lazy label became a new class of Django's lazy proxy on every read of a stale copy."""
        import pickle

        from search.search import TOPIC

        facets = ArticleSearch(q="fintech", language="en").facets()
        stored = pickle.dumps(facets)
        assert b"_lazy_proxy_unpickle" not in stored
        assert pickle.loads(stored) == facets
        assert pickle.loads(pickle.dumps(TOPIC)) is TOPIC

    def test_tag_used_only_by_drafts_has_no_facet(self, client, make_article):
        make_article(title="Published", topics=["public"])
        make_article(title="Hidden", status=Article.Status.DRAFT, topics=["secret"])
        assert facet(search(client), "topic") == {"public": 1}


@pytest.mark.django_db
class TestFacets:
    def test_counts_are_within_the_results(self, client, newsroom):
        response = search(client, topic="fintech")
        # The chosen topic is not offered again; the others count the results that carry them.
        assert facet(response, "topic") == {"香港AI": 2, "smart city": 1}
        assert facet(response, "org") == {"ASTRI": 2, "HKMA": 2}

    def test_an_article_with_many_tags_counts_once_per_tag(self, client, newsroom):
        response = search(client, ("org", "astri"), ("org", "hkma"))
        assert facet(response, "topic") == {"fintech": 1, "香港AI": 1}
        assert facet(response, "org") == {}

    def test_facet_links_add_a_filter_and_keep_the_others(self, client, newsroom):
        response = search(client, topic="fintech", q="fintech")
        item = next(
            i
            for f in response.context["facets"]
            if f.kind.param == "org"
            for i in f.items
            if i.slug == "astri"
        )
        assert sorted(query_pairs(item.add_url)) == [("org", "astri"), ("q", "fintech"), ("topic", "fintech")]
        followed = client.get(item.add_url)
        assert titles(followed) == ["Fintech and Hong Kong AI"]

    def test_facets_are_limited_and_most_used_first(self, client, make_article):
        for n in range(20):
            make_article(topics=[f"topic {n:02d}"] + (["popular"] if n % 2 else []))
        topics = facet(search(client), "topic")
        assert len(topics) == 15
        assert next(iter(topics)) == "popular" and topics["popular"] == 10

    def test_facets_follow_the_words(self, client, newsroom):
        response = search(client, q="fintech -kong")
        assert titles(response) == ["Fintech only"]
        assert facet(response, "topic") == {"fintech": 1}


@pytest.mark.django_db
class TestActiveFilters:
    def test_each_filter_has_a_link_to_the_search_without_it(self, client, newsroom):
        response = search(client, ("topic", "fintech"), ("topic", "香港ai"), ("org", "astri"), q="topics")
        filters = {(f.kind.param, f.value): f.remove_url for f in response.context["active_filters"]}
        assert set(filters) == {("topic", "fintech"), ("topic", "香港ai"), ("org", "astri")}
        assert sorted(query_pairs(filters[("topic", "fintech")])) == [
            ("org", "astri"),
            ("q", "topics"),
            ("topic", "香港ai"),
        ]
        followed = client.get(filters[("org", "astri")])
        assert [(f.kind.param, f.value) for f in followed.context["active_filters"]] == [
            ("topic", "fintech"),
            ("topic", "香港ai"),
        ]
        content = response.content.decode()
        for url in filters.values():
            assert f'href="{url.replace("&", "&amp;")}"' in content

    def test_words_can_be_removed_too(self, client, newsroom):
        response = search(client, topic="fintech", q="only")
        assert query_pairs(response.context["search"].remove_query_url) == [("topic", "fintech")]


@pytest.mark.django_db
class TestWords:
    def test_words_and_tags_together(self, client, newsroom, make_article):
        make_article(title="Fintech without topics")
        assert titles(search(client, q="fintech", topic="fintech")) == [
            "Fintech and Hong Kong AI",
            "Fintech only",
        ]


@pytest.mark.django_db
class TestChinese:
    def test_chinese_topic_page_link_and_facet(self, client, make_article):
        make_article(title="A", topics=["智慧城市", "香港AI"])
        response = search(client, topic="智慧城市")
        assert titles(response) == ["A"]
        assert facet(response, "topic") == {"香港AI": 1}
        assert "香港ai" in dict(query_pairs(response.context["facets"][0].items[0].add_url))["topic"]


@pytest.mark.django_db
class TestBadInput:
    def test_repeated_q_and_many_filters(self, client, newsroom):
        pairs = [("q", "fintech"), ("q", "only")] + [("topic", f"t{n}") for n in range(50)]
        response = search(client, *pairs)
        assert titles(response) == []
        assert len(response.context["active_filters"]) == 10


class TestParsing:
    def test_from_query_dict_dedupes_and_caps(self):
        from django.http import QueryDict

        search_ = ArticleSearch.from_query_dict(
            QueryDict("topic=a&topic=a&topic=&org=" + "&org=".join(str(n) for n in range(20)))
        )
        assert search_.values["topic"] == ["a"]
        assert len(search_.values["org"]) == 10


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
def test_equal_ranks_newest_first_to_the_microsecond(client, make_article):
    # The candidates are sorted in Python by rank, then by their time as backends.SortableTime
    # gives it (a float on PostgreSQL, stored text on SQLite, where a whole second is
    # written without its fraction).
    second = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    # Made newest first, so that the ids (the last tie-break) disagree with the times.
    times = {
        "Half a second later": second + timedelta(microseconds=500_000),
        "One microsecond later": second + timedelta(microseconds=1),
        "Whole second": second,
        "A day earlier": second - timedelta(days=1),
    }
    for title, published_at in times.items():
        make_article(title=title, body="A word on privacy.", published_at=published_at)
    response = client.get(reverse("search:search"), {"q": "privacy"})
    assert [a.title for a in response.context["articles"]] == [
        "Half a second later",
        "One microsecond later",
        "Whole second",
        "A day earlier",
    ]


@pytest.mark.django_db
def test_filters_are_resolved_once_until_a_change_readers_see(
    make_article, fragment_cache, commit, django_assert_num_queries
):
    from django.http import QueryDict

    story = make_article(topics=["fintech"])

    def resolved(query="topic=fintech"):
        return ArticleSearch.from_query_dict(QueryDict(query)).filters[0].obj

    assert resolved().name == "fintech"
    with django_assert_num_queries(0):
        assert resolved().name == "fintech"
    topic = story.topics.get()
    with commit():
        topic.name = "Financial technology"
        topic.save()
    assert resolved("topic=financial technology") == topic
    with commit():
        story.status = Article.Status.DRAFT
        story.save()
    assert resolved() is None  # only a draft carries it now: no such topic


def facets_of(search_):
    """{param: [(name, count)]}, in the order the page lists them."""
    return {f.kind.param: [(i.name, i.num_articles) for i in f.items] for f in search_.facets()}


@pytest.mark.django_db
class TestRankedFacets:
    """A search with words counts its facets over its ranked ids in one query
    (ArticleSearch._ranked_facet_rows); a search without words by the ORM over its matches.
    Over the same articles the two must say the same."""

    @pytest.fixture
    def tagged(self, make_article, section):
        research = Section.objects.create(name="Research", slug="research")
        for n in range(20):
            make_article(
                body="Shared words.",
                topics=[f"topic {n:02d}"] + (["popular"] if n % 2 else []) + (["rare"] if n == 3 else []),
                organisations=["ASTRI"] if n % 3 else ["HKMA", "ASTRI"],
                section=research if n % 4 == 0 else section,
            )
        make_article(
            status=Article.Status.DRAFT, body="Shared words.", topics=["secret"], organisations=["x"]
        )

    @pytest.mark.parametrize("params", [{}, {"topic": "popular"}, {"org": "hkma"}, {"section": "research"}])
    def test_the_same_as_without_words(self, tagged, params):
        from django.http import QueryDict
        from django.utils.http import urlencode

        without = ArticleSearch.from_query_dict(QueryDict(urlencode(params)), language="en")
        with_words = ArticleSearch.from_query_dict(
            QueryDict(urlencode({**params, "q": "shared"})), language="en"
        )
        list(with_words.listing()[:1])
        assert with_words.ranked_count() == without.results().count()
        assert facets_of(with_words) == facets_of(without)

    def test_most_used_first_then_by_name_and_limited(self, tagged):
        search_ = ArticleSearch(q="shared", language="en")
        topics = facets_of(search_)["topic"]
        # popular (10), then the 14 first by name of the twenty counted once: the limit cuts
        # among equal counts by name, not by whichever the database met first.
        assert topics[0] == ("popular", 10)
        assert topics[1:] == [("rare", 1)] + [(f"topic {n:02d}", 1) for n in range(13)]
        assert facets_of(search_)["org"] == [("ASTRI", 20), ("HKMA", 7)]
        assert facets_of(search_)["section"] == [("Government Initiatives", 15), ("Research", 5)]

    def test_a_search_that_finds_nothing_has_no_facets(self, tagged):
        assert ArticleSearch(q="nowhere", language="en").facets() == []


@pytest.mark.django_db
class TestOneStoryEach:
    """The ranked ids hold each story once: ArticleQuerySet.for_language's rule, applied in
    Python to the candidates' rows (ArticleSearch._one_story_each); it must keep exactly
    what for_language keeps of the same candidates."""

    @pytest.mark.parametrize("language", ["en", "zh-hant", None])
    @pytest.mark.parametrize(
        "q", ["fintech", "中文內容", "香港", "English", "grows or 中文內容", "text or 報道"]
    )
    def test_keeps_what_for_language_keeps(self, bilingual, language, q):
        search_ = ArticleSearch(q=q, language=language)
        list(search_.listing()[:1])
        candidates = [row[0] for row in search_._candidates]
        expected = Article.objects.published().filter(pk__in=candidates)
        if language is not None:
            expected = expected.for_language(language)
        assert sorted(search_._ids) == sorted(expected.values_list("pk", flat=True))

    def test_a_story_whose_versions_both_match_is_listed_in_the_page_language(self, bilingual):
        english = ArticleSearch(q="grows or 中文內容", language="en")
        assert [a.title for a in english.listing()[:10]] == ["Fintech grows in Hong Kong"]
        chinese = ArticleSearch(q="grows or 中文內容", language="zh-hant")
        assert [a.title for a in chinese.listing()[:10]] == ["香港金融科技起飛"]
        both = ArticleSearch(q="grows or 中文內容")
        assert sorted(a.title for a in both.listing()[:10]) == [
            "Fintech grows in Hong Kong",
            "香港金融科技起飛",
        ]


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["privacy", "privacy rules", "data -rules", "香港 privacy", "私隱"])
def test_walk_and_index_find_the_same_ranked_matches(make_article, monkeypatch, q):
    """PostgreSQL takes a common word's matches by walking the publication order, a rare
    word's from the GIN index (DENSE_MATCHES): the two ways must rank the same ids."""
    from search import search

    monkeypatch.setattr(search, "MAX_RANKED", 4)
    now = timezone.now()
    for n in range(8):
        make_article(
            title="Privacy rules" if n % 3 == 0 else f"Story {n}",
            body="Data privacy 香港私隱." if n % 2 else "Data privacy.",
            published_at=now - timedelta(days=n),
        )
    make_article(title="Secret privacy", status=Article.Status.DRAFT)
    found = {}
    for dense in (0, 10**9):
        monkeypatch.setattr(search, "DENSE_MATCHES", dense)
        search_ = ArticleSearch(q=q, language="en")
        found[dense] = [a.title for a in search_.listing()[:10]]
    assert found[0] == found[10**9]
    assert found[0] and "Secret privacy" not in found[0]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hant", None])
def test_a_narrow_search_without_words_finds_counts_and_facets_the_same_by_ids(
    make_article, monkeypatch, language
):
    """PostgreSQL finds a search without words whose filters keep few articles as a list of
    ids (_filter_ids), then counts, facets and pages by id: the same answer as the filters'
    own queries, the one-story-per-language rule included."""
    from django.db import connection
    from django.http import QueryDict

    from articles.models import Organisation, Topic
    from search import search

    if connection.vendor != "postgresql":
        pytest.skip("the ids path is PostgreSQL's (SQLite always takes the filters' queries)")
    a, b, other = (Topic.objects.create(name=name) for name in ("robotics", "fintech", "quantum"))
    hkstp = Organisation.objects.create(name="HKSTP", kind="incubator")
    now = timezone.now()
    english = make_article(title="Both, English", topics=[a, b, other], published_at=now - timedelta(hours=1))
    make_article(
        title="Both, Chinese", language="zh-hant", translation=english, topics=[a, b], organisations=[hkstp]
    )
    make_article(
        title="Both, Chinese only", language="zh-hant", topics=[a, b], published_at=now - timedelta(hours=3)
    )
    for n in range(3):
        make_article(
            title=f"Both {n}",
            topics=[a, b, other],
            organisations=[hkstp],
            published_at=now - timedelta(days=n + 1),
        )
    make_article(title="Only one", topics=[a])
    make_article(title="Secret both", topics=[a, b], status=Article.Status.DRAFT)
    query = QueryDict(f"topic={a.slug}&topic={b.slug}")
    answers = {}
    for dense in (0, 10**9):
        monkeypatch.setattr(search, "DENSE_MATCHES", dense)
        found = ArticleSearch.from_query_dict(query, language=language)
        listing = found.listing()
        facets = [
            (facet.kind.param, [(i.slug, i.num_articles) for i in facet.items]) for facet in found.facets()
        ]
        answers[dense] = ([article.title for article in listing[:20]], len(listing), facets)
    assert answers[0] == answers[10**9]
    titles_found, total, facets = answers[0]
    assert "Secret both" not in titles_found and "Only one" not in titles_found
    assert total == len(titles_found) == (6 if language is None else 5)
    assert ("topic", [("quantum", 4 if language != "zh-hant" else 3)]) in facets


@pytest.mark.django_db
def test_a_narrow_search_finds_its_ids_once_per_content_generation(fragment_cache, make_article, monkeypatch):
    from unittest import mock

    from django.db import connection
    from django.http import QueryDict

    from articles import surrogates
    from articles.models import Topic
    from pagecache.generation import bump_keys

    if connection.vendor != "postgresql":
        pytest.skip("the ids path is PostgreSQL's (SQLite always takes the filters' queries)")
    a, b = Topic.objects.create(name="robotics"), Topic.objects.create(name="fintech")
    for n in range(3):
        make_article(title=f"Both {n}", topics=[a, b])
    query = QueryDict(f"topic={a.slug}&topic={b.slug}")
    with mock.patch.object(
        ArticleSearch, "_one_story_each", autospec=True, side_effect=ArticleSearch._one_story_each
    ) as found:
        for _ in range(2):
            assert len(ArticleSearch.from_query_dict(query, language="en").listing()) == 3
        assert found.call_count == 1
        bump_keys([surrogates.SEARCH])  # what any change readers can see bumps
        assert len(ArticleSearch.from_query_dict(query, language="en").listing()) == 3
        assert found.call_count == 2
