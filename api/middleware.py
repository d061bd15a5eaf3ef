"""The API's rate limit: requests per client address per window, counted in the shared cache
so that every app server counts the same requests, and placed before the page cache so that
cached answers count too."""

from django.conf import settings

from core.ratelimit import count_request, parse_rate, too_many_requests
from hkai_site.login_throttling import client_ip

API_PREFIX = "/api/"


def rate_limit():
    """(requests, seconds) from settings.API_RATE_LIMIT ("300/60"), or None when off ("0")."""
    return parse_rate(settings.API_RATE_LIMIT)


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = rate_limit() if request.path_info.startswith(API_PREFIX) else None
        if limit is None or request.method == "OPTIONS":
            return self.get_response(request)
        allowed, retry_after = count_request(f"api:{client_ip(request)}", *limit)
        if allowed:
            return self.get_response(request)
        return too_many_requests(retry_after)
