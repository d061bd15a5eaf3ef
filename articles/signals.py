"""Invalidate the page cache (articles/cache.py) whenever public content changes.

Every save, delete and tag/author link change of anything a public page shows bumps the
content generation once the transaction commits: a rolled-back edit invalidates nothing,
and no server can cache the old page again after the bump (the new rows are visible by
then). QuerySet.update() and bulk_create() send no signals: call
`articles.cache.invalidate_page_cache()` after them.
"""
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .cache import invalidate_page_cache
from .models import Article, ArticleOrganisation, ArticleTopic, Author, Organisation, Section, Topic

PUBLIC_MODELS = (Article, Section, Organisation, Topic, Author, ArticleTopic, ArticleOrganisation)
# taggit's add()/remove()/clear() send m2m_changed with the through-model as sender.
LINK_MODELS = (ArticleTopic, ArticleOrganisation, Article.authors.through)


def content_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: act once, after the change
    transaction.on_commit(invalidate_page_cache, using=kwargs.get("using"))


def connect():
    for model in PUBLIC_MODELS:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}")
    for through in LINK_MODELS:
        m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"page-cache-m2m-{through.__name__}")
