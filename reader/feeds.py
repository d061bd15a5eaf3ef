"""RSS, Atom and JSON feeds: the latest articles, and one feed per section, organisation,
topic and author.

Every feed lists published articles only (Article.objects.published()), with what an
item shows prefetched by for_listing(), so a feed runs a fixed number of queries.

Each feed exists in each language, as the pages do: /feeds/latest/ in English and
/zh-hant/feeds/latest/ in Chinese, with localized titles, the language in <language>
(RSS) or xml:lang (Atom), links into that language's pages, and each story once in that
language where it has that version (ArticleQuerySet.for_language).

One rule for every text field (feed and item titles, descriptions and standfirsts, author
and tag names): editors type plain text, and feed readers render these fields as HTML
(RSS says nothing either way and most readers guess HTML; feedparser does when the text
looks like it). So each is HTML-escaped once by `feed_text` (the generator then escapes it
again for XML), and Atom declares its title, subtitle and summary `type="html"`, as the
spec asks of escaped markup. A reader thus shows "<b>" as typed and never runs or renders
it. The price: a reader that shows an RSS title as plain text shows "AT&amp;T".
"""

import html
import json

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed, rfc3339_date
from django.utils.translation import get_language, gettext

from articles.models import Article, Author, Correction, Organisation, Section, Topic
from core.languages import language_tag

from .templatetags.reader import JSON_SCRIPT_ESCAPES

FEED_ITEMS = 30


def feed_text(text):
    """Plain text as feed readers need it: the three characters that make markup escaped.
    Quotes stay as typed (they only matter in attributes), so "Hong Kong's" never shows
    as "Hong Kong&#x27;s" in a reader that treats the field as text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class HTMLTextConstructs:
    """Wraps the feed generator's XML handler: Atom title and subtitle elements say they
    hold escaped HTML (type="html"), as the summary already does in Django's Atom1Feed."""

    HTML_ELEMENTS = {"title", "subtitle", "summary"}

    def __init__(self, handler):
        self._handler = handler

    def addQuickElement(self, name, contents=None, attrs=None):
        if name in self.HTML_ELEMENTS:
            attrs = {**(attrs or {}), "type": "html"}
        self._handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name):
        return getattr(self._handler, name)


class HTMLTextAtom1Feed(Atom1Feed):
    def add_root_elements(self, handler):
        super().add_root_elements(HTMLTextConstructs(handler))

    def add_item_elements(self, handler, item):
        super().add_item_elements(HTMLTextConstructs(handler), item)


