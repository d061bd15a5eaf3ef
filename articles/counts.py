"""Published counts, maintained as content changes (the PublishedCount table).

Pages used to count published stories over every link of every tag on their first request
after each change (200-400 ms per directory at 100,000 articles, bench/RESULTS.md). Here
each save recounts only what it touches: its section, tags and authors and the site's
total, exactly, with the queryset rule (`published_story_count`), inside the editor's
transaction. An article alone in its story (no translation), saved in a transaction while
the counts hold, moves each of its counts by one instead (`shift_keys`): publishing it
counts nothing again over those links. Time alone changes counts too (a scheduled
article's time comes, an expiry passes): the clock row says up to when the counts hold,
and the first read after that recounts the articles whose time came in between (no cron).

Bulk loads that send no signals (bulk_create, loaddata's raw saves) leave the counts
stale: `recount()` (manage.py recount) or `mark_stale()` (recounted on the next read).
"""

import contextvars
import threading
from collections import Counter

from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models import Count, F, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from .models import (
    Article,
    ArticleOrganisation,
    ArticleTopic,
    Author,
    Organisation,
    PublishedCount,
    PublishedCountsClock,
    Section,
    Topic,
    article_saved,
)
from .querysets import Status, published_story_count, story_key

Kind = PublishedCount.Kind
KIND_MODELS = {Kind.SECTION: Section, Kind.TOPIC: Topic, Kind.ORGANISATION: Organisation, Kind.AUTHOR: Author}
MODEL_KINDS = {model: kind for kind, model in KIND_MODELS.items()}
LINK_KINDS = {ArticleTopic: Kind.TOPIC, ArticleOrganisation: Kind.ORGANISATION}
ALL = (Kind.ALL, 0)
CLOCK_ID = 1
# Fields whose change can change a count: a save changing none of them recounts nothing.
COUNTED_FIELDS = ("status", "published_at", "expires_at", "section_id", "translation_id")

# Articles and tags being deleted by this thread: their links' cascade recounts nothing,
# the article's or tag's own post_delete recounts once.
_deleting_now = threading.local()


# Within a request, the clock as last read ((as_of, next_change)), or None outside one: a
# page reading several kinds of counts (the front page: sections, topics, organisations)
# read the clock again for each. It is still compared with the time at every read, and
# forgotten whenever the clock is locked to be written.
_request_clock = contextvars.ContextVar("hkai_counts_clock", default=None)


def _start_request(**kwargs):
    _request_clock.set({})


def _end_request(**kwargs):
    _request_clock.set(None)


request_started.connect(_start_request, dispatch_uid="articles.counts.start_request")
request_finished.connect(_end_request, dispatch_uid="articles.counts.end_request")


# Reading


def stories(kind):
    """{object id: published stories} for every object of `kind` with at least one."""
    ensure_current()
    return dict(PublishedCount.objects.filter(kind=kind).values_list("object_id", "stories"))


def most_counted(kind, limit):
    """The counts (PublishedCount rows, a queryset) of the `limit` objects of `kind` with the
    most stories, and of any tied with the last of them, caught up first: a subquery for the
    objects' own query, where reading every count of a kind (thousands of topics) to keep a
    dozen moved them all to Python."""
    ensure_current()
    counted = PublishedCount.objects.filter(kind=kind)
    last = counted.order_by("-stories").values_list("stories", flat=True)[limit - 1 : limit]
    return counted.filter(stories__gte=Coalesce(Subquery(last), 0))


def total_stories():
    """Published stories on the whole site (the length of /articles/)."""
    return _stored(Kind.ALL, 0)


def stories_of(obj):
    """Published stories of one section, tag or author."""
    return _stored(MODEL_KINDS[type(obj)], obj.pk)


