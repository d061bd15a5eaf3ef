"""Search (articles/search.py, SearchView): tags combine with AND, words are ranked, Chinese
works, facets count published articles only, bad input gets a normal page. Every test runs
on whichever database DATABASE_URL names; .ci/run runs the suite on SQLite and PostgreSQL."""

import random
import string
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Section
from search.query import clean_query, parse_terms
from search.search import ArticleSearch
from search.views import SearchView

SEARCH_URL = reverse("search:search")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")


def search(client, *pairs, **params):
    """GET the search page: search(client, ("topic", "a"), ("topic", "b"), q="words")."""
    data = {}
    for key, value in [*pairs, *params.items()]:
        data.setdefault(key, []).append(value)
    response = client.get(SEARCH_URL, data)
    assert response.status_code == 200
    return response


def titles(response):
    return [article.title for article in response.context["articles"]]


def facet(response, param):
    """{name: count} of one facet (topic, org or section) on the page."""
    for item in response.context["facets"]:
        if item.kind.param == param:
            return {entry.name: entry.num_articles for entry in item.items}
    return {}


def query_pairs(url):
    return parse_qsl(urlsplit(unescape(url)).query)


@pytest.fixture
def newsroom(make_article, section):
    """Published articles with overlapping tags, plus a draft and a scheduled article that
    carry every tag and every word: they must never show."""
    research = Section.objects.create(name="Research", slug="research")
    everything = {
        "topics": ["fintech", "香港AI", "smart city"],
        "organisations": ["ASTRI", "HKMA"],
        "section": research,
        "title": "Fintech smart city 香港AI draft",
        "body": "fintech smart city 香港 智慧城市",
    }
    make_article(status=Article.Status.DRAFT, **everything)
    make_article(published_at=timezone.now() + timedelta(days=1), **everything)
    return {
        "all_three": make_article(
            title="All three topics",
            topics=["fintech", "香港AI", "smart city"],
            organisations=["ASTRI"],
            section=research,
        ),
        "two": make_article(
            title="Fintech and Hong Kong AI",
            topics=["fintech", "香港AI"],
            organisations=["ASTRI", "HKMA"],
        ),
        "fintech": make_article(title="Fintech only", topics=["fintech"], organisations=["HKMA"]),
        "untagged": make_article(title="No tags at all"),
        "research": research,
    }


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

    def test_form_keeps_the_filters_as_hidden_inputs(self, client, newsroom):
        content = search(client, ("topic", "香港ai"), ("org", "astri")).content.decode()
        assert '<input type="hidden" name="topic" value="香港ai">' in content
        assert '<input type="hidden" name="org" value="astri">' in content


@pytest.mark.django_db
class TestWords:
    def test_every_word_must_match(self, client, make_article):
        make_article(title="Quantum computing in Kowloon")
        make_article(title="Quantum sensors", body="Made in Shatin.")
        assert titles(search(client, q="quantum kowloon")) == ["Quantum computing in Kowloon"]
        assert len(titles(search(client, q="quantum"))) == 2

    def test_words_match_title_standfirst_and_body_ignoring_case(self, client, make_article):
        make_article(title="One", standfirst="About BLOCKCHAIN ledgers.")
        make_article(title="Two", body="A blockchain pilot.")
        make_article(title="Blockchain three")
        assert sorted(titles(search(client, q="Blockchain"))) == ["Blockchain three", "One", "Two"]

    def test_title_match_ranks_above_body_only_match(self, client, make_article):
        # The body-only article is newer: rank, not date, must put the title match first.
        make_article(title="Robotics in Hong Kong", published_at=timezone.now() - timedelta(days=3))
        make_article(title="Unrelated", body="Something about robotics.", published_at=timezone.now())
        make_article(
            title="Also unrelated",
            standfirst="Robotics again.",
            published_at=timezone.now() - timedelta(days=1),
        )
        assert titles(search(client, q="robotics")) == [
            "Robotics in Hong Kong",
            "Also unrelated",
            "Unrelated",
        ]

    def test_excluded_word_and_phrase(self, client, make_article):
        make_article(title="Smart city plans", body="A smart city with drones.")
        make_article(title="Smart grids", body="Grid plans for the city.")
        assert titles(search(client, q='"smart city"')) == ["Smart city plans"]
        assert titles(search(client, q="smart -drones")) == ["Smart grids"]

    def test_either_word_with_or(self, client, make_article):
        make_article(title="Drones over Victoria Harbour")
        make_article(title="Satellites above")
        make_article(title="Nothing here")
        assert sorted(titles(search(client, q="drones or satellites"))) == [
            "Drones over Victoria Harbour",
            "Satellites above",
        ]

    def test_stopwords_alone_do_not_empty_the_results(self, client, make_article):
        # PostgreSQL drops "the" and "it" from full-text queries; the search must not then
        # match nothing, nor lose the Chinese words next to them.
        make_article(title="IT jobs in 香港")
        make_article(title="Other news", published_at=timezone.now() - timedelta(days=1))
        assert titles(search(client, q="the"))
        assert titles(search(client, q="IT 香港")) == ["IT jobs in 香港"]

    def test_words_and_tags_together(self, client, newsroom, make_article):
        make_article(title="Fintech without topics")
        assert titles(search(client, q="fintech", topic="fintech")) == [
            "Fintech and Hong Kong AI",
            "Fintech only",
        ]


