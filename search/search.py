"""ArticleSearch: what a search asked for (words, topics, organisations, sections), its
results, their facets and the URLs that add or remove a filter. The semantics are in the
package docstring."""

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connections
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from articles import surrogates
from articles.models import Article, ArticleOrganisation, ArticleTopic, Author, Organisation, Section, Topic
from core.languages import localized
from core.text import fold_chinese, unicode_slugify
from pagecache.fragments import generation_cached

from .backends import (
    SortableTime,
    full_text_query,
    ids_q,
    match_postgresql,
    match_sqlite,
    postgresql_aliases,
    postgresql_narrowest_group,
)
from .query import CJK_CHARACTERS, MAX_VALUE_LENGTH, clean_query, clean_text, contains_cjk, parse_terms
from .spelling import nearest_name

# More filters than this of one kind is not a reader's search: ignore the rest.
MAX_VALUES_PER_FILTER = 10
FACET_SIZE = 15
# A search with words ranks at most this many matches, the newest (see the docstring).
MAX_RANKED = 1000
# Estimated matches from which PostgreSQL walks the publication order rather than taking
# every match from the index (ArticleSearch._ranked_candidates).
DENSE_MATCHES = 10_000
# "Did you mean" looks at most this many words of a query.
MAX_SPELLING_WORDS = 5


# What a result (reader/cards.py, as search/search.html calls it) shows of an article beyond its row
# and its section and hero: bylines, topics (as a list, `listed_topics`: as a tag manager,
# each of a page's articles built a queryset of its own after the prefetch), the hero's
# renditions. Not the organisations other listings prefetch, which a result does not show.
RESULT_PREFETCH = ("authors", Prefetch("topics", to_attr="listed_topics"), "hero__renditions")

# Best match first: the rank (backends), then the newest.
RANKED_ORDER = ("-rank", "-published_at", "-id")


class RankedResults(Sequence):
    """A search's results as a listing pages through them: `ids` best first, and each page's
    rows from `queryset` (the results, prefetching what a listing shows) by id."""

    def __init__(self, ids, queryset):
        self.ids, self.queryset = ids, queryset

    def __len__(self):
        return len(self.ids)

    def count(self):
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self.ids[index]
        if not ids:
            return []
        rows = {row.pk: row for row in self.queryset.filter(ids_q(ids, self.queryset.db))}
        return [rows[pk] for pk in ids if pk in rows]


