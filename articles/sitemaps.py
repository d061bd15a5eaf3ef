"""The sitemap: published articles, the sections, organisations and topics that have
published articles, and the site's fixed pages, each with its last modification time."""
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Article, Organisation, Section, Topic


def _last_published_change():
    """When the newest change to any published article was made."""
    return Article.objects.published().aggregate(last=Max("updated_at"))["last"]


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "updated_at", "published_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, article):
        return article.updated_at


class _WithPublishedArticlesSitemap(Sitemap):
    """Sections, organisations or topics that have published articles; lastmod is the
    newest change to one of those articles (their pages change when an article does)."""

    model = None
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return (
            self.model.objects.annotate(
                last_modified=Max(
                    "articles__updated_at", filter=Article.published_q(prefix="articles__")
                )
            )
            .filter(last_modified__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, obj):
        return obj.last_modified


class SectionSitemap(_WithPublishedArticlesSitemap):
    model = Section


class OrganisationSitemap(_WithPublishedArticlesSitemap):
    model = Organisation


class TopicSitemap(_WithPublishedArticlesSitemap):
    model = Topic


class StaticPagesSitemap(Sitemap):
    """The home page and the indexes: they change whenever a published article does."""

    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return [
            "articles:home",
            "articles:article_list",
            "articles:organisation_list",
            "articles:topic_list",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        if not hasattr(self, "_last_change"):
            self._last_change = _last_published_change()
        return self._last_change