@pytest.mark.django_db
class TestChinese:
    def test_chinese_word_inside_a_longer_run_of_characters(self, client, make_article):
        make_article(title="香港AI的發展", body="人工智能在本地的應用。")
        make_article(title="Elsewhere", body="Nothing in Chinese.")
        assert titles(search(client, q="香港")) == ["香港AI的發展"]
        assert titles(search(client, q="應用")) == ["香港AI的發展"]

    def test_chinese_words_combine_with_and_and_rank_title_first(self, client, make_article):
        make_article(
            title="智慧城市藍圖", body="政府公布香港的計劃。", published_at=timezone.now() - timedelta(days=2)
        )
        make_article(title="Smart city", standfirst="香港推動智慧城市發展", published_at=timezone.now())
        make_article(title="只有香港", body="沒有別的。")
        assert titles(search(client, q="智慧城市 香港")) == ["智慧城市藍圖", "Smart city"]

    def test_chinese_and_english_words_together(self, client, make_article):
        make_article(title="香港 fintech 發展", body="Regulation of virtual banks.")
        make_article(title="香港 robotics")
        make_article(title="Fintech in Singapore")
        assert titles(search(client, q="香港 fintech")) == ["香港 fintech 發展"]
        assert titles(search(client, q="banks 香港")) == ["香港 fintech 發展"]

    def test_excluding_a_chinese_word(self, client, make_article):
        make_article(title="香港金融")
        make_article(title="深圳金融")
        assert titles(search(client, q="金融 -香港")) == ["深圳金融"]

    def test_full_width_punctuation_separates_words(self, client, make_article):
        make_article(title="香港人工智能", body="金融科技")
        assert titles(search(client, q="香港，金融科技")) == ["香港人工智能"]

    def test_chinese_topic_page_link_and_facet(self, client, make_article):
        make_article(title="A", topics=["智慧城市", "香港AI"])
        response = search(client, topic="智慧城市")
        assert titles(response) == ["A"]
        assert facet(response, "topic") == {"香港AI": 1}
        assert "香港ai" in dict(query_pairs(response.context["facets"][0].items[0].add_url))["topic"]


