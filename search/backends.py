"""Matching words against articles, per database: PostgreSQL's full-text search on the
stored document plus substring matching of Chinese terms (served by the trigram index), and
substring matching with a where-it-matched rank on SQLite (see the package docstring)."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import Case, Expression, F, FloatField, Q, TextField, Value, When
from django.db.models.functions import Concat, Upper

# The text search configuration of the query AND of the stored document (migration 0007's
# trigger): they must be the same or words would not be stemmed alike.
SEARCH_CONFIG = "english"

# Rank contributions of a substring match, mirroring ts_rank's default weights A/B/C.
TITLE_WEIGHT, STANDFIRST_WEIGHT, BODY_WEIGHT = 1.0, 0.4, 0.2


class SearchDocument(Expression):
    """The article's stored, weighted full-text document: the `search_document` column that
    migration 0007 adds on PostgreSQL (not a model field: see the migration). Compiled
    against the query's own base table alias, so it stays right inside subqueries."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_document", []


def substring_document():
    """UPPER(title || ' ' || standfirst || ' ' || body): the text Chinese terms are looked for
    in on PostgreSQL. Migration 0004 indexes this very expression with pg_trgm: one index on
    the whole text, because the planner prices an OR of three trigram indexes above a
    sequential scan even where the indexes are a hundred times faster."""
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


def match_postgresql(queryset, terms, full_text):
    """PostgreSQL: groups without CJK by full-text search (`full_text`, from
    full_text_query()), groups containing CJK by substring. Returns (queryset, rank)."""
    cjk_groups = [g for g in terms if any(t.cjk for t in g)]
    rank = None
    if full_text:
        query = SearchQuery(full_text, search_type="websearch", config=SEARCH_CONFIG)
        queryset = queryset.alias(document=SearchDocument()).filter(document=query)
        rank = SearchRank(F("document"), query)
    if cjk_groups:
        # Compared as `haystack LIKE '%TERM%'`, the form the trigram index serves.
        queryset = queryset.alias(haystack=substring_document())
        queryset, cjk_rank = match_substrings(
            queryset, cjk_groups, lambda text: Q(haystack__contains=text.upper())
        )
        rank = cjk_rank if rank is None else rank + cjk_rank
    return queryset, rank


def match_substrings(queryset, groups, matches=substring_q):
    """Every group by substring (SQLite, and CJK on PostgreSQL), ranked by where each term
    matched. Returns (queryset, rank)."""
    rank = Value(0.0, output_field=FloatField())
    for group in groups:
        if group[0].negated:
            queryset = queryset.exclude(matches(group[0].text))
            continue
        condition = Q()
        for term in group:
            condition |= matches(term.text)
            rank = rank + substring_rank(term.text)
        queryset = queryset.filter(condition)
    return queryset, rank
