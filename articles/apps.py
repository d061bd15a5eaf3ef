from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What readers see, for the page cache and the edge (pagecache/): each change purges
        # the surrogate keys it affects (surrogates.py), and a scheduled article's time
        # coming refreshes the pages it enters, an expiry time the pages it leaves.
        from django.conf import settings

        from images.models import Image
        from pagecache.signals import watch

        from . import counts, surrogates
        from .models import (
            Article,
            ArticleOrganisation,
            ArticleTopic,
            Author,
            Correction,
            Organisation,
            Section,
            Topic,
        )

        # Published counts, recounted in each change's transaction (counts.py).
        counts.watch()

        def article_change(before, after):
            return surrogates.article_change(before, after, horizon=settings.PAGE_CACHE_EDGE_SECONDS)

        watch(
            models={
                Article: article_change,
                Section: surrogates.object_change,
                Organisation: surrogates.object_change,
                Topic: surrogates.object_change,
                Author: surrogates.object_change,
                Image: surrogates.image_change,
                Correction: surrogates.correction_change,
                ArticleTopic: surrogates.link_row_change,
                ArticleOrganisation: surrogates.link_row_change,
            },
            link_models={
                ArticleTopic: surrogates.m2m_change,
                ArticleOrganisation: surrogates.m2m_change,
                Article.authors.through: surrogates.m2m_change,
            },
            next_scheduled_change=Article.objects.next_visibility_change,
            scheduled_changes=surrogates.scheduled_changes,
            # Scheduling, withdrawing or publishing an article within the edge's lifetime, or
            # changing an expiry, changes "latest" (surrogates.article_change); edits do not.
            scheduled_changes_keys=(surrogates.LATEST,),
        )
