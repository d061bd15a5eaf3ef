"""
Search published articles by topics, organisations, section and words.

`ArticleSearch.from_query_dict(request.GET)` reads and cleans the parameters
(`q`, `topic`, `org`, `section`; repeatable, unknown and hostile values tolerated);
`.results()`, `.facets()` and `.active_filters()` give what the page shows.

Semantics
- Every chosen topic, organisation and section must hold (AND), each article listed once.
  Tag parameters are slugs ("香港ai"); a tag's name, any case, is accepted too, in English
  or in Chinese (`?topic=金融科技` finds the topic fintech whose Chinese name that is).
- Articles in both languages are searched. Where an article and its translation both
  match, the one in the page's language is listed (ArticleQuerySet.for_language); where
  only one matches, that one is, whatever its language.
- Words (`q`) follow web-search syntax on both databases: all words must match,
  `"a phrase"`, `-excluded`, `a or b`.
  PostgreSQL: full-text search (weighted title A / standfirst B / body C, `websearch`
  query, ranked) on a stored, GIN-indexed document (migration 0006). Its parsers do not
  segment Chinese (a run of CJK characters is one token), so terms containing CJK match
  by substring instead, kept indexed by a pg_trgm GIN index (migration 0004; see its
  notes for the limits).
  SQLite: every term matches by substring in title, standfirst or body; ranked by where the
  terms matched (title above standfirst above body), then newest.
  Words PostgreSQL does not index (stopwords: "the", "it") are left out rather than
  matching nothing.
- A search with words ranks the newest MAX_RANKED matches (both databases): a word
  that nearly every article holds ("AI") would otherwise rank the whole archive (seconds
  at 100,000 articles). Results, their count and the facets are those matches; the page
  says so when the limit is reached.
- Everything starts from `Article.objects.published()`: drafts and scheduled articles never
  appear in results or facet counts.

Bulk inserts need nothing: a trigger fills the stored document on every insert and on every
change of title, standfirst or body (migration 0006), and the trigram index is an expression
index, so rows from `bulk_create`, fixtures or raw SQL are searchable at once.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    Expression,
    F,
    FloatField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat, Upper
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext, gettext_lazy as _

from .models import (
    Article,
    ArticleOrganisation,
    ArticleTopic,
    Organisation,
    Section,
    Topic,
    unicode_slugify,
)

MAX_QUERY_LENGTH = 200
# Slugs and names are at most 100 characters; longer values cannot match anything.
MAX_VALUE_LENGTH = 100
# More filters than this of one kind is not a reader's search: ignore the rest.
MAX_VALUES_PER_FILTER = 10
FACET_SIZE = 15
# The text search configuration of the query AND of the stored document (migration 0006's
# trigger): they must be the same or words would not be stemmed alike.
SEARCH_CONFIG = "english"
# A search with words ranks at most this many matches, the newest (see the docstring).
MAX_RANKED = 1000

# Rank contributions of a substring match, mirroring ts_rank's default weights A/B/C.
TITLE_WEIGHT, STANDFIRST_WEIGHT, BODY_WEIGHT = 1.0, 0.4, 0.2

_CJK = re.compile(
    "[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
# Web-search syntax: an optional "-" then a "quoted phrase" (closing quote optional) or a word.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WHITESPACE = re.compile(r"\s+")
# Punctuation that only separates words ("香港，金融", "AI, fintech"); what stays has a meaning
# in a term (don't, A.I., GPT-4, "phrases", -excluded, C#, R&D).
_KEPT_PUNCTUATION = set("\"'-._#&@/%*")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


def contains_cjk(text):
    return bool(_CJK.search(text))


class SearchDocument(Expression):
    """The article's stored, weighted full-text document: the `search_document` column that
    migration 0006 adds on PostgreSQL (not a model field: see the migration). Compiled
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
    return Upper(
        Concat("title", Value(" "), "standfirst", Value(" "), "body", output_field=TextField())
    )


def _clean_text(value, max_length):
    """Drop control and format characters (PostgreSQL rejects NUL in strings), unify
    full-width forms (NFKC: "ＡＩ" -> "AI", ideographic space -> space), trim."""
    value = value[: max_length * 4]
    value = unicodedata.normalize("NFKC", value)
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch in "\t\n")
    return _WHITESPACE.sub(" ", value).strip()[:max_length].strip()


