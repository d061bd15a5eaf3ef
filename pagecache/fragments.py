"""Values and template blocks computed once for every app server and kept until a change to
what they show (their surrogate keys, generation.py): the expensive aggregates a page needs
even when the page itself is not cached."""

import logging
import time

from django.conf import settings
from django.core.cache import cache

from .generation import (
    SITE_KEY,
    UNKEYED,
    state_and_value,
    state_and_values,
    version_key,
    versions_match,
    versions_to_record,
)
from .generation import request_state as _request_state

logger = logging.getLogger(__name__)

# Values this process fetched before are reused while their keys' versions match (one MGET,
# no transfer or unpickling of the value): LOCAL_VALUES, small and bounded.
LOCAL_VALUES = {}
LOCAL_VALUES_MAX = 500


def _remember_locally(key, stored):
    if len(LOCAL_VALUES) >= LOCAL_VALUES_MAX:
        LOCAL_VALUES.clear()  # simpler than LRU; refilled from the shared cache
    LOCAL_VALUES[key] = stored


def _is_fresh(stored):
    return isinstance(stored, tuple) and len(stored) == 2 and versions_match(stored[0])


def generation_cached(name, compute, timeout=None, keys=None, single_flight=True):
    """compute(), computed once for all app servers and kept until content it shows changes.

    For the expensive aggregates a page needs even when the page itself is not cached
    (published counts over every tag link: 200-400 ms at 100,000 articles, see
    bench/RESULTS.md). `name` must say everything the value depends on besides content,
    e.g. f"topic-counts:{limit}". `keys`: the surrogate keys of the content it depends on
    (articles/surrogates.py), or a function of the value returning them (the articles a
    list holds are known once it is computed); without them any visible change makes it
    stale. `single_flight=False` for a value cheaper to compute than the lock's two round
    trips (a small query): every worker that misses it computes it. Works whether or not
    the page cache is on."""
    if not settings.FRAGMENT_CACHE_ENABLED:
        return compute()
    timeout = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
    key = f"page-cache:fragment:{name}"
    request_state = _request_state.get()
    try:
        if request_state:
            generation, _next_publication = request_state["state"]
            local = LOCAL_VALUES.get(key)
            if local is not None and versions_match(local[0]):
                return local[1]
            stored = cache.get(key)
            # The copy this process holds was just found stale: the same one in the shared
            # cache is too, without reading its versions again.
            if local is not None and _is_stored_value(stored) and stored[0] == local[0]:
                stored = None
        else:
            generation, _next_publication, stored = state_and_value(key)
        fresh = _is_fresh(stored)
    except Exception:
        logger.exception("Cache unavailable; computing %s", name)
        return compute()
    if fresh:
        if request_state is not None:
            _remember_locally(key, stored)
        return stored[1]
    # Single flight: one worker computes, the others wait for its value.
    if single_flight and not acquire(key):
        stored = wait_for(key, _is_fresh)
        if stored is not None:
            return stored[1]
    to_store = None
    try:
        value = compute()
        try:
            depends_on = keys(value) if callable(keys) else keys
            # `generation` was read before compute() read any content (versions_to_record).
            versions = versions_to_record(depends_on or (UNKEYED,), generation)
            if versions is not None:
                to_store = (versions, value)
        except Exception:
            logger.exception("Could not cache %s", name)
    finally:
        store_and_release(key, to_store, timeout, locked=single_flight)
    return value


