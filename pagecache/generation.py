"""The content generation: one number in the shared cache that every stored page and value
carries, bumped by every change a reader could see, and the next scheduled publication,
kept beside it so that nothing cached outlives it. See the package docstring."""

import contextvars
import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

# The key every page carries, so one purge of it empties the edge (restore, invalidate_page_cache).
SITE_KEY = "site"

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
NEXT_SCHEDULED_KEY = "page-cache:next-scheduled"

# When the next scheduled change becomes public (a datetime or None): the content app
# hands it over through pagecache.signals.watch(), so this module imports no model.
_next_scheduled_change = None


def set_next_scheduled_change(find):
    global _next_scheduled_change
    _next_scheduled_change = find


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


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (first use, eviction, Redis restart)
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)


def _check_stamp():
    """Local cache only: start a new generation here if another process touched the stamp."""
    global _seen_stamp
    try:
        stamp = _stamp_path().stat().st_mtime_ns
    except OSError:
        stamp = None
    if stamp != _seen_stamp:
        if _seen_stamp is not None or stamp is not None:
            _bump()
        _seen_stamp = stamp


def invalidate_page_cache():
    """Make every app server's next request miss. Safe to call often (one INCR). With a
    local-memory cache, the processes of this machine see it through the stamp file; other
    machines cannot be reached (`reach()` says so)."""
    try:
        _bump()
        if is_local_cache():
            _touch_stamp()
            _check_stamp()  # this process has bumped already
    except Exception:  # the cache being down must not fail the editor's save
        logger.exception("Could not invalidate the page cache")


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
    or was computed for an older generation, bump/recompute."""
    if values is None:
        if is_local_cache():
            _check_stamp()
        values = cache.get_many([GENERATION_KEY, NEXT_SCHEDULED_KEY])
    generation = values.get(GENERATION_KEY)
    if generation is None:
        generation = current_generation()
    scheduled = values.get(NEXT_SCHEDULED_KEY)
    now = timezone.now().timestamp()
    if scheduled is not None and scheduled[0] == generation:
        next_publication = scheduled[1]
        if next_publication is None or next_publication > now:
            return generation, next_publication
        # A scheduled article has just become public: every page may show it.
        invalidate_page_cache()
        generation = current_generation()
    # Stored with the generation it was computed for: a save committed meanwhile bumps
    # the generation, which makes every server compute it again (no stale "nothing
    # scheduled" left behind by a race).
    next_publication = next_scheduled_timestamp()
    cache.set(NEXT_SCHEDULED_KEY, (generation, next_publication), timeout=settings.PAGE_CACHE_SECONDS)
    return generation, next_publication


def timeout_until(next_publication, timeout):
    """`timeout`, shortened so that nothing cached outlives the next scheduled publication."""
    if next_publication is None:
        return timeout
    return min(timeout, max(1, int(next_publication - timezone.now().timestamp())))


# Within one request, the content state read once (by the page cache middleware or the
# first generation_cached call) serves every later generation_cached call. Outside a
# request (commands, shells) every call reads the shared cache.
request_state = contextvars.ContextVar("hkai_content_state", default=None)


def state_and_value(key):
    """(generation, next scheduled publication, the value stored at `key`) in one cache round
    trip, as the page cache and generation_cached both need them; within a request the state is
    kept for every later generation_cached call (`request_state`)."""
    if is_local_cache():
        _check_stamp()
    values = cache.get_many([GENERATION_KEY, NEXT_SCHEDULED_KEY, key])
    generation, next_publication = content_state(values)
    state = request_state.get()
    if state is not None:
        state["state"] = (generation, next_publication)
    return generation, next_publication, values.get(key)


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
