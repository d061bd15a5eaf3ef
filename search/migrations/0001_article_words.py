"""The Chinese words index (search/index.py): on SQLite the FTS5 table `search_articlewords`
(PostgreSQL keeps the words in articles' column `search_words`, articles 0018); on both,
every existing article indexed (only the CJK runs of each text are segmented)."""

from django.db import migrations

from search.index import FTS_TABLE

CREATE_FTS = f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, standfirst, body, tokenize='unicode61')"


def create(apps, schema_editor):
    from search.index import reindex

    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE_FTS)
    Article = apps.get_model("articles", "Article")
    reindex(Article.objects.using(schema_editor.connection.alias), using=schema_editor.connection.alias)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_search_words"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