def generation_cached_many(names, compute_missing, timeout=None, keys=None):
    """{name: value} for `names`, each computed once for all app servers and kept until
    content it shows changes, in a few cache round trips: compute_missing(missing names)
    gives {name: value} for those not cached (a name it leaves out is left out); `keys`, a
    function of a value, gives the surrogate keys it shows (without it any visible change
    makes it stale). For many small values a page needs together (the API's articles), where
    one generation_cached call each would cost round trips each. No single flight: a value is
    cheap, only many of them are not. Within a request, values this process fetched before
    (LOCAL_VALUES) cost only their versions, read with the rest: one round trip in all when
    every value is here and fresh, not the transfer and unpickling of each again."""
    names = list(names)
    if not settings.FRAGMENT_CACHE_ENABLED or not names:
        return compute_missing(names) if names else {}
    timeout = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
    cache_keys = {name: f"page-cache:fragment:{name}" for name in names}
    request_state = _request_state.get()
    local = {}
    if request_state is not None:
        local = {name: LOCAL_VALUES[key] for name, key in cache_keys.items() if key in LOCAL_VALUES}
    try:
        # The values not here, and the versions of those here, in one read (with the state).
        first_read = [cache_keys[name] for name in names if name not in local]
        first_read += {version_key(key) for recorded, _value in local.values() for key in recorded}
        if request_state and "state" in request_state:
            generation, _next_publication = request_state["state"]
            read = cache.get_many(first_read)
        else:
            generation, _next_publication, read = state_and_values(first_read)
        found = {
            name: value for name, (recorded, value) in local.items() if _recorded_current(recorded, read)
        }
        # Changed since this process fetched it: another server may have computed it already.
        stale = [cache_keys[name] for name in local if name not in found]
        if stale:
            read.update(cache.get_many(stale))
        candidates = {
            name: read[key]
            for name, key in cache_keys.items()
            if name not in found and _is_stored_value(read.get(key))
        }
        # The versions every candidate was recorded with, in one MGET.
        unread = {version_key(key) for recorded, _value in candidates.values() for key in recorded}
        unread.difference_update(read)
        if unread:
            read.update(cache.get_many(list(unread)))
    except Exception:
        logger.exception("Cache unavailable; computing %d values", len(names))
        return compute_missing(names)
    for name, stored in candidates.items():
        if _recorded_current(stored[0], read):
            found[name] = stored[1]
            if request_state is not None:
                _remember_locally(cache_keys[name], stored)
    missing = [name for name in names if name not in found]
    if missing:
        computed = compute_missing(missing)
        try:
            shown = {
                name: set((keys(value) if keys else None) or (UNKEYED,)) for name, value in computed.items()
            }
            # One read of the versions of every key any of them shows; `generation` was read
            # before compute_missing() read any content (versions_to_record).
            every_key = set().union(*shown.values()) if shown else set()
            versions = versions_to_record(every_key, generation) if every_key else None
            if versions is not None:
                cache.set_many(
                    {
                        cache_keys[name]: ({key: versions[key] for key in {SITE_KEY, *shown[name]}}, value)
                        for name, value in computed.items()
                    },
                    timeout,
                )
        except Exception:
            logger.exception("Could not cache %d values", len(computed))
        found.update(computed)
    return found


def _is_stored_value(stored):
    return isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], dict)


def _recorded_current(recorded, read):
    """Are the versions `recorded` ({key: version}) those in `read` (versions read now)?"""
    return bool(recorded) and all(read.get(version_key(key)) == version for key, version in recorded.items())


def acquire(key):
    """Take the lock to compute `key` (True), or learn that another worker holds it (False).
    A lock outlives a worker killed mid-computation by PAGE_CACHE_LOCK_SECONDS at most."""
    try:
        return cache.add(f"{key}:computing", 1, timeout=settings.PAGE_CACHE_LOCK_SECONDS)
    except Exception:
        return True


def release(key):
    try:
        cache.delete(f"{key}:computing")
    except Exception:
        logger.exception("Could not release %s", key)


def store_and_release(key, value, timeout, locked=True):
    """Store `value` at `key` (unless it is None) and release the lock to compute it (if
    `locked`): in one round trip where the cache can (Redis, hkai_site/cache_backends.py),
    as the last step of computing a missing value or page. Never raises."""
    if value is None:
        if locked:
            release(key)
        return
    try:
        if locked and hasattr(cache, "set_and_delete"):
            cache.set_and_delete(key, value, timeout, delete_key=f"{key}:computing")
            return
        cache.set(key, value, timeout)
    except Exception:
        logger.exception("Could not store %s", key)
    if locked:
        release(key)


def wait_for(key, is_fresh):
    """The value another worker is computing (one that `is_fresh(stored)`), polled for up
    to PAGE_CACHE_WAIT_SECONDS while it holds the lock (None: compute it here after all)."""
    deadline = time.monotonic() + settings.PAGE_CACHE_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.01)
        try:
            values = cache.get_many([key, f"{key}:computing"])
            stored = values.get(key)
            if stored is not None and is_fresh(stored):
                return stored
        except Exception:
            return None
        if f"{key}:computing" not in values:
            return None  # done without storing (an error page, say): compute it here
    return None
