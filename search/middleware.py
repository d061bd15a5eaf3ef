"""The suggestions' rate limit: requests per client address per window, counted in the shared
cache (core.ratelimit, as the API's) and placed before the page cache, so that cached
answers count too: a search box asks once per keystroke, a scraper far more often."""

from django.conf import settings

from core.ratelimit import count_request, parse_rate, too_many_requests
from hkai_site.login_throttling import client_ip

# The endpoint's path without the language prefix (/search/suggest/, /zh-hant/search/suggest/).
SUGGEST_PATH_END = "/search/suggest/"


def suggest_rate_limit():
    """(requests, seconds) from settings.SEARCH_SUGGEST_RATE_LIMIT ("120/60"), or None when
    off ("0")."""
    return parse_rate(settings.SEARCH_SUGGEST_RATE_LIMIT)


class SuggestRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = suggest_rate_limit() if request.path_info.endswith(SUGGEST_PATH_END) else None
        if limit is None:
            return self.get_response(request)
        allowed, retry_after = count_request(f"suggest:{client_ip(request)}", *limit)
        if allowed:
            return self.get_response(request)
        return too_many_requests(retry_after)
