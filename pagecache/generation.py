"""What makes a cached page or value stale, per surrogate key, for every app server.

- A version per surrogate key in the shared cache ("page-cache:version:a12"). A change a
  reader could see bumps exactly the keys it affects (`bump_keys`, told by signals.py what
  the content app says), so pages and values that show none of them stay warm.
- A stored page or value records the version of each of its keys when it was built
  (`versions_to_record`) and is valid while they are all unchanged (`versions_match`: one
  MGET). Every page and value carries SITE_KEY, which `invalidate_page_cache()` bumps.
- The *generation*: one counter bumped by every change (any key). A version is the counter's
  value at its bump, so "bumped after this request began" is a comparison with the counter
  read at its start: such a page or value may have been built from the content before that
  change and is not stored (nothing stale is ever recorded as fresh).
- The next scheduled publication or expiry, kept beside the counter: when its time passes,
  the first request bumps the keys of what becomes (or stops being) public then.
See the package docstring."""

import contextvars
import logging
import os
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

# The key every page carries, so one purge of it empties the edge (restore, invalidate_page_cache).
SITE_KEY = "site"
# The key of pages and values that declared nothing: any change may affect them, so every
# change bumps it.
UNKEYED = "unkeyed"

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# (generation, next scheduled time, when computed): a new name for the new shape, so that a
# server of the previous release and one of this release never read each other's.
NEXT_SCHEDULED_KEY = "page-cache:next-scheduled-since"
VERSION_KEY_PREFIX = "page-cache:version"
# Only one server bumps the keys of a scheduled change whose time has come.
SCHEDULED_DONE_PREFIX = "page-cache:scheduled-done"

# When the next scheduled change becomes public (a datetime or None): the content app
# hands it over through pagecache.signals.watch(), so this module imports no model.
_next_scheduled_change = None


def set_next_scheduled_change(find):
    global _next_scheduled_change
    _next_scheduled_change = find


# [(POSIX time, keys)] of the scheduled changes within a horizon (seconds) after a time (now
# by default), from the content app (pagecache.signals.watch): which keys to bump when a
# scheduled time comes; and the keys whose change changes that list (None: any change).
_scheduled_changes = None
_scheduled_changes_keys = None


def set_scheduled_changes(find, keys=None):
    global _scheduled_changes, _scheduled_changes_keys
    _scheduled_changes = find
    _scheduled_changes_keys = tuple(keys) if keys is not None else None


def scheduled_changes_keys():
    return _scheduled_changes_keys


def scheduled_changes(horizon, at=None):
    """[(POSIX time, keys)] within `horizon` seconds after `at` (a datetime; default now),
    or None when no content app says."""
    if _scheduled_changes is None:
        return None
    return _scheduled_changes(horizon) if at is None else _scheduled_changes(horizon, at=at)


def knows_scheduled_changes():
    return _scheduled_changes is not None


def _new_generation():
    # Milliseconds since the epoch: a generation re-created after eviction or a Redis
    # restart is larger than any earlier one, so stale page keys are never reused.
    return int(time.time() * 1000)


def current_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _cache_backend():
    from django.core.cache import caches

    return caches["default"]


def is_local_cache():
    return isinstance(_cache_backend(), LocMemCache)


# With a local-memory cache, a change made by another process on this machine (a command:
# restore, invalidate_page_cache; another worker) reaches this one through the stamp file
# (PAGE_CACHE_STAMP_FILE): each request compares its modification time, one stat().
_seen_stamp = None


def _stamp_path():
    return Path(settings.PAGE_CACHE_STAMP_FILE)


def _touch_stamp():
    path = _stamp_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(time.time_ns()))
    os.utime(path, ns=(time.time_ns(), time.time_ns()))


def version_key(key):
    return f"{VERSION_KEY_PREFIX}:{key}"


def _bump(keys=(SITE_KEY,)):
    """A new generation, then `keys` at it: in that order, so that a request that read the
    generation before this bump and the versions after it never records the new versions
    as its own (see versions_to_record)."""
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (first use, eviction, Redis restart)
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    cache.set_many({version_key(key): generation for key in keys}, timeout=None)
    read = _versions_read()
    if read is not None:
        read.update({version_key(key): generation for key in keys})


def _stamp():
    try:
        return _stamp_path().stat().st_mtime_ns
    except OSError:
        return None


def _check_stamp():
    """Local cache only: start a new generation here if another process touched the stamp."""
    global _seen_stamp
    stamp = _stamp()
    if stamp != _seen_stamp:
        if _seen_stamp is not None or stamp is not None:
            _bump()  # another process changed something: everything here may be stale
        _seen_stamp = stamp


