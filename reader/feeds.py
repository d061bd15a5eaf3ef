"""RSS and Atom feeds: the latest articles, and one feed per section, organisation and topic.

Every feed lists published articles only (Article.objects.published()), with what an
item shows prefetched by for_listing(), so a feed runs a fixed number of queries.

Each feed exists in each language, as the pages do: /feeds/latest/ in English and
/zh-hant/feeds/latest/ in Chinese, with localized titles, the language in <language>
(RSS) or xml:lang (Atom), links into that language's pages, and each story once in that
language where it has that version (ArticleQuerySet.for_language).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language, gettext

from articles.models import Article, Organisation, Section, Topic
from core.languages import language_tag

FEED_ITEMS = 30


class LatestArticlesFeed(Feed):
    """RSS 2.0: the newest published articles."""

    @property
    def language(self):
        # The feed's language is the URL's (LocaleMiddleware activated it), as a BCP 47
        # tag: "en", "zh-Hant". Django's default would be the lower-case code.
        return language_tag(get_language())

    def title(self):
        return gettext("%(site)s: latest articles") % {"site": settings.SITE_NAME}

    def description(self):
        return gettext(settings.SITE_TAGLINE)  # translated as in context_processors.site

    def subtitle(self):
        # Atom's name for the description.
        return self.description()

    def link(self):
        return reverse("reader:home")

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        # An item's description is the standfirst: the body is not loaded.
        articles = self.articles(obj).for_language(get_language())
        return articles.for_listing().defer("body", "body_html")[:FEED_ITEMS]

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
        return [topic.localized_name for topic in item.topics.all()]


class FilteredArticlesFeed(LatestArticlesFeed):
    """The newest published articles of one section, organisation or topic (`get_object`)."""

    model = None

    def get_object(self, request, slug):
        # Public only (a tag once a published article carries it), like its page.
        return get_object_or_404(self.model.objects.public(), slug=slug)

    def title(self, obj):
        return gettext("%(site)s: %(name)s") % {
            "site": settings.SITE_NAME,
            "name": obj.localized_name,
        }

    def description(self, obj):
        # Plain text from editors, rendered as HTML by feed readers: escaped (see
        # item_description). The description is written in English by the newsroom:
        # Chinese feeds say it anew.
        if obj.description and get_language() == settings.LANGUAGE_CODE:
            return escape(obj.description)
        return escape(
            gettext("The latest %(site)s articles on %(name)s.")
            % {
                "site": settings.SITE_NAME,
                "name": obj.localized_name,
            }
        )

    def subtitle(self, obj):
        return self.description(obj)

    def link(self, obj):
        return obj.get_absolute_url()

    def articles(self, obj):
        return Article.objects.published().about(obj)


class SectionFeed(FilteredArticlesFeed):
    model = Section


class OrganisationFeed(FilteredArticlesFeed):
    model = Organisation


class TopicFeed(FilteredArticlesFeed):
    model = Topic


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
