"""
The page cache: whole public pages for anonymous readers, shared by every app server.

Why whole pages: a hit costs one cache round trip and no database query or template
rendering, whatever the page (bench/RESULTS.md has the numbers). Why a middleware rather
than per-view decorators: the views stay thin and the rules live in one place.

How every app server sees a change on its next request:
- Every stored page carries the content *generation* number it was rendered under; the
  current number lives in the shared cache (Redis when REDIS_URL is set). Saving or
  deleting any article, section, organisation, topic, author or tag link bumps it
  (articles/signals.py, after the transaction commits), so on every server the next
  lookup finds an older generation and misses. A hit is one MGET (page, generation,
  schedule) and no database query.
- Scheduled articles become public when their time passes, with no save to send a
  signal. The earliest future publication time is kept beside the generation; a page is
  cached no longer than until then, and the first request after it bumps the generation.
- Code that changes content without signals (QuerySet.update(), bulk_create, raw SQL, a
  deploy with new templates) must call `invalidate_page_cache()` (or run
  `manage.py invalidate_page_cache`).

What is never cached: anything but GET/HEAD; requests carrying a session cookie (staff
and anyone logged in see fresh pages); responses other than 200; responses that set a
cookie or that will get one (CSRF token used, session written); responses that vary on
Cookie themselves or opt out with Cache-Control private/no-cache/no-store/max-age=0
(`never_cache`); streaming responses; paths under PAGE_CACHE_EXCLUDED_PATHS (the admin).

With the local-memory cache (no REDIS_URL) the cache is per process: correct for one
process (runserver), not for several gunicorn workers; gunicorn.conf.py switches the page
and fragment caches off in that case.
"""
import contextvars
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
NEXT_SCHEDULED_KEY = "page-cache:next-scheduled"
PAGE_KEY_PREFIX = "page-cache:page"

# Response headers that belong to the page itself; the rest is added per request by the
# middlewares outside this one (security headers, Vary, cookies).
STORED_HEADERS = {
    "content-type", "content-language", "content-disposition", "link", "x-frame-options",
    "x-robots-tag", "x-content-type-options", "referrer-policy", "last-modified",
    # Added by django-csp, which sits inside this middleware: without storing it a hit would
    # go out with no Content-Security-Policy at all.
    "content-security-policy", "content-security-policy-report-only",
}
_UNCACHEABLE_CONTROL = ("private", "no-cache", "no-store", "max-age=0")


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


def invalidate_page_cache():
    """Make every app server's next request miss. Safe to call often (one INCR)."""
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no generation yet (first use, eviction, Redis restart)
            cache.add(GENERATION_KEY, _new_generation(), timeout=None)
    except Exception:  # the cache being down must not fail the editor's save
        logger.exception("Could not invalidate the page cache")


def next_scheduled_timestamp():
    """The earliest publication time still in the future (POSIX seconds), or None."""
    from .models import Article  # models import nothing from here; avoid a cycle anyway

    when = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return when.timestamp() if when else None


def content_state(values=None):
    """(generation, next scheduled publication) in one cache round trip (or from `values`,
    a get_many() result that fetched both keys). When the next scheduled time has passed,
    or was computed for an older generation, bump/recompute."""
    if values is None:
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
# first generation_cached call) serves every later generation_cached call; and values
# already fetched by this process for that generation are reused without a round trip
# (LOCAL_VALUES, small and bounded). Outside a request (commands, shells) every call reads
# the shared cache.
_request_state = contextvars.ContextVar("hkai_content_state", default=None)
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
            values = cache.get_many([GENERATION_KEY, NEXT_SCHEDULED_KEY, key])
            generation, next_publication = content_state(values)
            stored = values.get(key)
            if request_state is not None:
                request_state["state"] = (generation, next_publication)
    except Exception:
        logger.exception("Cache unavailable; computing %s", name)
        return compute()
    if stored is not None and stored[0] == generation:
        if request_state is not None:
            _remember_locally(key, generation, stored[1])
        return stored[1]
    value = compute()
    try:
        cache.set(key, (generation, value), timeout_until(next_publication, timeout))
    except Exception:
        logger.exception("Could not cache %s", name)
    return value


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
            values = cache.get_many([GENERATION_KEY, NEXT_SCHEDULED_KEY, key])
            generation, next_publication = content_state(values)
        except Exception:
            logger.exception("Page cache unavailable; serving uncached")
            return self.get_response(request)
        _request_state.get()["state"] = (generation, next_publication)

        stored = values.get(key)
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
