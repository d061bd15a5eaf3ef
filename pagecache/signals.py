"""What makes cached pages stale, and exactly which: every save, delete and link change of a
model the content app asks it to watch is turned into the surrogate keys it affects (by a
function of the content app), and once the transaction commits those keys are purged at
the edge (purge.py) and, if there are any, bumped for the app servers' own page and value
cache (generation.bump_keys): pages and values showing none of them stay warm. A rolled-back edit purges nothing; a change no reader can see
(a draft, an autosave, a model nobody watches) purges nothing and bumps nothing.
QuerySet.update() and bulk_create() send no signals: call
`pagecache.generation.invalidate_page_cache()` after them.

This module knows no content model: the content app calls `watch()` from its
AppConfig.ready() with the models readers see, what a change of each touches, and how to
find the scheduled changes.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from .generation import UNKEYED, bump_keys, set_next_scheduled_change, set_scheduled_changes
from .purge import purge_keys


def purge_now(keys, hard=False):
    """Purge `keys` at the edge and in the app servers' own page and value cache."""
    # Pages and values that declared no keys may show anything: every change.
    bump_keys({*keys, UNKEYED})
    # Pages that declared no keys (feeds, sitemaps...) may show anything: every change.
    purge_keys({*keys, UNKEYED} if not hard else keys, hard=hard)
    if hard:
        purge_keys({UNKEYED})


def schedule_purge(keys, hard=False, using=None):
    """Purge `keys` once the current transaction commits (at once outside one); a rolled-back
    transaction purges nothing."""
    keys = frozenset(keys)
    if keys:
        transaction.on_commit(lambda: purge_now(keys, hard=hard), using=using)


def _as_keys(result):
    """A change function returns keys, or (keys, withdrawn)."""
    if isinstance(result, tuple):
        return set(result[0]), bool(result[1])
    return set(result or ()), False


def _connect(model, change):
    label = model._meta.label

    def before_save(sender, instance, raw=False, using=None, **kwargs):
        instance._pagecache_before = (
            None
            if raw or instance._state.adding or instance.pk is None
            else sender._base_manager.using(using).filter(pk=instance.pk).first()
        )

    def after_save(sender, instance, using=None, **kwargs):
        before = getattr(instance, "_pagecache_before", None)
        instance._pagecache_before = None
        keys, withdrawn = _as_keys(change(before, instance))
        schedule_purge(keys, hard=withdrawn, using=using)

    def before_delete(sender, instance, using=None, **kwargs):
        # Before the delete: the links that say which lists it was on still exist.
        keys, _withdrawn = _as_keys(change(instance, None))
        schedule_purge(keys, hard=True, using=using)

    pre_save.connect(before_save, sender=model, weak=False, dispatch_uid=f"page-cache-pre-save-{label}")
    post_save.connect(after_save, sender=model, weak=False, dispatch_uid=f"page-cache-save-{label}")
    pre_delete.connect(before_delete, sender=model, weak=False, dispatch_uid=f"page-cache-delete-{label}")


def _connect_links(through, change):
    def links_changed(sender, instance, action, reverse, model, pk_set, using=None, **kwargs):
        # After an add or remove (pk_set says which); before a clear (afterwards nothing
        # says which links there were).
        if action not in ("post_add", "post_remove", "pre_clear"):
            return
        keys, withdrawn = _as_keys(change(instance, action, reverse, model, pk_set))
        schedule_purge(keys, hard=withdrawn, using=using)

    m2m_changed.connect(
        links_changed, sender=through, weak=False, dispatch_uid=f"page-cache-m2m-{through._meta.label}"
    )


def watch(
    models, link_models=None, next_scheduled_change=None, scheduled_changes=None, scheduled_changes_keys=None
):
    """Purge what each change affects.

    `models`: {model: change(before, after)}, called on every save (`before` the stored
    row, None when created) and delete (`after` None), returning the surrogate keys to
    purge, or (keys, withdrawn): withdrawn content is purged hard. `link_models`:
    {through-model: change(instance, action, reverse, model, pk_set)} for m2m_changed
    (taggit's add()/remove()/clear() send it with the through-model as sender).
    `next_scheduled_change()`: when the next scheduled content becomes public (a datetime
    or None): the app's page cache keeps nothing beyond it. `scheduled_changes(horizon, at=None)`:
    [(POSIX time, keys)] becoming public (or leaving) within `horizon` seconds after `at`
    (default now): the edge keeps no page carrying one of those keys beyond its time
    (surrogate.shared_max_age), and when the time comes those keys are bumped.
    `scheduled_changes_keys`: the keys bumped by every change to that list (None: any
    visible change recomputes it)."""
    for model, change in models.items():
        _connect(model, change)
    for through, change in (link_models or {}).items():
        _connect_links(through, change)
    if next_scheduled_change is not None:
        set_next_scheduled_change(next_scheduled_change)
    if scheduled_changes is not None:
        set_scheduled_changes(scheduled_changes, keys=scheduled_changes_keys)