def _stored(kind, object_id):
    """One count and the clock in one query (a listing's total on every cold page);
    caught up first when the clock says so."""
    count = PublishedCount.objects.filter(kind=kind, object_id=object_id).values("stories")[:1]
    row = (
        PublishedCountsClock.objects.filter(pk=CLOCK_ID)
        .annotate(stories=Subquery(count))
        .values_list("as_of", "next_change", "stories")
        .first()
    )
    if row is not None and _holds(row[0], row[1], timezone.now()):
        return row[2] or 0
    ensure_current()
    return (
        PublishedCount.objects.filter(kind=kind, object_id=object_id)
        .values_list("stories", flat=True)
        .first()
        or 0
    )


def _holds(as_of, next_change, now):
    """Whether counts made `as_of` still hold at `now`."""
    return as_of is not None and (next_change is None or now < next_change)


def ensure_current():
    """Catch the counts up with the clock: one primary-key read while nothing is due, once
    per request."""
    read = _request_clock.get()
    if read is not None and "clock" in read and _holds(*read["clock"], timezone.now()):
        return
    clock = PublishedCountsClock.objects.filter(pk=CLOCK_ID).first()
    if clock is not None and _holds(clock.as_of, clock.next_change, timezone.now()):
        if read is not None:
            read["clock"] = (clock.as_of, clock.next_change)
        return
    with transaction.atomic():
        clock = _locked_clock()
        now = timezone.now()
        if clock.as_of is None:
            _recount_everything(clock, now)
        elif clock.next_change is not None and now >= clock.next_change:
            # Every article whose publication or expiry came in (as_of, now].
            came = Article.objects.filter(status=Status.PUBLISHED).filter(
                Q(published_at__gt=clock.as_of, published_at__lte=now)
                | Q(expires_at__gt=clock.as_of, expires_at__lte=now)
            )
            _recount(keys_of(came.values_list("pk", flat=True)), now)
            clock.as_of, clock.next_change = now, Article.objects.next_visibility_change(at=now)
            clock.save()


# Writing


def recount():
    """Recount everything (after a bulk load): one aggregate per kind."""
    with transaction.atomic():
        _recount_everything(_locked_clock(), timezone.now())


def mark_stale():
    """Recount everything on the next read (after a load that sent no signals)."""
    PublishedCountsClock.objects.update_or_create(pk=CLOCK_ID, defaults={"as_of": None})


def keys_of(article_ids):
    """The (kind, id) counts that the articles `article_ids` are in: their sections, tags
    and authors, as stored now, and the site's total (nothing for no articles)."""
    ids = [pk for pk in article_ids if pk is not None]
    if not ids:
        return set()
    keys = {ALL}
    keys |= {
        (Kind.SECTION, pk) for pk in Article.objects.filter(pk__in=ids).values_list("section_id", flat=True)
    }
    for link, kind in LINK_KINDS.items():
        keys |= {
            (kind, pk)
            for pk in link.objects.filter(content_object_id__in=ids).values_list("tag_id", flat=True)
        }
    authors = Article.authors.through.objects.filter(article_id__in=ids).values_list("author_id", flat=True)
    return keys | {(Kind.AUTHOR, pk) for pk in authors}


def recount_keys(keys):
    """Recount `keys` ((kind, id) pairs) now, serialised with every other recount."""
    keys = set(keys)
    if not keys:
        return
    with transaction.atomic():
        locked = _locked_and_counted()
        if locked is not None:
            clock, now = locked
            _recount(keys, now)
            _note_next_change(clock, now)


def shift_keys(removed, added):
    """An article alone in its story left the counts `removed` and entered `added` ((kind,
    id) pairs): each count moves by one, without counting anything again, serialised with
    every recount. Exact only where the counts held that article's state before the save
    (`_article_before_save` decides)."""
    shifts = Counter(added)
    shifts.subtract(removed)
    with transaction.atomic():
        locked = _locked_and_counted()
        if locked is None:
            return
        clock, now = locked
        lowered = Q(pk__in=[])
        for (kind, object_id), shift in shifts.items():
            if not shift:
                continue
            rows = PublishedCount.objects.filter(kind=kind, object_id=object_id)
            if rows.update(stories=F("stories") + shift):
                if shift < 0:
                    lowered |= Q(kind=kind, object_id=object_id)
            elif shift < 0:  # nothing stored to take it from: count it afresh
                _recount({(kind, object_id)}, now)
            else:
                PublishedCount.objects.create(kind=kind, object_id=object_id, stories=shift)
        # Only non-zero counts are stored.
        PublishedCount.objects.filter(lowered, stories__lte=0).delete()
        _note_next_change(clock, now)


