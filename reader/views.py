"""Readers' pages. Thin views: every queryset starts from Article.objects.published()
(or visible_to(), which is published() for everyone but staff previewing).

Topics, organisations and authors are public only once a published article carries them: a
tag or byline added to a draft or a scheduled article must not reveal it. Their pages and feeds look the
tag up with `public()` (an EXISTS probe), the directories and counts come from `in_use()`
(reader/directories.py), and the sitemap lists only those with a published article.

Every page exists in each language (the URL says which: /zh-hant/... is Chinese). Lists
show each story once, in the page's language where it has that version
(ArticleQuerySet.for_language); an article page shows the article whichever its language,
and links its translation.
"""

import hashlib

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView, TemplateView

from articles import counts, surrogates
from articles.models import Article, Author, Correction, Organisation, Section, Topic
from articles.querysets import LISTING_PREFETCH, with_plain_prefetches
from pagecache.fragments import generation_cached
from pagecache.surrogate import add_keys

from . import directories
from .pagination import CachedCountMixin
from .related import article_neighbourhood

# How many topics and organisations the front page lists.
FRONT_PAGE_TAGS = 12

# Topics and organisations per page of their directories.
DIRECTORY_PAGE_SIZE = 120

# Notes per page of /corrections/.
CORRECTIONS_PER_PAGE = 20


class SurrogateKeysMixin:
    """The page's surrogate keys (articles/surrogates.py): its lists (`list_keys`), the
    navigation's sections, and every article shown with its section, tags and authors."""

    list_keys = ()

    def listing_keys(self):
        """What the listing's total and rows depend on (ArticlePaginator): its lists."""
        return set(self.list_keys)

    def surrogate_keys(self, context):
        keys = {surrogates.SECTIONS, *self.list_keys}
        for article in context.get("object_list") or ():
            keys |= surrogates.shown_keys(article)
        return keys

    def render_to_response(self, context, **kwargs):
        add_keys(*self.surrogate_keys(context))
        return super().render_to_response(context, **kwargs)


class PublishedArticlesMixin(SurrogateKeysMixin, CachedCountMixin):
    """Published articles, newest first, each story once in the page's language, with
    what a listing shows prefetched."""

    def get_paginate_by(self, queryset):
        # Read per request (not at import) so tests and operators can change it.
        return settings.ARTICLES_PER_PAGE

    def filter_articles(self, articles):
        """The list's own filters (a section, a tag): before for_language, which keeps
        the other language's version of a story when this list has no version in this one."""
        return articles

    def get_queryset(self):
        articles = self.filter_articles(Article.objects.published())
        return articles.for_language(get_language()).for_listing()


class ArticleCardsMixin(PublishedArticlesMixin):
    """Listings of article cards: a card shows no body, so the body is not loaded."""

    def get_queryset(self):
        return super().get_queryset().defer("body", "body_html")


class HomeView(ArticleCardsMixin, TemplateView):
    template_name = "reader/home.html"
    list_keys = (surrogates.HOME, surrogates.LATEST, surrogates.TOPICS, surrogates.ORGANISATIONS)

    def surrogate_keys(self, context):
        keys = super().surrogate_keys(context) | self.lead_and_latest_keys(
            (context["lead"], context["latest"])
        )
        for obj in [*context["sections"], *context["organisations"], *context["topics"]]:
            keys.add(surrogates.identity_key(obj))
        return keys

    @staticmethod
    def lead_and_latest_keys(lead_and_latest):
        lead, latest = lead_and_latest
        keys = {surrogates.HOME, surrogates.LATEST}
        for article in [lead, *latest]:
            if article is not None:
                keys |= surrogates.shown_keys(article)
        return keys

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Eight queries and their prefetching, the same for every reader until content
        # changes: once per content generation.
        context["lead"], context["latest"] = generation_cached(
            f"home:articles:{settings.ARTICLES_PER_PAGE}:{get_language()}",
            self.lead_and_latest,
            keys=self.lead_and_latest_keys,
        )
        # Maintained counts (articles/counts.py), read once per content generation
        # (reader/directories.py). Stories, as the lists show them: an article and its
        # translation count once.
        context["sections"], context["organisations"], context["topics"] = directories.front_page_directories(
            FRONT_PAGE_TAGS
        )
        return context

    def lead_and_latest(self):
        articles = self.get_queryset()
        size = settings.ARTICLES_PER_PAGE
        # The newest featured article leads; with none featured, the newest article does.
        # Two newest-first walks down indexes (ordering by "-featured" first sorted every
        # published article: 200 ms at 100,000).
        # What they show is prefetched once for both (each walk's own prefetching doubled
        # those queries).
        walk = articles.prefetch_related(None)
        lead = walk.filter(featured=True).first()
        newest = list(walk[: size + 1])
        shown = [article for article in (lead, *newest) if article is not None]
        prefetch_related_objects(shown, *LISTING_PREFETCH)
        with_plain_prefetches(shown)
        if lead is None:
            return (newest[0], newest[1:]) if newest else (None, [])
        return lead, [article for article in newest if article.pk != lead.pk][:size]


