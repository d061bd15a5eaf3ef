"""How django-axes identifies a login attempt: the client's address and the username tried
(AXES_CLIENT_IP_CALLABLE and AXES_USERNAME_CALLABLE in settings)."""

import ipaddress

from django.conf import settings

# axes stores the username in a 255-character column: PostgreSQL refuses longer values (a 500).
USERNAME_MAX_LENGTH = 255


def client_ip(request):
    """REMOTE_ADDR; behind N trusted proxies, the address the outermost proxy saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    N proxies the client's address is the N-th entry from the right (the last proxy is
    REMOTE_ADDR itself). Entries further left were sent by the client and may be forged, so
    they are never used. A malformed or too-short header falls back to REMOTE_ADDR.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote_addr
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def attempted_username(request, credentials=None):
    """The username a login attempt used (as axes reads it), cut to what axes can store."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return username[:USERNAME_MAX_LENGTH] if isinstance(username, str) else username


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_TEMPLATE, HTTP 429) in the admin's frame with
    the newsroom's name: axes renders it without the admin site's context, so the page said
    "Django administration"."""
    from axes.helpers import get_cool_off, get_failure_limit
    from django.contrib import admin
    from django.shortcuts import render

    context = {
        **admin.site.each_context(request),
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": get_cool_off(request),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
