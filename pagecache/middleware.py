"""Whole pages for anonymous readers, from the shared cache: see the package docstring for
what is never cached and how every server sees a change."""

import hashlib
import logging
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers

from . import surrogate
from .fragments import acquire, release, store_and_release, wait_for
from .generation import request_state as _request_state
from .generation import state_and_value, versions_match, versions_to_record

logger = logging.getLogger(__name__)

PAGE_KEY_PREFIX = "page-cache:page"

# Response headers that belong to the page itself; the rest is added per request by the
# middlewares outside this one (security headers, Vary, cookies).
STORED_HEADERS = {
    "content-type",
    "content-language",
    "content-disposition",
    "link",
    "x-frame-options",
    "x-robots-tag",
    "x-content-type-options",
    "referrer-policy",
    # Added by django-csp, which sits inside this middleware: without storing it a hit would
    # go out with no Content-Security-Policy at all.
    "content-security-policy",
    "content-security-policy-report-only",
}
_UNCACHEABLE_CONTROL = ("private", "no-cache", "no-store", "max-age=0")


def page_key(request):
    # The query string is part of the key (?page=2 is another page); the host and scheme
    # too, because pages and feeds contain absolute URLs. The path is the one the URL
    # resolver matched under the site's own script prefix (applies_to() refuses any other
    # SCRIPT_NAME), so a forged prefix cannot store a page under an address. The versions
    # of the page's surrogate keys are not part of the key: they are stored in the value
    # (a hit is two round trips: page and schedule, then the versions), and a page built
    # again overwrites the old one instead of leaving it to expire.
    query = request.META.get("QUERY_STRING", "")
    url = f"{request.scheme}://{request.get_host()}{request.path}{'?' + query if query else ''}"
    return f"{PAGE_KEY_PREFIX}:{hashlib.sha256(url.encode()).hexdigest()}"