class UpdatedRss201rev2Feed(Rss201rev2Feed):
    """RSS 2.0 has no element for when an item last changed (a correction, an update):
    Atom's <atom:updated>, in the Atom namespace Django's RSS already declares for its
    self link, says it, as Atom's <updated> and JSON Feed's date_modified do."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))


class LatestArticlesFeed(Feed):
    """RSS 2.0: the newest published articles."""

    feed_type = UpdatedRss201rev2Feed

    @property
    def language(self):
        # The feed's language is the URL's (LocaleMiddleware activated it), as a BCP 47
        # tag: "en", "zh-Hant". Django's default would be the lower-case code.
        return language_tag(get_language())

    def title(self):
        return feed_text(gettext("%(site)s: latest articles") % {"site": settings.SITE_NAME})

    def description(self):
        return feed_text(gettext(settings.SITE_TAGLINE))  # translated as in context_processors.site

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
        return feed_text(item.title)

    def item_description(self, item):
        return feed_text(item.standfirst)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        # .all() uses the prefetch cache; .names() would query per item (taggit #936).
        return feed_text(", ".join(author.localized_name for author in item.authors.all())) or None

    def item_categories(self, item):
        return [feed_text(topic.localized_name) for topic in item.topics.all()]


class FilteredArticlesFeed(LatestArticlesFeed):
    """The newest published articles of one section, organisation, topic or author (`get_object`)."""

    model = None

    def get_object(self, request, slug):
        # Public only (a tag once a published article carries it), like its page.
        return get_object_or_404(self.model.objects.public(), slug=slug)

    def title(self, obj):
        return feed_text(
            gettext("%(site)s: %(name)s")
            % {
                "site": settings.SITE_NAME,
                "name": obj.localized_name,
            }
        )

    def description(self, obj):
        # The description is written in English by the newsroom: Chinese feeds say it anew.
        if obj.description and get_language() == settings.LANGUAGE_CODE:
            return feed_text(obj.description)
        return feed_text(
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


class AuthorFeed(FilteredArticlesFeed):
    """An author's articles: public once a published article carries their byline, like
    their page."""

    model = Author

    def description(self, obj):
        return feed_text(
            gettext("The latest %(site)s articles by %(name)s.")
            % {"site": settings.SITE_NAME, "name": obj.localized_name}
        )


class AtomMixin:
    feed_type = HTMLTextAtom1Feed


class LatestArticlesAtomFeed(AtomMixin, LatestArticlesFeed):
    pass


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class OrganisationAtomFeed(AtomMixin, OrganisationFeed):
    pass


class TopicAtomFeed(AtomMixin, TopicFeed):
    pass


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    pass


class CorrectionsFeed(LatestArticlesFeed):
    """The latest corrections and updates site-wide (/corrections/), of published articles
    only (Correction.objects.public()), each linking to its note under the story."""

    def title(self):
        return feed_text(gettext("%(site)s: corrections and updates") % {"site": settings.SITE_NAME})

    def description(self):
        return feed_text(
            gettext("Every correction and update to %(site)s articles, newest first.")
            % {"site": settings.SITE_NAME}
        )

    def link(self):
        return reverse("reader:correction_list")

    def items(self, obj=None):
        notes = Correction.objects.public().select_related("article")
        return notes.defer("article__body", "article__body_html")[:FEED_ITEMS]

    def item_title(self, item):
        return feed_text(
            gettext("%(kind)s: %(title)s") % {"kind": item.get_kind_display(), "title": item.article.title}
        )

    def item_description(self, item):
        return feed_text(item.note)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at  # never edited

    def item_author_name(self, item):
        return None

    def item_categories(self, item):
        return [feed_text(item.get_kind_display())]


class CorrectionsAtomFeed(AtomMixin, CorrectionsFeed):
    pass


# --- JSON Feed 1.1 (https://jsonfeed.org/version/1.1) ------------------------------------------


class JSONFeed1(SyndicationFeed):
    """A JSON Feed 1.1 document from what Django's Feed gives any feed generator. The text
    fields arrive HTML-escaped once (feed_text): JSON Feed's title, summary, author and tag
    fields are plain text, so they are unescaped back to what the editor typed, and the
    escaped standfirst is the item's content_html."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        # "<", ">" and "&" as \u escapes (the same document once parsed): the plain-text
        # titles hold what editors typed, and the file must not read as markup to anything
        # that sniffs it as HTML. Pages announce these feeds, so crawlers fetch them.
        text = json.dumps(self.document(), ensure_ascii=False, cls=DjangoJSONEncoder)
        outfile.write(text.translate(JSON_SCRIPT_ESCAPES))

    def document(self):
        feed = self.feed
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": html.unescape(feed["title"]),
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": html.unescape(feed["description"] or ""),
            "language": feed["language"],
            "items": [self.item(item) for item in self.items],
        }
        return {key: value for key, value in document.items() if value not in (None, "")}

    @staticmethod
    def item(item):
        entry = {
            "id": item["unique_id"] or item["link"],
            "url": item["link"],
            "title": html.unescape(item["title"]),
            "content_html": item["description"] or "",
            "summary": html.unescape(item["description"] or ""),
            "date_published": item["pubdate"].isoformat() if item["pubdate"] else None,
            "date_modified": item["updateddate"].isoformat() if item["updateddate"] else None,
            "authors": [{"name": html.unescape(item["author_name"])}] if item["author_name"] else None,
            "tags": [html.unescape(tag) for tag in item["categories"]] or None,
            "language": item.get("language"),
        }
        return {key: value for key, value in entry.items() if value is not None}


class JSONFeedMixin:
    """Makes any of these feeds a JSON Feed: `class XJSONFeed(JSONFeedMixin, XFeed): pass`."""

    feed_type = JSONFeed1

    def item_extra_kwargs(self, item):
        # Each story once, but maybe in the other language (for_language): say which.
        return {**super().item_extra_kwargs(item), "language": language_tag(item.language)}


class LatestArticlesJSONFeed(JSONFeedMixin, LatestArticlesFeed):
    pass


class SectionJSONFeed(JSONFeedMixin, SectionFeed):
    pass


class OrganisationJSONFeed(JSONFeedMixin, OrganisationFeed):
    pass


class TopicJSONFeed(JSONFeedMixin, TopicFeed):
    pass


class AuthorJSONFeed(JSONFeedMixin, AuthorFeed):
    pass


class CorrectionsJSONFeed(JSONFeedMixin, CorrectionsFeed):
    pass
