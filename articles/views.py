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
from django.conf import settings
from django.db.models import Case, Count, FilteredRelation, Q, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView, TemplateView

from .models import (
    Article,
    ArticleOrganisation,
    ArticleTopic,
    Organisation,
    Section,
    Topic,
    published_story_count,
)
from .search import ArticleSearch

# How many related articles an article page shows, and how many topics and
# organisations the front page lists.
RELATED_ARTICLES = 4
FRONT_PAGE_TAGS = 12


class PublishedArticlesMixin:
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
        articles = self.get_queryset()
        # The newest featured article leads; with none featured, the newest article does.
        lead = articles.order_by("-featured", "-published_at", "-id").first()
        latest = articles.exclude(pk=lead.pk) if lead else articles.none()
        context["lead"] = lead
        context["latest"] = latest[: settings.ARTICLES_PER_PAGE]
        context["sections"] = Section.objects.annotate(
            num_articles=published_story_count("articles__")
        )
        context["organisations"] = Organisation.objects.in_use().order_by(
            "-num_articles", "name"
        )[:FRONT_PAGE_TAGS]
        context["topics"] = Topic.objects.in_use().order_by("-num_articles", "name")[
            :FRONT_PAGE_TAGS
        ]
        return context


class ArticleListView(ArticleCardsMixin, ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # Staff follow the admin's "view on site" link to preview drafts.
        return (
            Article.objects.visible_to(self.request.user)
            .for_listing()
            .select_related("translation")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        language = get_language()
        context["related_articles"] = related_articles(article, language)
        context["previous_article"], context["next_article"] = neighbours(article, language)
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


def related_articles(article, language=None, limit=RELATED_ARTICLES):
    """Published articles sharing most topics and organisations with `article`, each
    story once in `language` (default: the active one) where it has that version, never
    the article's translation.

    One query over the two through-tables: the candidates are found through the
    through-tables' tag index (subqueries), and each join is narrowed to the shared
    tags (FilteredRelation), so the counts rank candidates without multiplying rows.
    taggit's similar_objects() runs a query per tag type and ranks in Python, which
    is slow at scale (taggit #751).
    """
    # Iterating .all() uses the prefetch cache from for_listing(): no query here.
    shared_tags = {
        "topic_links": (ArticleTopic, [topic.pk for topic in article.topics.all()]),
        "organisation_links": (
            ArticleOrganisation,
            [organisation.pk for organisation in article.organisations.all()],
        ),
    }
    # A join on an empty id list would empty the whole query, so join only what it has.
    shared_tags = {links: (through, ids) for links, (through, ids) in shared_tags.items() if ids}
    if not shared_tags:
        return []
    candidates = Q()
    joins = {}
    for links, (through, ids) in shared_tags.items():
        candidates |= Q(pk__in=through.objects.filter(tag__in=ids).values("content_object"))
        joins[f"shared_{links}"] = FilteredRelation(
            links, condition=Q(**{f"{links}__tag__in": ids})
        )
    counts = [Count(join, distinct=True) for join in joins]
    return list(
        Article.objects.published()
        .for_language(language or get_language())
        .filter(candidates)
        .exclude(pk__in=[pk for pk in (article.pk, article.translation_id) if pk])
        .annotate(**joins)
        .annotate(shared=sum(counts[1:], counts[0]))
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
    previous = (
        published.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=article.pk))
        .order_by("-published_at", "-id")
        .first()
    )
    following = (
        published.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=article.pk))
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


class SectionDetailView(FilteredArticleListView):
    model = Section
    lookup = "section"
    template_name = "articles/section_detail.html"


class OrganisationDetailView(FilteredArticleListView):
    model = Organisation
    lookup = "organisations"
    template_name = "articles/organisation_detail.html"

    def get_object_queryset(self):
        return Organisation.objects.in_use()


class TopicDetailView(FilteredArticleListView):
    model = Topic
    lookup = "topics"
    template_name = "articles/topic_detail.html"

    def get_object_queryset(self):
        return Topic.objects.in_use()


class OrganisationListView(ListView):
    """The directory: organisations with published articles, grouped by kind in the
    order the kinds are declared (government first), with their counts."""

    template_name = "articles/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        kind_order = Case(
            *[When(kind=kind, then=i) for i, kind in enumerate(Organisation.Kind.values)],
            default=len(Organisation.Kind.values),
        )
        return Organisation.objects.in_use().order_by(kind_order, "name")


class TopicListView(ListView):
    template_name = "articles/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        return Topic.objects.in_use().order_by("name")


class RobotsTxtView(TemplateView):
    """robots.txt naming the sitemap by its absolute URL (crawlers require one)."""

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        sitemap_url = self.request.build_absolute_uri(reverse("sitemap"))
        return super().get_context_data(sitemap_url=sitemap_url, **kwargs)


class SearchView(ListView):
    """Search published articles by topics, organisations, section and words: the parsing,
    matching, ranking and facets live in articles/search.py."""

    template_name = "articles/search.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        self.search = ArticleSearch.from_query_dict(self.request.GET, language=get_language())
        return self.search.results()

    def paginate_queryset(self, queryset, page_size):
        # A search link with a stale or mangled page number (page=abc, page=99999) shows the
        # nearest page instead of a 404: readers reach these from old links and bookmarks.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context.update(
            search=self.search,
            active_filters=self.search.active_filters(),
            facets=self.search.facets(),
            previous_page_url=(
                self.search.url(page=page.previous_page_number()) if page.has_previous() else ""
            ),
            next_page_url=self.search.url(page=page.next_page_number()) if page.has_next() else "",
        )
        return context