def _locked_and_counted():
    """(the clock, locked until the transaction ends, and the time), or None when nothing
    was counted yet (a fresh database, or marked stale): then the first change counts
    everything, and there is nothing left to recount or shift."""
    clock = _locked_clock()
    now = timezone.now()
    if clock.as_of is None:
        _recount_everything(clock, now)
        return None
    return clock, now


def _note_next_change(clock, now):
    """A save may schedule something sooner than the clock knew; a pending catch-up
    (next_change already past) stays pending."""
    upcoming = Article.objects.next_visibility_change(at=now)
    if upcoming is not None and (clock.next_change is None or upcoming < clock.next_change):
        clock.next_change = upcoming
        clock.save(update_fields=["next_change"])


def _locked_clock():
    """The clock row, locked until the transaction ends (created on first use, stale).
    What this request read of it is forgotten: it is about to change."""
    read = _request_clock.get()
    if read is not None:
        read.pop("clock", None)
    clock = PublishedCountsClock.objects.select_for_update().filter(pk=CLOCK_ID).first()
    if clock is None:
        clock, _created = PublishedCountsClock.objects.get_or_create(pk=CLOCK_ID)
        clock = PublishedCountsClock.objects.select_for_update().get(pk=CLOCK_ID)
    return clock


def _count(kind, ids, at):
    """{id: stories} for `ids` of `kind` (None: every object), zeros left out."""
    if kind == Kind.ALL:
        total = Article.objects.published(at=at).aggregate(n=Count(story_key(), distinct=True))["n"]
        return {0: total} if total else {}
    objects = KIND_MODELS[kind].objects.all()
    if ids is not None:
        objects = objects.filter(pk__in=ids)
    counted = objects.annotate(n=published_story_count(at=at)).filter(n__gt=0).values_list("pk", "n")
    return dict(counted.order_by())


def _store(kind, ids, counted):
    rows = PublishedCount.objects.filter(kind=kind)
    (rows if ids is None else rows.filter(object_id__in=ids)).delete()
    PublishedCount.objects.bulk_create(
        PublishedCount(kind=kind, object_id=pk, stories=n) for pk, n in counted.items()
    )


def _recount(keys, at):
    by_kind = {}
    for kind, pk in keys:
        by_kind.setdefault(kind, set()).add(pk)
    for kind, ids in sorted(by_kind.items()):
        _store(kind, ids, _count(kind, ids, at))


def _recount_everything(clock, now):
    for kind in Kind.values:
        _store(kind, None, _count(kind, None, now))
    clock.as_of, clock.next_change = now, Article.objects.next_visibility_change(at=now)
    clock.save()


# Signals (connected by ArticlesConfig.ready())
#
# Each change is recounted at once, inside its transaction, so counts commit or roll back
# with the content. The recount locks the clock row first, so concurrent editors' recounts
# run one after the other, each seeing what the previous one committed. An article is
# recounted when its save() has finished (article_saved): save() links the translation
# back only after post_save.


def recount_for(article_ids=(), keys=()):
    """Recount the counts of `article_ids` (as stored now) and `keys`."""
    keys = {key for key in keys if key[1] is not None}
    recount_keys(keys | keys_of(article_ids))


def _counted_state(values):
    """(public, the fields counts depend on) of an article's values."""
    probe = Article(
        status=values["status"], published_at=values["published_at"], expires_at=values["expires_at"]
    )
    return probe.is_published, tuple(values[field] for field in COUNTED_FIELDS)


