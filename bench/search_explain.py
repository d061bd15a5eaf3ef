"""EXPLAIN ANALYZE of search.py's queries on a few thousand generated articles (PostgreSQL).

Shows that the planner picks migration 0003's indexes unforced on a realistic table: the
GIN index on the weighted document for words, the pg_trgm index for Chinese terms. Runs in a
transaction that is rolled back, so any database can be used (it needs the migrations):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB \
        .venv/bin/python bench/search_explain.py [ROWS] [QUERY ...]

Add `--seqscan-off` to show the plans with enable_seqscan=off too.
"""

import os
import random
import string
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hkai_site.test_settings")

import django

django.setup()

from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article, Section
from search.search import ArticleSearch


def generated_articles(rows, section):
    """Varied English-like and Chinese words (the planner's estimates for GIN indexes depend
    on how varied the text is), with the searched words in one article in 500."""
    rng = random.Random(2026)

    def word():
        if rng.random() < 0.3:
            return "".join(chr(rng.randrange(0x4E00, 0x5200)) for _ in range(rng.randrange(2, 5)))
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randrange(3, 9)))

    def text(words):
        return " ".join(word() for _ in range(words))

    for n in range(rows):
        marker = " 智慧城市 fintech regulation" if n % 500 == 0 else ""
        yield Article(
            title=text(6),
            slug=f"explain-{n}",
            section=section,
            standfirst=text(25),
            body=text(300) + marker + " 香港的",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(minutes=n),
        )


def main(argv):
    seqscan_off = "--seqscan-off" in argv
    args = [a for a in argv if a != "--seqscan-off"]
    rows = int(args[0]) if args else 5000
    queries = args[1:] or ["fintech regulation", "智慧城市", "fintech 智慧城市"]
    if connection.vendor != "postgresql":
        sys.exit("EXPLAIN of the search indexes needs PostgreSQL (set DATABASE_URL).")
    with transaction.atomic():
        section = Section.objects.create(name="Explain section", slug="explain-section")
        Article.objects.bulk_create(generated_articles(rows, section), batch_size=1000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")
            for q in queries:
                for setting in ("on", "off") if seqscan_off else ("on",):
                    cursor.execute(f"SET LOCAL enable_seqscan = {setting}")
                    sql, params = ArticleSearch(q=q).results().query.sql_with_params()
                    cursor.execute("EXPLAIN ANALYZE " + sql, params)
                    print(f"=== q={q!r} rows={rows} enable_seqscan={setting}")
                    print("\n".join(row[0] for row in cursor.fetchall()))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main(sys.argv[1:])
