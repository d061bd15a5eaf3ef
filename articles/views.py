"""Readers' pages. Thin views: every queryset starts from Article.objects.published()
(or visible_to(), which is published() for everyone but staff previewing).

Topics and organisations are public only once a published article carries them: a tag
added to a draft or a scheduled article must not reveal it, so their pages, lists, feeds
and sitemap entries all go through `in_use()`, which counts published articles only.

Every page exists in each language (the URL says which: /zh-hant/... is Chinese). Lists
show each story once, in the page's language where it has that version
(ArticleQuerySet.for_language); an article page shows the article whichever its language,
and links its translation.
"""
import hashlib
from datetime import datetime
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db.models import Count, FilteredRelation, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView, TemplateView

from .cache import generation_cached
from .models import Article, Organisation, Section, Topic, published_story_count
from .pagination import ArticlePaginator
from .search import ArticleSearch

# How many related articles an article page shows, and how many topics and
# organisations the front page lists.
RELATED_ARTICLES = 4
FRONT_PAGE_TAGS = 12
# Related articles are ranked among this many published articles nearest in time to the
# article (half before, half after): ranking every article sharing a popular topic
# counts tens of thousands of links (bench/RESULTS.md).
RELATED_CANDIDATES = 2000
# Ends of the related articles' window when fewer articles lie on one side.
BEGINNING_OF_TIME = datetime(1, 1, 2, tzinfo=dt_timezone.utc)
END_OF_TIME = datetime(9998, 1, 1, tzinfo=dt_timezone.utc)
# Topics and organisations per page of their directories.
DIRECTORY_PAGE_SIZE = 120


class CachedCountMixin:
    """Listings whose total is counted once per content generation (articles/pagination.py)."""

    paginator_class = ArticlePaginator

    def count_key(self):
        """What the listing's total depends on besides content: the page, its object, the
        language (lists may be per language)."""
        obj = getattr(self, "object", None)
        return f"{self.request.resolver_match.view_name}:{obj.pk if obj else ''}:{get_language()}"

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return self.paginator_class(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page,
            count_key=self.count_key(), **kwargs,
        )


class PublishedArticlesMixin(CachedCountMixin):
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
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Eight queries and their prefetching, the same for every reader until content
        # changes: once per content generation.
        context["lead"], context["latest"] = generation_cached(
            f"home:articles:{settings.ARTICLES_PER_PAGE}:{get_language()}", self.lead_and_latest
        )
        # Counts over every article: once per content generation, like the tags' below.
        # Stories, as the lists show them: an article and its translation count once.
        context["sections"] = generation_cached(
            "home:sections",
            lambda: list(Section.objects.annotate(num_articles=published_story_count("articles__"))),
        )
        # Counted once per content generation (HKAITagBase.published_directory).
        context["organisations"] = Organisation.most_covered(FRONT_PAGE_TAGS)
        context["topics"] = Topic.most_covered(FRONT_PAGE_TAGS)
        return context


    def lead_and_latest(self):
        articles = self.get_queryset()
        size = settings.ARTICLES_PER_PAGE
        # The newest featured article leads; with none featured, the newest article does.
        # Two newest-first walks down indexes (ordering by "-featured" first sorted every
        # published article: 200 ms at 100,000).
        lead = articles.filter(featured=True).first()
        newest = list(articles[: size + 1])
        if lead is None:
            return (newest[0], newest[1:]) if newest else (None, [])
        return lead, [article for article in newest if article.pk != lead.pk][:size]


