"""Matching words against articles, per database. Terms without CJK: PostgreSQL's full-text
search on the stored document, substring matching on SQLite. Terms with CJK: by word, in the
Chinese words index (index.py; folded and segmented, words.py) on both, their non-CJK parts
("香港AI": "AI") by substring. See the package docstring."""

import json
import re
from functools import lru_cache

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    Field,
    FloatField,
    Func,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Upper

from core.text import fold_chinese

from .index import FTS_TABLE, WORDS_CONFIG
from .query import CJK_CHARACTERS
from .words import segmenter

# The text search configuration of the query AND of the stored document (migration 0007's
# trigger): they must be the same or words would not be stemmed alike.
SEARCH_CONFIG = "english"

# Rank contributions of a substring match, mirroring ts_rank's default weights A/B/C; the
# FTS5 table's columns (title, standfirst, body) are weighted alike.
TITLE_WEIGHT, STANDFIRST_WEIGHT, BODY_WEIGHT = WEIGHTS = 1.0, 0.4, 0.2

_CJK_RUNS = re.compile(f"{CJK_CHARACTERS}+")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")


class _ArticleColumn(Expression):
    """A column of articles_article that is not a model field (PostgreSQL only), compiled
    against the query's own base table alias, so it stays right inside subqueries."""

    column = None

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{self.column}", []


class SearchDocument(_ArticleColumn):
    """The article's stored, weighted full-text document: the `search_document` column that
    migration 0007 adds on PostgreSQL (not a model field: see the migration)."""

    output_field = SearchVectorField()
    column = "search_document"


class PostgreSQLWordsRank(Expression):
    """PostgreSQL: ts_rank of an article's words (index.py) against a tsquery, 0 where the
    article has none."""

    output_field = FloatField()

    def __init__(self, tsquery):
        super().__init__()
        self.tsquery = tsquery

    def as_sql(self, compiler, connection):
        article_id = f"{compiler.quote_name_unless_alias(compiler.query.get_initial_alias())}.id"
        sql = (
            f"COALESCE((SELECT ts_rank(words, to_tsquery('{WORDS_CONFIG}', %s)) FROM {FTS_TABLE}"
            f" WHERE article_id = {article_id}), 0.0)"
        )
        return sql, [self.tsquery]


class WordsRank(Expression):
    """SQLite: where a word matched in the FTS5 table, weighted like a substring match
    (title above standfirst above body), 0 where it did not. Where rather than FTS5's bm25:
    bm25's weights follow how rare a word is in the whole table, and one word common to
    most articles then ranks nothing at all."""

    output_field = FloatField()

    def __init__(self, word):
        super().__init__()
        self.word = word

    def as_sql(self, compiler, connection):
        article_id = f"{compiler.quote_name_unless_alias(compiler.query.get_initial_alias())}.id"
        cases, params = [], []
        for column, weight in zip(("title", "standfirst", "body"), WEIGHTS, strict=True):
            cases.append(
                f"WHEN EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid = {article_id})"
                f" THEN {weight}"
            )
            params.append(f'{column} : "{self.word}"')
        return f"(CASE {' '.join(cases)} ELSE 0.0 END)", params


class SortableTime(Func):
    """A time as a value that sorts as the time does, for rows sorted in Python: seconds
    since the epoch (a float, microseconds kept) on PostgreSQL, Django's stored text on
    SQLite (ISO in UTC; a whole second is written without a fraction, and still sorts
    first). A ranked search sorts its thousand candidates by rank, then time: converted
    to datetimes only to be compared, their times cost more than ranking them."""

    output_field = Field()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="%(expressions)s", **extra)