BAD_INPUT = [
    {"q": "x" * 10_000},
    {"q": "香港" * 5_000},
    {"q": "'; DROP TABLE articles_article; --"},
    {"q": '" OR 1=1 --', "topic": "' OR '1'='1"},
    {"q": "<script>alert(1)</script>", "org": "<img src=x onerror=alert(1)>"},
    {"section": "<b>bold</b>"},
    {"q": '& | ! ( ) : * <-> \\ "" - -- or OR'},
    {"q": '"unterminated phrase'},
    {"q": "-"},
    {"q": "the and of"},
    {"q": "%_%"},
    {"q": "　"},  # ideographic space only
    {"topic": "", "org": "", "section": "", "q": ""},
    {"topic": "x" * 5_000},
    {"page": "abc"},
    {"page": "99999"},
    {"page": "-1"},
    {"page": "1" * 5_000},
    {"page": "0"},
    {"unknown": "param"},
]


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize("params", BAD_INPUT, ids=lambda p: repr(p)[:40])
    def test_gets_a_normal_page(self, client, newsroom, params):
        response = search(client, **params)
        content = response.content.decode()
        assert "<script>alert" not in content
        assert "<img src=x" not in content
        assert "<b>bold" not in content

    # The database is only read, so one transaction for all examples is fine.
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    # Without NUL, which the middleware answers with a 400 before the search runs, and
    # without lone surrogates, which no URL can carry (the test client cannot encode them).
    @given(
        q=st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=300),
        tag=st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=120),
        page=st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=8),
    )
    def test_any_text_gets_a_normal_page(self, client, newsroom, q, tag, page):
        response = search(client, q=q, topic=tag, org=tag, section=tag, page=page)
        assert response.context["search"].q == clean_query(q)

    def test_query_is_truncated(self, client, newsroom):
        response = search(client, q="fintech " * 2_000)
        assert len(response.context["search"].q) <= 200

    @pytest.mark.parametrize("query", ["?q=fin%00tech", "?q=%00", "?topic=fin%00tech"])
    def test_nul_bytes_are_a_400(self, client, make_article, query):
        # NUL never reaches the search: hkai_site.middleware answers 400 for it anywhere in
        # the address (PostgreSQL cannot compare text containing NUL).
        make_article(title="Fintech news")
        assert client.get(SEARCH_URL + query).status_code == 400

    def test_html_in_parameters_is_escaped(self, client, newsroom):
        content = search(client, q="<i>x</i>", topic="<i>y</i>").content.decode()
        assert "&lt;i&gt;" in content and "<i>" not in content

    def test_repeated_q_and_many_filters(self, client, newsroom):
        pairs = [("q", "fintech"), ("q", "only")] + [("topic", f"t{n}") for n in range(50)]
        response = search(client, *pairs)
        assert titles(response) == []
        assert len(response.context["active_filters"]) == 10

    def test_page_out_of_range_shows_the_last_page(self, client, make_article, monkeypatch):
        monkeypatch.setattr(SearchView, "paginate_by", 2)
        for n in range(5):
            make_article(title=f"Paged {n}")
        response = search(client, q="paged", page="99999")
        assert response.context["page_obj"].number == 3
        assert search(client, q="paged", page="abc").context["page_obj"].number == 1


@pytest.mark.django_db
class TestPage:
    def test_page_says_noindex_and_has_a_meaningful_title(self, client, newsroom):
        content = search(client, q="fintech", topic="香港ai").content.decode()
        assert '<meta name="robots" content="noindex' in content
        assert "<title>“fintech”, Topic: 香港AI · Search" in content
        assert "css/search.css" in content

    def test_result_shows_title_standfirst_section_date_topics(self, client, make_article):
        article = make_article(title="Shown", standfirst="The standfirst.", topics=["AI ethics"])
        content = search(client).content.decode()
        for text in [
            "Shown",
            "The standfirst.",
            article.section.name,
            "AI ethics",
            timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
        ]:
            assert text in content

    def test_no_inline_script_or_style(self, client, newsroom):
        content = search(client, topic="fintech").content.decode()
        assert "<script" not in content and "style=" not in content

    def test_pagination_keeps_every_parameter(self, client, make_article, monkeypatch):
        monkeypatch.setattr(SearchView, "paginate_by", 2)
        for n in range(5):
            make_article(title=f"Paged fintech {n}", topics=["fintech", "香港AI"])
        response = search(client, ("topic", "fintech"), ("topic", "香港ai"), q="paged")
        next_url = response.context["next_page_url"]
        assert sorted(query_pairs(next_url)) == [
            ("page", "2"),
            ("q", "paged"),
            ("topic", "fintech"),
            ("topic", "香港ai"),
        ]
        assert next_url.replace("&", "&amp;") in response.content.decode()
        second = client.get(next_url)
        assert second.context["page_obj"].number == 2
        assert titles(second) == ["Paged fintech 2", "Paged fintech 3"]
        assert sorted(query_pairs(second.context["previous_page_url"])) == [
            ("q", "paged"),
            ("topic", "fintech"),
            ("topic", "香港ai"),
        ]