def clean_query(value):
    value = _clean_text(value, MAX_QUERY_LENGTH * 2).translate(_QUOTES)
    value = "".join(
        " " if unicodedata.category(ch)[0] == "P" and ch not in _KEPT_PUNCTUATION else ch
        for ch in value
    )
    return _WHITESPACE.sub(" ", value).strip()[:MAX_QUERY_LENGTH].strip()


def _strip_punctuation(text):
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start])[0] == "P":
        start += 1
    while end > start and unicodedata.category(text[end - 1])[0] == "P":
        end -= 1
    return text[start:end]


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool = False
    phrase: bool = False

    @property
    def cjk(self):
        return contains_cjk(self.text)

    def websearch(self):
        text = f'"{self.text}"' if self.phrase else self.text
        return f"-{text}" if self.negated else text


def parse_terms(query):
    """The query as groups of alternatives: [[a], [b, c]] means a AND (b OR c).
    A negated term is always a group of its own."""
    groups, join_next = [], False
    for match in _TOKEN.finditer(query):
        minus, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                join_next = bool(groups) and not groups[-1][0].negated
                continue
            negated = word.startswith("-") and len(word) > 1
            term = Term(_strip_punctuation(word.replace('"', "")), negated=negated)
        else:
            term = Term(_WHITESPACE.sub(" ", phrase).strip(), negated=bool(minus), phrase=True)
        if not term.text:
            continue
        if join_next and not term.negated:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return groups


def _substring_q(text):
    return Q(title__icontains=text) | Q(standfirst__icontains=text) | Q(body__icontains=text)


def _substring_rank(text):
    return Case(
        When(title__icontains=text, then=Value(TITLE_WEIGHT)),
        When(standfirst__icontains=text, then=Value(STANDFIRST_WEIGHT)),
        When(body__icontains=text, then=Value(BODY_WEIGHT)),
        default=Value(0.0),
        output_field=FloatField(),
    )


@dataclass(frozen=True)
class FilterKind:
    param: str
    label: str
    plural_label: str
    model: type
    # The tag's through-model (None for the section, a plain foreign key).
    through: type = None

    def condition(self, obj):
        if self.through is None:
            return Q(section=obj)
        return Exists(self.through.objects.filter(content_object=OuterRef("pk"), tag=obj))


TOPIC = FilterKind("topic", _("Topic"), _("Topics"), Topic, ArticleTopic)
ORGANISATION = FilterKind(
    "org", _("Organisation"), _("Organisations"), Organisation, ArticleOrganisation
)
SECTION = FilterKind("section", _("Section"), _("Sections"), Section)
FILTER_KINDS = (TOPIC, ORGANISATION, SECTION)


@dataclass
class ActiveFilter:
    kind: FilterKind
    value: str
    obj: object = None  # None: nothing has that slug or name
    remove_url: str = ""

    @property
    def label(self):
        return self.obj.localized_name if self.obj is not None else self.value

    @property
    def known(self):
        return self.obj is not None


@dataclass
class FacetItem:
    slug: str
    name: str
    num_articles: int
    add_url: str


@dataclass
class Facet:
    kind: FilterKind
    items: list


