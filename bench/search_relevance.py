"""Precision@5, top-1 and recall of the relevance set (search/tests/relevance.py) on the
database of DATABASE_URL (PostgreSQL or SQLite, migrated). The corpus is loaded in a
transaction that is rolled back, so nothing stays; never point it at a database others read
(it writes until the rollback):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB .venv/bin/python bench/search_relevance.py

Relevant articles of a query are the one it must find first and those it must find too
(`also`); most queries have one, so precision@5 is at most 0.2 for them: top-1 says more.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hkai_site.test_settings")

import django

django.setup()

from django.db import connection, transaction
from django.utils import translation

from search.search import ArticleSearch
from search.tests.relevance import QUERIES, load_corpus
from search.words import segmenter


def ranked_slugs(query):
    with translation.override(query.language):
        search = ArticleSearch(q=query.q, language=query.language)
        slugs = [a.slug for a in search.results()[:5]]
        if not slugs and query.did_you_mean:
            corrected = search.did_you_mean()
            if corrected:
                slugs = [
                    a.slug for a in ArticleSearch(q=corrected["q"], language=query.language).results()[:5]
                ]
    return slugs


def main():
    rows = []
    with transaction.atomic():
        segmenter.reset()
        load_corpus()
        for query in QUERIES:
            relevant = {query.first, *query.also}
            top = ranked_slugs(query)
            rows.append(
                (
                    query,
                    len(relevant & set(top)) / 5,
                    bool(top) and top[0] == query.first,
                    len(relevant & set(top)) / len(relevant),
                )
            )
        transaction.set_rollback(True)
    print(f"database: {connection.vendor}, {len(rows)} queries")
    for query, _precision, first, recall in rows:
        if not first or recall < 1:
            print(f"  miss: {query.kind}: {query.q!r}")
    n = len(rows)
    print(f"precision@5 {sum(r[1] for r in rows) / n:.3f}")
    print(f"top-1       {sum(r[2] for r in rows) / n:.3f}")
    print(f"recall@5    {sum(r[3] for r in rows) / n:.3f}")


if __name__ == "__main__":
    main()
