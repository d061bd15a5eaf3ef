"""
HKAI's content model: sections, organisations and topics (taggit tags with their own
tables), authors and articles.

The publication rule lives in querysets.py (`published_q()`, `ArticleQuerySet.published()`);
`Article.is_published` says the same for one article. Every public page, feed, sitemap,
search and count goes through them.
"""

from operator import attrgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Case, F, Q, When
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import ItemBase, TagBase

from core.languages import language_tag, localized_field
from core.reversing import reverse_slug
from core.text import normalise_tag_name, reading_minutes, tag_slug, unicode_slugify

from .querysets import ArticleQuerySet, AuthorQuerySet, SectionQuerySet, Status, TagQuerySet, published_q
from .rendering import referenced_image_ids, render_markdown

# Sent at the end of Article.save(), once the translation is linked back (post_save comes
# before that): the published counts are recounted then (counts.py).
article_saved = Signal()


class LocalizedNameMixin:
    """A name in each of the site's languages: `name` is the English name (and the
    record's identity: tags are matched and slugged by it), `name_zh_hant` the Chinese
    one, blank when nobody has written it yet."""

    def text_in(self, base, language):
        """Field `base` ("name", "bio") in `language` ("zh-hant"), or the English text when
        that language's is blank or has no field."""
        return (language and getattr(self, localized_field(base, language), "")) or getattr(self, base)

    def name_in(self, language):
        """The name in `language` ("zh-hant"), or the English name when there is none."""
        return self.text_in("name", language)

    @property
    def localized_name(self):
        """The name in the active language (the page's), falling back to English."""
        return self.name_in(translation.get_language())


def chinese_name_field():
    return models.CharField(
        _("Chinese name"),
        max_length=100,
        blank=True,
        help_text=_(
            "The name in Traditional Chinese, shown on Chinese pages. "
            "Left empty, Chinese pages show the English name."
        ),
    )


class Section(LocalizedNameMixin, models.Model):
    # How an article names its section (ArticleQuerySet.about).
    article_lookup = "section"

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_zh_hant = chinese_name_field()
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Sections are listed in this order.")
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_slug("reader:section_detail", self.slug)


class HKAITagBase(LocalizedNameMixin, TagBase):
    """A taggit tag whose slug keeps unicode and whose name is unique ignoring case."""

    name_zh_hant = chinese_name_field()

    objects = TagQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.name = normalise_tag_name(self.name)
        super().save(*args, **kwargs)

    def slugify(self, tag, i=None):
        return tag_slug(tag, i)


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

    article_lookup = "organisations"

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    @classmethod
    def kind_order(cls):
        return Case(
            *[When(kind=kind, then=i) for i, kind in enumerate(cls.Kind.values)],
            default=len(cls.Kind.values),
        )

    @classmethod
    def number_of_kind(cls, kind):
        """A kind's 1-based place in the declared order: stable anchors (#kind-1) on
        every page of the directory."""
        values = cls.Kind.values
        return values.index(kind) + 1 if kind in values else len(values) + 1

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_ci_unique"),
        ]
        # A search resolves a tag by either name ignoring case (search.ArticleSearch._lookup),
        # as the constraint above compares the English one: by index, not by a scan of every tag.
        indexes = [models.Index(Lower("name_zh_hant"), name="organisation_chinese_name_ci")]

    def get_absolute_url(self):
        return reverse_slug("reader:organisation_detail", self.slug)

    @property
    def safe_website(self):
        """The website only if it is an http(s) URL, safe to put in an href. The form field
        validates it, but rows written by code or imports bypass forms."""
        return self.website if self.website.lower().startswith(("https://", "http://")) else ""


class Topic(HKAITagBase):
    article_lookup = "topics"

    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="topic_name_ci_unique"),
        ]
        # A search resolves a tag by either name ignoring case (search.ArticleSearch._lookup),
        # as the constraint above compares the English one: by index, not by a scan of every tag.
        indexes = [models.Index(Lower("name_zh_hant"), name="topic_chinese_name_ci")]

    def get_absolute_url(self):
        return reverse_slug("reader:topic_detail", self.slug)


