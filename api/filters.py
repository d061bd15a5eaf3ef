"""The article list's filters: the site search's (ArticleSearch: `q`, `topic`, `org`,
`section`, with its semantics), then `lang`, `author` and time bounds on the same published
queryset. A malformed value is a 400 with a message per parameter; a topic, organisation,
section or author nobody published under is no error, only no results (the site's search
answers the same: a tag only drafts carry looks like no tag)."""

from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from articles.models import Article, Author
from search.search import ArticleSearch

DATE_PARAMS = ("published_after", "published_before", "updated_after")


def in_utc(value):
    """An aware date-time in UTC, or None if that is out of range. Python takes offsets up
    to 23:59 that PostgreSQL refuses ("-20:43": a 500 schemathesis found), and a moment
    of year 1 east of UTC falls before year 1."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


def parse_moment(raw):
    """An ISO 8601 date-time or date (midnight, in the site's time zone), in UTC; None if
    malformed or out of range."""
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)) is not None:
            value = datetime.combine(day, time.min)
    except ValueError:
        return None
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return in_utc(value)


def language_code(raw):
    """A site language from a code or BCP 47 tag, any case ("zh-Hant"), or None."""
    wanted = raw.strip().lower()
    return next((code for code, _name in settings.LANGUAGES if code == wanted), None)


@dataclass
class ArticleFilters:
    search: ArticleSearch
    language: str = None
    authors: tuple = ()
    published_after: datetime = None
    published_before: datetime = None
    updated_after: datetime = None

    @classmethod
    def from_query_dict(cls, query_dict):
        errors = {}
        moments = {}
        for name in DATE_PARAMS:
            raw = query_dict.get(name)
            if raw:
                moments[name] = parse_moment(raw)
                if moments[name] is None:
                    errors[name] = _("A date (2026-11-25) or date-time (2026-11-25T09:30:00+08:00).")
        language = None
        if raw := query_dict.get("lang"):
            language = language_code(raw)
            if language is None:
                errors["lang"] = _("One of: %(codes)s.") % {
                    "codes": ", ".join(code for code, _name in settings.LANGUAGES)
                }
        if errors:
            raise ValidationError(errors)
        authors = []
        for raw in query_dict.getlist("author"):
            value = raw.strip()[:120]
            if value and value not in authors:
                authors.append(value)
        # The site's search reads q, topic, org and section itself; language=None lists every
        # matching article (no "one version per story"): the API's `lang` says which.
        return cls(ArticleSearch.from_query_dict(query_dict), language, tuple(authors), **moments)

    def queryset(self):
        """Matching published articles (unordered: the pagination orders them)."""
        articles = self.search.results()
        if self.language:
            articles = articles.filter(language=self.language)
        if self.authors:
            found = {a.slug: a for a in Author.objects.public().filter(slug__in=self.authors)}
            if len(found) < len(self.authors):
                return articles.none()
            for author in found.values():
                articles = articles.filter(
                    Exists(Article.authors.through.objects.filter(article=OuterRef("pk"), author=author))
                )
        if self.published_after:
            articles = articles.filter(published_at__gte=self.published_after)
        if self.published_before:
            articles = articles.filter(published_at__lt=self.published_before)
        if self.updated_after:
            articles = articles.filter(updated_at__gte=self.updated_after)
        return articles
