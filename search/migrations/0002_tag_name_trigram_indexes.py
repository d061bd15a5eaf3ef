"""Trigram indexes on the topics' and organisations' names, for "did you mean"
(search/spelling.py): a misspelt word's nearest names are the ones pg_trgm's `%` finds
through these, where the similarity was computed against every tag, per kind and per word
of a search that found nothing. PostgreSQL only (pg_trgm, which articles migration 0004
installs); on SQLite spelling compares edit distances in Python and this does nothing.
Indexes of search's own on the tag tables: only search reads them."""

from django.db import migrations

COLUMNS = ("name", "name_zh_hant", "slug")
TABLES = ("articles_topic", "articles_organisation")


def index_names():
    """(index, table, column): search_topic_name_trgm on articles_topic (name), and so on."""
    return [
        (f"search_{table.removeprefix('articles_')}_{column}_trgm", table, column)
        for table in TABLES
        for column in COLUMNS
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in index_names():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in index_names():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_article_words"),
        ("articles", "0014_published_counts"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
