"""A stored full-text document for search, on PostgreSQL only (search/).

Migration 0004 indexed the weighted document as an expression. The index finds matches
fast, but ranking them (ts_rank) and rechecking a lossy bitmap evaluate the expression
again for every matching row: to_tsvector() over a 1,000-word body, ~1 ms each, so a
common word over 100,000 articles took 100 s (bench/RESULTS.md). Stored, the document is
parsed once, when the article is written.

- Column `search_document` (tsvector), filled by a BEFORE INSERT/UPDATE trigger from
  title (weight A), standfirst (B) and body (C) with the `english` configuration (the
  same document `search.backends` queries with). A trigger rather than a step in
  Article.save(): bulk_create, fixtures (loaddata, restore), raw SQL and
  QuerySet.update() all keep it right with no extra step, and a save costs no extra query.
- GIN index `article_search_document` on the column (the name of 0004's expression index,
  which it replaces: the planner and search's tests look for it).

Not a model field: only PostgreSQL has it (SQLite searches by substring), and a model field
would be loaded with every article (several KB each) and written into every backup.
search/backends.py refers to the column with `SearchDocument()`.

On a large table the backfill UPDATE takes a while (about a minute per 100,000 articles);
run VACUUM ANALYZE afterwards.
"""
from django.db import migrations

CONFIG = "english"

CREATE = f"""
ALTER TABLE articles_article ADD COLUMN search_document tsvector;

CREATE FUNCTION articles_article_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document :=
        setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE(NEW.title, '')), 'A')
        || setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE(NEW.standfirst, '')), 'B')
        || setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE(NEW.body, '')), 'C');
    RETURN NEW;
END
$$;

CREATE TRIGGER articles_article_search_document
    BEFORE INSERT OR UPDATE OF title, standfirst, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_document();

-- Fires the trigger on every existing row.
UPDATE articles_article SET title = title;

DROP INDEX IF EXISTS article_search_document;
CREATE INDEX article_search_document ON articles_article USING gin (search_document);
"""

DROP = f"""
DROP INDEX IF EXISTS article_search_document;
DROP TRIGGER IF EXISTS articles_article_search_document ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_document();
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_document;
CREATE INDEX article_search_document ON articles_article USING gin ((
    setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE(title, '')::text), 'A')
    || setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE(standfirst, '')), 'B')
    || setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE(body, '')), 'C')
));
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_bilingual_content"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
