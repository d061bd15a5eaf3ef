"""
HKAI's content model.

The publication rule lives in exactly one place, `ArticleQuerySet.published()`
(and `Article.published_q()`, the same rule as a Q object for joins from tags).
Every public page, feed, sitemap, search and count goes through it.
"""
import re
from operator import attrgetter

from django.conf import settings
from django.db import models, router
from django.db.models import Case, Count, Exists, F, OuterRef, Q, When
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import ItemBase, TagBase

from .rendering import render_markdown
from .validators import validate_image_file_size, validate_web_image

_WHITESPACE = re.compile(r"\s+")


def unicode_slugify(value):
    """A readable slug that keeps Chinese characters: "香港AI" -> "香港ai"."""
    return slugify(value, allow_unicode=True)


def normalise_tag_name(name):
    """Trim and collapse whitespace, so " smart   city " and "smart city" are one tag."""
    return _WHITESPACE.sub(" ", name).strip()


class Section(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Sections are listed in this order.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section_detail", kwargs={"slug": self.slug})


class TagQuerySet(models.QuerySet):
    """Shared by Organisation and Topic: counts that only ever count published articles."""

    def with_published_counts(self):
        return self.annotate(
            num_articles=Count(
                "articles", filter=Article.published_q(prefix="articles__"), distinct=True
            )
        )

    def in_use(self):
        """Tags with at least one published article, each with `num_articles`.
        Counts every link of every tag (0.3-0.6 s at 100,000 articles): pages read the
        counts through `HKAITagBase.published_directory()`, computed once per content
        generation, and look one tag up with `public()`."""
        return self.with_published_counts().filter(num_articles__gt=0)

    def public(self):
        """Tags that at least one published article carries, without counting: an EXISTS
        probe per tag, which stops at the first published article (for looking up one tag)."""
        links = self.model._meta.get_field("article_links").related_model
        published_links = links.objects.filter(tag=OuterRef("pk")).filter(
            Article.published_q(prefix="content_object__")
        )
        return self.filter(Exists(published_links))


class HKAITagBase(TagBase):
    """A taggit tag whose slug keeps unicode and whose name is unique ignoring case."""

    objects = TagQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.name = normalise_tag_name(self.name)
        super().save(*args, **kwargs)

    def slugify(self, tag, i=None):
        slug = unicode_slugify(tag) or "tag"
        if i is not None:
            slug += "-%d" % i
        return slug

    # --- published counts, computed once per content generation --------------------------
    # Fields of a directory entry, and the order the directory lists tags in.
    directory_fields = ("pk", "num_articles", "name")

    @classmethod
    def directory_order(cls):
        return ["name"]

    @classmethod
    def published_directory(cls):
        """Every tag in use as (pk, num_articles, name, ...directory_fields) tuples, in
        directory order. The counts are the costly part of every page that shows them (one
        aggregate over every tag link), so they are computed once per content generation
        for every app server (articles/cache.py: any save, and a scheduled article's time
        coming, starts a new generation), from in_use(): published articles only."""
        from .cache import generation_cached  # cache.py imports models lazily too

        return generation_cached(
            f"{cls._meta.label_lower}:directory",
            lambda: list(
                cls.objects.in_use()
                .order_by(*cls.directory_order())
                .values_list(*cls.directory_fields)
            ),
        )

    @classmethod
    def most_covered(cls, limit):
        """The `limit` tags with the most published articles (ties by name), each with
        `num_articles`; once per content generation (no query then)."""
        from .cache import generation_cached

        return generation_cached(
            f"{cls._meta.label_lower}:most-covered:{limit}",
            lambda: list(cls.objects.in_use().order_by("-num_articles", "name")[:limit]),
        )

    @classmethod
    def with_counts(cls, entries):
        """The tags of directory `entries`, in their order, each with `num_articles`."""
        if not entries:
            return []
        tags = cls.objects.in_bulk([entry[0] for entry in entries])
        found = []
        for pk, num_articles, *_rest in entries:
            if pk in tags:  # deleted since the entries were computed: skip it
                tags[pk].num_articles = num_articles
                found.append(tags[pk])
        return found


class Organisation(HKAITagBase):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government body")
        RESEARCH = "research", _("Research institute")
        UNIVERSITY = "university", _("University")
        INCUBATOR = "incubator", _("Incubator or innovation hub")
        STARTUP = "startup", _("Startup")
        FINANCIAL = "financial", _("Financial institution")
        INTERNATIONAL = "international", _("International partner")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    # The directory lists organisations by kind (in the order the kinds are declared,
    # government first), then by name.
    directory_fields = ("pk", "num_articles", "name", "kind")

    @classmethod
    def kind_order(cls):
        return Case(
            *[When(kind=kind, then=i) for i, kind in enumerate(cls.Kind.values)],
            default=len(cls.Kind.values),
        )

    @classmethod
    def directory_order(cls):
        return [cls.kind_order(), "name"]

    @classmethod
    def number_of_kind(cls, kind):
        """A kind's 1-based place in the declared order: stable anchors (#kind-1) on
        every page of the directory."""
        values = cls.Kind.values
        return values.index(kind) + 1 if kind in values else len(values) + 1

    @property
    def kind_number(self):
        return self.number_of_kind(self.kind)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_ci_unique"),
        ]

    def get_absolute_url(self):
        return reverse("articles:organisation_detail", kwargs={"slug": self.slug})

    @property
    def safe_website(self):
        """The website only if it is an http(s) URL, safe to put in an href. The form field
        validates it, but rows written by code or imports bypass forms."""
        return self.website if self.website.lower().startswith(("https://", "http://")) else ""


