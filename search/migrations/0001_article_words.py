"""The Chinese words index (search/index.py), table `search_articlewords`, one row per
article that has Chinese words:

- PostgreSQL: (article_id, words tsvector), GIN-indexed. No foreign key: Django's flush
  (tests, `manage.py flush`) truncates its own tables only, and a reference would stop it;
  the row goes with its article through post_delete (apps.py), and searches only ever join
  it to published articles.
- SQLite: an FTS5 table, rowid = the article's id, columns title, standfirst, body.

A table of search's own rather than a column of articles_article: writing the words then
rewrites a narrow row, not the article's (whose update would rewrite every index entry of
the article, the trigram index of its whole text included). Every existing article is
indexed here, only the CJK runs of each text segmented.
"""

from django.db import migrations

from search.index import FTS_TABLE

CREATE = {
    "postgresql": f"""
        CREATE TABLE IF NOT EXISTS {FTS_TABLE} (
            article_id bigint PRIMARY KEY,
            words tsvector NOT NULL
        );
    """,
    "sqlite": f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, standfirst, body, tokenize='unicode61')",
}
INDEX = f"CREATE INDEX IF NOT EXISTS search_articlewords_words ON {FTS_TABLE} USING gin (words)"


def create(apps, schema_editor):
    from search.index import reindex

    vendor = schema_editor.connection.vendor
    if vendor not in CREATE:
        return
    schema_editor.execute(CREATE[vendor], params=None)
    Article = apps.get_model("articles", "Article")
    reindex(Article.objects.using(schema_editor.connection.alias), using=schema_editor.connection.alias)
    if vendor == "postgresql":
        # Built once over the filled table rather than updated row by row.
        schema_editor.execute(INDEX, params=None)
        schema_editor.execute(f"ANALYZE {FTS_TABLE}", params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in CREATE:
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_hero_from_image_library"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
