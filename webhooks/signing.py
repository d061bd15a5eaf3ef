"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret, sent
as `X-HKAI-Signature: t=<unix seconds>,v1=<hex digest>`. A receiver recomputes it over the raw
body, compares in constant time, and refuses a timestamp too far from its clock (a replayed
delivery). The README shows a receiver's check; `verify()` is that check in Python."""

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-HKAI-Signature"
DEFAULT_TOLERANCE = 300  # seconds either way


def new_secret():
    return secrets.token_urlsafe(32)


def signature(secret, timestamp, body):
    message = f"{int(timestamp)}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret, body, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret, body, header, tolerance=DEFAULT_TOLERANCE, now=None):
    """True when `header` signs `body` (bytes) with `secret` within `tolerance` seconds of now."""
    try:
        parts = dict(part.strip().split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))