class Topic(HKAITagBase):
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="topic_name_ci_unique"),
        ]

    def get_absolute_url(self):
        return reverse("articles:topic_detail", kwargs={"slug": self.slug})


class ArticleOrganisation(ItemBase):
    """Through-model for Article.organisations (its own table, not taggit's generic one)."""

    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="organisation_links"
    )
    tag = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="article_links")

    class Meta:
        verbose_name = _("article organisation")
        verbose_name_plural = _("article organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "content_object"], name="unique_article_organisation"
            ),
        ]


class ArticleTopic(ItemBase):
    """Through-model for Article.topics."""

    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="topic_links"
    )
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="article_links")

    class Meta:
        verbose_name = _("article topic")
        verbose_name_plural = _("article topics")
        constraints = [
            models.UniqueConstraint(fields=["tag", "content_object"], name="unique_article_topic"),
        ]


class NormalisingTaggableManager(_TaggableManager):
    """Normalises tag names before taggit sees them, so that the admin's tag field,
    the loader and code all create one tag for "Fintech", "fintech" and " fintech "."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        tags = [normalise_tag_name(t) if isinstance(t, str) else t for t in tags]
        return super()._to_tag_model_instances([t for t in tags if t != ""], tag_kwargs)

    def get_prefetch_querysets(self, instances, querysets=None):
        """prefetch_related("topics"): the tags joined from the link table, without taggit's
        SELECT DISTINCT over the tag table (which PostgreSQL runs as a hash over every tag):
        an index scan of the articles' links, then the tags by primary key. Each link is
        unique per (tag, article), so no row repeats. Same result and cache as taggit's."""
        if querysets is not None:
            return super().get_prefetch_querysets(instances, querysets)
        tag_model = self.through.tag_model()
        links = self.through._meta.get_field("tag").remote_field.related_name  # "article_links"
        article_ids = {instance.pk for instance in instances}
        tags = (
            tag_model.objects.using(self._db or router.db_for_read(tag_model))
            .filter(**{f"{links}__content_object__in": article_ids})
            .annotate(_prefetch_related_val=F(f"{links}__content_object"))
        )
        if self.ordering:
            tags = tags.order_by(*self.ordering)
        return (
            tags,
            attrgetter("_prefetch_related_val"),
            lambda instance: instance.pk,
            False,
            self.prefetch_cache_name,
            False,
        )