class IdIsAny(Expression):
    """PostgreSQL: `id = ANY(%s)`, the ids as one array literal ("{12,7,30}"), written once:
    psycopg's client-side quoting of a list of ints costs per element, in Python."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, ids, field="pk"):
        super().__init__()
        self.column = F(field)
        self.array = "{" + ",".join(str(int(pk)) for pk in ids) + "}"

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        return f"{sql} = ANY(%s::bigint[])", [*params, self.array]


def ids_q(ids, using="default", field="pk"):
    """Rows whose `field` (default: the article's id) is one of `ids` (a list: the ranked
    matches, up to thousands). On PostgreSQL one array parameter: as `IN (%s, %s, ...)`
    each query of a search carried a placeholder per id, and building, quoting and parsing
    those queries cost more than running them."""
    if connections[using].vendor == "postgresql":
        return Q(IdIsAny(ids, field))
    return Q(**{f"{field}__in": ids})


def split_term(text):
    """A CJK term as (its Chinese words, its other parts): "香港AI" -> (["香港"], ["AI"])."""
    words = segmenter.query_words(text)
    others = [part.strip() for part in _CJK_RUNS.split(fold_chinese(text)) if part.strip()]
    return words, others


def substring_document():
    """UPPER(title || ' ' || standfirst || ' ' || body): the text the non-CJK parts of CJK
    terms are looked for in on PostgreSQL. Migration 0004 indexes this very expression with
    pg_trgm: one index on the whole text, because the planner prices an OR of three trigram
    indexes above a sequential scan even where the indexes are a hundred times faster."""
    return Upper(Concat("title", Value(" "), "standfirst", Value(" "), "body", output_field=TextField()))


def substring_q(text):
    return Q(title__icontains=text) | Q(standfirst__icontains=text) | Q(body__icontains=text)


def substring_rank(text):
    return Case(
        When(title__icontains=text, then=Value(TITLE_WEIGHT)),
        When(standfirst__icontains=text, then=Value(STANDFIRST_WEIGHT)),
        When(body__icontains=text, then=Value(BODY_WEIGHT)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def full_text_query(terms, using):
    """The groups without CJK as one websearch string for PostgreSQL, or "" when it holds
    no word PostgreSQL indexes: a query of stopwords only ("the", "IT") would otherwise
    match nothing at all, and "IT 香港" would find nothing. One small query."""
    groups = [g for g in terms if not any(t.cjk for t in g)]
    text = " ".join(" or ".join(t.websearch() for t in group) for group in groups)
    if not text:
        return ""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [SEARCH_CONFIG, text])
        return text if cursor.fetchone()[0] else ""


@lru_cache(maxsize=4096)
def indexed_by_full_text(text, using):
    """Whether PostgreSQL's full-text search indexes a word of `text` ("AI" yes, "the" no).
    Kept per process: it depends on the text search configuration's stopwords only, and a
    search asks it once to match a term and once to estimate it."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT numnode(plainto_tsquery(%s::regconfig, %s))", [SEARCH_CONFIG, text])
        return bool(cursor.fetchone()[0])


def words_match(tsquery):
    """Articles whose Chinese words (index.py) match `tsquery` (GIN-indexed)."""
    return Q(
        pk__in=RawSQL(
            f"SELECT article_id FROM {FTS_TABLE} WHERE words @@ to_tsquery('{WORDS_CONFIG}', %s)",
            [tsquery],
        )
    )


def postgresql_term(text):
    """(condition, rank) of one CJK term on PostgreSQL: its words and the Latin words written
    against them ("港铁AI": 港铁, ai) in the words table (GIN-indexed, index.py); other parts
    (punctuated: "GPT-4") by substring, served by the trigram index."""
    words, others = split_term(text)
    latin = [other.lower() for other in others if _LATIN_WORD.fullmatch(other)]
    condition, rank = Q(), Value(0.0, output_field=FloatField())
    if words or latin:
        tsquery = " & ".join(f"'{word}'" for word in [*words, *latin])
        condition &= words_match(tsquery)
        rank = PostgreSQLWordsRank(tsquery)
    for other in others:
        if not _LATIN_WORD.fullmatch(other):
            condition &= Q(haystack__contains=other.upper())
    return condition, rank


def postgresql_mixed_other_term(text, using):
    """(condition, rank) of a term without CJK in a query that has Chinese too ("港鐵 AI"):
    a word of the stored document, or a Latin word written against Chinese in the words
    table (the document's parser reads "港鐵用AI" as one token). A word full-text search
    ignores ("the") is left out, as in full_text_query()."""
    if not indexed_by_full_text(text, using):
        return Q(), Value(0.0, output_field=FloatField())
    query = SearchQuery(text, search_type="plain", config=SEARCH_CONFIG)
    condition = Q(document=query)
    if _LATIN_WORD.fullmatch(text):
        condition |= words_match(f"'{text.lower()}'")
    return condition, SearchRank(F("document"), query)


def sqlite_term(text):
    """(condition, rank) of one CJK term on SQLite: all its words in the FTS5 table, its
    other parts by substring."""
    words, others = split_term(text)
    condition, ranks = Q(), []
    if words:
        match = " AND ".join(f'"{word}"' for word in words)
        condition &= Q(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match]))
        ranks += [WordsRank(word) for word in words]
    for other in others:
        condition &= substring_q(other)
        ranks.append(substring_rank(other))
    return condition, sum_of(ranks)


def sum_of(ranks):
    """The sum of rank expressions, flat: `a + b + c`. Added up one by one, Django nests
    each sum in parentheses, and SQLite's parser overflows on a long query's hundred levels
    ("香港" written a hundred times is a hundred words)."""
    if not ranks:
        return Value(0.0, output_field=FloatField())
    if len(ranks) == 1:
        return ranks[0]
    return Func(*ranks, template="(%(expressions)s)", arg_joiner=" + ", output_field=FloatField())


