"""Pagination for large listings (bench/RESULTS.md has the numbers behind these changes).

- The total (`count`) is the maintained count (articles/counts.py) where the view has one
  (`maintained_count`): a COUNT(*) over every matching published article took 12-40 ms at
  100,000 articles, on every first request after a change. Otherwise it is counted, as each
  page's rows are, once for every app server when the view names the listing (`count_key`),
  and kept until a change to its lists (`keys`, the view's `listing_keys()`) or, for the
  rows, to an article on the page.
- A deep page's rows are fetched ids first: `SELECT id ... ORDER BY ... OFFSET n LIMIT 12`
  is an index-only scan of the publication-order index, where the same OFFSET over whole
  rows reads every skipped row from the table (page 3,878: 90 ms); then the page's rows
  by primary key, in the same order. Shallow pages skip too few rows to pay for the
  extra query, so they stay one query.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import get_language

from articles.querysets import with_plain_prefetches
from articles.surrogates import shown_keys
from pagecache.fragments import generation_cached


class ArticlePaginator(Paginator):
    # From this many skipped rows on, fetch ids first (about where the skipped rows' table
    # reads, ~1 µs each, cost more than one more query).
    ids_first_offset = 500

    def __init__(
        self, object_list, per_page, *args, count_key=None, keys=None, maintained_count=None, **kwargs
    ):
        super().__init__(object_list, per_page, *args, **kwargs)
        # What the count depends on besides content (e.g. "topic_detail:42"); None: not cached.
        self.count_key = count_key
        # The surrogate keys of the lists it counts (e.g. {"t42:list"}); None: any change.
        self.keys = keys
        # A callable giving the listing's total without counting it, or None (count it).
        self.maintained_count = maintained_count

    @cached_property
    def count(self):
        maintained = self.maintained_count() if self.maintained_count is not None else None
        if maintained is not None:
            return maintained
        compute = lambda: Paginator.count.func(self)  # noqa: E731
        if self.count_key is None:
            return compute()
        return generation_cached(f"paginator-count:{self.count_key}", compute, keys=self.keys)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.count_key is None:
            rows = self.slice(bottom, top)
        else:
            # The page's rows with what they show prefetched: four queries and the ORM's
            # work on them, the same for every reader until content changes.
            rows = generation_cached(
                f"paginator-page:{self.count_key}:{bottom}:{top}",
                lambda: with_plain_prefetches(list(self.slice(bottom, top))),
                keys=self.row_keys,
            )
        return self._get_page(rows, number, self)

    def row_keys(self, rows):
        """The list's keys and those of every article on the page (a typo fix in one)."""
        if self.keys is None:
            return None
        keys = set(self.keys)
        for row in rows:
            keys |= shown_keys(row)
        return keys

    def slice(self, bottom, top):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or bottom < self.ids_first_offset:
            return queryset[bottom:top]
        ids = list(queryset.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        if not ids:
            return []
        rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
        return [rows[pk] for pk in ids if pk in rows]


class CachedCountMixin:
    """Listings whose total is counted once per content generation (ArticlePaginator above)."""

    paginator_class = ArticlePaginator

    def count_key(self):
        """What the listing's total depends on besides content: the page, its object, the
        language (lists may be per language)."""
        obj = getattr(self, "object", None)
        return f"{self.request.resolver_match.view_name}:{obj.pk if obj else ''}:{get_language()}"

    def listing_keys(self):
        """The surrogate keys of the lists the listing shows; None: any change."""
        return None

    def maintained_count(self):
        """The listing's total as maintained (articles/counts.py), or None to count it.
        The same in both languages: a list shows each story once."""
        return None

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return self.paginator_class(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count_key=self.count_key(),
            keys=self.listing_keys(),
            maintained_count=self.maintained_count,
            **kwargs,
        )