def _article_before_save(sender, instance, raw=False, **kwargs):
    """Decide before the row changes what the save may move: the keys it is in now (a
    public article unpublished or moved leaves them) and the articles to look at after."""
    instance._counts_due = None
    if raw:
        return
    before = None
    if not instance._state.adding and instance.pk is not None:
        rows = Article._base_manager.filter(pk=instance.pk)
        if connection.in_atomic_block:
            # Locked (as the newsroom's save locks it already): a concurrent save of this
            # article waits, so what it is before this save is what the counts hold. No key
            # update, as the save's own UPDATE: links being added elsewhere (their foreign
            # key's share lock) are not blocked, so this and _link_changed cannot deadlock.
            rows = rows.select_for_update(no_key=True)
        before = rows.values(*COUNTED_FIELDS).first()
    public_after, state_after = _counted_state({field: getattr(instance, field) for field in COUNTED_FIELDS})
    public_before, state_before = _counted_state(before) if before else (False, None)
    if state_before == state_after:
        return  # a typo fixed, an autosave: no count moves
    translation_before = before["translation_id"] if before else None
    scheduled = instance.status == Status.PUBLISHED  # and not public yet: the clock must know
    if not (public_before or public_after or scheduled) and translation_before == instance.translation_id:
        return  # a draft stays a draft, no story merged or split: nothing moves
    if _alone_and_counted(instance.pk, (instance.translation_id, translation_before)):
        instance._counts_due = ("shift", keys_of([instance.pk]) if public_before else set())
        return
    # The article, its old and new translations and the new translation's old partner:
    # linking translations merges or splits stories in every list they share.
    ids = {instance.pk, instance.translation_id, translation_before}
    if instance.translation_id:
        ids |= set(
            Article.objects.filter(pk=instance.translation_id).values_list("translation_id", flat=True)
        )
    instance._counts_due = ("recount", ids, keys_of([instance.pk]) if public_before else set())


def _alone_and_counted(article_id, translation_ids):
    """Whether a change of this article (or of its links) moves each count it touches by
    exactly one, up or down: the article is a story of its own (no translation among
    `translation_ids`, its own before and after, and none pointing at it), so no other
    article's state decides whether its story is in a count; its state before the change
    was read under its row lock; and the counts hold for now (no scheduled change has come
    since they were made, which would leave an article public by time but not yet
    counted). Otherwise what it touches is counted again."""
    if any(pk is not None for pk in translation_ids):
        return False
    if not connection.in_atomic_block:
        return False  # no row lock outside a transaction: a concurrent save could race
    if article_id is not None and Article._base_manager.filter(translation_id=article_id).exists():
        return False
    clock = PublishedCountsClock.objects.filter(pk=CLOCK_ID).values_list("as_of", "next_change").first()
    return clock is not None and _holds(*clock, timezone.now())


