from django.urls import path

from . import views

app_name = "articles"

# Slugs may be unicode ("香港ai"): Django's <slug:> converter is ASCII-only, so routes use <str:>.
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<str:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("sections/<str:slug>/", views.SectionDetailView.as_view(), name="section_detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organisations/<str:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<str:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("search/", views.SearchView.as_view(), name="search"),
]
