"""Indexes for search (search/), on PostgreSQL only.

- article_search_document: GIN on the weighted full-text document (title A, standfirst B,
  body C, `english`), so that `WHERE <document> @@ websearch_to_tsquery(...)` is an index
  scan. Migration 0007 replaces it with an index of the same name on a stored column.
- article_text_trgm: pg_trgm GIN on UPPER(title || ' ' || standfirst || ' ' || body), the
  expression `articles.search.substring_document()` builds, for the substring matching of
  Chinese terms (PostgreSQL's parsers do not split "香港AI的發展" into words). pg_trgm needs
  3 characters: a 2-character term ("香港") has no trigram, so the index cannot narrow it and
  PostgreSQL reads the whole table; the other conditions of the search still narrow it.

SQLite has neither GIN nor pg_trgm: there this migration does nothing, and the model state is
unchanged on both databases, so `makemigrations --check` stays clean.

The expressions are frozen here (a migration must not change when search.py does);
search's tests check with EXPLAIN that its queries still use these indexes.
"""
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import TextField, Value
from django.db.models.functions import Concat, Upper


def search_indexes():
    return [
        GinIndex(
            SearchVector("title", weight="A", config="english")
            + SearchVector("standfirst", weight="B", config="english")
            + SearchVector("body", weight="C", config="english"),
            name="article_search_document",
        ),
        GinIndex(
            OpClass(
                Upper(
                    Concat(
                        "title", Value(" "), "standfirst", Value(" "), "body",
                        output_field=TextField(),
                    )
                ),
                name="gin_trgm_ops",
            ),
            name="article_text_trgm",
        ),
    ]


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    article = apps.get_model("articles", "Article")
    for index in search_indexes():
        schema_editor.add_index(article, index)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    article = apps.get_model("articles", "Article")
    for index in search_indexes():
        schema_editor.remove_index(article, index)
    # The pg_trgm extension stays: other schemas may use it, and it costs nothing idle.


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_article_version"),
    ]

    operations = [
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
