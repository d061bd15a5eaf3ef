from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from hkai_site.media import serve_media
from reader import sitemaps as reader_sitemaps
from reader import views as reader_views
from reader.views import RobotsTxtView

sitemaps = {
    "pages": reader_sitemaps.StaticPagesSitemap,
    "articles": reader_sitemaps.ArticleSitemap,
    "sections": reader_sitemaps.SectionSitemap,
    "organisations": reader_sitemaps.OrganisationSitemap,
    "topics": reader_sitemaps.TopicSitemap,
    "authors": reader_sitemaps.AuthorSitemap,
}

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", RobotsTxtView.as_view(), name="robots_txt"),
]

# The readers' site in each language: English at the unprefixed URLs, Chinese under
# /zh-hant/ (feeds too). The admin, the sitemap (which lists both) and robots.txt stay
# unprefixed. The language comes from the URL only: see hkai_site/locale.py.
urlpatterns += i18n_patterns(
    path("", include("reader.urls")),
    path("", include("search.urls")),
    prefix_default_language=False,
)

# Uploaded images, with DEBUG on or off, unless they live in a bucket at an address of their
# own (MEDIA_URL "https://..."): hkai_site/media.py.
if settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", serve_media, name="media"))

# A database that cannot be reached answers 503, with an editor's posted text (errors.py).
handler500 = "hkai_site.errors.server_error"

# The public Content API (api/), unprefixed: one address for both languages' content.
urlpatterns.insert(0, path("api/", include("api.urls")))
# Google News: the last two days' articles (reader/sitemaps.py), named in robots.txt.
urlpatterns.append(
    path(
        "sitemap-news.xml",
        sitemap,
        {"sitemaps": {"news": reader_sitemaps.NewsSitemap}, "template_name": "sitemap_news.xml"},
        name="sitemap_news",
    )
)
urlpatterns.append(path("sitemap-index.xml", reader_views.SitemapIndexView.as_view(), name="sitemap_index"))
# A malformed request to the API (a NUL in the address) is answered in JSON too.
handler400 = "api.errors.bad_request"
