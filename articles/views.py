"""Readers' pages. Thin views: every queryset starts from Article.objects.published()
(or visible_to(), which is published() for everyone but staff previewing)."""
from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from .models import Article, Organisation, Section, Topic
from .search import ArticleSearch


class PublishedArticlesMixin:
    """Published articles, newest first, with what a listing shows prefetched."""

    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().for_listing()


class HomeView(PublishedArticlesMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = list(self.get_queryset()[:13])
        lead = next((a for a in latest if a.featured), latest[0] if latest else None)
        context["lead"] = lead
        context["latest"] = [a for a in latest if a != lead][:12]
        context["sections"] = Section.objects.all()
        context["organisations"] = Organisation.objects.in_use().order_by("-num_articles", "name")[:10]
        context["topics"] = Topic.objects.in_use().order_by("-num_articles", "name")[:20]
        return context


class ArticleListView(PublishedArticlesMixin, ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # Staff follow the admin's "view on site" link to preview drafts.
        return Article.objects.visible_to(self.request.user).for_listing()


class FilteredArticleListView(PublishedArticlesMixin, ListView):
    """Published articles of one section, organisation or topic."""

    model = None
    lookup = None
    context_object_name = "articles"

    def get_queryset(self):
        self.object = get_object_or_404(self.model, slug=self.kwargs["slug"])
        return super().get_queryset().filter(**{self.lookup: self.object})

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


class TopicDetailView(FilteredArticleListView):
    model = Topic
    lookup = "topics"
    template_name = "articles/topic_detail.html"


class OrganisationListView(ListView):
    template_name = "articles/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        return Organisation.objects.with_published_counts().order_by("kind", "name")


class TopicListView(ListView):
    template_name = "articles/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        return Topic.objects.in_use().order_by("name")


class SearchView(ListView):
    """Search published articles by topics, organisations, section and words: the parsing,
    matching, ranking and facets live in articles/search.py."""

    template_name = "articles/search.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        self.search = ArticleSearch.from_query_dict(self.request.GET)
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
