"""Values and template blocks computed once per content generation, for every app server:
the expensive aggregates a page needs even when the page itself is not cached."""

import logging
import time

from django.conf import settings
from django.core.cache import cache

from .generation import request_state as _request_state
from .generation import state_and_value, timeout_until

logger = logging.getLogger(__name__)

# Values already fetched by this process for the request's generation are reused without a
# round trip (LOCAL_VALUES, small and bounded).
LOCAL_VALUES = {}
LOCAL_VALUES_MAX = 500


def _remember_locally(key, generation, value):
    if len(LOCAL_VALUES) >= LOCAL_VALUES_MAX:
        LOCAL_VALUES.clear()  # simpler than LRU; refilled from the shared cache
    LOCAL_VALUES[key] = (generation, value)


def generation_cached(name, compute, timeout=None):
    """compute(), computed once per content generation for all app servers.

    For the expensive aggregates a page needs even when the page itself is not cached
    (published counts over every tag link: 200-400 ms at 100,000 articles, see
    bench/RESULTS.md). `name` must say everything the value depends on besides content,
    e.g. f"topic-counts:{limit}". Works whether or not the page cache is on."""
    if not settings.FRAGMENT_CACHE_ENABLED:
        return compute()
    timeout = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
    # As for pages: the generation is stored in the value, so that one MGET fetches value,
    # generation and schedule (pages call this several times: one round trip each).
    key = f"page-cache:fragment:{name}"
    request_state = _request_state.get()
    try:
        if request_state:
            generation, next_publication = request_state["state"]
            local = LOCAL_VALUES.get(key)
            if local is not None and local[0] == generation:
                return local[1]
            stored = cache.get(key)
        else:
            generation, next_publication, stored = state_and_value(key)
    except Exception:
        logger.exception("Cache unavailable; computing %s", name)
        return compute()
    if stored is not None and stored[0] == generation:
        if request_state is not None:
            _remember_locally(key, generation, stored[1])
        return stored[1]
    # Single flight: one worker computes, the others wait for its value.
    if not acquire(key):
        stored = wait_for(key, generation)
        if stored is not None:
            return stored[1]
    try:
        value = compute()
        try:
            cache.set(key, (generation, value), timeout_until(next_publication, timeout))
        except Exception:
            logger.exception("Could not cache %s", name)
    finally:
        release(key)
    return value


def generation_cached_many(names, compute_missing, timeout=None):
    """{name: value} for `names`, each computed once per content generation for all app
    servers, in one cache round trip: compute_missing(missing names) gives {name: value} for
    those not cached for this generation (a name it leaves out is left out). For many small
    values a page needs together (the API's articles), where one generation_cached call each
    would cost a round trip each. No single flight: a value is cheap, only many of them are not."""
    names = list(names)
    if not settings.FRAGMENT_CACHE_ENABLED or not names:
        return compute_missing(names) if names else {}
    timeout = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
    keys = {name: f"page-cache:fragment:{name}" for name in names}
    request_state = _request_state.get()
    try:
        if request_state and "state" in request_state:
            generation, next_publication = request_state["state"]
            stored = cache.get_many(list(keys.values()))
        else:
            first, *others = keys.values()
            generation, next_publication, value = state_and_value(first)
            stored = cache.get_many(others) if others else {}
            if value is not None:
                stored[first] = value
    except Exception:
        logger.exception("Cache unavailable; computing %d values", len(names))
        return compute_missing(names)
    found = {
        name: stored[key][1]
        for name, key in keys.items()
        if key in stored and stored[key] is not None and stored[key][0] == generation
    }
    missing = [name for name in names if name not in found]
    if missing:
        computed = compute_missing(missing)
        try:
            cache.set_many(
                {keys[name]: (generation, value) for name, value in computed.items()},
                timeout_until(next_publication, timeout),
            )
        except Exception:
            logger.exception("Could not cache %d values", len(computed))
        found.update(computed)
    return found


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


def wait_for(key, generation):
    """The value another worker is computing for `generation`, polled for up to
    PAGE_CACHE_WAIT_SECONDS while it holds the lock (None: compute it here after all)."""
    deadline = time.monotonic() + settings.PAGE_CACHE_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.01)
        try:
            values = cache.get_many([key, f"{key}:computing"])
        except Exception:
            return None
        stored = values.get(key)
        if stored is not None and stored[0] == generation:
            return stored
        if f"{key}:computing" not in values:
            return None  # done without storing (an error page, say): compute it here
    return None
