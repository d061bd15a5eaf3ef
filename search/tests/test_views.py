"""search/views.py: the search page, its pagination, its query count and what bad input gets."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Section
from pagecache.tests.helpers import get
from search.backends import indexed_by_full_text
from search.query import clean_query
from search.views import SearchView

from .helpers import SEARCH_URL, query_pairs, search, titles


def sql_of(queries):
    return "\n".join(q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
class TestActiveFilters:
    def test_form_keeps_the_filters_as_hidden_inputs(self, client, newsroom):
        content = search(client, ("topic", "香港ai"), ("org", "astri")).content.decode()
        assert '<input type="hidden" name="topic" value="香港ai">' in content
        assert '<input type="hidden" name="org" value="astri">' in content


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

    def test_html_in_parameters_is_escaped(self, client, newsroom):
        content = search(client, q="<i>x</i>", topic="<i>y</i>").content.decode()
        assert "&lt;i&gt;" in content and "<i>" not in content

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
        import re

        content = search(client, topic="fintech").content.decode()
        scripts = re.findall(r"<script[^>]*>", content)
        assert scripts and all(re.fullmatch(r'<script src="/static/[^"]+\.js" defer>', s) for s in scripts)
        assert "</script>" in content and not re.search(r"<script[^>]*>[^<]", content)
        assert "style=" not in content

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
            # Each as its process's first search (the stopword check is kept per process).
            indexed_by_full_text.cache_clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(SEARCH_URL, params)
            assert response.status_code == 200
            return len(queries), len(response.context["articles"])

        # The content state (the next scheduled publication and expiry: two queries) is
        # read once per content generation by whichever request comes first, so before
        # either measured one: otherwise the first one pays it when the test runs alone.
        client.get(SEARCH_URL)
        # Up to 15 for the search itself (PostgreSQL, everything at once; finding the ranked
        # matches once is up to 4 of them: the planner's estimate of each group of words,
        # the narrowest group's ids from its index, the newest matches among them ranked;
        # an English word beside Chinese asks whether full-text search indexes it; the
        # facets are one) + 1 for the base layout's section navigation.
        add(1)
        with django_assert_max_num_queries(16):
            one_queries, one_results = count_queries()
        add(29)
        with django_assert_max_num_queries(16):
            thirty_queries, thirty_results = count_queries()
        assert (one_results, thirty_results) == (1, 30)
        assert one_queries == thirty_queries


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


@pytest.mark.django_db
def test_a_search_with_words_pages_through_its_ranked_results(client, make_article, monkeypatch):
    # The ranked ids are read once; each page is its rows by id, in rank order.
    monkeypatch.setattr(SearchView, "paginate_by", 2)
    now = timezone.now()
    make_article(title="Privacy", published_at=now - timedelta(days=5))
    for n in range(3):
        make_article(title=f"Story {n}", body="A word on privacy.", published_at=now - timedelta(days=n))
    make_article(title="Draft privacy", status=Article.Status.DRAFT)
    first, second = search(client, q="privacy"), search(client, q="privacy", page="2")
    assert titles(first) == ["Privacy", "Story 0"]
    assert titles(second) == ["Story 1", "Story 2"]
    assert first.context["paginator"].count == second.context["paginator"].count == 4


@pytest.mark.django_db
def test_a_typo_fix_purges_searches_with_words_and_the_tag_searches_showing_it(
    page_cache, client, make_article, commit
):
    """An edit of a public article's text bumps "search:words" (articles/surrogates.py), not
    "search": searches by tags alone that do not show the article stay cached; the one that
    shows it goes by the card's key; a search with words goes, and finds the word."""
    with commit():
        edited = make_article(title="Robots at work", body="Rules on privcy.", topics=["robotics"])
        make_article(title="Fintech rules", topics=["fintech"])
    not_showing, showing = f"{SEARCH_URL}?topic=fintech", f"{SEARCH_URL}?topic=robotics"
    by_word = f"{SEARCH_URL}?q=privacy"
    for url in (not_showing, showing, by_word):
        get(client, url)
        assert get(client, url)[1] == "HIT"
    assert "Robots at work" not in get(client, by_word)[0].content.decode()
    with commit():
        edited.body = "Rules on privacy."
        edited.save()
    assert get(client, not_showing)[1] == "HIT"
    assert get(client, showing)[1] == "MISS"
    response, state = get(client, by_word)
    assert state == "MISS" and "Robots at work" in response.content.decode()
    assert "search:words" in response["xkey"].split()
    assert "search:words" not in get(client, not_showing)[0]["xkey"].split()
