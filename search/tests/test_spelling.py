"""search/spelling.py and "did you mean" on the search page: misspelt words and tags get the
nearest public name, on both databases; drafts' tags are never offered."""

import pytest

from articles.models import Article
from search.spelling import edit_distance

from .helpers import query_pairs, search


@pytest.mark.parametrize(
    "a, b, distance",
    [
        ("fintec", "fintech", 1),
        ("Cyberprot", "Cyberport", 1),
        ("ASTRI", "astri", 0),
        ("abc", "", 3),
        ("kitten", "sitting", 3),
    ],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance


@pytest.fixture
def tagged(make_article):
    make_article(title="Virtual banks", topics=["fintech"], organisations=["Cyberport"])
    make_article(title="Secret", topics=["quantum computing"], status=Article.Status.DRAFT)


@pytest.mark.django_db
class TestDidYouMean:
    def test_misspelt_word_gets_the_topic(self, client, tagged):
        response = search(client, q="fintec")
        assert response.context["did_you_mean"]["q"] == "fintech"
        assert "Did you mean" in response.content.decode()
        assert ("q", "fintech") in query_pairs(response.context["did_you_mean"]["url"])

    def test_misspelt_organisation_with_swapped_letters(self, client, tagged):
        response = search(client, q="Cyberprot")
        assert response.context["did_you_mean"]["q"] == "Cyberport"

    def test_misspelt_tag_filter_gets_the_tag(self, client, tagged):
        response = search(client, topic="fintec")
        suggestion = response.context["did_you_mean"]
        assert ("topic", "fintech") in query_pairs(suggestion["url"])
        assert search(client, *query_pairs(suggestion["url"])).context["paginator"].count == 1

    def test_nothing_near_offers_nothing(self, client, tagged):
        assert search(client, q="zzzzzz").context["did_you_mean"] is None

    def test_results_offer_nothing(self, client, tagged):
        assert search(client, q="virtual").context["did_you_mean"] is None

    def test_a_draft_only_tag_is_never_offered(self, client, tagged):
        for params in ({"q": "quantum computin"}, {"topic": "quantum-computin"}):
            response = search(client, **params)
            assert response.context["did_you_mean"] is None, params
            assert "quantum computing" not in response.content.decode()

    def test_a_word_published_articles_hold_is_not_misspelt(self, client, tagged, make_article):
        # "fintechs" is near the topic fintech, but an article says it: only "zzzz" found
        # nothing, and nothing is near that.
        make_article(title="Fintechs abroad")
        assert search(client, q="fintechs zzzz").context["did_you_mean"] is None

    def test_a_word_only_drafts_hold_is_still_misspelt(self, client, tagged, make_article):
        make_article(title="Fintechs abroad", status=Article.Status.DRAFT)
        assert search(client, q="fintechs zzzz").context["did_you_mean"]["q"] == "fintech zzzz"
