"""A per-person request budget for the writing screen's endpoints (preview, autosave), kept in
the shared cache so that every app server counts the same requests."""

from django.conf import settings

from core.ratelimit import count_request


def within_rate(scope, user):
    """Count this request of `user` in the current fixed window of `scope`; False when more
    requests came in it than settings.NEWSROOM_RATE_LIMITS[scope] = (requests, seconds)
    allows. A cache that is down allows the request: the endpoints are for logged-in staff,
    and writing must go on."""
    limit, window = settings.NEWSROOM_RATE_LIMITS[scope]
    allowed, _retry_after = count_request(f"newsroom:{scope}:{user.pk}", limit, window)
    return allowed