class Author(models.Model):
    """A public byline, tied to the user account that writes under it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        verbose_name=_("user"),
    )
    name = models.CharField(_("display name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    bio = models.TextField(_("short bio"), blank=True, max_length=1000)

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None):
        """The one publication rule: published, and published_at not in the future."""
        return self.filter(Article.published_q(at=at))

    def for_listing(self):
        """Everything a list of articles shows, in a fixed number of queries."""
        return self.select_related("section").prefetch_related(
            "authors", "topics", "organisations"
        )

    def visible_to(self, user):
        """What a user may read on the site, drafts included for previews: editors (who may
        publish) and superusers see everything, other staff (writers) published articles and
        their own drafts, everyone else published articles only. The admin's ownership rule
        (ArticleAdmin.get_queryset) is the same, so "view on site" never shows a writer
        another writer's draft."""
        if not (user.is_authenticated and user.is_staff):
            return self.published()
        if user.has_perm("articles.publish_article"):
            return self
        return self.filter(Article.published_q() | Q(created_by=user))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, allow_unicode=True,
        help_text=_("The article's address: letters (Chinese too), numbers and hyphens."),
    )
    standfirst = models.TextField(
        _("standfirst"), max_length=500, blank=True,
        help_text=_("One or two sentences under the headline, also used as the summary."),
    )
    body = models.TextField(_("body"), help_text=_("Markdown."))
    # Rendered and sanitized on save, so that pages never render Markdown per request.
    body_html = models.TextField(editable=False, blank=True)
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles", verbose_name=_("section")
    )
    organisations = TaggableManager(
        through=ArticleOrganisation,
        related_name="articles",
        blank=True,
        verbose_name=_("organisations"),
        help_text=_("Comma-separated organisation names."),
        manager=NormalisingTaggableManager,
    )
    topics = TaggableManager(
        through=ArticleTopic,
        related_name="articles",
        blank=True,
        verbose_name=_("topics"),
        help_text=_("Comma-separated topics."),
        manager=NormalisingTaggableManager,
    )
    authors = models.ManyToManyField(
        Author, related_name="articles", blank=True, verbose_name=_("authors")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"), null=True, blank=True,
        help_text=_("A future time schedules the article: it becomes public then."),
    )
    featured = models.BooleanField(_("featured"), default=False)
    hero_image = models.ImageField(
        _("hero image"), upload_to="heroes/%Y/%m/", blank=True,
        validators=[validate_image_file_size, validate_web_image],
    )
    hero_image_alt = models.CharField(_("hero image alt text"), max_length=250, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="articles_created",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Edit-conflict detection: incremented on every save; the admin's change form carries the
    # version it was opened with and refuses a save when the article has moved on since.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]
        indexes = [
            # Serves published() with the newest-first order of every listing.
            models.Index(fields=["status", "-published_at", "-id"], name="article_pub_order"),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_pub"),
            # The front page's lead: the newest featured article, a few percent of all.
            models.Index(
                fields=["-published_at", "-id"], condition=Q(featured=True), name="article_featured_pub"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="published_article_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    @staticmethod
    def published_q(prefix="", at=None):
        """The publication rule as a Q object; `prefix` applies it across a join
        (e.g. "articles__" from a tag). ArticleQuerySet.published() uses it too."""
        now = at or timezone.now()
        return Q(**{f"{prefix}status": Article.Status.PUBLISHED, f"{prefix}published_at__lte": now})

    @property
    def is_published(self):
        """The publication rule for one article: the same as ArticleQuerySet.published()."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if not self.slug:
            self.slug = unicode_slugify(self.title)[:200]
        self.body_html = render_markdown(self.body)
        if not self._state.adding:
            self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        if update_fields is not None and not self._state.adding:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article_detail", kwargs={"slug": self.slug})
