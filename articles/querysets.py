"""The content model's querysets: the publication rule and everything built on it.

The rule lives here once: `published_q()` (a Q object, with a prefix to apply it across a
join, e.g. "articles__" from a tag), `ArticleQuerySet.published()` on top of it, and
`Article.is_published` for one article. Every public page, feed, sitemap, search and count
goes through them.
"""

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import PUBLISH_PERMISSION


class Status(models.TextChoices):
    """Article.Status: where an article stands in the newsroom."""

    DRAFT = "draft", _("Draft")
    # Submitted by its writer; an editor publishes, schedules or sends it back.
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    # Taken down after publication (its address is gone; the newsroom keeps it).
    UNPUBLISHED = "unpublished", _("Unpublished")


def published_q(prefix="", at=None):
    """The publication rule as a Q object: published, published_at not in the future and
    expires_at (if any) not yet come (at `at`, default now). `prefix` applies it across a
    join ("articles__" from a tag)."""
    now = at or timezone.now()
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}published_at__lte": now}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})
    )


def story_key(prefix=""):
    """One value per story: an article and its translation share it (the smaller of the
    two ids), an article without one has its own id. Counting distinct keys counts what
    readers see in a list, where ArticleQuerySet.for_language() shows each story once."""
    pk, translation_id = f"{prefix}pk", f"{prefix}translation_id"
    # LEAST() with a NULL is NULL on SQLite and the other value on PostgreSQL: Coalesce
    # makes both give the article's own id.
    return Coalesce(Least(pk, translation_id), pk)


def published_story_count(prefix="articles__", at=None):
    """How many stories with a published article (at `at`, default now), as readers' lists
    count them (an article and its translation once), over a join from a section, tag or
    author. Pages read them maintained (articles/counts.py); this is what maintains them."""
    return Count(story_key(prefix), filter=published_q(prefix=prefix, at=at), distinct=True)


def maintained_story_count(kind):
    """published_story_count() as maintained in the PublishedCount table (articles/counts.py)
    for a section, tag or author of `kind` ("section", "topic", "organisation", "author"):
    one index lookup per row instead of an aggregate over its links. Counts as of the last
    catch-up with the clock: readers' pages call counts.ensure_current() first."""
    stored = apps.get_model("articles", "PublishedCount").objects.filter(kind=kind, object_id=OuterRef("pk"))
    return Coalesce(Subquery(stored.values("stories")[:1]), 0)


def published_article_count(prefix="articles__"):
    """How many published articles, each language counted (the newsroom's columns), over a
    join from a section, tag or author."""
    return Count(prefix.removesuffix("__"), filter=published_q(prefix=prefix), distinct=True)


class SectionQuerySet(models.QuerySet):
    def public(self):
        """Sections readers may see: all of them (the navigation lists every section, with
        or without articles). The same method as the tags', so that pages and feeds look
        up a section, an organisation or a topic alike."""
        return self.all()

    def with_story_counts(self):
        """Every section with `num_articles`: its published stories (maintained counts)."""
        return self.annotate(num_articles=maintained_story_count("section"))


class TagQuerySet(models.QuerySet):
    """Shared by Organisation and Topic: counts that only ever count published articles."""

    def with_published_counts(self):
        """`num_articles`: published articles, each language counted (for the newsroom)."""
        return self.annotate(num_articles=published_article_count())

    def in_use(self):
        """Tags with at least one published article, each with `num_articles` counting
        them as readers' lists show them: an article and its translation count once.
        The maintained counts (articles/counts.py: call counts.ensure_current() first),
        not an aggregate over every link (bench/RESULTS.md); one tag is looked up with
        `public()`."""
        return self.annotate(num_articles=maintained_story_count(self.model._meta.model_name)).filter(
            num_articles__gt=0
        )

    def public(self):
        """Tags that at least one published article carries, without counting: an EXISTS
        probe per tag, which stops at the first published article (for looking up one tag).
        A tag only drafts or scheduled articles carry must look like no tag at all."""
        links = self.model._meta.get_field("article_links").related_model
        published_links = links.objects.filter(tag=OuterRef("pk")).filter(
            published_q(prefix="content_object__")
        )
        return self.filter(Exists(published_links))


