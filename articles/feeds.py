"""RSS and Atom feeds: the latest articles, and one feed per section, organisation and topic.

Every feed lists published articles only (Article.objects.published()), with what an
item shows prefetched by for_listing(), so a feed runs a fixed number of queries.
"""
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Article, Organisation, Section, Topic

FEED_ITEMS = 30


class LatestArticlesFeed(Feed):
    """RSS 2.0: the newest published articles."""

    def title(self):
        return f"{settings.SITE_NAME}: latest articles"

    def description(self):
        return settings.SITE_TAGLINE

    def subtitle(self):
        # Atom's name for the description.
        return self.description()

    def link(self):
        return reverse("articles:home")

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        # An item's description is the standfirst: the body is not loaded.
        return self.articles(obj).for_listing().defer("body", "body_html")[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Feed readers render a description as HTML; the standfirst is plain text, so it is
        # HTML-escaped here (the feed generator only escapes it for XML).
        return escape(item.standfirst)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        # .all() uses the prefetch cache; .names() would query per item (taggit #936).
        return ", ".join(author.name for author in item.authors.all()) or None

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class FilteredArticlesFeed(LatestArticlesFeed):
    """The newest published articles of one section, organisation or topic (`get_object`)."""

    model = None
    lookup = None
    kind = None

    def object_queryset(self):
        return self.model.objects.all()

    def get_object(self, request, slug):
        return get_object_or_404(self.object_queryset(), slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: {obj.name}"

    def description(self, obj):
        # Plain text from editors, rendered as HTML by feed readers: escape it (see item_description).
        return escape(obj.description or f"The latest {settings.SITE_NAME} articles on {obj.name}.")

    def subtitle(self, obj):
        return self.description(obj)

    def link(self, obj):
        return obj.get_absolute_url()

    def articles(self, obj):
        return Article.objects.published().filter(**{self.lookup: obj})


class SectionFeed(FilteredArticlesFeed):
    model = Section
    lookup = "section"


class OrganisationFeed(FilteredArticlesFeed):
    model = Organisation
    lookup = "organisations"

    def object_queryset(self):
        # Public only once a published article carries it, like its page.
        return Organisation.objects.public()


class TopicFeed(FilteredArticlesFeed):
    model = Topic
    lookup = "topics"

    def object_queryset(self):
        return Topic.objects.public()


class AtomMixin:
    feed_type = Atom1Feed


class LatestArticlesAtomFeed(AtomMixin, LatestArticlesFeed):
    pass


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class OrganisationAtomFeed(AtomMixin, OrganisationFeed):
    pass


class TopicAtomFeed(AtomMixin, TopicFeed):
    pass
