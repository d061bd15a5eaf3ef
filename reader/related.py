"""What an article page shows around the article: related articles and its neighbours in
time, each story once in the page's language (bench/RESULTS.md has the query plans behind
the shapes of these queries)."""

from datetime import UTC, datetime

from django.db.models import Count, FilteredRelation, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from articles.models import Article

# How many related articles an article page shows.
RELATED_ARTICLES = 4
# Related articles are ranked among this many published articles nearest in time to the
# article (half before, half after): ranking every article sharing a popular topic
# counts tens of thousands of links (bench/RESULTS.md).
RELATED_CANDIDATES = 2000
# Ends of the related articles' window when fewer articles lie on one side.
BEGINNING_OF_TIME = datetime(1, 1, 2, tzinfo=UTC)
END_OF_TIME = datetime(9998, 1, 1, tzinfo=UTC)


def article_neighbourhood(article, language=None):
    """(related articles, previous article, next article), among the stories in
    `language` (default: the active one)."""
    language = language or get_language()
    return (related_articles(article, language), *neighbours(article, language))


def related_articles(article, language=None, limit=RELATED_ARTICLES, candidates=RELATED_CANDIDATES):
    """Published articles sharing most topics and organisations with `article`, among about
    `candidates` published articles nearest to it in time (half before, half after); each
    story once in `language` (default: the active one) where it has that version, never
    the article's translation.

    One query: each join to a through-table is narrowed to the shared tags
    (FilteredRelation), so the counts rank candidates without multiplying rows; those
    sharing nothing are left out. taggit's similar_objects() runs a query per tag type
    and ranks in Python, which is slow at scale (taggit #751). The time window keeps the
    work bounded (a popular topic has tens of thousands of articles: 350 ms unbounded),
    and coverage from the same period is what a reader wants next anyway. The window is
    a range of publication times, whose ends are two index-only lookups (the half-th
    article before and after): a range the planner serves from the publication-order
    index, where "id IN (the 1,000 before) OR id IN (the 1,000 after)" made it scan the
    table (80 ms).
    """
    # Iterating .all() uses the prefetch cache from for_listing(): no query here.
    shared_tags = {
        "topic_links": [topic.pk for topic in article.topics.all()],
        "organisation_links": [organisation.pk for organisation in article.organisations.all()],
    }
    # A join on an empty id list would empty the whole query, so join only what it has.
    joins = {
        f"shared_{links}": FilteredRelation(links, condition=Q(**{f"{links}__tag__in": ids}))
        for links, ids in shared_tags.items()
        if ids
    }
    if not joins:
        return []
    published = Article.objects.published()
    # A draft being previewed sits at "now".
    at = article.published_at if article.is_published else timezone.now()
    offset = max(1, candidates // 2) - 1
    earliest = published.filter(published_at__lt=at).order_by("-published_at")
    latest = published.filter(published_at__gt=at).order_by("published_at")
    window = Q(
        published_at__gte=Coalesce(
            Subquery(earliest.values("published_at")[offset : offset + 1]),
            Value(BEGINNING_OF_TIME),
        ),
        published_at__lte=Coalesce(
            Subquery(latest.values("published_at")[offset : offset + 1]),
            Value(END_OF_TIME),
        ),
    )
    # Shared tags counted by their ids: one link per article and tag, so the same count as
    # the links', read from the (article, tag) index alone, where the links' ids made every
    # candidate's links be read from the table.
    counts = [Count(f"{join}__tag", distinct=True) for join in joins]
    return list(
        published.for_language(language or get_language())
        .filter(window)
        .exclude(pk__in=[pk for pk in (article.pk, article.translation_id) if pk])
        .annotate(**joins)
        .annotate(shared=sum(counts[1:], counts[0]))
        .filter(shared__gt=0)
        .select_related("section")
        .only(
            "title",
            "slug",
            "language",
            "published_at",
            "section__name",
            "section__name_zh_hant",
            "section__slug",
        )
        .order_by("-shared", "-published_at", "-id")[:limit]
    )


def neighbours(article, language=None):
    """The published articles just before and just after `article` (None at the ends),
    among the stories in `language` (for_language), never its own translation.
    A draft being previewed has no place in the sequence yet."""
    if not article.is_published:
        return None, None
    published = (
        Article.objects.published()
        .for_language(language or get_language())
        .exclude(pk=article.translation_id)
        .only("title", "slug", "language", "published_at")
    )
    at = article.published_at
    # "at or before, and not a later one at the same time" rather than "before, or at the
    # same time with a smaller id": the same rows, but the bound on published_at becomes an
    # index range (the OR alone made PostgreSQL walk the whole index: 50 ms).
    previous = (
        published.filter(Q(published_at__lt=at) | Q(pk__lt=article.pk), published_at__lte=at)
        .order_by("-published_at", "-id")
        .first()
    )
    following = (
        published.filter(Q(published_at__gt=at) | Q(pk__gt=article.pk), published_at__gte=at)
        .order_by("published_at", "id")
        .first()
    )
    return previous, following