def postgresql_term_index_sql(term, using):
    """(sql, params) of the ids one term of a query with Chinese matches by an index, a
    superset of its matches (match_postgresql tests the rest): the words table's for its
    Chinese words and the Latin words written against them, the stored document's (and
    the words table's, for a Latin word) for a term without Chinese. None: no index bounds
    it (a substring, or a word full-text search ignores, which matches everything)."""
    if term.cjk:
        words, others = split_term(term.text)
        latin = [other.lower() for other in others if _LATIN_WORD.fullmatch(other)]
        if not words and not latin:
            return None
        tsquery = " & ".join(f"'{word}'" for word in [*words, *latin])
        return f"SELECT article_id FROM {FTS_TABLE} WHERE words @@ to_tsquery('{WORDS_CONFIG}', %s)", [
            tsquery
        ]
    if not indexed_by_full_text(term.text, using):
        return None
    sql = "SELECT id FROM articles_article WHERE search_document @@ plainto_tsquery(%s::regconfig, %s)"
    params = [SEARCH_CONFIG, term.text]
    if _LATIN_WORD.fullmatch(term.text):
        sql += (
            f" UNION ALL SELECT article_id FROM {FTS_TABLE} WHERE words @@ to_tsquery('{WORDS_CONFIG}', %s)"
        )
        params.append(f"'{term.text.lower()}'")
    return sql, params


def _estimate(sql, params, using):
    """The planner's estimate of the rows `sql` gives (one EXPLAIN, no execution)."""
    with connections[using].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Plan"]["Plan Rows"]


def postgresql_narrowest_group(groups, using="default"):
    """(estimated matches, (sql, params) of their ids) of the group of a query with
    Chinese that its indexes bound the most narrowly, by the planner's estimate of each
    index on its own (postgresql_term_index_sql): as subqueries of the article query the
    words table's matches are estimated blindly. Every group must match, so its ids hold
    every match of the query. None when no group is bounded."""
    best = None
    for group in groups:
        if group[0].negated:
            continue  # an exclusion only narrows
        parts = [postgresql_term_index_sql(term, using) for term in group]
        if any(part is None for part in parts):
            continue
        sql = " UNION ALL ".join(part_sql for part_sql, _params in parts)
        params = [param for _sql, part_params in parts for param in part_params]
        estimate = _estimate(sql, params, using)
        if best is None or estimate < best[0]:
            best = (estimate, (sql, params))
    return best


def postgresql_aliases(queryset):
    """The stored document and the substring haystack, as the conditions and ranks of
    match_postgresql() name them."""
    return queryset.alias(document=SearchDocument(), haystack=substring_document())


def match_postgresql(queryset, terms, full_text, using="default"):
    """PostgreSQL: a query without CJK by full-text search (`full_text`, from
    full_text_query()); a query with CJK term by term (postgresql_term,
    postgresql_mixed_other_term). Returns (queryset, rank)."""
    cjk_groups = [g for g in terms if any(t.cjk for t in g)]
    queryset = postgresql_aliases(queryset)
    if cjk_groups:
        # Every group term by term: CJK terms by word, the others by word of the document
        # or of the words table (postgresql_mixed_other_term).
        return match_groups(
            queryset,
            terms,
            cjk_term=postgresql_term,
            other_term=lambda text: postgresql_mixed_other_term(text, using),
        )
    if not full_text:
        return queryset, None
    query = SearchQuery(full_text, search_type="websearch", config=SEARCH_CONFIG)
    return queryset.filter(document=query), SearchRank(F("document"), query)


def match_sqlite(queryset, terms):
    """SQLite: every group, CJK terms by word, the others by substring. Returns (queryset, rank)."""
    return match_groups(
        queryset,
        terms,
        cjk_term=sqlite_term,
        other_term=lambda text: (substring_q(text), substring_rank(text)),
    )


def match_groups(queryset, groups, cjk_term, other_term):
    """Every group (AND), each of its terms an alternative (OR); a negated group excludes.
    `cjk_term` and `other_term` give a term's (condition, rank). Returns (queryset, rank)."""
    ranks = []
    for group in groups:
        condition = Q()
        for term in group:
            term_condition, term_rank = (cjk_term if term.cjk else other_term)(term.text)
            condition |= term_condition
            if not term.negated:
                ranks.append(term_rank)
        queryset = queryset.exclude(condition) if group[0].negated else queryset.filter(condition)
    return queryset, sum_of(ranks)


def match_substrings(queryset, groups, matches=substring_q):
    """Every group by substring, ranked by where each term matched. Returns (queryset, rank)."""
    return match_groups(
        queryset,
        groups,
        cjk_term=lambda text: (matches(text), substring_rank(text)),
        other_term=lambda text: (matches(text), substring_rank(text)),
    )