def bump_keys(keys):
    """Make every stored page and value carrying one of `keys` stale on every app server
    (one INCR and one MSET). With a local-memory cache the other processes of this machine
    cannot see the versions: the stamp file tells them to start afresh (everything)."""
    try:
        _bump(sorted(set(keys)))
        if is_local_cache():
            global _seen_stamp
            _check_stamp()  # first what other processes did
            _touch_stamp()
            _seen_stamp = _stamp()  # this process has bumped its own keys already
    except Exception:  # the cache being down must not fail the editor's save
        logger.exception("Could not invalidate the page cache for %s", " ".join(sorted(set(keys))))


def invalidate_page_cache():
    """Make every app server's next request miss: every page and value carries SITE_KEY.
    Safe to call often. With a local-memory cache, the processes of this machine see it
    through the stamp file; other machines cannot be reached (`reach()` says so)."""
    bump_keys({SITE_KEY})


def versions_match(recorded):
    """Is a page or value recorded with `recorded` ({key: version}) still valid? One MGET."""
    if not isinstance(recorded, dict) or not recorded:
        return False
    current = read_versions([version_key(key) for key in recorded])
    return all(current.get(version_key(key)) == version for key, version in recorded.items())


def _versions_read():
    """The versions this request has read ({version key: version or None}), or None outside
    a request."""
    state = request_state.get()
    return None if state is None else state.setdefault("versions", {})


def read_versions(names):
    """{version key: version} of those of `names` (version keys) that exist, each read from
    the shared cache once per request: a cold page checks its stale copy, each value's stale
    copy, then records the same keys' versions for every value and for itself, and read
    them all again each time. A version bumped by another server after this request read it
    is seen as it was: a value stored with it is found stale by the next request, and the
    content is what it was when this request began, as its generation says."""
    read = _versions_read()
    if read is None:
        return cache.get_many(names)
    unread = [name for name in names if name not in read]
    if unread:
        found = cache.get_many(unread)
        read.update({name: found.get(name) for name in unread})
    return {name: read[name] for name in names if read[name] is not None}


def versions_to_record(keys, generation):
    """{key: version} to store a page or value built for `keys` with, by a request that read
    `generation` before reading any content; None when one of them was bumped since (the
    page may show the content from before: serve it, do not store it). A key never bumped
    (or evicted) gets a version now, with add(): a concurrent bump wins."""
    keys = sorted({SITE_KEY, *keys})
    names = {key: version_key(key) for key in keys}
    current = read_versions(list(names.values()))
    missing = [names[key] for key in keys if names[key] not in current]
    if missing:
        # A missing version (never bumped, or evicted) starts at the generation as it is
        # now, never at an older one: if anything changed since this request began, this
        # page is not stored. add(), so that a concurrent bump wins.
        now = current_generation()
        for name in missing:
            cache.add(name, now, timeout=None)
        added = cache.get_many(missing)
        current.update(added)
        read = _versions_read()
        if read is not None:
            read.update({name: added.get(name) for name in missing})
        if any(name not in current for name in missing):
            return None  # the cache is not keeping them (down, full): do not store
    recorded = {key: current[names[key]] for key in keys}
    if any(version > generation for version in recorded.values()):
        return None
    return recorded


def reach():
    """What an invalidation reaches, in words for the commands that make one."""
    if is_local_cache():
        return (
            "The cache is local memory (no REDIS_URL): server processes on this machine see it "
            f"through {settings.PAGE_CACHE_STAMP_FILE}; servers on other machines are NOT reached "
            "(restart them, or share a Redis with REDIS_URL)."
        )
    return "Every app server sharing this cache sees it on its next request."


def next_scheduled_timestamp():
    """The earliest publication time still in the future (POSIX seconds), or None."""
    when = _next_scheduled_change() if _next_scheduled_change is not None else None
    return when.timestamp() if when else None


