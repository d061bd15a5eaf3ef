"""Readers' pages. Thin views: every queryset starts from Article.objects.published()
(or visible_to(), which is published() for everyone but staff previewing)."""
from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from .models import Article, Organisation, Section, Topic


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
        return Organisation.objects.in_use().order_by("kind", "name")


class TopicListView(ListView):
    template_name = "articles/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        return Topic.objects.in_use().order_by("name")


class SearchView(PublishedArticlesMixin, ListView):
    """Search by words (`q`) among published articles."""

    template_name = "articles/search.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:200]
        queryset = super().get_queryset()
        if self.query:
            queryset = queryset.filter(title__icontains=self.query)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)