@pytest.mark.django_db
class TestQueryCount:
    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"q": "fintech"},
            {"q": "香港 fintech", "topic": ["fintech", "香港ai"], "org": "astri", "section": "research"},
        ],
        ids=["browse", "words", "everything"],
    )
    def test_flat_from_one_to_thirty_results(
        self, client, make_article, monkeypatch, params, django_assert_max_num_queries
    ):
        monkeypatch.setattr(SearchView, "paginate_by", 30)
        research = Section.objects.create(name="Research", slug="research")

        def add(n):
            for _ in range(n):
                make_article(
                    title="香港 fintech",
                    section=research,
                    topics=["fintech", "香港AI", "extra"],
                    organisations=["ASTRI", "HKMA"],
                )

        def count_queries():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(SEARCH_URL, params)
            assert response.status_code == 200
            return len(queries), len(response.context["articles"])

        # Up to 11 for the search itself (PostgreSQL, everything at once) + 1 for the base
        # layout's section navigation.
        add(1)
        with django_assert_max_num_queries(12):
            one_queries, one_results = count_queries()
        add(29)
        with django_assert_max_num_queries(12):
            thirty_queries, thirty_results = count_queries()
        assert (one_results, thirty_results) == (1, 30)
        assert one_queries == thirty_queries


class TestParsing:
    def test_clean_query(self):
        assert clean_query("  ＡＩ\x00　in\tHK ") == "AI in HK"
        assert clean_query("香港，金融。科技") == "香港 金融 科技"
        assert len(clean_query("x" * 10_000)) == 200

    def test_terms(self):
        groups = parse_terms('fintech "smart city" -crypto a or b 香港')
        assert [[(t.text, t.negated, t.phrase) for t in g] for g in groups] == [
            [("fintech", False, False)],
            [("smart city", False, True)],
            [("crypto", True, False)],
            [("a", False, False), ("b", False, False)],
            [("香港", False, False)],
        ]

    def test_or_next_to_nothing_or_an_exclusion_is_ignored(self):
        assert [[t.text for t in g] for g in parse_terms("or a or -b or")] == [["a"], ["b"]]

    def test_from_query_dict_dedupes_and_caps(self):
        from django.http import QueryDict

        search_ = ArticleSearch.from_query_dict(
            QueryDict("topic=a&topic=a&topic=&org=" + "&org=".join(str(n) for n in range(20)))
        )
        assert search_.values["topic"] == ["a"]
        assert len(search_.values["org"]) == 10


@pytest.mark.django_db
@on_postgresql
class TestPostgreSQLIndexes:
    """The migration freezes the indexed expressions: these fail if search.py's queries
    drift from them (PostgreSQL would silently fall back to reading the whole table)."""

    @pytest.fixture(autouse=True)
    def many_articles(self, section):
        # Enough rows of varied English and Chinese text, with statistics, for the planner to
        # judge the indexes as it would on a real archive.
        rng = random.Random(2026)

        def word():
            if rng.random() < 0.3:
                return "".join(chr(rng.randrange(0x4E00, 0x5200)) for _ in range(rng.randrange(2, 5)))
            return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randrange(3, 9)))

        def text(words):
            return " ".join(word() for _ in range(words))

        Article.objects.bulk_create(
            Article(
                title=text(6),
                slug=f"bulk-{n}",
                section=section,
                standfirst=text(20),
                body=text(100),
                status=Article.Status.PUBLISHED,
                published_at=timezone.now() - timedelta(minutes=n),
            )
            for n in range(300)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")

    def plan(self, queryset):
        with connection.cursor() as cursor:
            # Transaction-local: the test's transaction is rolled back afterwards.
            # On the few rows a test can afford, reading the whole table through the
            # publication-order btree costs about as much as the GIN index, so take the
            # alternatives away (all undone with the test's transaction): what remains is a
            # bitmap scan of a search index if the query's expression matches it, else a
            # sequential scan. (On 5,000 varied rows the planner picks the search indexes
            # unforced: bench/search_explain.py.)
            cursor.execute("DROP INDEX article_pub_order, article_section_pub")
            for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
                cursor.execute(f"SET LOCAL {setting} = off")
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())

    def test_full_text_search_uses_the_gin_index(self, make_article):
        make_article(title="Fintech regulation")
        search_ = ArticleSearch(q="fintech regulation")
        assert [a.title for a in search_.results()] == ["Fintech regulation"]
        plan = self.plan(search_.results())
        assert "Bitmap Index Scan on article_search_document" in plan, plan

    def test_chinese_substring_uses_the_trigram_index(self, make_article):
        make_article(title="智慧城市")
        search_ = ArticleSearch(q="智慧城市")
        assert [a.title for a in search_.results()] == ["智慧城市"]
        plan = self.plan(search_.results())
        assert "Bitmap Index Scan on article_text_trgm" in plan, plan