class ArticleListView(ArticleCardsMixin, ListView):
    template_name = "reader/article_list.html"
    context_object_name = "articles"
    list_keys = (surrogates.LATEST,)

    def maintained_count(self):
        return counts.total_stories()


class ArticleDetailView(SurrogateKeysMixin, DetailView):
    template_name = "reader/article_detail.html"
    context_object_name = "article"

    def surrogate_keys(self, context):
        return super().surrogate_keys(context) | self.article_keys((self.object, self.neighbourhood))

    @staticmethod
    def article_keys(article_and_neighbourhood):
        """The article, its translation, and the related articles and neighbours it links."""
        article, (related, previous, following) = article_and_neighbourhood
        keys = surrogates.shown_keys(article)
        keys.add(surrogates.article_page_key(article.pk))
        if article.translation_id:
            keys.add(surrogates.article_key(article.translation_id))
        for other in [*related, previous, following]:
            if other is not None:
                keys.add(surrogates.article_key(other.pk))
        return keys

    def get_queryset(self):
        # Staff follow the admin's "view on site" link to preview drafts. The page shows
        # the rendered body, not its Markdown source.
        return (
            Article.objects.visible_to(self.request.user)
            .for_listing()
            .select_related("translation")
            .prefetch_related("corrections")
            .defer("body")
        )

    def get_object(self, queryset=None):
        """The article with its tags, related articles and neighbours. For readers these
        are the same until content changes: six queries once per content generation, then
        one cache read (what an uncached article page costs is mostly those queries,
        bench/RESULTS.md). Staff previews are always read afresh."""
        user = self.request.user
        if user.is_authenticated and user.is_staff:
            article = super().get_object(queryset)
            self.neighbourhood = article_neighbourhood(article)
            return article

        def compute():
            article = super(ArticleDetailView, self).get_object(queryset)
            return article, article_neighbourhood(article)

        slug_key = hashlib.sha256(self.kwargs[self.slug_url_kwarg].encode()).hexdigest()
        article, self.neighbourhood = generation_cached(
            f"article-page:{slug_key}:{get_language()}", compute, keys=self.article_keys
        )
        return article

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published:
            # A staff preview of a draft or scheduled article: for that person only, never
            # kept by a shared cache, a proxy or the browser's disk.
            patch_cache_control(response, private=True, no_store=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        (
            context["related_articles"],
            context["previous_article"],
            context["next_article"],
        ) = self.neighbourhood
        translated = article.published_translation()
        context["translated_article"] = translated
        # The article's versions, each at its address in its own language: the language
        # switcher and the hreflang alternates point at them (templatetags/reader.py).
        context["language_urls"] = {
            version.language: version.url_in(version.language)
            for version in (article, translated)
            if version is not None
        }
        context["canonical_path"] = context["language_urls"][article.language]
        if translated is not None:
            context["translated_url"] = context["language_urls"][translated.language]
        return context


class FilteredArticleListView(ArticleCardsMixin, ListView):
    """Published articles of one section, organisation or topic."""

    model = None
    context_object_name = "articles"

    def public_objects(self):
        # Public only: a tag or author once a published article carries it (an EXISTS
        # probe, not in_use()'s count over all of the tag's links); every section.
        return self.model.objects.public()

    def get_queryset(self):
        self.object = get_object_or_404(self.public_objects(), slug=self.kwargs["slug"])
        return super().get_queryset()

    def filter_articles(self, articles):
        return articles.about(self.object)

    def maintained_count(self):
        return counts.stories_of(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(object=self.object, **kwargs)
        # The number of published articles in the section or carrying the tag is the
        # listing's total: stories, each once, as the front page counts them.
        self.object.num_articles = context["paginator"].count
        return context

    def listing_keys(self):
        return super().listing_keys() | {surrogates.list_key(self.object)}

    def surrogate_keys(self, context):
        keys = super().surrogate_keys(context)
        return keys | {surrogates.identity_key(self.object), surrogates.list_key(self.object)}


class TagArticleListView(FilteredArticleListView):
    """A topic's or organisation's page: public once a published article carries it."""


class SectionDetailView(FilteredArticleListView):
    model = Section
    template_name = "reader/section_detail.html"


class OrganisationDetailView(TagArticleListView):
    model = Organisation
    template_name = "reader/organisation_detail.html"


class TopicDetailView(TagArticleListView):
    model = Topic
    template_name = "reader/topic_detail.html"


class AuthorDetailView(FilteredArticleListView):
    """An author's page: their name, photo and bio, and their published articles. Public
    once a published article carries their byline, like a tag."""

    model = Author
    template_name = "reader/author_detail.html"

    def public_objects(self):
        # The photo's renditions in the same query as the author's (one more, however many).
        return super().public_objects().select_related("photo").prefetch_related("photo__renditions")


class TagDirectoryView(SurrogateKeysMixin, ListView):
    """Every tag in use with its count, a page at a time: the entries and counts come from
    `directories.published_directory()` (once per content generation), then one query for the page's
    tags."""

    model = None
    paginate_by = DIRECTORY_PAGE_SIZE

    def get_queryset(self):
        return directories.published_directory(self.model)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, entries, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = directories.with_counts(self.model, entries)
        return paginator, page, page.object_list, is_paginated

    def surrogate_keys(self, context):
        # The directory and its counts, and each tag on this page by name.
        keys = {surrogates.SECTIONS, surrogates.TOPICS if self.model is Topic else surrogates.ORGANISATIONS}
        return keys | {surrogates.identity_key(tag) for tag in context["page_obj"].object_list}


class OrganisationListView(TagDirectoryView):
    """The directory: organisations with published articles, grouped by kind in the
    order the kinds are declared (government first), with their counts. Each kind in
    the jump list links to the page where it starts."""

    model = Organisation
    template_name = "reader/organisation_list.html"
    context_object_name = "organisations"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(Organisation.Kind.choices)
        kinds = {}
        for position, (_pk, _count, _name, kind) in enumerate(self.object_list):
            if kind not in kinds:
                page = position // self.paginate_by + 1
                kinds[kind] = {
                    "number": Organisation.number_of_kind(kind),
                    "label": labels.get(kind, kind),
                    "page": page,
                    "count": 0,
                }
            kinds[kind]["count"] += 1
        context["directory_kinds"] = list(kinds.values())
        # This page's organisations under a heading per kind, in directory order.
        groups = {}
        for organisation in context["organisations"]:
            groups.setdefault(organisation.kind, []).append(organisation)
        context["kind_groups"] = [
            {
                "label": labels.get(kind, kind),
                "number": Organisation.number_of_kind(kind),
                "organisations": members,
            }
            for kind, members in groups.items()
        ]
        return context


class TopicListView(TagDirectoryView):
    model = Topic
    template_name = "reader/topic_list.html"
    context_object_name = "topics"


class CorrectionListView(SurrogateKeysMixin, ListView):
    """/corrections/: the latest corrections and updates site-wide, newest first, of
    published articles only (Correction.objects.public(), the one publication rule across
    the join), each linking to its note under the story."""

    template_name = "reader/correction_list.html"
    context_object_name = "corrections"
    paginate_by = CORRECTIONS_PER_PAGE
    # A new note purges CORRECTIONS; an article published or withdrawn purges LATEST (a
    # scheduled one's notes appear with it) and its own key (on every note of it shown).
    list_keys = (surrogates.CORRECTIONS, surrogates.LATEST)

    def get_queryset(self):
        notes = Correction.objects.public().select_related("article")
        return notes.defer("article__body", "article__body_html")

    def surrogate_keys(self, context):
        keys = {surrogates.SECTIONS, *self.list_keys}
        return keys | {surrogates.article_key(note.article_id) for note in context["corrections"]}


class RobotsTxtView(TemplateView):
    """robots.txt naming the sitemap by its absolute URL (crawlers require one)."""

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        sitemap_url = self.request.build_absolute_uri(reverse("sitemap"))
        news_sitemap_url = self.request.build_absolute_uri(reverse("sitemap_news"))
        index_url = self.request.build_absolute_uri(reverse("sitemap_index"))
        return super().get_context_data(
            sitemap_url=sitemap_url, news_sitemap_url=news_sitemap_url, sitemap_index_url=index_url, **kwargs
        )


class SitemapIndexView(TemplateView):
    """The sitemap index: the site's sitemap and the Google News sitemap, by absolute URL."""

    template_name = "sitemap_index.xml"
    content_type = "application/xml"

    def get_context_data(self, **kwargs):
        sitemaps = [self.request.build_absolute_uri(reverse(name)) for name in ("sitemap", "sitemap_news")]
        return super().get_context_data(sitemaps=sitemaps, **kwargs)