class PageCacheMiddleware:
    """Serve anonymous readers' pages from the shared cache, and give every answer its HTTP
    caching headers (surrogate.py): public with surrogate keys, an ETag and Last-Modified
    for what may be shared, "private, no-cache" for everything else. A conditional request
    whose validator still matches gets a 304 without the page being rendered (from the
    cache) or sent (after rendering). See the module docstring.

    Place it right after AuthenticationMiddleware: late enough that the outer middlewares
    (security headers, sessions, CSRF) still run on every hit, and early enough that the
    response it stores already went through the inner ones (messages, clickjacking).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # One content state per request for generation_cached (see _request_state).
        token = _request_state.set({})
        try:
            return self.respond(request)
        finally:
            _request_state.reset(token)

    def respond(self, request):
        if any(request.path_info.startswith(p) for p in settings.PAGE_CACHE_PASSTHROUGH_PATHS):
            return self.get_response(request)  # answers that set their own caching (media)
        if not self.shareable_request(request):
            response = self.get_response(request)
            surrogate.make_private(response)
            return response
        if not settings.PAGE_CACHE_ENABLED:
            return self.render(request, None, None, None)
        key = page_key(request)  # outside the try: a bad Host must answer 400, as usual
        try:
            generation, next_publication, stored = state_and_value(key)
        except Exception:
            logger.exception("Page cache unavailable; serving uncached")
            return self.render(request, None, None, None)
        if stored is not None and (len(stored) != 7 or not isinstance(stored[0], dict)):
            stored = None  # stored by an earlier release: render afresh
        try:
            fresh = stored is not None and versions_match(stored[0])
        except Exception:
            logger.exception("Page cache unavailable; serving uncached")
            return self.render(request, None, None, None)
        if fresh:
            return self.hit(request, stored)
        # Single flight: one worker renders a missing page, the others wait for it.
        if request.method == "GET" and not acquire(key):
            fresh = wait_for(key, self.is_fresh)
            if fresh is not None:
                return self.hit(request, fresh)
        return self.render(
            request, key, (generation, next_publication), stored, locked=request.method == "GET"
        )

    @staticmethod
    def is_fresh(stored):
        return len(stored) == 7 and versions_match(stored[0])

    def hit(self, request, stored):
        _versions, _status, headers, content, keys, etag, last_modified = stored
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        response = not_modified if not_modified is not None else self.rebuild(stored)
        if not_modified is not None:
            response["ETag"] = etag
            response["Last-Modified"] = surrogate.last_modified_header(last_modified)
        surrogate.make_public(response, keys)
        response["X-Cache"] = "HIT"
        patch_vary_headers(response, ("Cookie",))
        return response

    def render(self, request, key, state, previous, locked=False):
        """The response, stored at `key` (None: not stored) when it may be shared. `locked`:
        this request holds the lock to render it, released with the store (one round trip)
        or without one."""
        try:
            response, page = self.render_page(request, key, state, previous)
        except BaseException:
            if locked:
                release(key)
            raise
        if key is not None:
            store_and_release(key, page, settings.PAGE_CACHE_SECONDS, locked=locked)
        return response

    def render_page(self, request, key, state, previous):
        """(the response, the page to store or None)."""
        token, collected = surrogate.collecting()
        try:
            response = self.get_response(request)
        finally:
            surrogate.stop_collecting(token)
        if request.method != "GET" or not self.storable(request, response):
            surrogate.make_private(response)
            return response, None
        page = None
        keys = surrogate.page_keys(collected)
        etag = surrogate.make_etag(response.content)
        # The same page as the one stored before keeps its Last-Modified: a browser's
        # If-Modified-Since still matches after a change that did not touch this page.
        last_modified = previous[6] if previous is not None and previous[5] == etag else int(time.time())
        response["ETag"] = etag
        response["Last-Modified"] = surrogate.last_modified_header(last_modified)
        surrogate.make_public(response, keys)
        if key is not None:
            generation, _next_publication = state
            # A scheduled article's time coming bumps the keys of the pages it enters
            # (generation.content_state): no page needs to expire at it.
            try:
                versions = versions_to_record(keys, generation)
                if versions is not None:
                    page = self.freeze(versions, response, keys, etag, last_modified)
            except Exception:
                logger.exception("Could not store a page in the page cache")
            response["X-Cache"] = "MISS"
            # Pages differ for readers with a session (staff previews): tell other caches.
            patch_vary_headers(response, ("Cookie",))
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
        if not_modified is not response:
            for name in ("X-Cache", settings.PAGE_CACHE_SURROGATE_HEADER):
                if response.has_header(name):
                    not_modified[name] = response[name]
            return not_modified, page
        return response, page

    @staticmethod
    def shareable_request(request):
        """May the answer to this request be the same for every reader (and so be shared)?"""
        if request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return False  # logged in (or was): always fresh pages, never someone else's
        if any(request.path_info.startswith(p) for p in settings.PAGE_CACHE_EXCLUDED_PATHS):
            return False
        if settings.FORCE_SCRIPT_NAME is None and request.META.get("SCRIPT_NAME", "").rstrip("/"):
            # Links would be rewritten under a prefix the site may not be mounted under (a
            # forged header): never share that answer. Mounted under a prefix, set
            # FORCE_SCRIPT_NAME (Django then ignores the header).
            return False
        # Other authentication schemes (e.g. REMOTE_USER) set a user without a session
        # cookie. Only read request.user if such a middleware resolved it already:
        # evaluating the lazy user would touch the session on every anonymous request.
        user = getattr(request, "_cached_user", None)
        return not (user is not None and user.is_authenticated)

    # Kept for callers of the earlier name.
    applies_to = shareable_request

    @staticmethod
    def storable(request, response):
        if response.status_code != 200 or response.streaming or response.has_header("Content-Encoding"):
            return False
        if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False  # a cookie set for one reader must never be served to another
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return False  # SessionMiddleware (outside) is about to set a cookie
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in _UNCACHEABLE_CONTROL):
            return False
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        return not vary - {"accept-encoding"}  # varies on Cookie (or more): not one page

    @staticmethod
    def freeze(versions, response, keys, etag, last_modified):
        headers = [(k, v) for k, v in response.items() if k.lower() in STORED_HEADERS]
        return (versions, response.status_code, headers, response.content, keys, etag, last_modified)

    @staticmethod
    def rebuild(stored):
        _versions, status, headers, content, _keys, etag, last_modified = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["ETag"] = etag
        response["Last-Modified"] = surrogate.last_modified_header(last_modified)
        return response
