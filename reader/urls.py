from django.urls import path, register_converter

from . import feeds, views


class UnicodeSlugConverter:
    """A slug that may be Chinese ("香港ai"). Django's <slug:> is ASCII-only, and <str:>
    would also pass NUL and other characters that no slug holds (PostgreSQL rejects a
    NUL in a query with an error, not a miss), so this admits what SlugField(allow_unicode)
    validates: letters and digits of any script, "_" and "-"."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "reader"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<uslug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("sections/<uslug:slug>/", views.SectionDetailView.as_view(), name="section_detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organisations/<uslug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<uslug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("authors/<uslug:slug>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("corrections/", views.CorrectionListView.as_view(), name="correction_list"),
    # Feeds: RSS at the plain address, Atom under atom/.
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="feed_latest"),
    path("feeds/latest/atom/", feeds.LatestArticlesAtomFeed(), name="feed_latest_atom"),
    path("feeds/sections/<uslug:slug>/", feeds.SectionFeed(), name="feed_section"),
    path("feeds/sections/<uslug:slug>/atom/", feeds.SectionAtomFeed(), name="feed_section_atom"),
    path(
        "feeds/organisations/<uslug:slug>/",
        feeds.OrganisationFeed(),
        name="feed_organisation",
    ),
    path(
        "feeds/organisations/<uslug:slug>/atom/",
        feeds.OrganisationAtomFeed(),
        name="feed_organisation_atom",
    ),
    path("feeds/topics/<uslug:slug>/", feeds.TopicFeed(), name="feed_topic"),
    path("feeds/topics/<uslug:slug>/atom/", feeds.TopicAtomFeed(), name="feed_topic_atom"),
    path("feeds/authors/<uslug:slug>/", feeds.AuthorFeed(), name="feed_author"),
    path("feeds/authors/<uslug:slug>/atom/", feeds.AuthorAtomFeed(), name="feed_author_atom"),
    # JSON Feed 1.1 beside RSS and Atom, under json/.
    path("feeds/latest/json/", feeds.LatestArticlesJSONFeed(), name="feed_latest_json"),
    path("feeds/sections/<uslug:slug>/json/", feeds.SectionJSONFeed(), name="feed_section_json"),
    path(
        "feeds/organisations/<uslug:slug>/json/", feeds.OrganisationJSONFeed(), name="feed_organisation_json"
    ),
    path("feeds/topics/<uslug:slug>/json/", feeds.TopicJSONFeed(), name="feed_topic_json"),
    path("feeds/authors/<uslug:slug>/json/", feeds.AuthorJSONFeed(), name="feed_author_json"),
    # The corrections page's feeds: RSS, Atom, JSON Feed.
    path("feeds/corrections/", feeds.CorrectionsFeed(), name="feed_corrections"),
    path("feeds/corrections/atom/", feeds.CorrectionsAtomFeed(), name="feed_corrections_atom"),
    path("feeds/corrections/json/", feeds.CorrectionsJSONFeed(), name="feed_corrections_json"),
]