class ArticleOrganisation(ItemBase):
    """Through-model for Article.organisations (its own table, not taggit's generic one)."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="organisation_links")
    tag = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="article_links")

    class Meta:
        verbose_name = _("article organisation")
        verbose_name_plural = _("article organisations")
        constraints = [
            models.UniqueConstraint(fields=["tag", "content_object"], name="unique_article_organisation"),
        ]
        # An article's tags from the index alone: the search's facets count the tags of
        # thousands of matching articles (search.ArticleSearch._ranked_facet_rows).
        indexes = [models.Index(fields=["content_object", "tag"], name="article_org_by_article")]


class ArticleTopic(ItemBase):
    """Through-model for Article.topics."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="topic_links")
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="article_links")

    class Meta:
        verbose_name = _("article topic")
        verbose_name_plural = _("article topics")
        constraints = [
            models.UniqueConstraint(fields=["tag", "content_object"], name="unique_article_topic"),
        ]
        # An article's tags from the index alone: the search's facets count the tags of
        # thousands of matching articles (search.ArticleSearch._ranked_facet_rows).
        indexes = [models.Index(fields=["content_object", "tag"], name="article_topic_by_article")]


class NormalisingTaggableManager(_TaggableManager):
    """Normalises tag names before taggit sees them, so that the admin's tag field,
    the loader and code all create one tag for "Fintech", "fintech" and " fintech "."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        tags = [normalise_tag_name(t) if isinstance(t, str) else t for t in tags]
        return super()._to_tag_model_instances([t for t in tags if t != ""], tag_kwargs)

    def get_queryset(self, extra_filters=None):
        """taggit's queryset of the instance's tags, with its filter built only when the
        queryset is used, as Django's own related managers defer theirs. A prefetch asks
        every instance for this queryset only to hold the tags it fetched, and never runs
        it: building taggit's join filter for each article of a listing was a tenth of a
        cold listing's time (bench/RESULTS.md)."""
        try:
            return self.instance._prefetched_objects_cache[self.prefetch_cache_name]
        except (AttributeError, KeyError):
            pass
        if extra_filters:
            return super().get_queryset(extra_filters)
        # The filter of ItemBase.tags_for(model, instance), applied last: a later chained
        # call (order_by included) would build it at once.
        tags = self.through.tag_model().objects.order_by(*self.ordering)
        tags._defer_next_filter = True
        return tags.filter(**{f"{self.through.tag_relname()}__content_object": self.instance})

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


class Author(LocalizedNameMixin, models.Model):
    """A public byline, tied to the user account that writes under it. Its page
    (/authors/<slug>/) and feeds exist once a published article carries it
    (`Author.objects.public()`)."""

    # How an article names its authors (ArticleQuerySet.about).
    article_lookup = "authors"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        verbose_name=_("user"),
    )
    name = models.CharField(_("display name"), max_length=120)
    name_zh_hant = chinese_name_field()
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    bio = models.TextField(_("short bio"), blank=True, max_length=1000)
    bio_zh_hant = models.TextField(
        _("Chinese bio"),
        blank=True,
        max_length=1000,
        help_text=_(
            "The bio in Traditional Chinese, shown on Chinese pages. Left empty, they show the English one."
        ),
    )
    # From the image library (images/), as an article's hero: its alt text and crop go with it.
    photo = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photo_of",
        verbose_name=_("photo"),
        help_text=_("The author's portrait on their page."),
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_slug("reader:author_detail", self.slug)

    def url_in(self, language):
        """The author's page in `language`'s URL space."""
        with translation.override(language):
            return self.get_absolute_url()

    @property
    def localized_bio(self):
        """The bio in the active language (the page's), falling back to English."""
        return self.text_in("bio", translation.get_language())

    @property
    def localized_bio_language(self):
        """The language the localized bio is written in (for its lang attribute)."""
        language = translation.get_language()
        return language if getattr(self, localized_field("bio", language), "") else settings.LANGUAGE_CODE