def _article_loaded(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: no save(), no article_saved
        mark_stale()


def _article_saved(sender, instance, **kwargs):
    due, instance._counts_due = getattr(instance, "_counts_due", None), None
    if due is None:
        return
    if due[0] == "shift":
        shift_keys(due[1], keys_of([instance.pk]) if instance.is_published else set())
    else:
        _how, ids, keys = due
        recount_for(ids | {instance.pk}, keys)


def _article_before_delete(sender, instance, **kwargs):
    instance._counts_keys = None
    if instance.is_published:
        _deleting("articles").add(instance.pk)
        # The links go with the article: which keys it was in is known only now.
        instance._counts_keys = keys_of([instance.pk])


def _article_after_delete(sender, instance, **kwargs):
    _deleting("articles").discard(instance.pk)
    if getattr(instance, "_counts_keys", None):
        recount_for([instance.translation_id], instance._counts_keys)


def _tag_before_delete(sender, instance, **kwargs):
    _deleting(sender._meta.label).add(instance.pk)


def _tag_after_delete(sender, instance, **kwargs):
    _deleting(sender._meta.label).discard(instance.pk)
    recount_for(keys=[(MODEL_KINDS[sender], instance.pk)])


def _deleting(what):
    """Ids of `what` being deleted by this thread: their cascades recount nothing."""
    if not hasattr(_deleting_now, what):
        setattr(_deleting_now, what, set())
    return getattr(_deleting_now, what)


def _link_before_save(sender, instance, raw=False, **kwargs):
    instance._counts_before = None
    if not raw and not instance._state.adding and instance.pk is not None:
        instance._counts_before = (
            sender.objects.filter(pk=instance.pk).values_list("tag_id", flat=True).first()
        )


def _link_changed(sender, instance, raw=False, **kwargs):
    """A topic's or organisation's link saved or deleted (taggit's add() and remove()
    save and delete rows one by one; a row edited in the admin too)."""
    if raw:
        mark_stale()
        return
    kind = LINK_KINDS[sender]
    tag_model = KIND_MODELS[kind]
    if instance.content_object_id in _deleting("articles") or instance.tag_id in _deleting(
        tag_model._meta.label
    ):
        return
    public = Article.objects.published().filter(pk=instance.content_object_id)
    if connection.in_atomic_block:
        public = public.select_for_update(no_key=True)  # see _article_before_save
    found = list(public.values_list("translation_id", flat=True)[:1])
    if not found:
        return
    before = getattr(instance, "_counts_before", None)
    if kwargs.get("signal") is post_delete:
        removed, added = {(kind, instance.tag_id)}, set()
    else:  # a new link, or a link row moved from tag `before` to this one
        removed, added = ({(kind, before)} if before is not None else set()), {(kind, instance.tag_id)}
    if _alone_and_counted(instance.content_object_id, found):
        shift_keys(removed, added)
    else:
        recount_for(keys=[(kind, instance.tag_id), (kind, before)])


def _authors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":
        if reverse:
            instance._counts_cleared = {(Kind.AUTHOR, instance.pk)}
        elif instance.is_published:
            instance._counts_cleared = {
                (Kind.AUTHOR, pk) for pk in instance.authors.values_list("pk", flat=True)
            }
        else:
            instance._counts_cleared = set()
    elif action == "post_clear":
        recount_for(keys=getattr(instance, "_counts_cleared", set()))
    elif action in ("post_add", "post_remove"):
        if reverse:
            if Article.objects.published().filter(pk__in=pk_set).exists():
                recount_for(keys=[(Kind.AUTHOR, instance.pk)])
        elif instance.is_published:
            recount_for(keys=[(Kind.AUTHOR, pk) for pk in pk_set])


def watch():
    """Connect the handlers (ArticlesConfig.ready())."""
    uid = "published-counts"
    pre_save.connect(_article_before_save, sender=Article, dispatch_uid=f"{uid}-pre-save")
    post_save.connect(_article_loaded, sender=Article, dispatch_uid=f"{uid}-load")
    article_saved.connect(_article_saved, sender=Article, dispatch_uid=f"{uid}-save")
    pre_delete.connect(_article_before_delete, sender=Article, dispatch_uid=f"{uid}-pre-delete")
    post_delete.connect(_article_after_delete, sender=Article, dispatch_uid=f"{uid}-delete")
    for tag_model in (Topic, Organisation):
        label = tag_model._meta.label
        pre_delete.connect(_tag_before_delete, sender=tag_model, dispatch_uid=f"{uid}-pre-delete-{label}")
        post_delete.connect(_tag_after_delete, sender=tag_model, dispatch_uid=f"{uid}-delete-{label}")
    for link in LINK_KINDS:
        label = link._meta.label
        pre_save.connect(_link_before_save, sender=link, dispatch_uid=f"{uid}-pre-save-{label}")
        post_save.connect(_link_changed, sender=link, dispatch_uid=f"{uid}-save-{label}")
        post_delete.connect(_link_changed, sender=link, dispatch_uid=f"{uid}-delete-{label}")
    m2m_changed.connect(_authors_changed, sender=Article.authors.through, dispatch_uid=f"{uid}-authors")
