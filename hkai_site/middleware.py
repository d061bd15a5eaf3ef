"""Project-wide request guards."""

from django.core.exceptions import BadRequest
from django.middleware.security import SecurityMiddleware
from django.utils.cache import patch_vary_headers


class SecurityHeadersMiddleware(SecurityMiddleware):
    """The headers of Django's SecurityMiddleware (nosniff, Referrer-Policy, COOP, HSTS on
    HTTPS) without its HTTPS redirect, for the top of MIDDLEWARE.

    A middleware's response headers only reach responses made inside it. A 400 for a bad
    Host or a NUL in the address is made by whichever middleware first reads them, and
    an error raised by a middleware's own request step skips its response step; so the
    middlewares that only add headers sit outermost, where nothing can answer before them.
    The real SecurityMiddleware stays below the health check, which must answer before the
    redirect (hkai_site/health.py)."""

    def process_request(self, request):
        return None


class RejectNullCharactersMiddleware:
    """Answer 400 to a NUL character in the path or the query string.

    No real URL contains one, and PostgreSQL cannot store or compare text with NUL in it: a
    view passing such a value to a query would fail with a 500. Form fields already refuse
    NUL (Django's ProhibitNullCharactersValidator), so request bodies are left to them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the address.")
        return self.get_response(request)


class StalePageOnDatabaseErrorMiddleware:
    """While the database cannot be reached, serve a reader the page cache's last copy of
    the page, even of an older content generation, rather than the 503 (hkai_site/errors.py).

    The page cache only serves pages of the current generation, so one save just before
    PostgreSQL went down would turn every cached page into a 503. A slightly stale page is
    better than none. Sits right above PageCacheMiddleware and reads the same key; the page
    goes out with X-Cache: STALE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 503 or not getattr(response, "database_unavailable", False):
            return response
        from django.core.cache import cache

        from pagecache.middleware import PageCacheMiddleware, page_key

        if not PageCacheMiddleware.applies_to(request):
            return response
        try:
            stored = cache.get(page_key(request))
        except Exception:
            return response
        if stored is None:
            return response
        stale = PageCacheMiddleware.rebuild(stored)
        stale["X-Cache"] = "STALE"
        stale["Cache-Control"] = "no-store"
        patch_vary_headers(stale, ("Cookie",))
        return stale
