"""Which webhook event an article's change is, from what readers could see: the article in
`Article.objects.published()` before the transaction and after it, never its status names.

Every save, delete and tag or author change of an article in one transaction is gathered,
and once the transaction commits it is one event at most: published (not visible before,
visible after), unpublished (the reverse), updated (visible throughout, and a change readers
see: articles/surrogates.py's rule, the one that purges pages), deleted (was visible). A
draft's save, an autosave or a rolled-back edit sends nothing. A scheduled article's
"published" is sent when its time comes, by a task queued for then (tasks.py).
"""

import logging
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from articles import surrogates
from articles.models import Article

logger = logging.getLogger(__name__)


@dataclass
class PendingChange:
    was_visible: bool
    changed: bool = False
    deleted: dict = None  # the article's identity, once it is deleted
    flush: object = None  # this transaction's on_commit callback


# {(database alias, article id): PendingChange} of the transactions under way.
_pending = {}


def visible(pk, using=DEFAULT_DB_ALIAS):
    return Article.objects.using(using).published().filter(pk=pk).exists()


def identity(article):
    return {"id": article.pk, "slug": article.slug, "language": article.language}


def forget_pending():
    """Drop what the transactions under way gathered. For tests only: their transaction never
    commits, so what a fixture saved before `with commit():` would otherwise be gathered with
    the block's changes and flushed with the fixture's callbacks, which never run."""
    _pending.clear()


def _current(pk, using):
    """The change gathered for article `pk` in the current transaction, if still under way
    (a rolled-back transaction's callback is gone, and with it what it gathered)."""
    change = _pending.get((using, pk))
    if change is None:
        return None
    connection = connections[using]
    if not connection.in_atomic_block or not any(
        func is change.flush for _ids, func, _robust in connection.run_on_commit
    ):
        _pending.pop((using, pk), None)
        return None
    return change


def _track(pk, using, was_visible=None):
    """The change of article `pk` gathered in this transaction, begun if need be. Outside a
    transaction (autocommit) a change stands alone: the caller emits it when it is complete."""
    change = _current(pk, using)
    if change is not None:
        return change
    change = PendingChange(was_visible=visible(pk, using) if was_visible is None else was_visible)
    if not connections[using].in_atomic_block:
        return change
    _pending[(using, pk)] = change

    def flush():
        if _pending.get((using, pk)) is change:
            del _pending[(using, pk)]
        emit(pk, change, using)

    change.flush = flush
    # robust: a webhook that cannot be queued is logged, never the editor's save failing.
    transaction.on_commit(flush, using=using, robust=True)
    return change


def _emit_unless_in_transaction(pk, change, using):
    if change.flush is None:
        emit(pk, change, using)


def emit(pk, change, using=DEFAULT_DB_ALIAS):
    from . import delivery
    from .models import Event

    now_visible = change.deleted is None and visible(pk, using)
    if change.deleted is not None:
        event = Event.DELETED if change.was_visible else None
    elif now_visible:
        event = Event.UPDATED if change.was_visible else Event.PUBLISHED
        if event == Event.UPDATED and not change.changed:
            event = None
    else:
        event = Event.UNPUBLISHED if change.was_visible else None
        delivery.announce_when_due(pk, using)
    if event is not None:
        delivery.send_event(event, pk, change.deleted, using)


def before_save(sender, instance, raw=False, using=None, **kwargs):
    instance._webhooks_change = instance._webhooks_before = None
    if raw or instance.pk is None or instance._state.adding:
        return
    change = instance._webhooks_change = _track(instance.pk, using)
    if not change.changed:
        instance._webhooks_before = sender._base_manager.using(using).filter(pk=instance.pk).first()


def after_save(sender, instance, created=False, raw=False, using=None, **kwargs):
    if raw:
        return
    change = getattr(instance, "_webhooks_change", None)
    if change is None or change.flush is not None:
        change = _track(instance.pk, using, was_visible=False if created else None)
    before = getattr(instance, "_webhooks_before", None)
    instance._webhooks_change = instance._webhooks_before = None
    if not change.changed and before is not None:
        # A change readers see: the same rule that purges the article's pages.
        keys, _withdrawn = surrogates.article_change(before, instance)
        change.changed = bool(keys)
    _emit_unless_in_transaction(instance.pk, change, using)


def before_delete(sender, instance, using=None, **kwargs):
    change = _track(instance.pk, using)
    change.deleted = identity(instance)
    _emit_unless_in_transaction(instance.pk, change, using)


def links_changed(sender, instance, action, reverse, pk_set, using=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # From a tag's or an author's side `pk_set` are the articles (unknown after a clear).
    pks = [instance.pk] if not reverse else list(pk_set or ())
    for pk in pks:
        change = _track(pk, using)
        change.changed = True
        _emit_unless_in_transaction(pk, change, using)


def connect():
    pre_save.connect(before_save, sender=Article, dispatch_uid="webhooks-pre-save")
    post_save.connect(after_save, sender=Article, dispatch_uid="webhooks-post-save")
    pre_delete.connect(before_delete, sender=Article, dispatch_uid="webhooks-pre-delete")
    for through in (Article.topics.through, Article.organisations.through, Article.authors.through):
        m2m_changed.connect(
            links_changed, sender=through, dispatch_uid=f"webhooks-links-{through._meta.label}"
        )