def estimated_rows(queryset):
    """The planner's estimate of how many rows `queryset` gives (PostgreSQL)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Plan"]["Plan Rows"]


@dataclass(frozen=True)
class FilterKind:
    param: str
    label: str
    plural_label: str
    model: type
    # The tag's through-model (None for the section, a plain foreign key).
    through: type = None
    # The through-model's fields naming the article and the object.
    through_fields: tuple = ("content_object", "tag")

    def condition(self, obj):
        if self.through is None:
            return Q(section=obj)
        article, other = self.through_fields
        return Exists(self.through.objects.filter(**{article: OuterRef("pk"), other: obj}))

    def public(self):
        """The objects readers may see: tags and authors of published articles, sections."""
        return self.model.objects.public()

    def __reduce__(self):
        # Pickled as its name (the facets kept in the cache hold their kinds): its labels are
        # lazy translations, and Django unpickles each into a new class of lazy proxy.
        return (filter_kind, (self.param,))


def filter_kind(param):
    """The FilterKind of a query parameter ("topic", "org", "section", "author")."""
    return next(kind for kind in FILTER_KINDS if kind.param == param)


TOPIC = FilterKind("topic", _("Topic"), _("Topics"), Topic, ArticleTopic)
ORGANISATION = FilterKind("org", _("Organisation"), _("Organisations"), Organisation, ArticleOrganisation)
SECTION = FilterKind("section", _("Section"), _("Sections"), Section)
# Authors are filtered by (a byline's articles), neither faceted nor spelt.
AUTHOR = FilterKind(
    "author", _("Author"), _("Authors"), Author, Article.authors.through, through_fields=("article", "author")
)
NAMED_KINDS = (TOPIC, ORGANISATION, SECTION)
FILTER_KINDS = (*NAMED_KINDS, AUTHOR)


@dataclass
class ActiveFilter:
    kind: FilterKind
    value: str
    obj: object = None  # None: nothing has that slug or name
    remove_url: str = ""

    @property
    def label(self):
        if self.obj is None:
            return self.value
        return getattr(self.obj, "localized_name", self.obj.name)

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
    # The rows of the matches ranked (_ranked_candidates), once found; the matching queryset.
    _candidates: list = field(default=None, repr=False, compare=False)
    _matched: tuple = field(default=None, repr=False, compare=False)
    # The ids of the ranked matches, each story once (_match_ids); None without words.
    _ids: list = field(default=None, repr=False, compare=False)
    # How many of those ids each section holds ({section id: count}), for its facet.
    _section_counts: Counter = field(default=None, repr=False, compare=False)

    @classmethod
    def from_query_dict(cls, query_dict, language=None):
        q = " ".join(query_dict.getlist("q"))
        values = {}
        for kind in FILTER_KINDS:
            cleaned = []
            for raw in query_dict.getlist(kind.param):
                value = clean_text(raw, MAX_VALUE_LENGTH)
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
        Chinese name, then the slug the value would get ("Smart City" -> "smart-city"), then
        (for Chinese) any of them in the other script.
        Only public ones: a tag that only drafts or scheduled articles carry is unknown.
        Looked up once per content generation for every app server: each page of an API list
        filtered by a topic resolves it again, and the lookups (a published-articles probe
        per tag) were most of such a request's work. Whatever changes which tags are public
        or their names bumps SEARCH (articles/surrogates.py)."""
        digest = hashlib.sha256(json.dumps(requested).encode()).hexdigest()[:32]
        return generation_cached(
            f"search:resolve:{kind.param}:{digest}",
            lambda: ArticleSearch._lookup(kind, requested),
            keys=(surrogates.SEARCH,),
        )

    @staticmethod
    def _lookup(kind, requested):
        slugified = {value: unicode_slugify(value) for value in requested}
        has_chinese_name = kind in NAMED_KINDS
        objects = list(ArticleSearch._named(kind.public(), kind, slugified))
        found = {}
        for value in requested:
            found[value] = (
                next((o for o in objects if o.slug == value), None)
                or next((o for o in objects if o.name.lower() == value.lower()), None)
                or next((o for o in objects if getattr(o, "name_zh_hant", "").lower() == value.lower()), None)
                or next((o for o in objects if o.slug == slugified[value]), None)
            )
        unresolved = [
            value for value in requested if found[value] is None and contains_cjk(value) and has_chinese_name
        ]
        if unresolved:
            # Chinese in the other script ("数码港" for 數碼港): compared folded (core.text),
            # over the public tags with Chinese in a name or slug. One more query, only then.
            folded = {fold_chinese(value).casefold(): value for value in unresolved}
            for obj in kind.public().filter(Q(name__regex=CJK_CHARACTERS) | ~Q(name_zh_hant="")):
                for name in (obj.slug, obj.name, obj.name_zh_hant):
                    value = folded.get(fold_chinese(name).casefold())
                    if value is not None and found[value] is None:
                        found[value] = obj
        return found

    @staticmethod
    def _named(objects, kind, slugified):
        """`objects` (of `kind`) whose slug is a requested value or its slug, or whose name or
        Chinese name is one ignoring case; `slugified` is {requested value: its slug}, as
        _lookup matches them afterwards. Names compared lowercased on both sides, as the
        tags' uniqueness compares them, so that the tags' indexes on LOWER(name) and
        LOWER(name_zh_hant) find them (iexact's UPPER() on PostgreSQL read every tag)."""
        names = {"lowercase_name": Lower("name")}
        if kind in NAMED_KINDS:
            names["lowercase_chinese_name"] = Lower("name_zh_hant")
        candidates = Q(slug__in=[*slugified, *slugified.values()])
        for value in slugified:
            for alias in names:
                candidates |= Q(**{alias: Lower(Value(value))})
        return objects.alias(**names).filter(candidates)

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
            gettext("%(kind)s: %(name)s") % {"kind": f.kind.label, "name": f.label} for f in self.filters
        ]
        return gettext(", ").join(parts)

    # --- did you mean -----------------------------------------------------------------------

    def did_you_mean(self):
        """The same search with misspelt words and unknown tags replaced by the nearest public
        names (spelling.py), as {"q": ..., "values": ..., "label": ..., "url": ...}, or None when
        nothing is near. For a search that found nothing: a few queries per word, and only
        a probe for a word some published article holds (_published_words_hold)."""
        changed = False
        words = []
        for word in self.q.split()[:MAX_SPELLING_WORDS]:
            replacement = None
            if (
                len(word) >= 3
                and not contains_cjk(word)
                and not word.startswith(("-", '"'))
                and word.lower() != "or"
                and not self._published_words_hold(word)
            ):
                for kind in NAMED_KINDS:
                    found = nearest_name(kind.model, word)
                    if found is not None:
                        replacement = found[1]
                        break
            if replacement is not None:
                changed = True
                words.append(f'"{replacement}"' if " " in replacement else replacement)
            else:
                words.append(word)
        values = {param: list(requested) for param, requested in self.values.items()}
        labels = []
        for active in self.filters:
            if active.known or active.kind not in NAMED_KINDS:
                continue
            found = nearest_name(active.kind.model, active.value)
            if found is not None:
                changed = True
                values[active.kind.param] = [
                    found[0].slug if v == active.value else v for v in values[active.kind.param]
                ]
                labels.append(found[0].localized_name)
        if not changed:
            return None
        corrected = ArticleSearch(q=" ".join(words), values=values, language=self.language)
        label = " · ".join(filter(None, [corrected.q, *labels]))
        return {"q": corrected.q, "values": values, "label": label, "url": corrected.url()}

    @staticmethod
    def _published_words_hold(word):
        """Whether a published article matches `word` on its own: then it is a word of the
        archive, not a misspelling, and needs no nearest name (one probe of the search
        index, where the names' similarity is computed over every tag, per kind)."""
        terms = parse_terms(word)
        published, using = Article.objects.published(), Article.objects.db
        if connections[using].vendor != "postgresql":
            matching, rank = match_sqlite(published, terms)
            return rank is not None and matching.exists()
        matching, rank = match_postgresql(published, terms, full_text_query(terms, using=using), using)
        if rank is None:
            return False
        if estimated_rows(matching) >= DENSE_MATCHES:
            return matching.exists()  # a walk down the publication order meets one at once
        # A rare word or none: as a bare EXISTS the planner walks the publication order
        # hoping to meet a match soon, through the whole archive when there is none. The
        # index's matches, materialized, cannot be walked.
        sql, params = matching.order_by().values_list("pk").query.sql_with_params()
        with connections[using].cursor() as cursor:
            cursor.execute(f"WITH matches AS MATERIALIZED ({sql}) SELECT 1 FROM matches LIMIT 1", params)
            return cursor.fetchone() is not None

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

    @cached_property
    def digest(self):
        """The search as its canonical parameters, hashed: what a value kept for this search
        (its ids, count, facets) is named by, whatever order or repeats its URL had."""
        return hashlib.sha256(urlencode(self.params()).encode()).hexdigest()

    def url(self, without=None, extra=None, page=None):
        pairs = self.params(without=without, extra=extra)
        if page is not None and page != 1:
            pairs.append(("page", page))
        query = urlencode(pairs)
        return self._page_url + (f"?{query}" if query else "")

    @cached_property
    def _page_url(self):
        # Once per search: a page links the same search with each facet and filter added or
        # removed, dozens of URLs.
        return reverse("search:search")

    # --- results ---------------------------------------------------------------------------

    @property
    def _vendor(self):
        return connections[Article.objects.db].vendor

    def _matching(self):
        """Published articles matching every criterion, unordered, without rank: the result
        set the facets count over. Returns (queryset, rank expression or None), built once
        per search (results, count and facets share it)."""
        if self._matched is None:
            self._matched = self._match()
        return self._matched

    def _match(self):
        queryset = Article.objects.published()
        if self.has_unknown_filter:
            return queryset.none(), None
        for active in self.filters:
            queryset = queryset.filter(active.kind.condition(active.obj))
        if not self.terms:
            if self.filters and self._vendor == "postgresql" and estimated_rows(queryset) < DENSE_MATCHES:
                self._filter_ids(queryset)
                return Article.objects.published().filter(ids_q(self._ids, Article.objects.db)), None
            return self._one_per_story(queryset), None
        if self._vendor == "postgresql":
            # With Chinese, every term is matched on its own: no full-text query to build.
            full_text = "" if self._has_cjk else self._full_text_query
            queryset, rank = match_postgresql(queryset, self.terms, full_text, Article.objects.db)
        else:
            queryset, rank = match_sqlite(queryset, self.terms)
        if rank is None:  # only words PostgreSQL ignores ("the"): nothing to rank
            return self._one_per_story(queryset), None
        matches = Article.objects.published().filter(
            ids_q(self._match_ids(queryset, rank), Article.objects.db)
        )
        if self._vendor == "postgresql":
            matches = postgresql_aliases(matches)
        return matches, rank

    def _match_ids(self, matching, rank):
        """The ranked matches' ids, each story once, best first: the newest MAX_RANKED
        matches, each with its rank and what the language rule reads, fetched once
        (_ranked_candidates), then the rule applied and the rows sorted here (the same
        newest matches, kept or dropped by _one_story_each). After it, the results, their
        count and the facets read plain ids, and a page of results is its rows by id
        (RankedResults)."""
        if self._ids is None:
            candidates = self._ranked_candidates(matching, rank)
            kept = self._one_story_each(candidates)
            kept.sort(key=lambda row: (row[1], row[2], row[0]), reverse=True)  # RANKED_ORDER
            self._ids = [row[0] for row in kept]
            self._section_counts = Counter(row[5] for row in kept)
        return self._ids

    def _filter_ids(self, matching):
        """For a search without words whose filters the planner expects to keep fewer than
        DENSE_MATCHES articles (PostgreSQL): its matches' ids, newest first, each story once
        (_one_story_each over every match), found in one query; then counted, faceted
        (_ranked_facet_rows) and paged by id as a search with words is. Otherwise the
        count and each facet ran the filters' EXISTS probes and the language rule over the
        archive again (the two biggest topics together: 6,211 articles, four times)."""

        def compute():
            newest = matching.order_by("-published_at", "-id").values_list(
                "pk", "language", "translation_id", "section_id"
            )
            # Thousands of rows of plain values, fetched at once: the queryset's iteration
            # (in chunks, through the converters, none of which these columns have) cost
            # more than the query.
            sql, params = newest.query.sql_with_params()
            with connections[newest.db].cursor() as cursor:
                cursor.execute(sql, params)
                kept = self._one_story_each(cursor.fetchall(), language_at=1)
            return [row[0] for row in kept], dict(Counter(row[3] for row in kept))

        # Kept per content generation, as the count, the page and the facets that read them
        # are: a later request of the same search reads the ids instead of finding them again.
        self._ids, section_counts = generation_cached(
            f"search:filter-ids:{self.digest}:{self.language}", compute, keys=(surrogates.SEARCH,)
        )
        self._section_counts = Counter(section_counts)

    def _one_story_each(self, candidates, language_at=3):
        """ArticleQuerySet.for_language over the candidates' rows, in Python: without an
        article in another language whose translation is among them too. A row is the
        article's id first, its language at `language_at` and its translation's id next
        (_ranked_candidates' rows by default). The candidates are at hand already; in SQL
        the rule was a second query over the same rows (TestOneStoryEach holds the two to
        the same answer)."""
        if self.language is None:
            return list(candidates)
        ids = {row[0] for row in candidates}
        translation_at = language_at + 1
        return [
            row for row in candidates if row[language_at] == self.language or row[translation_at] not in ids
        ]

    def _ranked_candidates(self, matching, rank):
        """The newest MAX_RANKED matches as (id, rank, publication time as SortableTime,
        language, translation_id, section_id) rows: found once per search and ranked in
        the same query, then sorted, counted and faceted as a list of ids. As a subquery instead,
        each of those queries matched the whole archive again (seconds at 100,000 articles).

        PostgreSQL finds them one of two ways, by the planner's estimate of the matches
        (an EXPLAIN, a millisecond): a word most articles hold ("privacy") walks the
        publication order and stops at MAX_RANKED matches, ranking each as it reads its
        stored document; a rarer one ("fintech regulation") takes every match's id and
        date from the GIN index, and only the newest MAX_RANKED of those are read again to
        be ranked, in the same query. The walk reads each article's stored document to
        test it, so for a rare word it would read tens of thousands (bench/RESULTS.md,
        "Search"). With Chinese, the words table's matches are a subquery the planner
        estimates blindly: the estimate is the narrowest group's, on its own indexes
        (backends.postgresql_narrowest_group), and a rare one's ids, taken from those
        indexes, are the articles the whole query is tested on."""
        if self._candidates is None:
            newest = matching.order_by("-published_at", "-id")
            sparse = self._sparse_matches(matching) if self._vendor == "postgresql" else None
            if sparse is not None and self._has_cjk:
                # Narrowed to an array of ids, which the planner counts: no walk.
                newest = sparse.order_by("-published_at", "-id")
            elif sparse is not None:
                # Every match from the GIN index (materialized: the planner cannot turn it
                # back into a walk), the newest MAX_RANKED of them by date, and only those
                # read again to be ranked, unordered (sorted below by rank).
                sql, params = sparse.order_by().values_list("pk", "published_at").query.sql_with_params()
                newest_ids = RawSQL(
                    f"WITH matches (id, published_at) AS MATERIALIZED ({sql})"
                    f" SELECT id FROM matches ORDER BY published_at DESC, id DESC LIMIT {MAX_RANKED}",
                    params,
                )
                newest = postgresql_aliases(Article.objects.published().filter(pk__in=newest_ids)).order_by()
            rows = newest.annotate(rank=rank, sortable_time=SortableTime("published_at")).values_list(
                "pk", "rank", "sortable_time", "language", "translation_id", "section_id"
            )
            self._candidates = list(rows[:MAX_RANKED])
        return self._candidates

    def _sparse_matches(self, matching):
        """PostgreSQL: the matching queryset narrowed to what the indexes find, when the
        planner estimates fewer than DENSE_MATCHES matches; None when they are dense."""
        if not self._has_cjk:
            return matching if estimated_rows(matching) < DENSE_MATCHES else None
        narrowest = postgresql_narrowest_group(self.terms, Article.objects.db)
        if narrowest is None or narrowest[0] >= DENSE_MATCHES:
            return None
        sql, params = narrowest[1]
        with connections[Article.objects.db].cursor() as cursor:
            cursor.execute(sql, params)
            seeds = {row[0] for row in cursor.fetchall()}
        return matching.filter(ids_q(seeds, Article.objects.db))

    def _one_per_story(self, queryset):
        # After every criterion: a story is listed in the other language when only that
        # version matches.
        if self.language is None:
            return queryset
        return queryset.for_language(self.language)

    def ranked_count(self):
        """How many results a search has when its matches' ids were found (a search with
        words: its ranked matches; a narrow one without: _filter_ids), or None (count its
        results)."""
        self._matching()
        return len(self._ids) if self._ids is not None else None

    @property
    def ranked_limit(self):
        """The most results this search can have, or None when it has no limit."""
        return MAX_RANKED if self._matching()[1] is not None else None

    @cached_property
    def _has_cjk(self):
        return any(term.cjk for group in self.terms for term in group)

    @cached_property
    def _full_text_query(self):
        # One small query, once per search (results, count and facets all match with it).
        return full_text_query(self.terms, using=Article.objects.db)

    def results(self):
        """Matching published articles, best first (newest first without words), ready
        for a listing page."""
        queryset, rank = self._matching()
        if rank is not None:
            queryset = queryset.annotate(rank=rank).order_by(*RANKED_ORDER)
        else:
            queryset = queryset.order_by("-published_at", "-id")
        return queryset.for_listing()

    def listing(self):
        """The results for a listing page, with what a result shows (RESULT_PREFETCH):
        results(), or for a search whose matches' ids were found (with words: ranked; a
        narrow one without: _filter_ids) those ids (already in order, counted)
        with each page's rows read by id (RankedResults), published, where results() would
        rank every match again for each page."""
        self._matching()  # finds the ids of a search with words, or of a narrow one without
        if self._ids is None:
            rows = self.results().prefetch_related(None).prefetch_related(*RESULT_PREFETCH)
        else:
            rows = (
                Article.objects.published()
                .select_related("section", "hero")
                .prefetch_related(*RESULT_PREFETCH)
            )
        if not self.terms:
            # Nothing to mark, so no snippet (highlight.py): the bodies are neither read
            # nor kept with the cached page of results.
            rows = rows.defer("body", "body_html")
        return rows if self._ids is None else RankedResults(self._ids, rows)

    # --- facets ----------------------------------------------------------------------------

    def facets(self, size=FACET_SIZE):
        """Topics, organisations and sections among the results with their counts, most used
        first, without those already chosen: for a search whose matches' ids were found (with
        words, or narrow without) one query over them (_ranked_facet_rows), otherwise one
        aggregate query each."""
        matching, _ = self._matching()
        active_ids = {kind.param: set() for kind in FILTER_KINDS}
        for active in self.filters:
            if active.known:
                active_ids[active.kind.param].add(active.obj.pk)
        if self._ids is not None:
            rows = self._ranked_facet_rows(size, active_ids)
            facets = [
                self._facet(kind, rows.get(kind.param, []), "") for kind in (TOPIC, ORGANISATION, SECTION)
            ]
            return [facet for facet in facets if facet.items]
        links = Q(content_object__in=matching.values("pk"))
        facets = []
        for kind in (TOPIC, ORGANISATION):
            # One row per (tag, article) in the through-table: counting rows never counts
            # an article twice for one tag.
            rows = (
                kind.through.objects.filter(links)
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

    def _ranked_facet_rows(self, size, active_ids):
        """{param: [{"slug", "name", "name_zh_hant", "num_articles"}]} of the ranked matches
        (published, each story once: _match_ids), most used first: one query. Topics and
        organisations are counted by the tag's id in their through-table (its article index;
        one row per tag and article, so an article counts once per tag), and only the tags
        that can be among the `size` most used are joined to their names: grouped by the
        names, every link was joined first and its three strings hashed. Sections were
        counted as the matches were found (_section_counts)."""
        if not self._ids:
            return {}
        using = Article.objects.db
        quote = connections[using].ops.quote_name
        if connections[using].vendor == "postgresql":
            ids_source, ids_param = (
                "SELECT unnest(%s::bigint[]) AS id",
                "{" + ",".join(map(str, self._ids)) + "}",
            )
        else:
            ids_source, ids_param = "SELECT value AS id FROM json_each(%s)", json.dumps(self._ids)
        counts, branches, params = [f"ids AS MATERIALIZED ({ids_source})"], [], [ids_param]

        def branch(kind, counted):
            # The `size` most used, by count then name, of `counted` (object_id, n).
            names = quote(kind.model._meta.db_table)
            return (
                f"SELECT * FROM (SELECT '{kind.param}' AS kind, o.slug, o.name, o.name_zh_hant, c.n,"
                " ROW_NUMBER() OVER (ORDER BY c.n DESC, o.name) AS position"
                f" FROM {counted} c JOIN {names} o ON o.id = c.object_id"
                f" ORDER BY c.n DESC, o.name LIMIT {int(size)}) {kind.param}_facet"
            )

        for kind in (TOPIC, ORGANISATION):
            through = kind.through._meta
            tag = quote(through.get_field("tag").column)
            article = quote(through.get_field(kind.through_fields[0]).column)
            chosen = "".join(f" AND l.{tag} <> {int(pk)}" for pk in sorted(active_ids[kind.param]))
            counts.append(
                f"{kind.param}_counts AS (SELECT l.{tag} AS object_id, COUNT(*) AS n"
                f" FROM ids JOIN {quote(through.db_table)} l ON l.{article} = ids.id"
                f" WHERE 1 = 1{chosen} GROUP BY l.{tag})"
            )
            # Only the tags counted at least as often as the size-th most used one.
            branches.append(
                branch(
                    kind,
                    f"(SELECT * FROM {kind.param}_counts WHERE n >= COALESCE("
                    f"(SELECT n FROM {kind.param}_counts ORDER BY n DESC LIMIT 1 OFFSET {int(size) - 1}), 0))",
                )
            )
        if not active_ids[SECTION.param] and self._section_counts:
            # A section chosen: every result is in it. The counts as literal rows (ints).
            counted = " UNION ALL ".join(
                f"SELECT {int(pk)} AS object_id, {int(n)} AS n" for pk, n in self._section_counts.items()
            )
            branches.append(branch(SECTION, f"({counted})"))
        with connections[using].cursor() as cursor:
            cursor.execute(f"WITH {', '.join(counts)} {' UNION ALL '.join(branches)}", params)
            fetched = sorted(cursor.fetchall(), key=lambda row: row[5])
        rows = {}
        for param, slug, name, name_zh_hant, num_articles, _position in fetched:
            rows.setdefault(param, []).append(
                {"slug": slug, "name": name, "name_zh_hant": name_zh_hant, "num_articles": num_articles}
            )
        return rows

    def _facet(self, kind, rows, prefix):
        language = get_language()
        items = [
            FacetItem(
                slug=row[f"{prefix}slug"],
                # The name in the page's language where there is one (LocalizedNameMixin).
                name=localized(row, f"{prefix}name", language),
                num_articles=row["num_articles"],
                add_url=self.url(extra=(kind.param, row[f"{prefix}slug"])),
            )
            for row in rows
        ]
        return Facet(kind, items)
