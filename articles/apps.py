from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What readers see, for the page cache (pagecache/): any change to these starts a new
        # content generation, and a scheduled article's time coming does too.
        from pagecache.signals import watch

        from .models import Article, ArticleOrganisation, ArticleTopic, Author, Organisation, Section, Topic

        watch(
            models=(Article, Section, Organisation, Topic, Author, ArticleTopic, ArticleOrganisation),
            link_models=(ArticleTopic, ArticleOrganisation, Article.authors.through),
            next_scheduled_change=Article.objects.next_publication_time,
        )
