"""The HTTP caching contract for anonymous readers' pages, and the surrogate keys they carry.

Views say what a page shows with `add_keys("a12", "latest", ...)` (the content app names
the keys: articles/surrogates.py); the page cache middleware sends them in one header a
cache can purge by (PAGE_CACHE_SURROGATE_HEADER: "xkey" for Varnish's xkey vmod,
"Surrogate-Key" for Fastly, "Cache-Tag" for Cloudflare), with "site" on every page (purge
everything) and "unkeyed" on a page that declared nothing (purged by every change).

Cache-Control for a shared-cacheable page: public, max-age (browsers, short), s-maxage
(the edge: long when purges reach it, see PAGE_CACHE_EDGE_SECONDS), stale-while-revalidate
and stale-if-error. s-maxage never outlives the next scheduled change touching one of the
page's keys (`set_scheduled_changes`), so a scheduled article appears at its time with no
purge and no cron. Everything else (a session, staff, non-GET, a cookie being set) gets
"private, no-cache".
"""

import contextvars
import hashlib

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from .generation import (
    SITE_KEY,
    UNKEYED,
    content_state,
    knows_scheduled_changes,
    request_state,
    scheduled_changes,
    scheduled_changes_keys,
)
from .generation import set_scheduled_changes as set_scheduled_changes

_collected = contextvars.ContextVar("hkai_surrogate_keys", default=None)


def add_keys(*keys):
    """Declare that the page being rendered shows the content named by `keys`."""
    collected = _collected.get()
    if collected is not None:
        collected.update(keys)


def keys_so_far():
    """The keys the page being rendered declared until now (None outside a page)."""
    collected = _collected.get()
    return frozenset(collected) if collected else None


def collecting():
    """Start collecting keys for one response; returns the token and the set."""
    keys = set()
    return _collected.set(keys), keys


def stop_collecting(token):
    _collected.reset(token)


def page_keys(collected):
    return sorted({SITE_KEY, *(collected or {UNKEYED})})


def header_value(keys):
    separator = "," if settings.PAGE_CACHE_SURROGATE_HEADER.lower() == "cache-tag" else " "
    return separator.join(keys)


def make_etag(content):
    # Weak: the edge may compress the body, which a strong validator would forbid.
    return f'W/"{hashlib.sha256(content).hexdigest()[:32]}"'


def upcoming_changes():
    """The scheduled changes within the edge lifetime (the content app hands the function
    over through pagecache.signals.watch()), computed once until the keys it names change (and not
    at all when the next scheduled publication, known to the content state, lies beyond it)."""
    if not knows_scheduled_changes():
        return []
    from .fragments import generation_cached

    horizon = settings.PAGE_CACHE_EDGE_SECONDS
    state = (request_state.get() or {}).get("state")
    try:
        _generation, next_publication = state if state is not None else content_state()
    except Exception:
        next_publication = timezone.now().timestamp()  # unknown: look
    if next_publication is None or next_publication > timezone.now().timestamp() + horizon:
        return []
    return generation_cached(
        f"scheduled-changes:{horizon}", lambda: scheduled_changes(horizon), keys=scheduled_changes_keys()
    )


def shared_max_age(keys):
    """s-maxage for a page carrying `keys`: the edge lifetime, cut at the next scheduled
    change touching one of them."""
    seconds = settings.PAGE_CACHE_EDGE_SECONDS
    now = timezone.now().timestamp()
    wanted = set(keys)
    for when, change_keys in upcoming_changes():
        if when > now and wanted.intersection(change_keys):
            seconds = min(seconds, max(1, int(when - now)))
    return seconds


def make_public(response, keys):
    s_maxage = shared_max_age(keys)
    patch_cache_control(
        response,
        public=True,
        max_age=min(settings.PAGE_CACHE_BROWSER_SECONDS, s_maxage),
        s_maxage=s_maxage,
        stale_while_revalidate=settings.PAGE_CACHE_STALE_SECONDS,
        stale_if_error=settings.PAGE_CACHE_STALE_IF_ERROR_SECONDS,
    )
    response[settings.PAGE_CACHE_SURROGATE_HEADER] = header_value(keys)


def make_private(response):
    """No shared cache may keep this answer; browsers revalidate it."""
    cache_control = response.get("Cache-Control", "").lower()
    if "public" in cache_control or "s-maxage" in cache_control:
        del response["Cache-Control"]
        cache_control = ""
    if "private" not in cache_control and "no-store" not in cache_control:
        patch_cache_control(response, private=True, no_cache=True)
    if response.has_header(settings.PAGE_CACHE_SURROGATE_HEADER):
        del response[settings.PAGE_CACHE_SURROGATE_HEADER]


def last_modified_header(timestamp):
    return http_date(timestamp)