class Article(models.Model):
    Status = Status

    class Language(models.TextChoices):
        # The codes of settings.LANGUAGES: an article's language is a language of the site.
        ENGLISH = "en", _("English")
        CHINESE = "zh-hant", _("Traditional Chinese")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        allow_unicode=True,
        help_text=_("The article's address: letters (Chinese too), numbers and hyphens."),
    )
    standfirst = models.TextField(
        _("standfirst"),
        max_length=500,
        blank=True,
        help_text=_("One or two sentences under the headline, also used as the summary."),
    )
    body = models.TextField(_("body"), help_text=_("Markdown."))
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_("The language the article is written in."),
    )
    # Symmetric: when A's translation is B, B's translation is A (Article.save keeps both
    # sides), so "the other version" is one column on either article.
    translation = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("translation"),
        help_text=_("The same article in the other language. Linking one links both."),
    )
    # Rendered and sanitized on save, so that pages never render Markdown per request.
    body_html = models.TextField(editable=False, blank=True)
    # Counted on save with the body (core.text.reading_minutes), so lists show it without
    # loading bodies.
    reading_minutes = models.PositiveIntegerField(_("reading time (minutes)"), default=0, editable=False)
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
    authors = models.ManyToManyField(Author, related_name="articles", blank=True, verbose_name=_("authors"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # When the status last changed (newsroom/workflow.py): the review queue's order.
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A future time schedules the article: it becomes public then."),
    )
    expires_at = models.DateTimeField(
        _("expiry time"),
        null=True,
        blank=True,
        help_text=_("Optional: the article leaves every public page, feed and search at this time."),
    )
    featured = models.BooleanField(_("featured"), default=False)
    # From the image library (images/): its alt text, caption, credit and focal point go with it.
    hero = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hero_of",
        verbose_name=_("hero image"),
        help_text=_("The article's picture, shown above it and on its cards."),
    )
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
            # Serves published() with the newest-first order of every listing. It carries
            # the rest of the rule and for_language()'s columns (PostgreSQL; ignored by
            # SQLite), so a deep page's OFFSET is an index-only scan: reading the skipped
            # rows from the table cost 160 ms at page 3,878.
            models.Index(
                fields=["status", "-published_at", "-id"],
                include=["expires_at", "language", "translation_id"],
                name="article_pub_order",
            ),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_pub"),
            # The front page's lead: the newest featured article, a few percent of all.
            models.Index(
                fields=["-published_at", "-id"], condition=Q(featured=True), name="article_featured_pub"
            ),
            # The next expiry (the page cache's and the counts' clock): the few articles that
            # expire, where "published, expires_at not null" read every published row (300 ms).
            models.Index(fields=["expires_at"], condition=Q(expires_at__isnull=False), name="article_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
            ),
            models.CheckConstraint(condition=~Q(translation=F("pk")), name="article_not_its_own_translation"),
        ]

    def __str__(self):
        return self.title

    published_q = staticmethod(published_q)

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if not self.slug:
            self.slug = unicode_slugify(self.title)[:200]
        self.body_html = render_markdown(self.body)
        self.reading_minutes = reading_minutes(self.body)
        if not self._state.adding:
            self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "reading_minutes"}
        if update_fields is not None and not self._state.adding:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        if update_fields is not None and "translation" not in update_fields:
            super().save(*args, **kwargs)
        else:
            with transaction.atomic(using=kwargs.get("using") or router.db_for_write(Article)):
                self._unlink_partner_of_new_translation()
                super().save(*args, **kwargs)
                self._link_translation_back()
        article_saved.send(sender=Article, instance=self)

    def get_absolute_url(self):
        """The article's page in the active language's URL space (where lists link)."""
        return reverse_slug("reader:article_detail", self.slug)

    def _changed_link(self, **link):
        # The other side of a link changed: its version moves on too, so an editor with
        # that article open cannot silently save the old link back (edit conflict).
        return {**link, "version": F("version") + 1, "updated_at": timezone.now()}

    def _unlink_partner_of_new_translation(self):
        """Before this row points at its translation, nobody else may (one-to-one): the
        translation's previous partner, if any, loses its link."""
        if self.translation_id is not None:
            Article.objects.filter(translation_id=self.translation_id).exclude(pk=self.pk).update(
                **self._changed_link(translation=None)
            )

    def _link_translation_back(self):
        """The other side: the previous translation forgets this article, the new one
        points back at it."""
        Article.objects.filter(translation_id=self.pk).exclude(pk=self.translation_id).update(
            **self._changed_link(translation=None)
        )
        if self.translation_id is not None:
            Article.objects.filter(pk=self.translation_id).exclude(translation_id=self.pk).update(
                **self._changed_link(translation_id=self.pk)
            )

    @property
    def is_published(self):
        """The publication rule for one article: the same as ArticleQuerySet.published()."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def is_expired(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def clean(self):
        super().clean()
        self._check_image_references()
        if self.expires_at and self.published_at and self.expires_at <= self.published_at:
            raise ValidationError({"expires_at": _("The expiry time must come after the publication time.")})
        other = self.translation
        if other is None:
            return
        if self.pk is not None and other.pk == self.pk:
            raise ValidationError({"translation": _("An article cannot be its own translation.")})
        if other.language == self.language:
            raise ValidationError(
                {
                    "translation": _(
                        "A translation must be in the other language: “%(title)s” is in %(language)s too."
                    )
                    % {"title": other.title, "language": other.get_language_display()}
                }
            )
        if other.translation_id is not None and other.translation_id != self.pk:
            raise ValidationError(
                {
                    "translation": _(
                        "“%(title)s” is already the translation of another article. Unlink them first."
                    )
                    % {"title": other.title}
                }
            )

    def _check_image_references(self):
        from images.models import Image

        wanted = set(referenced_image_ids(self.body))
        if not wanted:
            return
        missing = wanted - set(Image.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        if missing:
            raise ValidationError(
                {
                    "body": _("The body places images that are not in the library: %(ids)s.")
                    % {"ids": ", ".join(f"image:{pk}" for pk in sorted(missing))}
                }
            )

    @property
    def language_tag(self):
        """The BCP 47 tag of the article's language, for lang attributes: "en", "zh-Hant"."""
        return language_tag(self.language)

    def version_in(self, language):
        """This article or its translation, whichever is written in `language` (None if
        neither). The translation must be loaded (select_related) to avoid a query."""
        if self.language == language:
            return self
        if self.translation_id is not None and self.translation.language == language:
            return self.translation
        return None

    def published_translation(self):
        """The translation if readers may see it, else None (a draft's link stays private)."""
        if self.translation_id is None or not self.translation.is_published:
            return None
        return self.translation

    def url_in(self, language):
        """The article's page in `language`'s URL space; url_in(self.language) is its
        canonical address."""
        with translation.override(language):
            return self.get_absolute_url()


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Notes of published articles only (the one rule, across the join), newest first."""
        return self.filter(published_q(prefix="article__")).order_by("-created_at", "-pk")


class Correction(models.Model):
    """A dated note appended to a published article: a correction (something was wrong)
    or an update (something new). Kept in order under the story and never edited away:
    the newsroom adds them and cannot change or delete one (newsroom/admin.py)."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("article")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CORRECTION)
    note = models.TextField(
        _("note"),
        max_length=2000,
        help_text=_(
            "Plain text in the article's language: what was wrong and what is right, or what is new."
        ),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("added by"),
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note[:60]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A correction is never edited: append a new one.")
        super().save(*args, **kwargs)
        # The article has changed for readers: its modified date (JSON-LD, feeds, sitemap).
        Article.objects.filter(pk=self.article_id).update(updated_at=self.created_at)

    def get_absolute_url(self):
        """The note under its story, in the current language's pages."""
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    @property
    def language(self):
        return self.article.language

    @property
    def language_tag(self):
        return self.article.language_tag


@receiver(post_save, sender="images.Image")
@receiver(post_delete, sender="images.Image")
def rerender_bodies_placing_image(sender, instance, **kwargs):
    """Bodies are rendered on save (body_html): those placing this image follow its new
    caption, credit or renditions, or its deletion. Derived data only, so no new version."""
    candidates = Article.objects.filter(body__contains=f"image:{instance.pk}").only("pk", "body")
    for article in candidates:
        if instance.pk in referenced_image_ids(article.body):
            Article.objects.filter(pk=article.pk).update(body_html=render_markdown(article.body))


class PublishedCount(models.Model):
    """How many published stories (an article and its translation once, as lists show
    them) a section, topic, organisation or author has, and the whole site ("all", object
    0): maintained by articles/counts.py as content changes, so that no page aggregates
    over every link. Only non-zero counts are stored: a tag without a row has no published
    article and does not exist for readers. The same in both languages (a list shows each
    story once, in whichever version it holds)."""

    class Kind(models.TextChoices):
        SECTION = "section"
        TOPIC = "topic"
        ORGANISATION = "organisation"
        AUTHOR = "author"
        ALL = "all"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    stories = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="published_count_key")]
        # The most covered tags of a kind (the front page): a walk down this index, not a
        # sort of every count of the kind.
        indexes = [models.Index(fields=["kind", "stories"], name="published_count_most")]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.stories}"


class PublishedCountsClock(models.Model):
    """The one row saying up to when the counts hold: every scheduled publication and
    expiry up to `as_of` is counted, and none falls before `next_change` after it (the
    counts are caught up then, on the first read: no cron). `as_of` NULL: never counted
    (a fresh or bulk-loaded database), recount everything on the first read. Its row lock
    also serialises maintenance, so a recount always sees every committed change."""

    as_of = models.DateTimeField(null=True)
    next_change = models.DateTimeField(null=True)

    def __str__(self):
        return f"counts as of {self.as_of}, next change {self.next_change}"