def content_state(values=None):
    """(generation, next scheduled publication) in one cache round trip (or from `values`,
    a get_many() result that fetched both keys). When the next scheduled time has passed,
    bump what it changes; when it was computed for an older generation, recompute it."""
    if values is None:
        if is_local_cache():
            _check_stamp()
        values = cache.get_many([GENERATION_KEY, NEXT_SCHEDULED_KEY])
    generation = values.get(GENERATION_KEY)
    if generation is None:
        generation = current_generation()
    scheduled = values.get(NEXT_SCHEDULED_KEY)
    now = timezone.now()
    if scheduled is not None and len(scheduled) == 3:
        computed_for, next_publication, computed_at = scheduled
        aged = now - computed_at >= timedelta(seconds=settings.PAGE_CACHE_SECONDS)
        if next_publication is not None and next_publication <= now.timestamp():
            # A scheduled article has just become public (or an article expired): the pages
            # showing what it enters or leaves, whatever changed since the time was computed
            # (a later save must not make it forgotten). Once, by the first server to see it;
            # the keys are looked up only then, not on every new generation.
            if cache.add(
                f"{SCHEDULED_DONE_PREFIX}:{next_publication}", 1, timeout=settings.PAGE_CACHE_SECONDS
            ):
                bump_keys(_keys_due(computed_at, now))
            generation = current_generation()
        elif aged:
            # Read again once per cache lifetime: an article scheduled further ahead than
            # the edge keeps pages purges nothing when saved (articles/surrogates.py), so
            # no new generation brought its time here. If that time has come already, what
            # it changed is bumped now.
            if cache.add(
                f"{SCHEDULED_DONE_PREFIX}:since:{computed_at.timestamp()}",
                1,
                timeout=settings.PAGE_CACHE_SECONDS,
            ):
                due = scheduled_changes(max(0.0, (now - computed_at).total_seconds()), at=computed_at)
                if due:
                    bump_keys({UNKEYED}.union(*(keys for _when, keys in due)))
            generation = current_generation()
        elif computed_for == generation:
            return generation, next_publication
    # Stored with the generation it was computed for: a save committed meanwhile bumps
    # the generation, which makes every server compute it again (no stale "nothing
    # scheduled" left behind by a race). Kept without expiry, and computed again once it
    # is a cache lifetime old (above): had it expired, the first request after a scheduled
    # time that passed meanwhile would have found only the times still to come, and never
    # bumped what that one changed, while values cached before it went on showing the
    # archive without it.
    next_publication = next_scheduled_timestamp()
    cache.set(NEXT_SCHEDULED_KEY, (generation, next_publication, now), timeout=None)
    return generation, next_publication


def _keys_due(since, now):
    """The keys to bump for the scheduled changes that came in (`since`, `now`] (datetimes):
    those of each, as the content app says, plus UNKEYED; everything (SITE_KEY) when it
    cannot say."""
    changes = scheduled_changes(max(0.0, (now - since).total_seconds()) + 0.001, at=since)
    if changes is None:
        return (SITE_KEY,)
    keys = {UNKEYED}
    for _due, change_keys in changes:
        keys.update(change_keys)
    return tuple(sorted(keys))


# Within one request, the content state read once (by the page cache middleware or the
# first generation_cached call) serves every later generation_cached call. Outside a
# request (commands, shells) every call reads the shared cache.
request_state = contextvars.ContextVar("hkai_content_state", default=None)


def state_and_value(key):
    """(generation, next scheduled publication, the value stored at `key`) in one cache round
    trip, as the page cache and generation_cached both need them; within a request the state is
    kept for every later generation_cached call (`request_state`)."""
    generation, next_publication, values = state_and_values([key])
    return generation, next_publication, values.get(key)


def state_and_values(keys):
    """state_and_value() for several keys: ({key: value} of those stored), one round trip."""
    if is_local_cache():
        _check_stamp()
    values = cache.get_many([GENERATION_KEY, NEXT_SCHEDULED_KEY, *keys])
    generation, next_publication = content_state(values)
    state = request_state.get()
    if state is not None:
        state["state"] = (generation, next_publication)
    return generation, next_publication, {key: values[key] for key in keys if key in values}


def clear_site_cache():
    """Drop everything this site keeps in the cache, and nothing else: with Redis only the
    keys under this site's KEY_PREFIX (CACHE_KEY_PREFIX lets several sites share one Redis
    database, so FLUSHDB is never right), elsewhere the whole (private) cache. Then a new
    generation, for every server."""
    from django.core.cache.backends.redis import RedisCache

    backend = _cache_backend()
    if isinstance(backend, RedisCache) and backend.key_func.__module__ == "django.core.cache.backends.base":
        # default_key_func: "<prefix>:<version>:<key>". Glob characters in the prefix are escaped.
        prefix = "".join(f"\\{c}" if c in "*?[]\\" else c for c in backend.key_prefix)
        client = backend._cache.get_client(write=True)
        batch = []
        for name in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(name)
            if len(batch) >= 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
    else:
        backend.clear()
    invalidate_page_cache()
    from .purge import purge_keys

    purge_keys({SITE_KEY}, hard=True)  # and every page at the edge
