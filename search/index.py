"""The Chinese words index: each article's title, standfirst and body as folded, segmented
words (words.py), in the table `search_articlewords` (migration search 0001), in a form each
database searches by word.

- PostgreSQL: (article_id, words), `words` a tsvector of the words with the title's weighted
  A, the standfirst's B and the body's C like the English stems of the article's
  `search_document` (articles 0007), GIN-indexed. The `simple` configuration: the words are
  already folded and cut; nothing is stemmed.
- SQLite: an FTS5 table, rowid = the article's id, one column per field, holding the words
  separated by spaces (FTS5's unicode61 tokenizer splits on the spaces and keeps every CJK
  character of a word).

Articles without Chinese have no row. Articles are (re)indexed when saved and removed when
deleted (apps.py connects the signals). Bulk paths that send no signal (bulk_create,
QuerySet.update, raw SQL) need `manage.py search_index` afterwards, which reindexes every
article.
"""

from django.db import connections
from django.db.models import F, Func, TextField, Value

from .query import CJK_CHARACTERS
from .words import segmenter

FTS_TABLE = "search_articlewords"
WORDS_CONFIG = "simple"
FIELDS = ("title", "standfirst", "body")
BATCH_SIZE = 500
ID_COLUMN = {"postgresql": "article_id", "sqlite": "rowid"}


def article_words(title, standfirst, body):
    """The three fields' words, each as one space-separated string."""
    return tuple(" ".join(segmenter.index_words(text or "")) for text in (title, standfirst, body))


def index_rows(rows, using="default"):
    """Index (id, title, standfirst, body) rows: one statement per batch."""
    rows = list(rows)
    connection = connections[using]
    if connection.vendor not in ID_COLUMN:
        return
    for start in range(0, len(rows), BATCH_SIZE):
        batch = [(pk, *article_words(*fields)) for pk, *fields in rows[start : start + BATCH_SIZE]]
        with connection.cursor() as cursor:
            ids = [row[0] for row in batch]
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE {ID_COLUMN[connection.vendor]} IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
            kept = [row for row in batch if any(row[1:])]
            if not kept:
                continue
            if connection.vendor == "postgresql":
                values = ", ".join(["(%s::bigint, %s, %s, %s)"] * len(kept))
                cursor.execute(
                    f"""
                    INSERT INTO {FTS_TABLE} (article_id, words)
                    SELECT id, setweight(to_tsvector('{WORDS_CONFIG}', title), 'A')
                        || setweight(to_tsvector('{WORDS_CONFIG}', standfirst), 'B')
                        || setweight(to_tsvector('{WORDS_CONFIG}', body), 'C')
                    FROM (VALUES {values}) AS words (id, title, standfirst, body)
                    """,
                    [value for row in kept for value in row],
                )
            else:
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, title, standfirst, body) VALUES (%s, %s, %s, %s)", kept
                )


def unindex(ids, using="default"):
    connection = connections[using]
    if connection.vendor in ID_COLUMN and ids:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE {ID_COLUMN[connection.vendor]} IN ({', '.join(['%s'] * len(ids))})",
                list(ids),
            )


def reindex(queryset, using="default"):
    """Index every article of `queryset` (all of them for `manage.py search_index`), in
    batches. Returns how many. PostgreSQL sends only the CJK runs and Latin words of each
    text back, without punctuation and markup."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        # Latin letters and digits stay too: those written against Chinese are indexed.
        not_cjk = "[^A-Za-z0-9" + CJK_CHARACTERS[1:] + "+"

        def only_cjk(field):
            return Func(
                F(field),
                Value(not_cjk),
                Value(" "),
                Value("g"),
                function="regexp_replace",
                output_field=TextField(),
            )

        queryset = queryset.annotate(**{f"cjk_{name}": only_cjk(name) for name in FIELDS})
        columns = ["pk", *(f"cjk_{name}" for name in FIELDS)]
    else:
        columns = ["pk", *FIELDS]
    count, batch = 0, []
    for row in queryset.order_by().values_list(*columns).iterator(chunk_size=2000):
        batch.append(row)
        if len(batch) >= 2000:
            index_rows(batch, using)
            count += len(batch)
            batch = []
    index_rows(batch, using)
    return count + len(batch)
