"""The client's IP address, for login throttling (django-axes' AXES_CLIENT_IP_CALLABLE)."""
import ipaddress

from django.conf import settings


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
