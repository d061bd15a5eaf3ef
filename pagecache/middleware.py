"""Whole pages for anonymous readers, from the shared cache: see the package docstring for
what is never cached and how every server sees a change."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from .generation import request_state as _request_state
from .generation import state_and_value, timeout_until

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
    "last-modified",
    # Added by django-csp, which sits inside this middleware: without storing it a hit would
    # go out with no Content-Security-Policy at all.
    "content-security-policy",
    "content-security-policy-report-only",
}
_UNCACHEABLE_CONTROL = ("private", "no-cache", "no-store", "max-age=0")


def page_key(request):
    # The query string is part of the key (?page=2 is another page); the host and scheme
    # too, because pages and feeds contain absolute URLs. The generation is not: it is
    # stored in the value, so that one MGET fetches page, generation and schedule (a hit
    # is one round trip), and a new generation overwrites the old page instead of leaving
    # it to expire.
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"{PAGE_KEY_PREFIX}:{hashlib.sha256(url.encode()).hexdigest()}"


class PageCacheMiddleware:
    """Serve anonymous readers' pages from the shared cache. See the module docstring.

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
        if not self.applies_to(request):
            return self.get_response(request)
        key = page_key(request)  # outside the try: a bad Host must answer 400, as usual
        try:
            generation, next_publication, stored = state_and_value(key)
        except Exception:
            logger.exception("Page cache unavailable; serving uncached")
            return self.get_response(request)
        if stored is not None and stored[0] == generation:
            response = self.rebuild(stored)
            response["X-Cache"] = "HIT"
            patch_vary_headers(response, ("Cookie",))
            return response

        response = self.get_response(request)
        if request.method == "GET" and self.storable(request, response):
            # Never past the moment a scheduled article must appear.
            timeout = timeout_until(next_publication, settings.PAGE_CACHE_SECONDS)
            try:
                cache.set(key, self.freeze(generation, response), timeout)
            except Exception:
                logger.exception("Could not store a page in the page cache")
            response["X-Cache"] = "MISS"
            # Pages differ for readers with a session (staff previews): tell other caches.
            patch_vary_headers(response, ("Cookie",))
        return response

    @staticmethod
    def applies_to(request):
        if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return False  # logged in (or was): always fresh pages, never someone else's
        if any(request.path.startswith(p) for p in settings.PAGE_CACHE_EXCLUDED_PATHS):
            return False
        # Other authentication schemes (e.g. REMOTE_USER) set a user without a session
        # cookie. Only read request.user if such a middleware resolved it already:
        # evaluating the lazy user would touch the session on every anonymous request.
        user = getattr(request, "_cached_user", None)
        return not (user is not None and user.is_authenticated)

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
    def freeze(generation, response):
        headers = [(k, v) for k, v in response.items() if k.lower() in STORED_HEADERS]
        return (generation, response.status_code, headers, response.content)

    @staticmethod
    def rebuild(stored):
        _generation, status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
