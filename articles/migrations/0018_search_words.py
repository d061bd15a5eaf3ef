"""The Chinese words of the stored search document, on PostgreSQL only (search/index.py).

- Column `search_words` (tsvector), beside 0007's `search_document`: the article's title (A),
  standfirst (B) and body (C) as folded, segmented Chinese words. Written by search/ (on
  save, and by `manage.py search_index` for bulk inserts), not by a trigger: segmenting needs
  Python (rjieba and the site's dictionary). Like `search_document`, not a model field.
- GIN index `article_search_words` on it.

Adding a nullable column and indexing it empty is instant on any table; the words are filled
by search's migration 0001 (which depends on this one).
"""

from django.db import migrations

CREATE = """
ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_words tsvector;
CREATE INDEX IF NOT EXISTS article_search_words ON articles_article USING gin (search_words);
"""

DROP = """
DROP INDEX IF EXISTS article_search_words;
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_words;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_hero_from_image_library"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
