"""search/query.py: cleaning what readers type and parsing web-search syntax into terms."""

import pytest

from search.query import clean_query, parse_terms

from .helpers import search, titles


@pytest.mark.django_db
class TestChinese:
    def test_full_width_punctuation_separates_words(self, client, make_article):
        make_article(title="香港人工智能", body="金融科技")
        assert titles(search(client, q="香港，金融科技")) == ["香港人工智能"]


@pytest.mark.django_db
class TestBadInput:
    def test_query_is_truncated(self, client, newsroom):
        response = search(client, q="fintech " * 2_000)
        assert len(response.context["search"].q) <= 200


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