@dataclass
class ArticleSearch:
    q: str = ""
    # {"topic": ["fintech", "香港ai"], "org": [...], "section": [...]}: cleaned, deduplicated.
    values: dict = field(default_factory=dict)
    # The page's language: of a story whose two versions match, the one listed. None lists both.
    language: str = None

    @classmethod
    def from_query_dict(cls, query_dict, language=None):
        q = " ".join(query_dict.getlist("q"))
        values = {}
        for kind in FILTER_KINDS:
            cleaned = []
            for raw in query_dict.getlist(kind.param):
                value = _clean_text(raw, MAX_VALUE_LENGTH)
                if value and value not in cleaned:
                    cleaned.append(value)
            values[kind.param] = cleaned[:MAX_VALUES_PER_FILTER]
        return cls(q=clean_query(q), values=values, language=language)

    # --- what was asked --------------------------------------------------------------------

    @cached_property
    def terms(self):
        return parse_terms(self.q)

    @cached_property
    def filters(self):
        """The tag and section filters, each resolved to its object (one query per kind used)."""
        filters = []
        for kind in FILTER_KINDS:
            requested = self.values.get(kind.param, [])
            if not requested:
                continue
            found = self._resolve(kind, requested)
            for value in requested:
                filters.append(ActiveFilter(kind, value, found.get(value)))
        for active in filters:
            active.remove_url = self.url(without=(active.kind.param, active.value))
        return filters

    @staticmethod
    def _resolve(kind, requested):
        """{requested value: object}, matching the slug, then the name ignoring case, then the
        Chinese name, then the slug the value would get ("Smart City" -> "smart-city")."""
        slugified = {value: unicode_slugify(value) for value in requested}
        candidates = Q(slug__in=[*requested, *slugified.values()])
        for value in requested:
            candidates |= Q(name__iexact=value) | Q(name_zh_hant__iexact=value)
        objects = list(kind.model.objects.filter(candidates))
        found = {}
        for value in requested:
            found[value] = (
                next((o for o in objects if o.slug == value), None)
                or next((o for o in objects if o.name.lower() == value.lower()), None)
                or next((o for o in objects if o.name_zh_hant.lower() == value.lower()), None)
                or next((o for o in objects if o.slug == slugified[value]), None)
            )
        return found

    @property
    def is_empty(self):
        return not self.q and not any(self.values.values())

    @property
    def has_unknown_filter(self):
        return any(not f.known for f in self.filters)

    def active_filters(self):
        """Every topic, organisation and section asked for (known or not), each with a link to
        the same search without it. The words' removal link is `remove_query_url`."""
        return self.filters

    @property
    def remove_query_url(self):
        return self.url(without=("q", self.q))

    def summary(self):
        """A short human description, for the page title."""
        parts = [gettext("“%(words)s”") % {"words": self.q}] if self.q else []
        parts += [
            gettext("%(kind)s: %(name)s") % {"kind": f.kind.label, "name": f.label}
            for f in self.filters
        ]
        return gettext(", ").join(parts)

    # --- URLs --------------------------------------------------------------------------------

    def params(self, without=None, extra=None):
        """The canonical query parameters, optionally without one (param, value) or with one more."""
        pairs = [("q", self.q)] if self.q else []
        for kind in FILTER_KINDS:
            pairs += [(kind.param, value) for value in self.values.get(kind.param, [])]
        if without is not None:
            pairs = [pair for pair in pairs if pair != without]
        if extra is not None and extra not in pairs:
            pairs.append(extra)
        return pairs

    def url(self, without=None, extra=None, page=None):
        pairs = self.params(without=without, extra=extra)
        if page is not None and page != 1:
            pairs.append(("page", page))
        query = urlencode(pairs)
        return reverse("articles:search") + (f"?{query}" if query else "")

    # --- results ---------------------------------------------------------------------------

    @property
    def _vendor(self):
        return connections[Article.objects.db].vendor

    def _matching(self):
        """Published articles matching every criterion, unordered, without rank: the result
        set the facets count over. Returns (queryset, rank expression or None)."""
        queryset = Article.objects.published()
        if self.has_unknown_filter:
            return queryset.none(), None
        for active in self.filters:
            queryset = queryset.filter(active.kind.condition(active.obj))
        if not self.terms:
            return self._one_per_story(queryset), None
        if self._vendor == "postgresql":
            queryset, rank = self._match_postgresql(queryset)
        else:
            queryset, rank = self._match_substrings(queryset, self.terms)
        if rank is None:  # only words PostgreSQL ignores ("the"): nothing to rank
            return self._one_per_story(queryset), None
        # Rank the newest MAX_RANKED matches only: an index-only walk down the publication
        # order (or the search index's matches, top-N sorted), never every match.
        newest = queryset.order_by("-published_at", "-id").values("pk")[:MAX_RANKED]
        return self._one_per_story(queryset.filter(pk__in=newest)), rank

    def _one_per_story(self, queryset):
        # After every criterion: a story is listed in the other language when only that
        # version matches.
        if self.language is None:
            return queryset
        return queryset.for_language(self.language)

    @property
    def ranked_limit(self):
        """The most results this search can have, or None when it has no limit."""
        return MAX_RANKED if self._matching()[1] is not None else None

    @cached_property
    def _full_text_query(self):
        """The groups without CJK as one websearch string for PostgreSQL, or "" when it holds
        no word PostgreSQL indexes: a query of stopwords only ("the", "IT") would otherwise
        match nothing at all, and "IT 香港" would find nothing. One small query, cached."""
        groups = [g for g in self.terms if not any(t.cjk for t in g)]
        text = " ".join(" or ".join(t.websearch() for t in group) for group in groups)
        if not text:
            return ""
        with connections[Article.objects.db].cursor() as cursor:
            cursor.execute(
                "SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [SEARCH_CONFIG, text]
            )
            return text if cursor.fetchone()[0] else ""

    def _match_postgresql(self, queryset):
        # Groups containing CJK go to substring matching; the rest to full-text search.
        cjk_groups = [g for g in self.terms if any(t.cjk for t in g)]
        rank = None
        if self._full_text_query:
            query = SearchQuery(self._full_text_query, search_type="websearch", config=SEARCH_CONFIG)
            queryset = queryset.alias(document=SearchDocument()).filter(document=query)
            rank = SearchRank(F("document"), query)
        if cjk_groups:
            # Compared as `haystack LIKE '%TERM%'`, the form the trigram index serves.
            queryset = queryset.alias(haystack=substring_document())
            queryset, cjk_rank = self._match_substrings(
                queryset, cjk_groups, lambda text: Q(haystack__contains=text.upper())
            )
            rank = cjk_rank if rank is None else rank + cjk_rank
        return queryset, rank

    @staticmethod
    def _match_substrings(queryset, groups, matches=_substring_q):
        rank = Value(0.0, output_field=FloatField())
        for group in groups:
            if group[0].negated:
                queryset = queryset.exclude(matches(group[0].text))
                continue
            condition = Q()
            for term in group:
                condition |= matches(term.text)
                rank = rank + _substring_rank(term.text)
            queryset = queryset.filter(condition)
        return queryset, rank

    def results(self):
        """Matching published articles, best first (newest first without words), ready
        for a listing page."""
        queryset, rank = self._matching()
        if rank is not None:
            queryset = queryset.annotate(rank=rank).order_by("-rank", "-published_at", "-id")
        else:
            queryset = queryset.order_by("-published_at", "-id")
        return queryset.for_listing()

    # --- facets ----------------------------------------------------------------------------

    def facets(self, size=FACET_SIZE):
        """Topics, organisations and sections among the results with their counts, most used
        first, without those already chosen: one aggregate query each."""
        matching, _ = self._matching()
        article_ids = matching.values("pk")
        active_ids = {kind.param: set() for kind in FILTER_KINDS}
        for active in self.filters:
            if active.known:
                active_ids[active.kind.param].add(active.obj.pk)
        facets = []
        for kind in (TOPIC, ORGANISATION):
            # One row per (tag, article) in the through-table: counting rows never counts
            # an article twice for one tag.
            rows = (
                kind.through.objects.filter(content_object__in=article_ids)
                .exclude(tag__in=active_ids[kind.param])
                .values("tag__slug", "tag__name", "tag__name_zh_hant")
                .annotate(num_articles=Count("pk"))
                .order_by("-num_articles", "tag__name")[:size]
            )
            facets.append(self._facet(kind, rows, "tag__"))
        if not active_ids[SECTION.param]:
            rows = (
                matching.values("section__slug", "section__name", "section__name_zh_hant")
                .annotate(num_articles=Count("pk"))
                .order_by("-num_articles", "section__name")[:size]
            )
            facets.append(self._facet(SECTION, rows, "section__"))
        return [facet for facet in facets if facet.items]

    def _facet(self, kind, rows, prefix):
        chinese = get_language() == "zh-hant"
        items = [
            FacetItem(
                slug=row[f"{prefix}slug"],
                # The Chinese name on Chinese pages where there is one (LocalizedNameMixin).
                name=(chinese and row[f"{prefix}name_zh_hant"]) or row[f"{prefix}name"],
                num_articles=row["num_articles"],
                add_url=self.url(extra=(kind.param, row[f"{prefix}slug"])),
            )
            for row in rows
        ]
        return Facet(kind, items)
