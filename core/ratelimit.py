"""A fixed-window request counter in the shared cache: every app server counts the same
requests (Redis with REDIS_URL). The newsroom's writing endpoints and the public API use it."""

import time

from django.core.cache import cache
from django.http import JsonResponse
from django.utils.translation import gettext as _


def count_request(name, limit, window):
    """Count one request under `name` in the current window of `window` seconds. Returns
    (allowed, seconds until the window ends). A cache that is down allows the request."""
    now = time.time()
    start = int(now // window) * window
    retry_after = max(1, int(start + window - now + 0.999))
    key = f"rate:{name}:{start}"
    try:
        if hasattr(cache, "count"):  # Redis (hkai_site/cache_backends.py): one round trip
            count = cache.count(key, window + 1)
            return count is None or count <= limit, retry_after
        if cache.add(key, 1, timeout=window + 1):
            return True, retry_after
        return cache.incr(key) <= limit, retry_after
    except Exception:
        return True, retry_after


def parse_rate(value):
    """(requests, seconds) from a setting written "requests/seconds" ("300/60"; "300" is per
    minute), or None when it is "0" or empty: the limit is off."""
    value = str(value or "0")
    if value == "0":
        return None
    requests, _, seconds = value.partition("/")
    return int(requests), int(seconds or 60)


def too_many_requests(retry_after):
    """The 429 a rate-limited JSON endpoint answers: the wait in words and in Retry-After,
    never stored by a shared cache."""
    response = JsonResponse(
        {"detail": _("Too many requests: try again in %(seconds)d seconds.") % {"seconds": retry_after}},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-cache"
    return response
