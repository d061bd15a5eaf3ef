"""What makes the page cache stale: every save, delete and link change of a model the content
app asks it to watch bumps the content generation once the transaction commits. A
rolled-back edit invalidates nothing, and no server can cache the old page again after the
bump (the new rows are visible by then). QuerySet.update() and bulk_create() send no
signals: call `pagecache.generation.invalidate_page_cache()` after them.

This module knows no content model: the content app calls `watch()` from its
AppConfig.ready() with the models readers see and how to find the next scheduled change.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .generation import invalidate_page_cache, set_next_scheduled_change


def content_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: act once, after the change
    transaction.on_commit(invalidate_page_cache, using=kwargs.get("using"))


def watch(models, link_models=(), next_scheduled_change=None):
    """Invalidate on every save and delete of `models`, and on every m2m_changed of
    `link_models` (through-models: taggit's add()/remove()/clear() send it with the
    through-model as sender). `next_scheduled_change()` returns when the next scheduled
    content becomes public (a datetime, or None): nothing is cached beyond it."""
    for model in models:
        uid = model._meta.label
        post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-save-{uid}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"page-cache-delete-{uid}")
    for through in link_models:
        m2m_changed.connect(
            content_changed, sender=through, dispatch_uid=f"page-cache-m2m-{through._meta.label}"
        )
    if next_scheduled_change is not None:
        set_next_scheduled_change(next_scheduled_change)