class ArticleListView(ArticleCardsMixin, ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # Staff follow the admin's "view on site" link to preview drafts. The page shows
        # the rendered body, not its Markdown source.
        return (
            Article.objects.visible_to(self.request.user)
            .for_listing()
            .select_related("translation")
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
            f"article-page:{slug_key}:{get_language()}", compute
        )
        return article

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
        # switcher and the hreflang alternates point at them (templatetags/articles.py).
        context["language_urls"] = {
            version.language: version.url_in(version.language)
            for version in (article, translated)
            if version is not None
        }
        context["canonical_path"] = context["language_urls"][article.language]
        if translated is not None:
            context["translated_url"] = context["language_urls"][translated.language]
        return context


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
    counts = [Count(join, distinct=True) for join in joins]
    return list(
        published
        .for_language(language or get_language())
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


class FilteredArticleListView(ArticleCardsMixin, ListView):
    """Published articles of one section, organisation or topic."""

    model = None
    lookup = None
    context_object_name = "articles"

    def get_object_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        self.object = get_object_or_404(self.get_object_queryset(), slug=self.kwargs["slug"])
        return super().get_queryset()

    def filter_articles(self, articles):
        return articles.filter(**{self.lookup: self.object})

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)


class TagArticleListView(FilteredArticleListView):
    """A topic's or organisation's page: public once a published article carries it."""

    def get_object_queryset(self):
        # An EXISTS probe, not in_use()'s count over all of the tag's links.
        return self.model.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The number of published articles carrying the tag is the listing's total.
        self.object.num_articles = context["paginator"].count
        return context


class SectionDetailView(FilteredArticleListView):
    model = Section
    lookup = "section"
    template_name = "articles/section_detail.html"


class OrganisationDetailView(TagArticleListView):
    model = Organisation
    lookup = "organisations"
    template_name = "articles/organisation_detail.html"


class TopicDetailView(TagArticleListView):
    model = Topic
    lookup = "topics"
    template_name = "articles/topic_detail.html"


class TagDirectoryView(ListView):
    """Every tag in use with its count, a page at a time: the entries and counts come from
    `published_directory()` (once per content generation), then one query for the page's
    tags."""

    model = None
    paginate_by = DIRECTORY_PAGE_SIZE

    def get_queryset(self):
        return self.model.published_directory()

    def paginate_queryset(self, queryset, page_size):
        paginator, page, entries, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = self.model.with_counts(entries)
        return paginator, page, page.object_list, is_paginated


class OrganisationListView(TagDirectoryView):
    """The directory: organisations with published articles, grouped by kind in the
    order the kinds are declared (government first), with their counts. Each kind in
    the jump list links to the page where it starts."""

    model = Organisation
    template_name = "articles/organisation_list.html"
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
        return context


class TopicListView(TagDirectoryView):
    model = Topic
    template_name = "articles/topic_list.html"
    context_object_name = "topics"


class RobotsTxtView(TemplateView):
    """robots.txt naming the sitemap by its absolute URL (crawlers require one)."""

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        sitemap_url = self.request.build_absolute_uri(reverse("sitemap"))
        return super().get_context_data(sitemap_url=sitemap_url, **kwargs)


class SearchView(CachedCountMixin, ListView):
    """Search published articles by topics, organisations, section and words: the parsing,
    matching, ranking and facets live in articles/search.py."""

    template_name = "articles/search.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        self.search = ArticleSearch.from_query_dict(self.request.GET, language=get_language())
        return self.search.results()

    def count_key(self):
        # The search as its canonical parameters (cleaned, deduplicated), hashed: the count
        # and facets of a repeated search are computed once per content generation.
        params = urlencode(self.search.params())
        return f"search:{hashlib.sha256(params.encode()).hexdigest()}:{get_language()}"

    def paginate_queryset(self, queryset, page_size):
        # A search link with a stale or mangled page number (page=abc, page=99999) shows the
        # nearest page instead of a 404: readers reach these from old links and bookmarks.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        ranked_limit = self.search.ranked_limit
        context.update(
            search=self.search,
            active_filters=self.search.active_filters(),
            facets=generation_cached(f"facets:{self.count_key()}", self.search.facets),
            results_limited=ranked_limit is not None and page.paginator.count >= ranked_limit,
            previous_page_url=(
                self.search.url(page=page.previous_page_number()) if page.has_previous() else ""
            ),
            next_page_url=self.search.url(page=page.next_page_number()) if page.has_next() else "",
        )
        return context
