"""The relevance set (relevance.py) on the database the suite runs on (SQLite, or PostgreSQL
with DATABASE_URL): every query finds its article first and finds every article it must;
a misspelling gets "Did you mean" and the correction finds it."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from search.words import segmenter

from .relevance import QUERIES, load_corpus


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        segmenter.reset()  # the corpus's organisation names become words
        from django.db import transaction

        # Loaded once for the module and removed after it (the tests only read).
        with transaction.atomic():
            articles = load_corpus()
            yield articles
            transaction.set_rollback(True)
        segmenter.reset()


def found_slugs(client, q, language, extra=()):
    with translation.override(language):
        url = reverse("search:search")
    response = client.get(url, [("q", q), *extra])
    assert response.status_code == 200
    return [a.slug for a in response.context["articles"]], response


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES, ids=lambda query: f"{query.kind}:{query.q}")
def test_query_finds_its_article_first(client, corpus, query):
    slugs, response = found_slugs(client, query.q, query.language)
    if query.did_you_mean and not slugs:
        # PostgreSQL matches words, so a misspelt word finds nothing but gets "Did you
        # mean"; SQLite matches substrings ("fintec" is in "fintech") and lists at once.
        suggestion = response.context["did_you_mean"]
        assert suggestion is not None and suggestion["label"] == query.did_you_mean
        corrected = parse_qsl(urlsplit(suggestion["url"]).query)
        slugs, response = found_slugs(client, dict(corrected).get("q", ""), query.language)
    assert slugs, f"{query.q!r} found nothing"
    assert slugs[0] == query.first, f"{query.q!r}: {slugs[:5]}"
    for slug in query.also:
        assert slug in slugs


def test_the_set_is_what_the_issue_asks_for():
    kinds = {query.kind for query in QUERIES}
    assert len(QUERIES) >= 40
    assert {
        "english",
        "traditional",
        "simplified",
        "mixed",
        "one character",
        "organisation",
        "misspelt",
    } <= kinds
    assert any(len(query.q) == 2 for query in QUERIES if query.kind == "traditional")
