from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from reader.urls import UnicodeSlugConverter  # noqa: F401  (registers <uslug:>)

from . import errors, views

app_name = "api"

urlpatterns = [
    path("v1/articles/", views.ArticleListView.as_view(), name="article_list"),
    path("v1/articles/<uslug:key>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("v1/sections/", views.SectionListView.as_view(), name="section_list"),
    path("v1/sections/<uslug:slug>/", views.SectionDetailView.as_view(), name="section_detail"),
    path("v1/topics/", views.TopicListView.as_view(), name="topic_list"),
    path("v1/topics/<uslug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("v1/organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "v1/organisations/<uslug:slug>/", views.OrganisationDetailView.as_view(), name="organisation_detail"
    ),
    path("v1/authors/", views.AuthorListView.as_view(), name="author_list"),
    path("v1/authors/<uslug:slug>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", views.DocsView.as_view(), name="docs"),
    re_path(r"^", errors.not_found),
]