class AuthorQuerySet(models.QuerySet):
    def public(self):
        """Authors with at least one published article: an EXISTS probe per author, which
        stops at the first one. An author only drafts, scheduled, expired or in-review
        articles carry has no page, no feed and no sitemap entry, like a tag."""
        links = self.model.articles.through
        published_links = links.objects.filter(author=OuterRef("pk")).filter(published_q(prefix="article__"))
        return self.filter(Exists(published_links))


# What a list's articles show besides their row (ArticleQuerySet.for_listing): the hero's
# renditions are one query for every picture of the list (images/).
LISTING_PREFETCH = ("authors", "topics", "organisations", "hero__renditions")


def with_plain_prefetches(rows):
    """`rows` (model instances, from for_listing()) with what was prefetched on them and on
    their select_related objects (the hero's renditions) held as lists, not querysets: for
    a list kept in the shared cache (a page of a listing), where each queryset pickles with
    its whole query, so the page took about twice the bytes and the time to store and read
    back (bench/RESULTS.md). `.all()` on those relations still gives their rows, to iterate,
    slice or len(), but a list: nothing may filter it."""
    for row in rows:
        if row is None:
            continue
        for instance in (row, *row._state.fields_cache.values()):
            prefetched = getattr(instance, "_prefetched_objects_cache", None)
            for name, related in (prefetched or {}).items():
                prefetched[name] = list(related)
    return rows


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None):
        """The one publication rule: published, published_at not in the future, not expired."""
        return self.filter(published_q(at=at))

    def scheduled(self, at=None):
        """Published articles whose time has not come yet (at `at`, default now), soonest first."""
        return self.filter(status=Status.PUBLISHED, published_at__gt=at or timezone.now()).order_by(
            "published_at"
        )

    def next_publication_time(self, at=None):
        """When the next scheduled article becomes public (None if none is scheduled): the
        page cache keeps nothing beyond it (pagecache/generation.py)."""
        return self.scheduled(at=at).values_list("published_at", flat=True).first()

    def expiring(self, at=None):
        """Public articles with an expiry time, soonest first: they leave at expires_at."""
        return self.published(at=at).filter(expires_at__isnull=False).order_by("expires_at")

    def next_visibility_change(self, at=None):
        """When readers' pages next change by the clock alone (None if never), after `at`
        (default now): the next scheduled publication or expiry. The page cache keeps
        nothing beyond it, and the published counts (counts.py) hold until it."""
        times = [
            self.next_publication_time(at=at),
            self.expiring(at=at).values_list("expires_at", flat=True).first(),
        ]
        times = [when for when in times if when is not None]
        return min(times) if times else None

    def in_review(self):
        """The editors' review queue: submitted articles, the longest waiting first."""
        return self.filter(status=Status.REVIEW).order_by("status_changed_at", "pk")

    def about(self, obj):
        """The articles of a section, an organisation or a topic (`obj`): one lookup for
        the listing pages and the feeds alike."""
        return self.filter(**{obj.article_lookup: obj})

    def for_language(self, language):
        """Each story once, in `language` where this queryset holds that version: the
        articles of this queryset without those in another language whose translation
        into `language` is in it too. Nothing is hidden for want of a translation: an
        English reader's list shows the Chinese articles that have no English version here.

        Apply it on top of published() and the list's own filters (section, tag, search),
        as the last filter: "in it too" means in this very list, so an article whose
        translation is filed under another section still appears in its own section.
        One subquery of the same filters; no extra query."""
        in_this_list = self.order_by().values("pk")
        return self.exclude(~Q(language=language) & Q(translation__in=in_this_list))

    def for_listing(self):
        """Everything a list of articles shows, in a fixed number of queries."""
        return self.select_related("section", "hero").prefetch_related(*LISTING_PREFETCH)

    def visible_to(self, user):
        """What a user may read on the site, drafts included for previews: editors (who may
        publish) and superusers see everything, other staff (writers) published articles and
        their own drafts, everyone else published articles only. The newsroom's ownership
        rule (newsroom/permissions.py) is the same, so "view on site" never shows a writer
        another writer's draft."""
        if not (user.is_authenticated and user.is_staff):
            return self.published()
        if user.has_perm(PUBLISH_PERMISSION):
            return self
        return self.filter(published_q() | Q(created_by=user))
