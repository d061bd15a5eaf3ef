"""The sitemap: published articles, the sections, organisations, topics and authors that
have published articles, and the site's fixed pages, each with its last modification time.

Both languages are in the one sitemap (Django's `i18n`), each URL with its `xhtml:link`
alternates (`alternates`, `x_default`):
- a fixed page, section, organisation or topic exists in each language: `/topics/` and
  `/zh-hant/topics/` are listed, and name each other;
- an article is listed once, at its own language's address (its canonical URL), and names
  its published translation as its alternate. An article without one has no alternate in
  the other language: its page in the other language's URL space shows the same text with
  the other interface, and its canonical link points back here, so naming it as a
  translation would be wrong.
"""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Organisation, Section, Topic
from core.languages import hreflang_alternates, news_language


def _last_published_change():
    """When the newest change to any published article was made."""
    return Article.objects.published().aggregate(last=Max("updated_at"))["last"]


class BilingualSitemap(Sitemap):
    """Every item in each language it exists in, with hreflang alternates and x-default."""

    i18n = True
    alternates = True
    x_default = True

    def extra_alternates(self, item):
        """More (lang_code, path) alternates of `item` than its own languages give."""
        return []

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        base = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            item, _ = url["item"]
            # Django's x-default is dropped: it removes "/en/" from the English URL, which with
            # unprefixed English URLs only ever mangles a slug "en". hreflang_alternates() adds
            # ours (the English page) and writes BCP 47 tags, as the pages' links do.
            versions = {
                a["lang_code"]: a["location"] for a in url["alternates"] if a["lang_code"] != "x-default"
            }
            versions.update({code: base + path for code, path in self.extra_alternates(item)})
            url["alternates"] = [
                {"location": location, "lang_code": tag}
                for tag, location in hreflang_alternates(versions, x_default=self.x_default)
            ]
        return urls


class ArticleSitemap(BilingualSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return (
            Article.objects.published()
            .select_related("translation")
            .only(
                "slug",
                "language",
                "updated_at",
                "published_at",
                "translation__slug",
                "translation__language",
                "translation__status",
                "translation__published_at",
                "translation__expires_at",
            )
            .order_by("-published_at", "-id")
        )

    def get_languages_for_item(self, article):
        # Its own address only: /zh-hant/articles/<an English slug>/ is not a translation.
        return [article.language]

    def extra_alternates(self, article):
        translated = article.published_translation()
        if translated is None:
            return []
        return [(translated.language, translated.url_in(translated.language))]

    def lastmod(self, article):
        return article.updated_at


class _WithPublishedArticlesSitemap(BilingualSitemap):
    """Sections, organisations, topics or authors that have published articles; lastmod is the
    newest change to one of those articles (their pages change when an article does)."""

    model = None
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return (
            self.model.objects.annotate(
                last_modified=Max("articles__updated_at", filter=Article.published_q(prefix="articles__"))
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


class AuthorSitemap(_WithPublishedArticlesSitemap):
    model = Author


class StaticPagesSitemap(BilingualSitemap):
    """The home page and the indexes: they change whenever a published article does."""

    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return [
            "reader:home",
            "reader:article_list",
            "reader:organisation_list",
            "reader:topic_list",
            "reader:correction_list",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        if not hasattr(self, "_last_change"):
            self._last_change = _last_published_change()
        return self._last_change


class NewsSitemap(Sitemap):
    """Google News: published articles of the last two days (its limit), at their own
    language's address, each with its title, publication time and language. Rendered by
    templates/sitemap_news.xml (the news: namespace)."""

    limit = 1000  # Google News reads at most this many URLs per sitemap
    days = 2

    def items(self):
        since = timezone.now() - timedelta(days=self.days)
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("slug", "title", "language", "published_at", "updated_at")
            .order_by("-published_at", "-id")
        )

    def location(self, article):
        return article.url_in(article.language)

    def lastmod(self, article):
        return article.updated_at

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["news_language"] = news_language(url["item"].language)
        return urls
